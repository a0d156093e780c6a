"""Compiled rules: immutable, picklable data the engine runs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import regex


SHORT_LINE = 200  # whole-line words and literals are at most this long (labels are short)


class RuleError(ValueError):
    """A rule file is invalid. The message is one line naming file, rule id, key, value and what is allowed."""


class RuleTimeout(RuntimeError):
    """A rule's regex exceeded its time budget on a document."""

    def __init__(self, rule_id: str, source: str, line: int, seconds: float):
        super().__init__(f"rule '{rule_id}' ({source}) exceeded its {seconds:g}s regex budget on line {line}")
        self.rule_id = rule_id
        self.line = line


@dataclass(frozen=True, slots=True)
class Matcher:
    """What a line must look like: a regex (searched) or whole-line literals/word-list entries."""

    pattern: regex.Pattern | None = None
    words: frozenset[str] = frozenset()  # casefolded whole lines
    max_chars: int | None = None
    min_chars: int = 0
    contains: tuple[str, ...] = ()  # cheap pre-test for the regex: one of these must occur in the line
    anchored: bool = False  # every branch of the regex starts with ^: match() instead of search()
    prefixes: tuple[str, ...] = ()  # derived pre-test: the regex starts with a word list
    suffixes: tuple[str, ...] = ()  # derived pre-test: the regex ends with a word list
    timed: bool = True  # run under the time budget (patterns that can backtrack badly)
    longest_word: int = 0  # the longest of `words`: a longer line cannot be one of them

    def match(self, line: str, timeout: float | None):
        """A match object, True for a literal hit, or None. May raise TimeoutError."""
        n = len(line)
        if n < self.min_chars or (self.max_chars is not None and n > self.max_chars):
            return None
        if self.words and n <= self.longest_word and line.casefold() in self.words:
            return True
        pattern = self.pattern
        if pattern is None:
            return None
        # The regex behind its cheap pre-tests.
        if self.contains:
            for c in self.contains:
                if c in line:
                    break
            else:
                return None
        if self.prefixes and not line.startswith(self.prefixes):
            return None
        if self.suffixes and not line.endswith(self.suffixes):
            return None
        if not self.timed or timeout is None:  # the timeout keyword alone doubles the cost of a call
            return pattern.match(line) if self.anchored else pattern.search(line)
        if self.anchored:
            return pattern.match(line, timeout=timeout)
        return pattern.search(line, timeout=timeout)


@dataclass(frozen=True, slots=True)
class Example:
    input: str
    output: str
    title: str | None = None
    metadata: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Followers:
    """Lines after a block marker that belong to the block: at most `max_lines`, each fitting the limits."""

    max_lines: int = 1
    max_chars: int | None = None
    match: Matcher | None = None


@dataclass(frozen=True, slots=True, eq=False)  # identity: the engine keys per-document records by rule
class Rule:
    id: str
    description: str
    action: str
    match: Matcher
    source: str
    head: int | None = None
    tail: int | None = None
    requires: frozenset[str] = frozenset()
    followers: Followers | None = None
    guard_max_line_chars: int | None = None
    guard_min_chars_before: int | None = None  # cut-tail: at least this much kept text before the marker
    keep: bool = False
    replace: str | None = None
    date_order: str = "dmy"
    examples: tuple[Example, ...] = ()

    # Whether the rule's effect on a line depends on other lines (region, requires, guard); derived.
    positional: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "positional", self.head is not None or self.tail is not None
                           or bool(self.requires) or self.guard_max_line_chars is not None
                           or self.guard_min_chars_before is not None)


class Signature(NamedTuple):
    """A regex that identifies a site's documents by their content; `timed` as for Matcher."""

    pattern: regex.Pattern
    timed: bool
    contains: tuple[str, ...] = ()  # cheap pre-test: one of these must occur in the text

    def search(self, text: str, timeout: float | None):
        if self.contains and not any(c in text for c in self.contains):
            return None
        if self.timed and timeout is not None:
            return self.pattern.search(text, timeout=timeout)
        return self.pattern.search(text)


@dataclass(frozen=True, slots=True)
class Recognition:
    """How a site is recognised from its own rules (see core/sites.py): a document belongs to the site when
    the weights of the distinct rules that would fire on it add up to `min_score`. A rule's weight is
    `weights[id]`, else 1, else 0 for a rule with `requires` or without a cheap pre-test."""

    min_score: float = 3.0
    weights: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one site (or the generic set), in the order they run."""

    name: str  # the site, or "generic"
    source: str
    description: str
    rules: tuple[Rule, ...]
    domains: tuple[str, ...] = ()
    signatures: tuple[Signature, ...] = ()
    html: dict[str, tuple[str, ...]] | None = None
    wordlists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    recognition: Recognition = field(default_factory=Recognition)

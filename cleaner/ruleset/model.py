"""Compiled rules: immutable, picklable data the engine runs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import regex

from cleaner.core.engine import RuleTimeout
from cleaner.ruleset.shapes import LazyPattern, LineShape
from cleaner.ruleset.vocabulary import Action, Followers

__all__ = ["Example", "Followers", "Layout", "Matcher", "Rule", "RuleError", "RuleSet", "RuleTimeout", "Signature"]

SHORT_LINE = 200  # whole-line words and literals are at most this long (labels are short)


class RuleError(ValueError):
    """A rule file is invalid. The message is one line naming file, rule id, key, value and what is allowed."""


@dataclass(frozen=True, slots=True)
class Matcher:
    """What a line must look like: a regex (searched) or whole-line literals/word-list entries."""

    pattern: regex.Pattern | LazyPattern | None = None
    words: frozenset[str] = frozenset()  # casefolded whole lines
    max_chars: int | None = None
    min_chars: int = 0
    contains: tuple[str, ...] = ()  # cheap pre-test for the regex: one of these must occur in the line
    anchored: bool = False  # every branch of the regex starts with ^: match() instead of search()
    prefixes: tuple[str, ...] = ()  # derived pre-test: the regex starts with a word list
    suffixes: tuple[str, ...] = ()  # derived pre-test: the regex ends with a word list
    timed: bool = True  # run under the time budget (patterns that can backtrack badly)
    longest_word: int = 0  # the longest of `words`: a longer line cannot be one of them
    shape: LineShape | None = None  # the regex is a line shape: matched by its keys, never compiled
    find: object = field(init=False, repr=False)  # shape.match, pattern.match where anchored, else search

    def __post_init__(self):
        pattern = self.pattern
        object.__setattr__(self, "find", self.shape.match if self.shape is not None else None if pattern is None
                           else pattern.match if self.anchored else pattern.search)

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
            return self.find(line)
        return self.find(line, timeout=timeout)


@dataclass(frozen=True, slots=True)
class Example:
    """Input -> output (a `pass` example: the output is the input), the fields expected, and a name."""

    input: str
    output: str
    title: str | None = None
    metadata: dict[str, str] | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True, eq=False)  # identity: the engine keys per-document records by rule
class Rule:
    """One compiled rule: `action` names what it does, `effect` does it (a vocabulary.Action)."""

    id: str
    description: str
    action: str
    match: Matcher
    source: str
    effect: Action
    head: int | None = None
    tail: int | None = None
    requires: frozenset[str] = frozenset()
    examples: tuple[Example, ...] = ()

    # Whether the rule's effect on a line depends on other lines (region, requires, guard); derived.
    positional: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "positional", self.head is not None or self.tail is not None
                           or bool(self.requires) or self.effect.positional)


class Signature(NamedTuple):
    """A regex that identifies a site's documents by their content; `timed` as for Matcher."""

    pattern: regex.Pattern | LazyPattern
    timed: bool
    contains: tuple[str, ...] = ()  # cheap pre-test: one of these must occur in the text

    def search(self, text: str, timeout: float | None):
        if self.contains and not any(c in text for c in self.contains):
            return None
        if self.timed and timeout is not None:
            return self.pattern.search(text, timeout=timeout)
        return self.pattern.search(text)


MIN_SCORE = 3.0  # the default `recognition.min_score`


@dataclass(frozen=True, slots=True)
class Recognition:
    """How a site is recognised from its own rules (see core/sites.py): a document belongs to the site when
    the weights of the distinct rules that would fire on it add up to `min_score`. A rule's weight is
    `weights[id]`, else 0 for a rule with `requires` or without a cheap pre-test, else 1."""

    min_score: float = MIN_SCORE
    weights: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Layout:
    """A site's layout valid between two dates (ISO, inclusive; None: open): its own rules run before the
    file's shared rules."""

    name: str
    rules: tuple[Rule, ...]
    valid_from: str | None = None
    valid_until: str | None = None

    def valid_on(self, date: str) -> bool:
        return (self.valid_from is None or self.valid_from <= date) and \
            (self.valid_until is None or date <= self.valid_until)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one site (or the generic set), in the order they run; with layouts, the chosen
    layout's own rules run first, then `rules` (the shared ones)."""

    name: str  # the site, or "generic"
    source: str
    description: str
    rules: tuple[Rule, ...]
    domains: tuple[str, ...] = ()
    signatures: tuple[Signature, ...] = ()
    html: dict[str, tuple[str, ...]] | None = None
    layouts: tuple[Layout, ...] = ()
    recognition: Recognition = field(default_factory=Recognition)
    article_finder: bool = False  # the article finder runs after these rules (a learned file's choice)

    def all_rules(self) -> tuple[Rule, ...]:
        """Every rule of the file: each layout's own, then the shared ones."""
        return (*(r for layout in self.layouts for r in layout.rules), *self.rules)

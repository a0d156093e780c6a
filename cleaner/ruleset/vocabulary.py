"""The rule vocabulary in one file: every action and every match key a rule file may use.

Each action is a small class: its YAML keys (`Key`: schema, default, one-line doc), its load-time checks
(`check`), what it compiles to (`build`), its trace names, its docstring in What / Why / Example form, and
`apply(rule, doc, lines)`: what it does to the lines of a document. The JSON Schema (`schema.py`), the
load errors, the trace names and the docs table (`cleaner rules docs`, the README) are generated from here.

Adding an action: a class here with `@action`, its test in `tests/test_vocabulary.py`, and the README table
regenerated (`cleaner rules docs`); the schema, the loader, the engines and the CLI need no change.
"""
from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from cleaner.core.dates import to_iso_date
from cleaner.core.engine import Document, RuleTimeout
from cleaner.core.result import TraceEntry

FIELDS = ("title", "author", "publisher", "date", "source_url")
DATE_ORDERS = ("dmy", "mdy", "ymd")

POSINT: dict = {"type": "integer", "minimum": 1}
STRINGS: dict = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}


@dataclass(frozen=True)
class Key:
    """One YAML key: its JSON Schema, its default when absent, and what it means (one line)."""

    name: str
    schema: dict
    doc: str
    default: Any = None
    required: bool = False


# Keys of `match` (and of `followers.match`): what a line must look like.
MATCH_KEYS = (
    Key("regex", {"type": "string", "minLength": 1},
        "searched in the line; `{{list}}` expands a word list into an alternation"),
    Key("literal", STRINGS, "whole lines, case-insensitive (at most 200 characters each)"),
    Key("words", {"anyOf": [{"type": "string", "minLength": 1}, STRINGS]},
        "one or more word lists: the whole line is one of their entries, case-insensitive"),
    Key("contains", STRINGS, "cheap pre-test for the regex: one of these must occur in the line"),
    Key("max_chars", POSINT, "longer lines never match"),
    Key("min_chars", {"type": "integer", "minimum": 0}, "shorter lines never match", 0),
)
MATCH_NEEDS_ONE = ("regex", "literal", "words")  # a match needs at least one of these
MATCH: dict = {"type": "object", "additionalProperties": False,
               "properties": {k.name: k.schema for k in MATCH_KEYS},
               "anyOf": [{"required": [k]} for k in MATCH_NEEDS_ONE]}

# An example: input -> output, or `pass: true` for an input the rule set must leave unchanged.
EXAMPLE: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["input"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "input": {"type": "string"},
        "output": {"type": "string"},
        "pass": {"const": True},
        "title": {"type": ["string", "null"]},
        "metadata": {"type": "object", "propertyNames": {"enum": list(FIELDS[1:])},
                     "additionalProperties": {"type": "string"}},
    },
    "oneOf": [{"required": ["output"]}, {"required": ["pass"]}],
}


class Action:
    """Base of the actions. A subclass sets `name`, `keys`, `traces` and a What / Why / Example docstring,
    and implements `apply`; its instances carry one rule's compiled options (see `build`)."""

    name: ClassVar[str]
    keys: ClassVar[tuple[Key, ...]] = ()  # the rule keys only this action takes
    traces: ClassVar[tuple[str, ...]] = ()  # the `action` names of its trace entries
    removes: ClassVar[tuple[str, ...]] = ()  # those of them that remove the line
    needs_regex: ClassVar[bool] = False  # `match.regex` is required
    positional: bool = False  # its effect on a line depends on other lines (see Rule.positional)
    keeps_firing_line: bool = False  # it may fire and leave its line in place (so `requires` may see it)
    first_only: bool = False  # it acts on its first match only: lines after it were not tested

    @classmethod
    def check(cls, rule: dict, fail: Callable[[str, str], Exception]) -> None:
        """Load-time checks beyond the schema; `fail(key, message)` makes the error to raise."""
        for key in cls.keys:
            if key.required and key.name not in rule:
                raise fail(key.name, f"action {cls.name!r} needs key {key.name!r}")
        if cls.needs_regex and "regex" not in rule["match"]:
            raise fail("match.regex", f"action {cls.name!r} needs key 'match.regex'")

    @classmethod
    def build(cls, rule: dict, match, fail: Callable[[str, str], Exception], matcher) -> Action:
        """The compiled action of one rule; `matcher(key, spec)` compiles a nested match."""
        return cls()

    def apply(self, rule, doc: Document, lines: Sequence[int]) -> None:
        """Do the action on the lines among `lines` (live line indices) that the rule matches."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


REGISTRY: dict[str, type[Action]] = {}


def action(cls: type[Action]) -> type[Action]:
    """Register an action class under its name (the order here is the order of the docs)."""
    REGISTRY[cls.name] = cls
    return cls


@action
class Drop(Action):
    """What: removes each matching line; with `side`, only where it lies before (`before-text`) or
    after (`after-text`) the first article-sized line of the document (wider than 80 characters).

    Why: most chrome is one line: a site header, a "Source:" line, a photo credit. A site's headline
    repeated in a "recent posts" sidebar is chrome after the text, but the title of its own page
    above it: `side: after-text` drops the one and keeps the other.

    Example:
        - id: advertisement-label
          description: Drops the "Advertisement" label.
          action: drop
          match: {literal: [Advertisement]}
          example: {input: "Text.\\nAdvertisement\\n", output: "Text.\\n"}
        - id: recent-headlines
          description: Drops the site's headlines listed after the text, never the title above it.
          action: drop
          match: {literal: [Storm closes the harbour]}
          side: after-text
          example: {input: "Storm closes the harbour\\nThe harbour closed on Monday as the storm reached the
                    coast, and the ferries stayed in port.\\nStorm closes the harbour\\n",
                    output: "Storm closes the harbour\\nThe harbour closed on Monday as the storm reached the
                    coast, and the ferries stayed in port.\\n"}
    """

    name = "drop"
    keys = (Key("side", {"enum": ["before-text", "after-text"]},
                "only where the line lies before (`before-text`) or after (`after-text`) the first "
                "article-sized line (wider than 80 characters, East Asian wide characters counted twice)"),)
    traces = removes = ("drop",)

    def __init__(self, side: str | None = None):
        self.side = side

    @property
    def positional(self) -> bool:
        return self.side is not None

    @classmethod
    def build(cls, rule, match, fail, matcher):
        return cls(rule.get("side"))

    def apply(self, rule, doc: Document, lines: Sequence[int]) -> None:
        first = -1
        if self.side is not None:
            first = next((j for j in doc.live() if line_width(doc.lines[j]) > ARTICLE_LINE), len(doc.lines))
        for i, _ in doc.matches(rule, lines):
            if self.side is not None and (i < first) != (self.side == "before-text"):
                continue  # on the other side of the text (the first article-sized line itself is neither)
            if self.side == "after-text" and i == first:
                continue
            doc.kill(i, rule.id, "drop")
            doc.fired.add(rule.id)


@dataclass(frozen=True, slots=True)
class Followers:
    """Lines after a block marker that belong to the block: at most `max_lines`, each fitting the limits."""

    max_lines: int = 1
    max_chars: int | None = None
    match: Any = None


@action
class DropBlock(Action):
    """What: removes a marker line and the lines after it that fit `followers`, up to the first that does not.

    Why: a caption label, a "Related" heading or a menu title is followed by a few short items that
    cannot be recognised on their own.

    Example:
        id: menu-block
        description: Drops a menu label and up to two short items after it.
        action: drop-block
        match: {literal: [Menu]}
        followers: {max_lines: 2, max_chars: 20}
        example: {input: "Menu\\nSports\\nWeather\\nA long article sentence.\\n",
                  output: "A long article sentence.\\n"}
    """

    name = "drop-block"
    keys = (Key("followers", {"type": "object", "additionalProperties": False,
                              "properties": {"max_lines": POSINT, "max_chars": POSINT, "match": MATCH}},
                "the block's lines after the marker: at most `max_lines` (default 1), each at most "
                "`max_chars` long and fitting `match`; the first that does not ends the block"),)
    traces = removes = ("drop",)

    def __init__(self, followers: Followers = Followers()):
        self.followers = followers

    @classmethod
    def build(cls, rule, match, fail, matcher):
        f = rule.get("followers", {})
        return cls(Followers(f.get("max_lines", 1), f.get("max_chars"),
                             matcher("followers.match", f["match"]) if "match" in f else None))

    def apply(self, rule, doc: Document, lines: Sequence[int]) -> None:
        f = self.followers
        for i, _ in doc.matches(rule, lines):
            live = doc.live()
            after = live[live.index(i) + 1:]
            doc.kill(i, rule.id, "drop")
            doc.fired.add(rule.id)
            for j in after[: f.max_lines]:
                line = doc.lines[j]
                if f.max_chars is not None and len(line) > f.max_chars:
                    break
                if f.match is not None and not f.match.match(line, doc.timeout):
                    break
                doc.kill(j, rule.id, "drop")


# One `guard` key for both cuts (a key has one schema); each cut allows its own guards (`_check_guard`).
GUARD = {"type": "object", "additionalProperties": False, "minProperties": 1,
         "properties": {"max_line_chars": POSINT, "min_chars_before": POSINT, "max_chars_before": POSINT}}


def _check_guard(cls, rule: dict, fail, allowed: tuple[str, ...]) -> None:
    """A rule's `guard` holds only the guards its action has."""
    for key, value in rule.get("guard", {}).items():
        if key not in allowed:
            raise fail(f"guard.{key}", f"key 'guard.{key}' (value {value!r}): action {cls.name!r} has no such guard; "
                                       f"allowed: {', '.join(allowed)}")


@action
class CutTail(Action):
    """What: removes the first matching line and every line after it.

    Why: comment counters, "Related articles" and footers end the article; everything below is chrome.

    Example:
        id: comment-counter
        description: Cuts from the comment counter to the end, unless article-length text follows.
        action: cut-tail
        match: {regex: '^Comments \\(\\d+\\)$'}
        guard: {max_line_chars: 200}
        example: {input: "Text.\\nComments (3)\\nMore news\\n", output: "Text.\\n"}
    """

    name = "cut-tail"
    keys = (Key("guard", GUARD,
                "`max_line_chars`: do not cut at a marker followed by a longer (article-sized) line; "
                "`min_chars_before`: nor at one with less article text before it (lines over 80 characters, "
                "East Asian wide characters counted twice); the next matching line is tried"),)
    traces = removes = ("cut",)

    @classmethod
    def check(cls, rule, fail) -> None:
        super().check(rule, fail)
        _check_guard(cls, rule, fail, ("max_line_chars", "min_chars_before"))

    def __init__(self, guard: int | None = None, min_before: int | None = None):
        self.guard = guard
        self.min_before = min_before

    @property
    def guarded(self) -> bool:
        """Whether it has a guard (`max_line_chars`, `min_chars_before`)."""
        return self.guard is not None or self.min_before is not None

    @property
    def positional(self) -> bool:
        return self.guarded

    @classmethod
    def build(cls, rule, match, fail, matcher):
        guard = rule.get("guard", {})
        return cls(guard.get("max_line_chars"), guard.get("min_chars_before"))

    def guard_keeps(self, texts: Sequence[str], before: Sequence[int], after: Sequence[int]) -> bool:
        """Whether the guard keeps a marker whose live lines before and after it are `texts[j]` for j in
        `before` and `after`: an article-sized line follows (`max_line_chars`: this is not the end of the
        article), or too little article text lies before it (`min_chars_before`: the marker is in the page
        head, not after the article)."""
        limit, least = self.guard, self.min_before
        if limit is not None and any(len(texts[j]) > limit for j in after):
            return True
        return least is not None and article_text(texts, before) < least

    def apply(self, rule, doc: Document, lines: Sequence[int]) -> None:
        guarded = self.guarded
        for i, _ in doc.matches(rule, lines):
            live = doc.live()
            at = live.index(i)
            rest = live[at:]
            if guarded and self.guard_keeps(doc.lines, live[:at], rest[1:]):
                doc.guarded.append(i)
                continue  # the next matching line is tried
            for j in rest:
                doc.kill(j, rule.id, "cut")
            doc.fired.add(rule.id)
            return


ARTICLE_LINE = 80  # a line wider than this is article-sized (cut-tail's `min_chars_before` counts them)
# East Asian wide characters (CJK, kana, hangul, full-width forms) count twice: a line of them carries
# about twice the text of a Latin line of the same length.
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                   "\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def line_width(line: str) -> int:
    """A line's length, East Asian wide characters counted twice."""
    return len(line) + len(_WIDE.findall(line))


def article_chars(line: str) -> int:
    """What a line adds to the article text a cut-tail guard counts (`min_chars_before`): its width if it
    is article-sized, else nothing."""
    n = line_width(line)
    return n if n > ARTICLE_LINE else 0


def article_text(texts: Sequence[str], lines: Sequence[int]) -> int:
    """The article text the cut guards count among `texts[j]` for j in `lines` (`article_chars`)."""
    return sum(article_chars(texts[j]) for j in lines)


@action
class CutHead(Action):
    """What: removes every line up to and including the first matching line; with `guard`, not where
    more article text than `max_chars_before` lies above that line.

    Why: a breadcrumb or a "Skip to content" line closes the page header. On a page of another kind the
    same line may lie below the article (a share bar's "Print"): the guard keeps that article.

    Example:
        id: breadcrumb-head
        description: Cuts everything up to and including the breadcrumb line.
        action: cut-head
        match: {regex: '^Home › '}
        region: {head: 5}
        example: {input: "Logo\\nHome › News\\nBody.\\n", output: "Body.\\n"}
    """

    name = "cut-head"
    keys = (Key("guard", GUARD,
                "`max_chars_before`: do not cut at a marker with more article text before it (lines over 80 "
                "characters, East Asian wide characters counted twice): it lies below an article"),)
    traces = removes = ("cut",)
    positional = True  # whether a line is tested depends on the lines before it
    first_only = True  # a later marker is cut to by the next settling pass

    @classmethod
    def check(cls, rule, fail) -> None:
        super().check(rule, fail)
        _check_guard(cls, rule, fail, ("max_chars_before",))

    def __init__(self, max_before: int | None = None):
        self.max_before = max_before

    @property
    def guarded(self) -> bool:
        """Whether it has a guard (`max_chars_before`)."""
        return self.max_before is not None

    @classmethod
    def build(cls, rule, match, fail, matcher):
        return cls(rule.get("guard", {}).get("max_chars_before"))

    def guard_keeps(self, texts: Sequence[str], before: Sequence[int], after: Sequence[int]) -> bool:
        """Whether the guard keeps a marker whose live lines before it are `texts[j]` for j in `before`:
        more article text than `max_chars_before` lies there (`after` is not read)."""
        return self.max_before is not None and article_text(texts, before) > self.max_before

    def apply(self, rule, doc: Document, lines: Sequence[int]) -> None:
        for i, _ in doc.matches(rule, lines):
            live = doc.live()
            at = live.index(i)
            if self.max_before is not None and self.guard_keeps(doc.lines, live[:at], ()):
                doc.guarded.append(i)  # (a later marker has this text before it too)
                return
            for j in live[: at + 1]:
                doc.kill(j, rule.id, "cut")
            doc.fired.add(rule.id)
            return


@action
class Extract(Action):
    """What: takes the regex's named groups (title, author, publisher, date, source_url) as metadata,
    the first value of each field winning, and removes the line (`keep: true` keeps it).

    Why: the publisher/date line and the "Source:" URL are chrome in the body but worth keeping as fields.

    Example:
        id: source-url
        description: Takes the source URL from the "Source:" line and drops it.
        action: extract
        match: {regex: '^Source: (?P<source_url>https?://\\S+)$'}
        example: {input: "Text.\\nSource: https://a.example/1\\n", output: "Text.\\n",
                  metadata: {source_url: "https://a.example/1"}}
    """

    name = "extract"
    keys = (Key("keep", {"type": "boolean"}, "keep the line in the body (default: removed)", False),
            Key("date_order", {"enum": list(DATE_ORDERS)},
                "how a numeric `date` group reads: `dmy` (default), `mdy` or `ymd`", "dmy"))
    traces = ("extract", "extract-kept")
    removes = ("extract",)
    needs_regex = True

    def __init__(self, keep: bool = False, date_order: str = "dmy"):
        self.keep = keep
        self.date_order = date_order

    @property
    def keeps_firing_line(self) -> bool:
        return self.keep

    @classmethod
    def build(cls, rule, match, fail, matcher):
        groups = set(match.pattern.groupindex)
        unknown = groups - set(FIELDS)
        if unknown or not groups:
            raise fail("match.regex", f"named groups {sorted(unknown) or 'none'} are not fields; "
                                      f"allowed: {', '.join(FIELDS)}")
        return cls(rule.get("keep", False), rule.get("date_order", "dmy"))

    def apply(self, rule, doc: Document, lines: Sequence[int]) -> None:
        for i, m in doc.matches(rule, lines):
            for name, value in m.groupdict().items():
                if not value or name in doc.fields:
                    continue
                value = value.strip()
                if name == "date":
                    iso = to_iso_date(value, self.date_order)
                    if iso is None:
                        doc.warnings.append(f"rule '{rule.id}': line {i + 1}: {value!r} is not a valid date")
                        continue
                    value = iso
                doc.fields[name] = value
            doc.fired.add(rule.id)
            if self.keep:
                doc.trace.append(TraceEntry(rule.id, "extract-kept", i + 1, doc.lines[i]))
            else:
                doc.kill(i, rule.id, "extract")


@action
class Rewrite(Action):
    """What: replaces each match of the regex inside the line with `replace` (`\\1`, `\\g<name>` refer to
    groups); a line left empty is removed.

    Why: chrome glued to article text ("(Photo: …)" notes, a leading "*") cannot be dropped as a line.

    Example:
        id: image-note
        description: 'Removes "(Image: …)" notes inside kept lines.'
        action: rewrite
        match: {regex: '\\s*\\(Image: [^)]*\\)'}
        replace: ''
        example: {input: "The bridge opened (Image: x) today.\\n", output: "The bridge opened today.\\n"}
    """

    name = "rewrite"
    keys = (Key("replace", {"type": "string"}, "the replacement text (required)", required=True),)
    traces = ("change", "drop")
    removes = ("drop",)
    needs_regex = True

    def __init__(self, replace: str = ""):
        self.replace = replace

    @classmethod
    def build(cls, rule, match, fail, matcher):
        return cls(rule["replace"])

    def apply(self, rule, doc: Document, lines: Sequence[int]) -> None:
        pattern, timed = rule.match.pattern, rule.match.timed
        for i, _ in doc.matches(rule, lines):
            old = doc.lines[i]
            try:
                new = pattern.sub(self.replace, old, timeout=doc.timeout if timed else None).strip()
            except TimeoutError:
                raise RuleTimeout(rule.id, rule.source, i + 1, doc.timeout or 0) from None
            if new == old:
                continue
            doc.fired.add(rule.id)
            if not new:
                doc.kill(i, rule.id, "drop")
                continue
            doc.trace.append(TraceEntry(rule.id, "change", i + 1, old, new))
            doc.replace_line(i, new)


@action
class Keep(Action):
    """What: protects each matching line: later rules neither match nor remove nor change it.

    Why: an exception for rule authors: a line a broad later rule would take ("Source: the ministry"
    in the article's own words) stays in the body.

    Example:
        - id: source-sentence
          description: Keeps article sentences that start like a source line.
          action: keep
          match: {regex: '^Source: the '}
          example: {input: "Source: the ministry said so.\\nSource: AP\\n", output: "Source: the ministry said so.\\n"}
        - id: source-line
          description: Drops "Source:" lines.
          action: drop
          match: {regex: '^Source:'}
          example: {input: "Text.\\nSource: AP\\n", output: "Text.\\n"}
    """

    name = "keep"
    keeps_firing_line = True
    positional = True  # protection lasts one pass: every settling pass must protect every line again

    def apply(self, rule, doc: Document, lines: Sequence[int]) -> None:
        for i, _ in doc.matches(rule, lines):
            doc.protected.add(i)
            doc.fired.add(rule.id)


ACTIONS = tuple(REGISTRY)
REMOVING = tuple(dict.fromkeys(t for cls in REGISTRY.values() for t in cls.removes))  # trace names of removals

# Keys every rule may have, whatever its action.
RULE_KEYS = (
    Key("id", {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "required: what it removes, lowercase words joined by `-`, unique in the rule set"),
    Key("description", {"type": "string", "minLength": 1}, "required: what it removes and why"),
    Key("action", {"enum": list(ACTIONS)}, "required: one of the actions below"),
    Key("match", MATCH, "required: what a line must look like (match keys below)"),
    Key("region", {"type": "object", "additionalProperties": False, "properties": {"head": POSINT, "tail": POSINT},
                   "minProperties": 1, "maxProperties": 1},
        "`{head: N}` or `{tail: N}`: only among the first/last N remaining lines"),
    Key("requires", STRINGS, "run only if one of these earlier rules fired on the document"),
    Key("example", EXAMPLE, "input → output (optionally `title`, `metadata`, `name`; `pass: true`: unchanged)"),
    Key("examples", {"type": "array", "items": EXAMPLE, "minItems": 1}, "several examples"),
)


def action_keys() -> dict[str, tuple[str, ...]]:
    """Key -> the actions that take it (a key of another action is a load error)."""
    out: dict[str, tuple[str, ...]] = {}
    for cls in REGISTRY.values():
        for key in cls.keys:
            out[key.name] = (*out.get(key.name, ()), cls.name)
    return out


def doc_sections(cls: type) -> dict[str, str]:
    """An action's docstring as {"What": ..., "Why": ..., "Example": ...} (the example: YAML rules)."""
    out: dict[str, str] = {}
    for part in inspect.cleandoc(cls.__doc__ or "").split("\n\n"):
        head, _, rest = part.partition(":")
        if head in ("What", "Why", "Example"):
            out[head] = " ".join(rest.split()) if head != "Example" else textwrap.dedent(rest.strip("\n"))
    return out


def docs_table() -> str:
    """The vocabulary as Markdown tables (rule keys, actions, match keys), generated from the registry."""
    rows = ["| key | meaning |", "| --- | --- |"]
    rows += [f"| `{k.name}` | {k.doc} |" for k in RULE_KEYS]
    rows += ["", "| action | what it does | its keys |", "| --- | --- | --- |"]
    for cls in REGISTRY.values():
        keys = "<br>".join(f"`{k.name}`: {k.doc}" for k in cls.keys) or "—"
        what = doc_sections(cls).get("What", "")
        rows.append(f"| `{cls.name}` | {what[:1].upper()}{what[1:]} | {keys} |")
    rows += ["", "| match key | meaning |", "| --- | --- |"]
    rows += [f"| `{k.name}` | {k.doc} |" for k in MATCH_KEYS]
    return "\n".join(rows) + "\n"

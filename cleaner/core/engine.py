"""The rule engine: runs compiled rules over the lines of one document, in order, and traces every effect.

Pure: no I/O, no global state. State lives in a `Document` made per call, so one compiled rule set
can serve many threads.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import compress
from operator import itemgetter

from cleaner.core.dates import to_iso_date
from cleaner.core.lines import line_offsets, lines_containing
from cleaner.core.result import TraceEntry, trace_entry
from cleaner.ruleset.model import EDGE_KEY, SHORT_LINE, Matcher, Rule, RuleTimeout

_FIRST = tuple(itemgetter(slice(0, k)) for k in range(1, EDGE_KEY + 1))
_LAST = tuple(itemgetter(slice(-k, None)) for k in range(1, EDGE_KEY + 1))


class Document:
    """Working state of one document: its lines, which are still alive, what was found and done.

    It also keeps lazily built indexes of its lines, so that a rule finds its candidate lines with a
    few C-level lookups instead of testing every line: whole short lines casefolded (word lists), where
    a needle occurs (`contains`), and the first and last characters of lines (regexes that start or end
    with a word list). Indexes cover dead lines too; the engine checks `alive` before matching.
    """

    __slots__ = ("lines", "alive", "trace", "fields", "fired", "warnings", "short", "examined", "guarded",
                 "rewritten", "_live", "_dirty", "_text", "_offsets", "_folded", "_found", "_starts", "_ends")

    def __init__(self, lines: list[str], trace: list[TraceEntry] | None = None, short: int = SHORT_LINE):
        self.lines = list(map(str.strip, lines))
        self.alive = list(map(bool, self.lines))
        self.trace = trace if trace is not None else []
        self.fields: dict[str, str] = {}
        self.fired: set[str] = set()
        self.warnings: list[str] = []
        self.short = short  # the longest whole-line word any rule looks for
        # What a pass did that tells whether a second one could change anything (see Cleaner._settled):
        self.examined: dict[Rule, Sequence[int] | None] = {}  # positional rule -> its region (None: all)
        self.guarded: list[int] = []  # marker lines a cut-tail guard kept
        self.rewritten: dict[int, str] = {}  # line -> its text before the first rewrite
        self._live: list[int] = []
        self._dirty = True
        self._reset_indexes()

    def _reset_indexes(self) -> None:
        self._text: str | None = None
        self._offsets: list[int] = []
        self._folded: dict[str, list[int]] | None = None
        self._found: dict[str, set[int]] = {}
        self._starts: set[str] | None = None
        self._ends: set[str] | None = None

    def _find(self, needle: str, skip: int = 0) -> set[int]:
        """Indices of the lines in which `needle` occurs, searched in "\\n" + the lines joined + "\\n"."""
        found = self._found.get(needle)
        if found is None:
            if self._text is None:
                self._text = "\n" + "\n".join(self.lines) + "\n"
                self._offsets = line_offsets(self.lines, 1)
            found = self._found[needle] = lines_containing(self._text, self._offsets, needle, skip)
        return found

    def with_words(self, words: frozenset[str]) -> list[int]:
        """Indices of the lines that, casefolded, are one of `words`."""
        if self._folded is None:
            folded: dict[str, list[int]] = {}
            limit = self.short
            for i, line in enumerate(self.lines):
                if line and len(line) <= limit:
                    folded.setdefault(line.casefold(), []).append(i)
            self._folded = folded
        hits = words.intersection(self._folded)
        if not hits:
            return []
        if len(hits) == 1:
            return self._folded[next(iter(hits))]
        return [i for w in hits for i in self._folded[w]]

    def containing(self, needle: str) -> set[int]:
        """Indices of the lines that contain `needle`."""
        return self._find(needle)

    def starting(self, keys: frozenset[str]) -> set[int]:
        """Indices of the lines that start with one of `keys` (each at most EDGE_KEY characters)."""
        if self._starts is None:
            self._starts = _edges(self.lines, _FIRST)
        found: set[int] = set()
        for key in keys.intersection(self._starts):
            found |= self._find("\n" + key, 1)
        return found

    def ending(self, keys: frozenset[str]) -> set[int]:
        """Indices of the lines that end with one of `keys` (each at most EDGE_KEY characters)."""
        if self._ends is None:
            self._ends = _edges(self.lines, _LAST)
        found: set[int] = set()
        for key in keys.intersection(self._ends):
            found |= self._find(key + "\n")
        return found

    def replace_line(self, i: int, new: str) -> None:
        self.rewritten.setdefault(i, self.lines[i])
        self.lines[i] = new
        self._reset_indexes()

    def live(self) -> list[int]:
        """Indices of the non-blank lines still kept (cached until something is removed)."""
        if self._dirty:
            self._live = list(compress(range(len(self.alive)), self.alive))
            self._dirty = False
        return self._live

    def kill(self, i: int, rule: str, action: str) -> None:
        self.alive[i] = False
        self._dirty = True
        self.trace.append(trace_entry((rule, action, i + 1, self.lines[i], None)))

    def kept(self) -> tuple[list[str], list[int]]:
        """(kept lines, their 1-based input line numbers)."""
        idx = self.live()
        return [self.lines[i] for i in idx], [i + 1 for i in idx]


def _edges(lines: list[str], cuts) -> set[str]:
    """Every line's first (or last) 1..EDGE_KEY characters, as one set (C-level maps, no Python loop)."""
    edges: set[str] = set()
    for cut in cuts:
        edges.update(map(cut, lines))
    return edges


def run_rules(rules: Iterable[Rule], doc: Document, *, timeout: float | None = None,
              check_requires: bool = True, focus: Sequence[int] | None = None) -> None:
    """Apply `rules` in order to `doc`. Raises RuleTimeout naming the rule whose regex ran too long.

    With `focus` (sorted line indices: the lines whose text changed since these rules last saw them),
    rules that are not positional only look at those lines; positional rules look at every line.
    """
    for rule in rules:
        if check_requires and rule.requires and rule.requires.isdisjoint(doc.fired):
            continue
        if not rule.positional:
            if focus is None:
                candidates = _lookup(rule.match, doc)
            elif not focus:
                continue
            else:
                candidates = _prefilter(rule.match, doc, focus)
        elif rule.head is not None or rule.tail is not None:
            live = doc.live()
            region = live[: rule.head] if rule.head is not None else live[-rule.tail:]
            doc.examined[rule] = region
            candidates = _prefilter(rule.match, doc, region)
        else:
            doc.examined[rule] = None
            candidates = _lookup(rule.match, doc)
        if candidates:
            _ACTIONS[rule.action](rule, doc, candidates, timeout)


def _prefilter(m: Matcher, doc: Document, idx: Sequence[int]) -> list[int]:
    """The lines among a few (a region, the focus) that pass the matcher's cheap tests."""
    lines, alive = doc.lines, doc.alive
    lo, hi = m.min_chars, m.max_chars if m.max_chars is not None else 1 << 62
    out = []
    for i in idx:
        line = lines[i]
        if not alive[i] or not lo <= len(line) <= hi:
            continue
        if m.words and len(line) <= m.longest_word and line.casefold() in m.words:
            out.append(i)
        elif m.pattern is not None and (not m.contains or any(c in line for c in m.contains)) \
                and (not m.prefixes or line.startswith(m.prefixes)) \
                and (not m.suffixes or line.endswith(m.suffixes)):
            out.append(i)
    return out


def _lookup(m: Matcher, doc: Document) -> list[int] | Sequence[int]:
    """Candidate lines for a matcher over the whole document, from the document's indexes; in order."""
    hits = doc.with_words(m.words) if m.words else []
    if m.pattern is None:
        return sorted(hits)
    if not (m.contains or m.prefix_keys or m.suffix_keys):
        return doc.live()  # nothing narrows a bare regex down: every line is a candidate
    found: set[int] | None = None
    if m.contains:
        found = set()
        for c in m.contains:
            found = found | doc.containing(c)  # not in place: the document caches these sets
    if m.prefix_keys:
        edge = doc.starting(m.prefix_keys)
        found = edge if found is None else found & edge
    elif m.suffix_keys:
        edge = doc.ending(m.suffix_keys)
        found = edge if found is None else found & edge
    if hits:
        found = found.union(hits)
    return sorted(found)


def _matches(rule: Rule, doc: Document, candidates: Sequence[int], timeout: float | None):
    """Yield (index, match) for candidate lines that are alive and match the rule (a snapshot is iterated)."""
    m = rule.match
    lines, alive = doc.lines, doc.alive
    for i in list(candidates):
        if not alive[i]:
            continue
        try:
            hit = m.match(lines[i], timeout)
        except TimeoutError:
            raise RuleTimeout(rule.id, rule.source, i + 1, timeout or 0) from None
        if hit:
            yield i, hit


def _drop(rule: Rule, doc: Document, cand: Sequence[int], timeout: float | None) -> None:
    for i, _ in _matches(rule, doc, cand, timeout):
        doc.kill(i, rule.id, "drop")
        doc.fired.add(rule.id)


def _drop_block(rule: Rule, doc: Document, cand: Sequence[int], timeout: float | None) -> None:
    f = rule.followers
    for i, _ in _matches(rule, doc, cand, timeout):
        live = doc.live()
        after = live[live.index(i) + 1:]
        doc.kill(i, rule.id, "drop")
        doc.fired.add(rule.id)
        for j in after[: f.max_lines]:
            line = doc.lines[j]
            if f.max_chars is not None and len(line) > f.max_chars:
                break
            if f.match is not None and not f.match.match(line, timeout):
                break
            doc.kill(j, rule.id, "drop")


def _cut_tail(rule: Rule, doc: Document, cand: Sequence[int], timeout: float | None) -> None:
    limit = rule.guard_max_line_chars
    for i, _ in _matches(rule, doc, cand, timeout):
        live = doc.live()
        rest = live[live.index(i):]
        if limit is not None and any(len(doc.lines[j]) > limit for j in rest[1:]):
            doc.guarded.append(i)
            continue  # an article-sized line follows: this is not the end of the article
        for j in rest:
            doc.kill(j, rule.id, "cut")
        doc.fired.add(rule.id)
        return


def _cut_head(rule: Rule, doc: Document, cand: Sequence[int], timeout: float | None) -> None:
    for i, _ in _matches(rule, doc, cand, timeout):
        live = doc.live()
        for j in live[: live.index(i) + 1]:
            doc.kill(j, rule.id, "cut")
        doc.fired.add(rule.id)
        return


def _extract(rule: Rule, doc: Document, cand: Sequence[int], timeout: float | None) -> None:
    for i, m in _matches(rule, doc, cand, timeout):
        for name, value in m.groupdict().items():
            if not value or name in doc.fields:
                continue
            value = value.strip()
            if name == "date":
                iso = to_iso_date(value, rule.date_order)
                if iso is None:
                    doc.warnings.append(f"rule '{rule.id}': line {i + 1}: {value!r} is not a valid date")
                    continue
                value = iso
            doc.fields[name] = value
        doc.fired.add(rule.id)
        if rule.keep:
            doc.trace.append(TraceEntry(rule.id, "extract-kept", i + 1, doc.lines[i]))
        else:
            doc.kill(i, rule.id, "extract")


def _rewrite(rule: Rule, doc: Document, cand: Sequence[int], timeout: float | None) -> None:
    for i, _ in _matches(rule, doc, cand, timeout):
        old = doc.lines[i]
        try:
            new = rule.match.pattern.sub(rule.replace, old,
                                         timeout=timeout if rule.match.timed else None).strip()
        except TimeoutError:
            raise RuleTimeout(rule.id, rule.source, i + 1, timeout or 0) from None
        if new == old:
            continue
        doc.fired.add(rule.id)
        if not new:
            doc.kill(i, rule.id, "drop")
            continue
        doc.trace.append(TraceEntry(rule.id, "change", i + 1, old, new))
        doc.replace_line(i, new)


_ACTIONS = {
    "drop": _drop,
    "drop-block": _drop_block,
    "cut-tail": _cut_tail,
    "cut-head": _cut_head,
    "extract": _extract,
    "rewrite": _rewrite,
}

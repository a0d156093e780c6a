"""The rule engine: runs compiled rules over the lines of one document, in order, and traces every effect.

Pure: no I/O, no global state. State lives in a `Document` made per call, so one compiled rule set
can serve many threads.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from cleaner.core.dates import to_iso_date
from cleaner.core.result import TraceEntry
from cleaner.ruleset.model import SHORT_LINE, Rule, RuleTimeout



class Document:
    """Working state of one document: its lines, which are still alive, what was found and done."""

    __slots__ = ("lines", "alive", "trace", "fields", "fired", "warnings", "_live", "_dirty", "_text", "_short",
                 "_edges")

    def __init__(self, lines: list[str], trace: list[TraceEntry] | None = None):
        self.lines = [line.strip() for line in lines]
        self.alive = [bool(line) for line in self.lines]
        self.trace = trace if trace is not None else []
        self.fields: dict[str, str] = {}
        self.fired: set[str] = set()
        self.warnings: list[str] = []
        self._live: list[int] = []
        self._dirty = True
        self._text: str | None = None
        self._short: tuple[dict[str, list[int]], frozenset[str]] | None = None
        self._edges: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None

    @property
    def text(self) -> str:
        """All lines joined: a needle absent here is absent from every line (rules' cheap pre-test)."""
        if self._text is None:
            self._text = "\n".join(self.lines)
        return self._text

    @property
    def short_lines(self) -> tuple[dict[str, list[int]], frozenset[str]]:
        """(casefolded short line -> its indices, the set of those lines): word lists match whole lines
        by one set intersection per rule."""
        if self._short is None:
            index: dict[str, list[int]] = {}
            for i, line in enumerate(self.lines):
                if line and len(line) <= SHORT_LINE:
                    index.setdefault(line.casefold(), []).append(i)
            self._short = (index, frozenset(index))
        return self._short

    @property
    def edges(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """Lines by their first (and last) one and two characters: rules whose regex starts (ends) with
        a word list visit only the lines that can start (end) with one of its words."""
        if self._edges is None:
            starts: dict[str, list[int]] = {}
            ends: dict[str, list[int]] = {}
            for i, line in enumerate(self.lines):
                if line:
                    starts.setdefault(line[:2], []).append(i)
                    starts.setdefault(line[:1], []).append(i)
                    ends.setdefault(line[-2:], []).append(i)
                    ends.setdefault(line[-1:], []).append(i)
            self._edges = (starts, ends)
        return self._edges

    def replace_line(self, i: int, new: str) -> None:
        self.lines[i] = new
        self._text = self._short = self._edges = None

    def live(self) -> list[int]:
        """Indices of the non-blank lines still kept (cached until something is removed)."""
        if self._dirty:
            self._live = [i for i, a in enumerate(self.alive) if a]
            self._dirty = False
        return self._live

    def kill(self, i: int, rule: str, action: str) -> None:
        self.alive[i] = False
        self._dirty = True
        self.trace.append(TraceEntry(rule, action, i + 1, self.lines[i]))

    def kept(self) -> tuple[list[str], list[int]]:
        """(kept lines, their 1-based input line numbers)."""
        idx = self.live()
        return [self.lines[i] for i in idx], [i + 1 for i in idx]


def run_rules(rules: Iterable[Rule], doc: Document, *, timeout: float | None = None,
              check_requires: bool = True, focus: set[int] | None = None) -> None:
    """Apply `rules` in order to `doc`. Raises RuleTimeout naming the rule whose regex ran too long.

    With `focus`, rules that are not positional only look at those line indices (the lines whose
    text changed since these rules last saw them); positional rules look at every line.
    """
    for rule in rules:
        if check_requires and rule.requires and not (rule.requires & doc.fired):
            continue
        candidates = _region(rule, doc.live())
        if focus is not None and not rule.positional:
            candidates = [i for i in candidates if i in focus]
            if not candidates:
                continue
        _ACTIONS[rule.action](rule, doc, candidates, timeout)


def _region(rule: Rule, live: list[int]) -> Sequence[int]:
    if rule.head is not None:
        return live[: rule.head]
    if rule.tail is not None:
        return live[-rule.tail:]
    return live


def _matches(rule: Rule, doc: Document, candidates: Sequence[int], timeout: float | None):
    """Yield (index, match) for candidate lines that are alive and match the rule (a snapshot is iterated).

    Whole-document pre-tests come first: word-list entries are looked up among the document's short
    lines, and a regex whose `contains` needles are absent from the document is not run at all.
    """
    m = rule.match
    word_hits: set[int] = set()
    if m.words:
        index, keys = doc.short_lines
        for key in m.words & keys:
            word_hits.update(index[key])
    pattern = m.pattern
    if pattern is not None and m.contains:
        text = doc.text
        if not any(c in text for c in m.contains):
            pattern = None
    edge_hits: set[int] | None = None
    if pattern is not None and (m.prefix_keys or m.suffix_keys):
        index, keys = (doc.edges[0], m.prefix_keys) if m.prefix_keys else (doc.edges[1], m.suffix_keys)
        edge_hits = set()
        for key in keys.intersection(index):
            edge_hits.update(index[key])
        if not edge_hits:
            pattern = None
    if pattern is None:
        if not word_hits:
            return
        candidates = [i for i in candidates if i in word_hits]
    elif edge_hits is not None:
        candidates = [i for i in candidates if i in edge_hits or i in word_hits]
    lo, hi = m.min_chars, m.max_chars if m.max_chars is not None else 1 << 62
    lines, alive = doc.lines, doc.alive
    for i in list(candidates):
        line = lines[i]
        if not alive[i] or not lo <= len(line) <= hi:
            continue
        if i in word_hits:
            yield i, True
            continue
        if pattern is None:
            continue
        try:
            hit = m.match_pattern(line, timeout)
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

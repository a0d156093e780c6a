"""The rule engine: runs compiled rules over the lines of one document, in order, and traces every effect.

Pure: no I/O, no global state. State lives in a `Document` made per call, so one compiled rule set
can serve many threads.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import compress

from cleaner.core.dates import to_iso_date
from cleaner.core.result import TraceEntry, trace_entry
from cleaner.core.screen import Screen
from cleaner.ruleset.model import Matcher, Rule, RuleTimeout

ARTICLE_LINE = 80  # a line wider than this is article-sized (cut-tail's `min_chars_before` counts them)
# East Asian wide characters (CJK, kana, hangul, full-width forms) count twice: a line of them carries
# about twice the text of a Latin line of the same length.
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                   "\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _width(line: str) -> int:
    return len(line) + len(_WIDE.findall(line))


class Document:
    """Working state of one document: its lines, which are still alive, what was found and done."""

    __slots__ = ("lines", "alive", "trace", "fields", "fired", "warnings", "examined", "guarded", "rewritten",
                 "_live", "_dirty")

    def __init__(self, lines: list[str], trace: list[TraceEntry] | None = None):
        self.lines = list(map(str.strip, lines))
        self.alive = list(map(bool, self.lines))
        self.trace = trace if trace is not None else []
        self.fields: dict[str, str] = {}
        self.fired: set[str] = set()
        self.warnings: list[str] = []
        # What a pass did that tells whether a second one could change anything (see Cleaner._settled):
        self.examined: dict[Rule, Sequence[int] | None] = {}  # positional rule -> its region (None: all)
        self.guarded: list[int] = []  # marker lines a cut-tail guard kept
        self.rewritten: dict[int, str] = {}  # line -> its text before the first rewrite
        self._live: list[int] = []
        self._dirty = True

    def replace_line(self, i: int, new: str) -> None:
        self.rewritten.setdefault(i, self.lines[i])
        self.lines[i] = new

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


def run_rules(rules: Sequence[Rule], doc: Document, *, timeout: float | None = None,
              check_requires: bool = True, focus: Sequence[int] | None = None,
              screen: Screen | None = None, candidates: list | None = None) -> None:
    """Apply `rules` in order to `doc`. Raises RuleTimeout naming the rule whose regex ran too long.

    `screen`: `Screen(rules)`, built once by the caller (made here if not given); rules match only
    the candidate lines it finds. With `focus` (sorted line indices: the lines whose text changed since
    these rules last saw them), rules that are not positional only look at those lines; positional
    rules look at every line. `candidates`: the screen's result for these rules and lines, if the caller
    has it (site recognition does).
    """
    cands: list[list[int] | None] = []
    if candidates is not None and focus is None:
        cands = candidates
    elif focus is None or any(r.positional and r.head is None and r.tail is None for r in rules):
        if screen is None or (screen.rules is not rules and screen.rules != tuple(rules)):
            screen = Screen(rules)
        cands = screen.candidates(doc.lines)
    first = focus is None  # every rule's candidates come from the screen
    for k, rule in enumerate(rules):
        if first and not rule.positional and cands[k] == _EMPTY and not doc.rewritten:
            continue  # nothing to take (most rules on most documents)
        if check_requires and rule.requires and rule.requires.isdisjoint(doc.fired):
            continue
        if rule.positional and (rule.head is not None or rule.tail is not None):
            live = doc.live()
            region = live[: rule.head] if rule.head is not None else live[-rule.tail:]
            doc.examined[rule] = region
            candidates = _prefilter(rule.match, doc, region)
        elif focus is not None and not rule.positional:
            if not focus:
                continue
            candidates = _prefilter(rule.match, doc, focus)
        else:
            if rule.positional:
                doc.examined[rule] = None
            found = cands[k]
            candidates = doc.live() if found is None else found
            if doc.rewritten and found is not None:  # rewritten lines were screened as they were
                candidates = sorted(set(candidates).union(doc.rewritten))
        if candidates:
            _ACTIONS[rule.action](rule, doc, candidates, timeout)


_EMPTY: list[int] = []


def _prefilter(m: Matcher, doc: Document, idx: Sequence[int]) -> list[int]:
    """The lines among a few (a region, the focus) that pass the matcher's cheap tests."""
    lines, alive = doc.lines, doc.alive
    lo, hi = m.min_chars, m.max_chars if m.max_chars is not None else 1 << 62
    words, longest, pattern = m.words, m.longest_word, m.pattern
    contains, prefixes, suffixes = m.contains, m.prefixes, m.suffixes
    out = []
    for i in idx:
        line = lines[i]
        if not alive[i] or not lo <= len(line) <= hi:
            continue
        if words and len(line) <= longest and line.casefold() in words:
            out.append(i)
            continue
        if pattern is None:
            continue
        if contains:
            for c in contains:
                if c in line:
                    break
            else:
                continue
        if (prefixes and not line.startswith(prefixes)) or (suffixes and not line.endswith(suffixes)):
            continue
        out.append(i)
    return out


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
        if rule.guard_min_chars_before is not None and sum(
                n for j in live[: len(live) - len(rest)] if (n := _width(doc.lines[j])) > ARTICLE_LINE
        ) < rule.guard_min_chars_before:
            doc.guarded.append(i)
            continue  # too little text before it: the marker is in the page head, not after the article
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

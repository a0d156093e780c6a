"""The rule engine, as its definition: each rule in order, over the live lines of its region (`run_rules`);
then the body cleaned again until nothing changes (`settle`).

Pure: no I/O, no global state. State lives in a `Document` made per call, so one compiled rule set
can serve many threads. What each action does is in `cleaner/ruleset/vocabulary.py`; this module only
knows that a rule has `requires`, a region (`head`/`tail`) and an `effect` with `apply(rule, doc, lines)`.
The faster engine that gives the same results is `cleaner/core/accelerator.py`.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import compress

from cleaner.core.normalize import prepare_lines
from cleaner.core.result import TraceEntry, trace_entry

MAX_PASSES = 50  # each pass that changes something removes or rewrites a line


class RuleTimeout(RuntimeError):
    """A rule's regex exceeded its time budget on a document."""

    def __init__(self, rule_id: str, source: str, line: int, seconds: float):
        super().__init__(f"rule '{rule_id}' ({source}) exceeded its {seconds:g}s regex budget on line {line}")
        self.rule_id = rule_id
        self.line = line


class Document:
    """Working state of one document: its lines, which are still alive, what was found and done."""

    __slots__ = ("lines", "alive", "trace", "fields", "fired", "warnings", "protected", "timeout",
                 "examined", "guarded", "rewritten", "_live", "_dirty")

    def __init__(self, lines: list[str], trace: list[TraceEntry] | None = None, timeout: float | None = None):
        self.lines = list(map(str.strip, lines))
        self.alive = list(map(bool, self.lines))
        self.trace = trace if trace is not None else []
        self.fields: dict[str, str] = {}
        self.fired: set[str] = set()
        self.warnings: list[str] = []
        self.protected: set[int] = set()  # lines a `keep` rule took: later rules neither match nor remove them
        self.timeout = timeout  # each regex call's budget in seconds (None: unbounded)
        # Records for the accelerator's proof that a second pass would change nothing (see accelerator.py):
        self.examined: dict = {}  # positional rule -> the lines of its region it saw (None: all)
        self.guarded: list[int] = []  # marker lines a cut-tail or cut-head guard kept
        self.rewritten: dict[int, str] = {}  # line -> its text before the first rewrite
        self._live: list[int] = []
        self._dirty = True

    def live(self) -> list[int]:
        """Indices of the non-blank lines still kept (cached until something is removed; do not mutate)."""
        if self._dirty:
            self._live = list(compress(range(len(self.alive)), self.alive))
            self._dirty = False
        return self._live

    def matches(self, rule, lines: Sequence[int]) -> Iterator[tuple[int, object]]:
        """(index, match) for the given lines that are alive, not protected, and match the rule; the
        lines are read from a snapshot, so an action may remove lines while it iterates."""
        m, timeout = rule.match, self.timeout
        text, alive, protected = self.lines, self.alive, self.protected
        for i in list(lines):
            if not alive[i] or (protected and i in protected):
                continue
            try:
                hit = m.match(text[i], timeout)
            except TimeoutError:
                raise RuleTimeout(rule.id, rule.source, i + 1, timeout or 0) from None
            if hit:
                yield i, hit

    def kill(self, i: int, rule: str, action: str) -> None:
        """Remove line `i` (a protected line stays) and trace it."""
        if self.protected and i in self.protected:
            return
        self.alive[i] = False
        self._dirty = True
        self.trace.append(trace_entry((rule, action, i + 1, self.lines[i], None)))

    def replace_line(self, i: int, new: str) -> None:
        self.rewritten.setdefault(i, self.lines[i])
        self.lines[i] = new

    def kept(self) -> tuple[list[str], list[int]]:
        """(kept lines, their 1-based input line numbers)."""
        idx = self.live()
        return [self.lines[i] for i in idx], [i + 1 for i in idx]


def region(rule, doc: Document) -> list[int]:
    """The live lines a rule looks at: the first `head` or last `tail` of them, else all."""
    return head_or_tail(rule, doc.live())


def head_or_tail(rule, seq: list) -> list:
    """The first `rule.head` or last `rule.tail` items of `seq`, else all of it."""
    if rule.head is not None:
        return seq[: rule.head]
    if rule.tail is not None:
        return seq[-rule.tail:]
    return seq


def run_rules(rules: Sequence, doc: Document) -> None:
    """Apply `rules` in order to `doc`: a rule that `requires` others runs only if one of them fired.
    Raises RuleTimeout naming the rule whose regex ran too long."""
    for rule in rules:
        if rule.requires and rule.requires.isdisjoint(doc.fired):
            continue
        rule.effect.apply(rule, doc, region(rule, doc))


def settle(clean_body, body: list[str], numbers: list[int], trace: list[TraceEntry], fields: dict[str, str],
           warnings: list[str], done=None, last: list | None = None) -> tuple[list[str], list[int]]:
    """Clean the body again until nothing changes: this loop is what makes cleaning idempotent.

    `clean_body(lines, trace)` is one pass over a body: (new body, its line numbers, the Document).
    Repair is idempotent, so a pass starts at preparing the lines. A pass that changes the body adds its
    trace (with input line numbers; a line's `extract-kept` already traced is not repeated) and the
    fields not found before. `done(doc, body, numbers)`: the accelerator's proof that the next pass
    would change nothing. `last`, where given, receives `(doc, body, idx)` of the pass the body settled
    on (`idx`: the body's lines in that pass's Document); nothing when it did not settle.
    """
    for _ in range(MAX_PASSES - 1):
        sub: list[TraceEntry] = []
        again, idx, doc = clean_body(prepare_lines(body, sub), sub)
        if again == body:
            return _settled(last, (doc, again, idx), body, numbers)
        merge_trace(trace, sub, numbers)
        for key, value in doc.fields.items():
            fields.setdefault(key, value)
        body, numbers = again, [numbers[i - 1] for i in idx]
        if done is not None and done(doc, again, idx):
            return _settled(last, (doc, again, idx), body, numbers)
    warnings.append(f"cleaning did not settle after {MAX_PASSES} passes; output may change if cleaned again")
    return body, numbers


def _settled(last: list | None, settled_on: tuple, body: list[str], numbers: list[int]):
    if last is not None:
        last.append(settled_on)
    return body, numbers


def merge_trace(trace: list[TraceEntry], sub: list[TraceEntry], numbers: list[int]) -> None:
    """Add a later pass's trace to the document's, its body line numbers turned into input line numbers."""
    entries = [t._replace(line=numbers[t.line - 1] if t.line else None) for t in sub]
    if any(t.action == "extract-kept" for t in entries):
        known = {t for t in trace if t.action == "extract-kept"}
        entries = [t for t in entries if t not in known]
    trace.extend(entries)

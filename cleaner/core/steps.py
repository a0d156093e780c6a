"""A tiny step plan: named pure text->text functions with a cheap guard, applied per line and traced."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cleaner.core.lines import line_offsets, lines_containing
from cleaner.core.result import TraceEntry, trace_entry


@dataclass(frozen=True, slots=True)
class Step:
    """A named text->text function; `needs(text)` is a cheap test for text the step may change.

    Guards are plain predicates built on `in` and `str.isascii`, which cost a fraction of a regex scan.
    A step that can only change a line containing one of `needles`, or a match of `finder`, declares
    them: its lines are then found by searching the joined text instead of testing each line.
    """

    name: str
    fn: Callable[[str], str]
    needs: Callable[[str], bool]
    needles: tuple[str, ...] = ()
    finder: re.Pattern | None = None


def contains_any(chars: Iterable[str]) -> Callable[[str], bool]:
    """Predicate: does the text contain any of these characters (or substrings)?"""
    chars = tuple(chars)

    def needs(text: str) -> bool:
        for c in chars:
            if c in text:
                return True
        return False

    return needs


def active_steps(plan: Sequence[Step], text: str) -> list[Step]:
    """The steps of `plan` whose guard finds something in `text` (typically the whole document)."""
    return [step for step in plan if step.needs(text)]


def run_plan(plan: Sequence[Step], lines: list[str], numbers: Sequence[int], trace: list[TraceEntry],
             action: str, text: str | None = None, repeat: int = 1, active: Sequence[Step] | None = None
             ) -> list[str]:
    """Apply `plan` to each line, recording every change as a TraceEntry.

    `numbers[i]` is the 1-based input line of `lines[i]`; `text`, if given, must be `"\\n".join(lines)`
    (callers that have it save the join). Steps whose guard finds nothing in it are skipped, so clean
    documents pay a few `in` tests;
    a caller that already knows which steps can apply passes them as `active`.
    With `repeat`, a line that changed goes through the plan again (steps can enable each other).
    """
    if text is None:
        text = "\n".join(lines)
    if active is None:
        active = active_steps(plan, text)
    if not active:
        return lines
    out = list(lines)
    todo: Iterable[int] = range(len(out))
    if all(step.needles or step.finder for step in active):
        offsets = line_offsets(lines)
        found: set[int] = set()
        for step in active:
            for needle in step.needles:
                found |= lines_containing(text, offsets, needle)
            if step.finder is not None:
                found.update(bisect_right(offsets, m.start()) - 1 for m in step.finder.finditer(text))
        todo = sorted(found)
    for i in todo:
        line = out[i]
        steps = active
        for _ in range(repeat):  # repeat > 1: run a changed line through the whole plan until it is stable
            before = line
            for step in steps:
                if step.needs(line):
                    new = step.fn(line)
                    if new != line:
                        trace.append(trace_entry((step.name, action, numbers[i], line, new)))
                        line = new
            if line == before:
                break
            steps = plan
        out[i] = line
    return out

"""A tiny step plan: named pure text->text functions with a cheap guard, applied per line and traced."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from cleaner.core.result import TraceEntry


@dataclass(frozen=True, slots=True)
class Step:
    """A named text->text function; `guard` finds lines it may change (cheap pre-test)."""

    name: str
    fn: Callable[[str], str]
    guard: regex.Pattern


def run_plan(plan: Sequence[Step], lines: list[str], numbers: Sequence[int], trace: list[TraceEntry],
             action: str, any_guard: regex.Pattern | None = None) -> list[str]:
    """Apply `plan` to `lines` in place of order, recording each change as a TraceEntry.

    `numbers[i]` is the 1-based input line of `lines[i]`. `any_guard`, when given, is a union of the
    step guards that lets untouched lines skip the plan with a single search.
    """
    out = list(lines)
    for i, line in enumerate(out):
        if any_guard is not None and not any_guard.search(line):
            continue
        for step in plan:
            if step.guard.search(line):
                new = step.fn(line)
                if new != line:
                    trace.append(TraceEntry(step.name, action, numbers[i], line, new))
                    line = new
        out[i] = line
    return out

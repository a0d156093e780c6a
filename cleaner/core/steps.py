"""A tiny step plan: named pure text->text functions with a cheap guard, applied per line and traced."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cleaner.core.result import TraceEntry


@dataclass(frozen=True, slots=True)
class Step:
    """A named text->text function; `needs(text)` is a cheap test for text the step may change.

    Guards are plain predicates built on `in` and `str.isascii`, which cost a fraction of a regex scan.
    """

    name: str
    fn: Callable[[str], str]
    needs: Callable[[str], bool]


def contains_any(chars: Iterable[str]) -> Callable[[str], bool]:
    """Predicate: does the text contain any of these characters (or substrings)?"""
    chars = tuple(chars)

    def needs(text: str) -> bool:
        for c in chars:
            if c in text:
                return True
        return False

    return needs


def run_plan(plan: Sequence[Step], lines: list[str], numbers: Sequence[int], trace: list[TraceEntry],
             action: str, text: str | None = None, repeat: int = 1) -> list[str]:
    """Apply `plan` to each line, recording every change as a TraceEntry.

    `numbers[i]` is the 1-based input line of `lines[i]`. Steps whose guard finds nothing in the whole
    text (`text`, default: the lines joined) are skipped, so clean documents pay a few `in` tests.
    With `repeat`, a line that changed goes through the plan again (steps can enable each other).
    """
    full = plan
    plan = [step for step in plan if step.needs("\n".join(lines) if text is None else text)]
    if not plan:
        return lines
    out = list(lines)
    for i, line in enumerate(out):
        steps = plan
        for _ in range(repeat):  # repeat > 1: run a changed line through the whole plan until it is stable
            before = line
            for step in steps:
                if step.needs(line):
                    new = step.fn(line)
                    if new != line:
                        trace.append(TraceEntry(step.name, action, numbers[i], line, new))
                        line = new
            if line == before:
                break
            steps = full
        out[i] = line
    return out

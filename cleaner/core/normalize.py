"""Normalisers for kept lines: one ordered plan of small named steps, each change traced."""
from __future__ import annotations

import regex

from cleaner.core.result import TraceEntry
from cleaner.core.steps import Step, run_plan

_PIPES = regex.compile(r"^\|\s*|\s*\|[\s|]*$|^[\s|]+$")
_SECTION_MARKER = regex.compile(r"^\*(?=[^\s*])")
_SPACE_BEFORE_PUNCT = regex.compile(r" +(?=[,.](?:\s|$))")
# Ideographic/full-width punctuation followed by spaces before CJK text: machine translation artefact.
_CJK_PUNCT = "\u3001\u3002\uff0c\uff01\uff1f\uff1b\uff1a\u300d\u300f\uff09\u3011"
_CJK_TEXT = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_AFTER_CJK = regex.compile(f"(?<=[{_CJK_PUNCT}]) +(?=[{_CJK_TEXT}])")
_SPACE_RUN = regex.compile(r" {2,}")
_SPACE_RUNS = regex.compile(r" {2,}|^ | $")


def strip_table_pipes(line: str) -> str:
    """Remove table-cell pipes at the edges of a line: `| … |`, `… | ||`, a lone `|`."""
    return _PIPES.sub("", line)


def strip_section_marker(line: str) -> str:
    """Remove a leading `*` that marks a section start (`*Zuvor …` -> `Zuvor …`)."""
    return _SECTION_MARKER.sub("", line)


def fix_space_before_punct(line: str) -> str:
    """Remove spaces before `,` and `.` (`Lacroix , Jean` -> `Lacroix, Jean`)."""
    return _SPACE_BEFORE_PUNCT.sub("", line)


def fix_space_after_cjk_punct(line: str) -> str:
    """Remove spaces after CJK punctuation before CJK text (`省、 外交` -> `省、外交`)."""
    return _SPACE_AFTER_CJK.sub("", line)


def collapse_spaces(line: str) -> str:
    """Collapse runs of spaces and trim the line."""
    return _SPACE_RUN.sub(" ", line).strip(" ")


PLAN: tuple[Step, ...] = (
    Step("strip-table-pipes", strip_table_pipes, _PIPES),
    Step("strip-section-marker", strip_section_marker, _SECTION_MARKER),
    Step("fix-space-before-punct", fix_space_before_punct, _SPACE_BEFORE_PUNCT),
    Step("fix-space-after-cjk-punct", fix_space_after_cjk_punct, _SPACE_AFTER_CJK),
    Step("collapse-spaces", collapse_spaces, _SPACE_RUNS),
)
_ANY = regex.compile("|".join(f"(?:{s.guard.pattern})" for s in PLAN))


def normalize_lines(lines: list[str], numbers: list[int], trace: list[TraceEntry]) -> list[str]:
    """Normalise kept lines; returns the non-empty results (a line of only pipes disappears)."""
    out = run_plan(PLAN, lines, numbers, trace, "change", _ANY)
    return [line for line in out if line]

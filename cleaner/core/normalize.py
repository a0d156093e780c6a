"""Line normalisers: small named steps in two ordered plans (before and after the rules), each change traced."""
from __future__ import annotations

import re

from cleaner.core.result import TraceEntry
from cleaner.core.steps import Step, contains_any, run_plan

_PIPES = re.compile(r"^\|\s*|\s*\|[\s|]*$|^[\s|]+$")
_SECTION_MARKER = re.compile(r"^\*(?=[^\s*])")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,.](?:\s|$))")
# Ideographic/full-width punctuation followed by spaces before CJK text: machine translation artefact.
_CJK_PUNCT = "\u3001\u3002\uff0c\uff01\uff1f\uff1b\uff1a\u300d\u300f\uff09\u3011"
_CJK_TEXT = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_AFTER_CJK = re.compile(f"(?<=[{_CJK_PUNCT}]) +(?=[{_CJK_TEXT}])")
_SPACE_RUN = re.compile(r" {2,}")
_SPACE_MARK = re.compile(" [ ,.]")


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


_CJK_PUNCT_SPACE = tuple(p + " " for p in _CJK_PUNCT)
_space_after_cjk = contains_any(_CJK_PUNCT_SPACE)


def _has_space_after_cjk(text: str) -> bool:
    # CJK text practically always has one of these; three one-character tests spare ten slower ones.
    return ("。" in text or "、" in text or "，" in text) and _space_after_cjk(text)

# Run before the rules, so rules see (and a second cleaning sees) the same normalised lines.
PREPARE: tuple[Step, ...] = (
    Step("strip-section-marker", strip_section_marker, lambda t: "*" in t, ("*",)),
    Step("fix-space-before-punct", fix_space_before_punct, lambda t: " ," in t or " ." in t, (" ,", " .")),
    Step("fix-space-after-cjk-punct", fix_space_after_cjk_punct,
         lambda t: not t.isascii() and _has_space_after_cjk(t), _CJK_PUNCT_SPACE),
    Step("collapse-spaces", collapse_spaces, lambda t: "  " in t, ("  ",)),
)
# Run after the rules on kept lines: caption rules recognise table cells by their pipes.
FINISH: tuple[Step, ...] = (
    Step("strip-table-pipes", strip_table_pipes, lambda t: "|" in t, ("|",)),
    Step("strip-section-marker", strip_section_marker, lambda t: "*" in t, ("*",)),
    Step("collapse-spaces", collapse_spaces, lambda t: "  " in t, ("  ",)),
)


def prepare_lines(lines: list[str], trace: list[TraceEntry], text: str | None = None) -> list[str]:
    """Normalise every line before the rules run (section markers, spacing); `text`: the lines joined,
    if the caller has it. Returns `lines` itself when no step applies."""
    if text is None:
        text = "\n".join(lines)
    # One scan tells whether any of the three two-character guards can hold (most texts: none).
    spaced = _SPACE_MARK.search(text) is not None
    active = [step for step, found in (
        (PREPARE[0], "*" in text),
        (PREPARE[1], spaced and (" ," in text or " ." in text)),
        (PREPARE[2], PREPARE[2].needs(text)),
        (PREPARE[3], spaced and "  " in text)) if found]
    if not active:
        return lines
    return run_plan(PREPARE, lines, range(1, len(lines) + 1), trace, "change", text, active=active)


def finish_lines(lines: list[str], numbers: list[int], trace: list[TraceEntry], *, collapsed: bool = False
                 ) -> tuple[list[str], list[int]]:
    """Normalise kept lines after the rules; (non-empty lines, their numbers): a pipes-only line disappears.

    `collapsed`: the lines are as `prepare_lines` left them (no runs of spaces), which the other
    finishing steps keep so (they strip pipes and markers with the spaces next to them).
    """
    text = "\n".join(lines)
    active = [step for step in (FINISH if not collapsed else FINISH[:2]) if step.needs(text)]
    out = run_plan(FINISH, lines, numbers, trace, "change", text, active=active)
    if all(out):
        return out, numbers
    keep = [i for i, line in enumerate(out) if line]
    return [out[i] for i in keep], [numbers[i] for i in keep]

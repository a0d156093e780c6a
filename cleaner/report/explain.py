"""The `explain` view of one document: every input line with its status and the rule that set it.

Shared by `cleaner explain` (terminal) and `cleaner report` (HTML page, text summary).
"""
from __future__ import annotations

from typing import NamedTuple

from cleaner.api import Cleaner
from cleaner.core.repair import normalize_newlines, strip_bom
from cleaner.core.result import Result
from cleaner.ruleset.vocabulary import REMOVING

_TAKEN = (*REMOVING, "extract-kept")  # trace actions that remove a line or take it as metadata

#: statuses of an input line; the removing ones come from the trace action that took the line
STATUSES = ("kept", "changed", "drop", "cut", "extract", "extract-kept")


class LineRow(NamedTuple):
    """One non-blank input line: its number, status, the rule ids that set it, its text and, for a
    changed line, the text it became. A block the input stage dropped (HTML outside the body or the
    main content) comes before the lines, numbered -1, -2, ... with the step that dropped it as rule."""

    n: int
    status: str
    rule: str
    text: str
    new: str | None = None


def explain_document(cleaner: Cleaner, data: str | bytes, *, url: str | None = None, site: str | None = None,
                     format: str = "auto", date: str | None = None,
                     content_type: str | None = None) -> tuple[list[str], Result]:
    """Clean one document exactly as `clean` does and return (its input lines as the trace numbers them,
    the result).

    The lines are the decoded text (none for binary input); for HTML, the text taken from the page,
    which the rules then clean. `result.extraction` says how that text was taken and what was dropped.
    """
    result = cleaner.clean(data, url=url, site=site, format=format, date=date, content_type=content_type,
                           explain=True)
    text = result.extraction.text if result.extraction is not None else ""
    return normalize_newlines(strip_bom(text)).split("\n"), result


def line_rows(lines: list[str], result: Result) -> list[LineRow]:
    """A LineRow for every non-blank input line (the first rule that removed a line names it)."""
    removed: dict[int, tuple[str, str]] = {}
    changed: dict[int, list[str]] = {}
    final: dict[int, str] = {}
    for t in result.trace:
        if t.line is None:
            continue
        if t.action in _TAKEN:
            removed.setdefault(t.line, (t.action, t.rule))
        elif t.new is not None:
            changed.setdefault(t.line, []).append(t.rule)
            final[t.line] = t.new
    rows = []
    if result.extraction is not None:
        rows.extend(LineRow(-i, "drop", t.rule, t.text) for i, t in enumerate(result.extraction.dropped, 1))
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if n in removed:
            action, rule = removed[n]
            rows.append(LineRow(n, action, rule, line))
        elif n in changed:
            rows.append(LineRow(n, "changed", ", ".join(dict.fromkeys(changed[n])), line, final[n]))
        else:
            rows.append(LineRow(n, "kept", "", line))
    return rows


def line_statuses(lines: list[str], result: Result) -> list[tuple[int, str, str, str]]:
    """(line number, status, rule ids, final text) for every non-blank input line."""
    return [(r.n, r.status, r.rule, r.text if r.new is None else r.new) for r in line_rows(lines, result)]

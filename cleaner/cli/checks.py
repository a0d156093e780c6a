"""Option values checked before any work: one line naming the option, the value and what is allowed."""
from __future__ import annotations

import datetime

from cleaner.cli.common import fail


def check_date(value: str | None, option: str = "--date") -> None:
    """Exit 2 unless `value` is None or a real calendar date written yyyy-mm-dd."""
    if value is None:
        return
    try:
        if len(value) != len("yyyy-mm-dd"):  # fromisoformat also takes 20260314 and week dates
            raise ValueError(value)
        datetime.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} {value!r}: not a date; allowed: yyyy-mm-dd (e.g. 2026-03-14)") from None


def check_dump_fields(paths: list[str], fields, input_format: str | None) -> None:
    """Exit 2 when the first records of a JSONL or Parquet input lack both the text and the HTML field
    (the message names the fields they have), before anything is read in earnest."""
    from cleaner.io.probe import FieldError, check_fields

    try:
        check_fields(paths, fields, input_format)
    except FieldError as exc:
        raise fail(str(exc)) from None

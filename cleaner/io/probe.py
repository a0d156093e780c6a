"""A look at the first records of a dump before a run: a wrong field name is one early error, not one
reject per record after the whole input has been read."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

from .formats import detect_format, walk_inputs
from .readers import JsonlLines, open_input
from .records import Fields, Record

PROBE_RECORDS = 20  # records looked at: a dump whose first 20 all lack the field is named wrong
_FIELD_FORMATS = ("jsonl", "parquet")


class FieldError(ValueError):
    """The first records of an input have neither the text nor the HTML field (a one-line message)."""


def check_fields(paths: list[str], fields: Fields, input_format: str | None = None) -> None:
    """Raise FieldError when the first records of the first JSONL or Parquet input (stdin is not
    looked at) have neither `fields.text` nor `fields.html`; the message names the fields they have."""
    try:
        found = _first_dump(paths, input_format)
    except OSError:  # a directory we may not list: the run says so
        return
    if found is None:
        return
    path, fmt = found
    keys = _parquet_columns(path) if fmt == "parquet" else _jsonl_keys(path)
    if not keys or any(fields.text in k or fields.html in k for k in keys):
        return
    have = sorted(set().union(*keys))
    raise FieldError(
        f"{path}: none of its first {len(keys)} record(s) has a {fields.text!r} or {fields.html!r} field; "
        f"they have: {', '.join(have) or 'no fields'} (choose with --text-field / --html-field)")


def _first_dump(paths: list[str], input_format: str | None) -> tuple[Path, str] | None:
    for p in paths:
        root = Path(p)
        if p == "-" or not root.exists():
            continue
        if root.is_file():
            fmt = input_format or detect_format(root)
            if fmt in _FIELD_FORMATS:
                return root, fmt
            continue
        if not root.is_dir():  # a FIFO, a device: never opened here (the run says why it cannot read it)
            continue
        for d, _rel, files, _skipped in walk_inputs(root, input_format=input_format):
            for name, fmt, _st in files:
                if fmt in _FIELD_FORMATS:
                    return d / name, fmt
    return None


def _jsonl_keys(path: Path) -> list[set[str]]:
    """The keys of the first JSON objects of a JSONL file (lines that are no object are skipped)."""
    keys = []
    try:
        with open_input(path) as f:
            for rec in islice(JsonlLines(f, str(path)), PROBE_RECORDS * 2):
                if not isinstance(rec, Record):
                    continue
                try:
                    obj = json.loads(rec.data)
                except ValueError:
                    continue
                if isinstance(obj, dict):
                    keys.append(set(obj))
                    if len(keys) >= PROBE_RECORDS:
                        break
    except OSError:
        return []  # the run says why it cannot read it
    return keys


def _parquet_columns(path: Path) -> list[set[str]]:
    try:
        import pyarrow.parquet as pq

        return [set(pq.read_schema(path).names)]
    except Exception:  # no pyarrow, or an unreadable file: the run says why
        return []

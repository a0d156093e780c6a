"""Input records and reject records, each with a stable position (source, offset) in its shard."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from dataclasses import dataclass, field

from cleaner.core.sites import site_name

#: reject kinds, one short code each (the `kind` field of rejects.jsonl)
REJECT_KINDS = (
    "malformed_json",  # a JSONL line that does not parse, or is no JSON object
    "missing_field",  # neither the text nor the html field (or a non-string value)
    "decode_error",  # bytes that are no valid UTF-8 where UTF-8 is required
    "corrupt_input",  # corrupt gzip member / zstd data, unreadable Parquet row group
    "bad_warc_record",  # WARC record that is no HTTP response, or unparsable WARC data
    "too_large",  # a record above --max-doc-bytes
    "read_error",  # a file that vanished or cannot be read
    "timeout",  # cleaning took longer than --timeout (the worker was stopped)
    "rule_timeout",  # a rule's regex exceeded its own time budget (cleaner.RuleTimeout)
    "worker_crash",  # the worker process died on this record
    "error",  # any other exception raised while cleaning
    "encode_error",  # a cleaned record the output format cannot hold (the others of its shard are written)
    "empty",  # nothing left after cleaning (only with --drop-empty)
)


@dataclass(frozen=True, slots=True)
class Fields:
    """Names of the input fields we read (JSONL and Parquet)."""

    text: str = "text"
    html: str = "html"
    url: str = "url"
    id: str = "id"
    date: str = "date"  # the document's date (picks a site's layout); carried through, not consumed

    @property
    def consumed(self) -> frozenset[str]:
        return frozenset((self.text, self.html, self.url, self.id))


@dataclass(slots=True)
class Record:
    """One input document: what to clean and where it came from.

    Readers yield Records (and Rejects) only. Where the parent should not do the work, a record is
    *raw* and a worker finishes it with `cleaner.io.readers.load_record`: `raw="jsonl"` holds an
    undecoded JSON line in `data`, `raw="file"` a document file's path (read, decompressed, size-checked
    in the worker). A new reader yields Records; a new raw kind is one branch of `load_record`.
    """

    source: str  # the input file as the user named it ("-" for stdin)
    offset: int  # see `unit`
    data: str | bytes
    format: str = "auto"  # passed to Cleaner.clean(format=...)
    url: str | None = None
    id: str | None = None
    extra: dict = field(default_factory=dict)  # input fields carried through to the output record
    unit: str = "line"  # "line" (1-based, JSONL), "row" (0-based, Parquet), "byte" (WARC), "file"
    raw: str | None = None  # None: ready to clean; "jsonl" or "file": see the class docstring

    def default_id(self) -> str:
        return self.source if self.unit == "file" else f"{self.source}:{self.offset}"

    def __reduce__(self):  # records cross to workers by the thousand: a tuple pickles 15x faster
        return Record, (self.source, self.offset, self.data, self.format, self.url, self.id, self.extra,
                        self.unit, self.raw)


@dataclass(slots=True)
class Reject:
    """An input record that produced no output record, and why."""

    source: str
    offset: int
    kind: str
    reason: str
    unit: str = "line"
    id: str | None = None

    def to_dict(self) -> dict:
        d: dict = {"source": self.source}
        if self.unit == "line":
            d["line"] = self.offset
        elif self.unit != "file":
            d["offset"] = self.offset
            d["offset_unit"] = self.unit
        if self.id is not None:
            d["id"] = self.id
        d["kind"] = self.kind
        d["reason"] = self.reason
        return d

    @classmethod
    def of(cls, rec: Record, kind: str, reason: str) -> "Reject":
        return cls(rec.source, rec.offset, kind, reason, rec.unit, rec.id)


def record_from_mapping(obj: dict, source: str, offset: int, unit: str, fields: Fields) -> Record | Reject:
    """A Record from a JSON object / Parquet row, or a Reject naming the missing field."""
    rid = obj.get(fields.id)
    rid = None if rid is None else str(rid)
    html = obj.get(fields.html)
    if html is not None and html != "" and html != b"":
        data, fmt = html, "html"
    else:
        data, fmt = obj.get(fields.text), "text"  # a text field is text, whatever it holds
        if data is None:
            data = html
    if not isinstance(data, (str, bytes)):
        if data is None and (fields.text in obj or fields.html in obj):
            why = f"field {(fields.text if fields.text in obj else fields.html)!r} is null, not a string"
        elif data is None:
            why = f"no {fields.text!r} or {fields.html!r} field"
        else:
            kind = _JSON_TYPES.get(type(data), type(data).__name__)
            name = fields.html if fmt == "html" else fields.text
            why = f"field {name!r} is {'an' if kind[0] in 'aeiou' else 'a'} {kind}, not a string"
        return Reject(source, offset, "missing_field", why, unit, rid)
    url = obj.get(fields.url)
    consumed = fields.consumed
    extra = {k: v for k, v in obj.items() if k not in consumed}
    return Record(source, offset, data, fmt, None if url is None else str(url), rid, extra, unit)


_JSON_TYPES = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string", list: "array",
               dict: "object"}


def decode_jsonl_line(raw: bytes, source: str, line: int, fields: Fields) -> Record | Reject:
    try:
        obj = json.loads(raw)
    except UnicodeDecodeError as exc:
        return Reject(source, line, "decode_error", f"line is not valid UTF-8: {exc.reason} at byte {exc.start}")
    except ValueError as exc:
        return Reject(source, line, "malformed_json", f"malformed JSON: {exc}")
    if not isinstance(obj, dict):
        return Reject(source, line, "malformed_json", f"JSON {_JSON_TYPES.get(type(obj), 'value')}, not an object")
    return record_from_mapping(obj, source, line, "line", fields)


@functools.lru_cache(maxsize=256)
def directory_site(source: str) -> str:
    """The site of a record without URL: the directory its input file lies in."""
    if source == "-":
        return "stdin.local"
    return site_name(Path(os.path.abspath(source)).parent.name or "root")

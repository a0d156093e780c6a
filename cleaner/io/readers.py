"""Readers: each yields the records of one input (a shard) in order, with a stable position.

Container readers (JSONL, WARC, Parquet) are iterators with a `pos` attribute: the raw byte offset
reached in the file, for progress. Damage yields a `Reject` and reading goes on where it can.

Every reader yields `Record` and `Reject` objects. `JsonlLines` yields raw records (undecoded lines), so
that a parent process can hand JSON parsing to its workers; `load_record` finishes a raw record, and
`read_records` composes everything for library use.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import BinaryIO, Iterator

from . import compression as comp
from ._extras import require
from .formats import detect_format, split_name
from .records import Fields, Record, Reject, decode_jsonl_line, record_from_mapping

DEFAULT_MAX_DOC_BYTES = 64 << 20


def open_input(path: str | os.PathLike) -> BinaryIO:
    """A binary file, or stdin for "-"."""
    if str(path) == "-":
        return stdin_stream()
    return open(path, "rb")


_stdin: BinaryIO | None = None


def stdin_stream() -> BinaryIO:
    """sys.stdin as a binary stream with peek() (to sniff its format without consuming it)."""
    global _stdin
    buf = getattr(sys.stdin, "buffer", sys.stdin)
    if hasattr(buf, "peek"):
        return buf
    if _stdin is None or getattr(_stdin, "_src", None) is not buf:
        _stdin = io.BufferedReader(_RawReader(buf))
        _stdin._src = buf
    return _stdin


class _RawReader(io.RawIOBase):
    def __init__(self, f):
        self.f = f

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.f.read(len(b))
        b[: len(data)] = data
        return len(data)


class JsonlLines:
    """Raw records (`raw="jsonl"`: the undecoded line, its 1-based number as offset) of a JSONL file,
    plain, gzip or zstd (sniffed from the first bytes).

    Blank lines are skipped (they are no records). A line over `max_bytes` is never held in memory:
    it becomes a `too_large` reject.
    """

    def __init__(self, f: BinaryIO, source: str, *, max_bytes: int = DEFAULT_MAX_DOC_BYTES):
        self.f, self.source, self.max_bytes, self.pos = f, source, max_bytes, 0

    def __iter__(self) -> Iterator[Record | Reject]:
        src = self.source
        f = self.f
        head = f.peek(4)[:4] if hasattr(f, "peek") else b""
        compression = comp.sniff(head) if head else None
        if not head and not hasattr(f, "peek"):
            head = f.read(4)
            compression = comp.sniff(head)
            f = _Prefixed(head, f)
        line_no, buf, oversize = 0, bytearray(), False
        too_large = f"line longer than {self.max_bytes} bytes"
        for chunk in comp.iter_chunks(f, compression):
            if isinstance(chunk, comp.Corrupt):
                # the partial line before the damage is part of what the damage destroyed
                buf, oversize = bytearray(), False
                yield Reject(self.source, line_no + 1, "corrupt_input", chunk.reason)
                continue
            data, self.pos = chunk
            start = 0
            while True:
                if not buf and not oversize:  # blank lines are counted, not split one by one
                    start, blank = _skip_blank_lines(data, start)
                    line_no += blank
                if (nl := data.find(b"\n", start)) < 0:
                    break
                line_no += 1
                if oversize:
                    yield Reject(self.source, line_no, "too_large", too_large)
                    oversize = False
                else:
                    line = bytes(buf) + data[start:nl] if buf else data[start:nl]
                    buf = bytearray()
                    if len(line) > self.max_bytes:
                        yield Reject(self.source, line_no, "too_large", too_large)
                    elif line.strip():
                        yield Record(src, line_no, line, "auto", None, None, {}, "line", "jsonl")
                start = nl + 1
            if not oversize:
                buf += memoryview(data)[start:]
                if len(buf) > self.max_bytes:
                    buf, oversize = bytearray(), True
        if oversize:
            yield Reject(self.source, line_no + 1, "too_large", too_large)
        elif buf.strip():
            yield Record(src, line_no + 1, bytes(buf), raw="jsonl")


_BLANK = frozenset(b" \t\n\r\x0b\x0c")  # what bytes.strip() strips


def _skip_blank_lines(data: bytes, start: int) -> tuple[int, int]:
    """(where the first line holding more than whitespace begins, the number of blank lines before it),
    found at C speed in growing windows: a gzip of a billion newlines costs seconds, not minutes."""
    end, window = start, 256
    while end < len(data) and data[end] in _BLANK:
        piece = data[end:end + window]
        end += len(piece) - len(piece.lstrip())
        window = min(window * 2, 1 << 20)
    last_nl = data.rfind(b"\n", start, end)
    if last_nl < 0:
        return start, 0
    return last_nl + 1, data.count(b"\n", start, last_nl + 1)


class _Prefixed(io.RawIOBase):
    """A stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, f: BinaryIO):
        self.head, self.f = head, f

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.head:
            if n is None or n < 0:
                out, self.head = self.head + self.f.read(), b""
            else:
                out, self.head = self.head[:n], self.head[n:]
            return out
        return self.f.read(n)

    def tell(self) -> int:
        return 0


class WarcRecords:
    """Documents from a WARC file (plain or per-record gzip): HTML from its response records, the
    whole-page text of `conversion` records (Common Crawl WET files), and `resource` records (a file
    archived as it is) whose Content-Type is text or HTML; other resources are rejects saying so.

    Responses are given to the cleaner as HTML bytes with their Content-Type, conversions as text; url is
    WARC-Target-URI and id the WARC-Record-ID. Non-HTTP responses and unparsable data are rejects; after
    unparsable data, reading resumes at the next record header.
    """

    def __init__(self, path: str | os.PathLike, source: str, *, max_bytes: int = DEFAULT_MAX_DOC_BYTES):
        self.path, self.source, self.max_bytes, self.pos = path, source, max_bytes, 0

    def __iter__(self) -> Iterator[Record | Reject]:
        warc = require("fastwarc.warc", "WARC input")
        self._conversion_type = warc.WarcRecordType.conversion
        self._resource_type = warc.WarcRecordType.resource
        with open_input(self.path) as f:
            seekable = f.seekable()
            if not seekable:
                f = comp.CountingReader(f)
            base = f.tell() if seekable else 0
            while True:
                last = None
                try:
                    it = warc.ArchiveIterator(
                        f, record_types=warc.WarcRecordType.response | warc.WarcRecordType.conversion
                        | warc.WarcRecordType.resource,
                        parse_http=True, auto_decode="all",
                    )
                    for rec in it:
                        # stream_pos is absolute for a seekable file object, relative for a stream
                        last = rec.stream_pos if rec.stream_pos >= base else base + rec.stream_pos
                        self.pos = last
                        yield self._record(rec, last)
                    return
                except OSError as exc:
                    bad = last if last is not None else base
                    if not seekable:
                        yield Reject(self.source, bad, "bad_warc_record", f"invalid WARC data: {exc}", "byte")
                        return
                    nxt = _find_next_record(f, bad + 1, compressed=split_name(Path(self.path).name)[2] == "gzip")
                    where = f"after byte {bad}" if last is not None else f"at byte {bad}"
                    tail = f"; resumed at byte {nxt}" if nxt is not None else "; nothing readable after it"
                    yield Reject(self.source, bad, "bad_warc_record", f"invalid WARC data {where}: {exc}{tail}", "byte")
                    if nxt is None:
                        return
                    f.seek(nxt)
                    base = nxt

    def _record(self, rec, offset: int) -> Record | Reject:
        rid = rec.record_id
        if rec.record_type == self._conversion_type:
            return self._conversion(rec, offset, rid)
        if rec.record_type == self._resource_type:
            return self._resource(rec, offset, rid)
        if not rec.is_http or rec.http_headers is None or rec.http_headers.status_code is None:
            return Reject(self.source, offset, "bad_warc_record", "response record without an HTTP response", "byte", rid)
        if rec.content_length > self.max_bytes:
            return Reject(self.source, offset, "too_large", f"record longer than {self.max_bytes} bytes", "byte", rid)
        body = rec.reader.read()
        extra = {"warc_date": rec.headers.get("WARC-Date"), "http_status": rec.http_headers.status_code}
        ctype = rec.http_headers.get("Content-Type")
        if ctype:
            extra["content_type"] = ctype
        # The bytes go to the cleaner as they are: it decodes by BOM, this Content-Type, meta, detector.
        return Record(self.source, offset, body, "html", rec.headers.get("WARC-Target-URI"), rid, extra, "byte")

    def _conversion(self, rec, offset: int, rid) -> Record | Reject:
        if rec.content_length > self.max_bytes:
            return Reject(self.source, offset, "too_large", f"record longer than {self.max_bytes} bytes", "byte", rid)
        extra = {"warc_date": rec.headers.get("WARC-Date")}
        if rec.headers.get("WARC-Refers-To"):
            extra["warc_refers_to"] = rec.headers.get("WARC-Refers-To")
        return Record(self.source, offset, rec.reader.read(), "text", rec.headers.get("WARC-Target-URI"), rid, extra,
                      "byte")


    def _resource(self, rec, offset: int, rid) -> Record | Reject:
        ctype = rec.headers.get("Content-Type") or ""
        fmt = _resource_format(ctype)
        if fmt is None:
            return Reject(self.source, offset, "bad_warc_record", f"resource record of type {ctype}: not text or HTML",
                          "byte", rid)
        if rec.content_length > self.max_bytes:
            return Reject(self.source, offset, "too_large", f"record longer than {self.max_bytes} bytes", "byte", rid)
        extra = {"warc_date": rec.headers.get("WARC-Date")}
        if ctype:
            extra["content_type"] = ctype
        return Record(self.source, offset, rec.reader.read(), fmt, rec.headers.get("WARC-Target-URI"), rid, extra,
                      "byte")


def _resource_format(content_type: str) -> str | None:
    """How a resource record is cleaned, by its Content-Type: html, text, auto (none given: sniffed), or
    None (not text)."""
    mime = content_type.split(";")[0].strip().lower()
    if not mime:
        return "auto"
    if mime in ("text/html", "application/xhtml+xml"):
        return "html"
    if mime.startswith("text/"):
        return "text"
    return None


def _find_next_record(f: BinaryIO, start: int, *, compressed: bool) -> int | None:
    magic = comp.GZIP_MAGIC if compressed else b"WARC/1."
    f.seek(start)
    off, keep = start, b""
    while chunk := f.read(comp.CHUNK):
        buf = keep + chunk
        i = buf.find(magic)
        if i >= 0:
            return off - len(keep) + i
        keep = buf[-(len(magic) - 1) :]
        off += len(chunk)
    return None


class ParquetRecords:
    """Rows of a Parquet file as records (row index as offset); a corrupt row group is one reject."""

    def __init__(self, path: str | os.PathLike, source: str, fields: Fields = Fields(), *, batch_rows: int = 256):
        self.path, self.source, self.fields, self.batch_rows, self.pos = path, source, fields, batch_rows, 0
        self.schema = None

    def read_schema(self):
        """The Arrow schema of the file, or None when it cannot be read (iteration then says why)."""
        pq = require("pyarrow.parquet", "Parquet input")
        try:
            return pq.read_schema(self.path)
        except Exception:
            return None

    def __iter__(self) -> Iterator[Record | Reject]:
        pq = require("pyarrow.parquet", "Parquet input")
        pa = require("pyarrow")
        try:
            pf = pq.ParquetFile(self.path)
        except (pa.ArrowException, OSError) as exc:
            yield Reject(self.source, 0, "corrupt_input", f"unreadable Parquet file: {exc}", "row")
            return
        self.schema = pf.schema_arrow
        size = max(os.path.getsize(self.path), 1)
        n_rows = max(pf.metadata.num_rows, 1)
        row = 0
        for g in range(pf.num_row_groups):
            try:
                for batch in pf.iter_batches(batch_size=self.batch_rows, row_groups=[g]):
                    for obj in batch.to_pylist():
                        yield record_from_mapping(obj, self.source, row, "row", self.fields)
                        row += 1
                        self.pos = size * row // n_rows
            except (pa.ArrowException, OSError) as exc:
                first = row
                row = sum(pf.metadata.row_group(i).num_rows for i in range(g + 1))
                yield Reject(
                    self.source, first, "corrupt_input",
                    f"unreadable Parquet row group {g} (rows {first}..{row - 1}): {exc}", "row",
                )


def read_file_record(
    path: str | os.PathLike, source: str, clean_format: str = "auto", *, max_bytes: int = DEFAULT_MAX_DOC_BYTES
) -> Record | Reject:
    """One document file as a record; the bytes go to the cleaner undecoded (it sniffs the encoding)."""
    try:
        with open(path, "rb", buffering=0) as f:  # one document: no buffer layer, sized by fstat
            if os.fstat(f.fileno()).st_size > max_bytes:
                return Reject(source, 0, "too_large", f"file larger than {max_bytes} bytes", "file")
            data = f.readall()
    except OSError as exc:
        return Reject(source, 0, "read_error", f"cannot read file: {exc.strerror or exc}", "file")
    compression = split_name(os.path.basename(os.fspath(path)))[2]
    if compression:
        try:
            data = comp.decompress_document(data, compression, max_bytes)
        except comp.TooLarge:
            return Reject(source, 0, "too_large", f"file larger than {max_bytes} bytes decompressed", "file")
        except comp.DECOMPRESS_ERRORS as exc:
            return Reject(source, 0, "corrupt_input", f"cannot decompress {compression} file: {exc}", "file")
    return Record(source, 0, data, clean_format, unit="file")


def load_record(rec: Record, fields: Fields = Fields(), max_bytes: int = DEFAULT_MAX_DOC_BYTES) -> Record | Reject:
    """A raw record (see `Record`) made ready to clean, or the reject saying why it cannot be."""
    if rec.raw == "jsonl":
        return decode_jsonl_line(rec.data, rec.source, rec.offset, fields)
    if rec.raw == "file":
        return read_file_record(rec.data, rec.source, rec.format, max_bytes=max_bytes)
    return rec


def read_records(
    path: str | os.PathLike, fmt: str | None = None, fields: Fields = Fields(), *, source: str | None = None,
    max_bytes: int = DEFAULT_MAX_DOC_BYTES,
) -> Iterator[Record | Reject]:
    """All records of one input file, whatever its format (detected from the name unless `fmt`)."""
    source = source or str(path)
    fmt = fmt or detect_format(path)
    if fmt in ("text", "html"):
        yield read_file_record(path, source, fmt, max_bytes=max_bytes)  # the name says which: no sniffing
    elif fmt == "jsonl":
        with open_input(path) as f:
            for item in JsonlLines(f, source, max_bytes=max_bytes):
                yield item if isinstance(item, Reject) else load_record(item, fields, max_bytes)
    elif fmt == "warc":
        yield from WarcRecords(path, source, max_bytes=max_bytes)
    elif fmt == "parquet":
        yield from ParquetRecords(path, source, fields)
    else:
        raise ValueError(f"unknown input format for {path}: pass one of text, html, jsonl, warc, parquet")

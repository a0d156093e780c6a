"""Writers: JSONL (optionally gzip/zstd), Parquet, a mirrored text directory, and a text stream.

An output format is one `Output` class in `OUTPUTS`, in two halves. Its *encoder* runs in a batch
worker, one per task: `add()` encodes one cleaned record (returning a warning, or raising `EncodeError`
for that record alone) and `finish()` gives the task's payload. Its *shard writer* runs in the parent:
`write(payload)`, `commit()`, `discard()`. So one bad record never costs more than itself, and a new
format is one class here.

Output is always valid UTF-8: lone surrogates (invalid Unicode that JSON escapes such as `"\\ud800"`
can carry) become U+FFFD, with a warning on that record. File writers write to a temporary name next to
the target and rename on `commit()`, so a reader of the output directory never sees a half-written file,
and a killed run leaves only temporary names (removed by `sweep_temporaries`).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import BinaryIO

from cleaner.core.cleaner import LONE_SURROGATES, printable

from ._extras import require
from .compression import Compressor, suffix

TMP_MARK = ".cleaner-tmp"


def tmp_basename(name: str) -> str:
    """The temporary name of a file being written (what `sweep_temporaries` removes after a kill)."""
    return f".{name}.{os.getpid()}{TMP_MARK}"


def tmp_name(path: Path) -> Path:
    return path.with_name(tmp_basename(path.name))


def sweep_temporaries(root: Path) -> int:
    """Delete the temporary files a killed run left under `root`; returns how many."""
    n = 0
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            if name.startswith(".") and name.endswith(TMP_MARK):
                os.unlink(os.path.join(dirpath, name))
                n += 1
    return n


def sweep_orphaned_temporaries(directory: Path) -> int:
    """Delete the temporary files in `directory` (not below) whose writing process is gone, a killed
    run's; a live run's stay. Returns how many."""
    n = 0
    for path in directory.glob("." + "*" + TMP_MARK):
        pid = path.name[: -len(TMP_MARK)].rpartition(".")[2]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
            n += 1
    return n


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: alive
        return True
    return True


class EncodeError(ValueError):
    """A cleaned record the output format cannot hold (the record becomes a reject, its shard goes on)."""


SURROGATES_REPLACED = "invalid Unicode (lone surrogates) in the output replaced by U+FFFD"
NON_FINITE_REPLACED = "NaN or infinite numbers, which JSON cannot hold, written as null"


def scrub(value, found: set | None = None):
    """`value` with lone surrogates in its strings replaced by U+FFFD and non-finite floats by None
    (each kind of repair noted in `found`)."""
    if isinstance(value, str):
        if LONE_SURROGATES.search(value):
            if found is not None:
                found.add(SURROGATES_REPLACED)
            return LONE_SURROGATES.sub("\ufffd", value)
        return value
    if isinstance(value, dict):
        return {scrub(k, found): scrub(v, found) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v, found) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        if found is not None:
            found.add(NON_FINITE_REPLACED)
        return None
    return value


def utf8(text: str) -> tuple[bytes, str | None]:
    """`text` as UTF-8, and the warning when lone surrogates had to be replaced."""
    try:
        return text.encode("utf-8"), None
    except UnicodeEncodeError:
        return LONE_SURROGATES.sub("\ufffd", text).encode("utf-8", "replace"), SURROGATES_REPLACED


def _with_warning(rec: dict, found: set) -> tuple[dict, str | None]:
    warning = "; ".join(sorted(found)) or None
    if warning and isinstance(rec.get("warnings"), list):
        rec["warnings"] = [*rec["warnings"], warning]
    return rec, warning


# `json.dumps(..., ensure_ascii=False, default=str, allow_nan=False)`, its encoder made once, not per record
_JSON = json.JSONEncoder(ensure_ascii=False, default=str, allow_nan=False).encode


def json_line(rec: dict) -> tuple[bytes, str | None]:
    """One JSONL line, always valid JSON and UTF-8: values it cannot hold are repaired (see `scrub`),
    and the warning saying so is added to the record's `warnings` and returned. EncodeError otherwise."""
    try:
        return (_JSON(rec) + "\n").encode("utf-8"), None
    except (UnicodeEncodeError, ValueError, TypeError):
        pass
    found: set = set()
    fixed, warning = _with_warning(scrub(rec, found), found)
    try:
        line = _JSON(fixed) + "\n"
    except (ValueError, TypeError) as exc:
        raise EncodeError(f"cannot be written as JSON: {type(exc).__name__}: {exc}"[:300]) from None
    return line.encode("utf-8", "replace"), warning


def dump_record(rec: dict) -> bytes:
    """One JSONL line (see `json_line`), for records that carry no warnings (rejects, bookkeeping)."""
    return json_line(rec)[0]


class AtomicFile:
    """A binary file written under a temporary name and renamed into place by `commit()`."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = tmp_name(self.path)
        self.f: BinaryIO = open(self.tmp, "wb")

    def write(self, data: bytes) -> None:
        self.f.write(data)

    def commit(self) -> None:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        try:
            self.f.close()
        except OSError:  # the data a full disk or a size limit refused fails again on close
            pass
        self.tmp.unlink(missing_ok=True)


class JsonlWriter:
    """JSON Lines output. `write_block` takes bytes already encoded (and compressed) by a worker."""

    def __init__(self, path: str | os.PathLike, compression: str | None = None):
        self.file = AtomicFile(path)
        self.compress = Compressor(compression)

    def write(self, rec: dict) -> None:
        self.file.write(self.compress(json_line(rec)[0]))

    def write_block(self, block: bytes) -> None:
        self.file.write(block)

    def commit(self) -> None:
        self.file.commit()

    def discard(self) -> None:
        self.file.discard()


RECORD_KEYS = frozenset(("id", "source", "url", "site", "title", "text", "metadata", "stats", "warnings", "site_reason",
                         "trace"))


def carried_name(key: str, taken=RECORD_KEYS) -> str:
    """Name of a carried-through input field: the same, or `input_<key>` where it collides with ours."""
    return f"input_{key}" if key in taken else key


def carried(extra: dict) -> dict:
    return {carried_name(k): v for k, v in extra.items()}


def parquet_schema(extra=None, *, trace: bool = False):
    """Arrow schema of the record; `extra` is an Arrow schema of carried-through input columns, or None
    to carry them as one JSON string column `extra`."""
    pa = require("pyarrow", "Parquet output")
    cols = [
        ("id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("site", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("metadata", pa.map_(pa.string(), pa.string())),
        ("stats", pa.map_(pa.string(), pa.int64())),
        ("warnings", pa.list_(pa.string())),
        ("site_reason", pa.string()),
    ]
    if trace:
        cols.append(("trace", pa.string()))
    if extra is None:
        cols.append(("extra", pa.string()))
    else:
        cols += [(carried_name(f.name), f.type) for f in extra]
    return pa.schema(cols)


def parquet_row(rec: dict, extra: dict | None, schema) -> dict:
    """Shape an output record and its carried-through fields (see `carried`) for `schema`."""
    row = dict(rec)
    row["metadata"] = {str(k): (v if isinstance(v, str) else json.dumps(v, default=str)) for k, v in (rec.get("metadata") or {}).items()}
    row["stats"] = {str(k): int(v) for k, v in (rec.get("stats") or {}).items() if isinstance(v, (int, float))}
    if "trace" in rec:
        row["trace"] = json.dumps(rec["trace"], ensure_ascii=False, default=str)
    if "extra" in schema.names and schema.field("extra").type == "string":
        row["extra"] = json.dumps(extra, ensure_ascii=False, default=str) if extra else None
    elif extra:
        row.update(extra)
    return row


class ParquetWriter:
    """Parquet output from Arrow record batches made by the workers, one row group per
    `row_group_rows` records."""

    def __init__(self, path: str | os.PathLike, schema, *, row_group_rows: int = 10_000):
        self.pa = require("pyarrow", "Parquet output")
        pq = require("pyarrow.parquet", "Parquet output")
        self.file = AtomicFile(path)
        self.schema = schema
        self.batches: list = []
        self.rows = 0
        self.row_group_rows = row_group_rows
        self.w = pq.ParquetWriter(self.file.f, schema, compression="zstd")

    def write_block(self, batch) -> None:
        """One task's `pyarrow.RecordBatch` (or None when it had no rows)."""
        if batch is not None and batch.num_rows:
            self.batches.append(batch)
            self.rows += batch.num_rows
            if self.rows >= self.row_group_rows:
                self._flush()

    def _flush(self) -> None:
        if self.batches:
            self.w.write_table(self.pa.Table.from_batches(self.batches, schema=self.schema))
            self.batches, self.rows = [], 0

    def commit(self) -> None:
        self._flush()
        self.w.close()
        self.file.commit()

    def discard(self) -> None:
        self.w.close()
        self.file.discard()


_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def record_file_name(rec) -> str:
    """The text-output file name of a record of a container (JSONL, WARC, Parquet): its line number
    (or row / byte offset) as in rejects.jsonl, then its id made safe for a file name."""
    if not rec.id:
        return f"{rec.offset:08d}.txt"
    safe = _UNSAFE_NAME.sub("_", LONE_SURROGATES.sub("_", rec.id)).strip("._")
    safe = safe.encode("utf-8")[:120].decode("utf-8", "ignore")  # file names hold 255 bytes
    return f"{rec.offset:08d}_{safe}.txt" if safe else f"{rec.offset:08d}.txt"


class TextDirWriter:
    """Bodies as text files under `root`, at the relative names given (each written atomically).

    One file per document makes this a hot path (each batch worker writes its own documents): plain
    `os` calls on strings, and each directory made once.
    """

    def __init__(self, root: str | os.PathLike):
        self.root = os.fspath(root)
        self._dirs: set[str] = set()

    def write(self, rel: str, text: str) -> str | None:
        """Write one body; returns the warning when invalid Unicode had to be replaced."""
        path = os.path.join(self.root, rel)
        directory, name = os.path.split(path)
        if directory not in self._dirs:
            os.makedirs(directory, exist_ok=True)
            self._dirs.add(directory)
        tmp = os.path.join(directory, tmp_basename(name))
        raw, warning = utf8(text + "\n" if text else "")
        data = memoryview(raw)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            try:
                while data:
                    data = data[os.write(fd, data):]
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError as exc:  # name the file the user asked for, not our temporary
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise type(exc)(exc.errno, exc.strerror, path) from None
        return warning

    def commit(self) -> None:
        pass

    def discard(self) -> None:
        pass


class StreamWriter:
    """Encoded blocks to a stream (stdout); with `headers`, each text document is preceded by a
    `==> name <==` line, as `head` does with several files, so documents stay apart."""

    def __init__(self, stream: BinaryIO, headers: bool = False):
        self.stream, self.headers, self.first = stream, headers, True

    def write_block(self, block) -> None:
        if isinstance(block, bytes):
            self.stream.write(block)
        else:  # text documents: (name, encoded body)
            for name, body in block:
                if not self.first:
                    self.stream.write(b"\n")
                self.first = False
                if self.headers:
                    self.stream.write(b"==> " + printable(name).encode() + b" <==\n")
                self.stream.write(body)
        self.stream.flush()

    def commit(self) -> None:
        self.stream.flush()

    def discard(self) -> None:
        pass


class TextStreamWriter(StreamWriter):
    """Bodies to a stream, documents separated by a blank line (and a header each, with `headers`)."""

    def write(self, text: str, name: str = "") -> None:
        self.write_block([(name, utf8(text + "\n" if text else "")[0])])


# --- output formats: the worker-side encoder and the parent-side shard writer of each -------------


class _JsonlEncoder:
    def __init__(self, compression: str | None):
        self.parts: list[bytes] = []
        self.compression = compression

    def add(self, index: int, rec, out: dict) -> str | None:
        if rec.extra:
            out.update(carried(rec.extra))
        line, warning = json_line(out)
        self.parts.append(line)
        return warning

    def finish(self) -> tuple[bytes, dict]:
        return Compressor(self.compression)(b"".join(self.parts)), {}


class _ParquetEncoder:
    def __init__(self, schema):
        self.schema, self.rows, self.index = schema, [], []

    def add(self, index: int, rec, out: dict) -> None:
        self.rows.append(parquet_row(out, carried(rec.extra) if rec.extra else None, self.schema))
        self.index.append(index)

    def finish(self):
        """The task's RecordBatch; a row Arrow refuses is repaired (warning) or dropped (EncodeError)."""
        pa = require("pyarrow", "Parquet output")
        if not self.rows:
            return None, {}
        try:
            return pa.RecordBatch.from_pylist(self.rows, schema=self.schema), {}
        except Exception:  # find the rows at fault: the others of the task are written
            pass
        good, late = [], {}
        for i, row in zip(self.index, self.rows):
            try:
                pa.RecordBatch.from_pylist([row], schema=self.schema)
                good.append(row)
                continue
            except Exception as exc:
                first = exc
            found: set = set()
            fixed, warning = _with_warning(scrub(row, found), found)
            try:
                pa.RecordBatch.from_pylist([fixed], schema=self.schema)
            except Exception:
                msg = f"cannot be written as Parquet: {type(first).__name__}: {first}".splitlines()[0][:300]
                late[i] = EncodeError(msg)
                continue
            good.append(fixed)
            late[i] = warning
        return pa.RecordBatch.from_pylist(good, schema=self.schema), late


class _TextEncoder:
    """Bodies for a stream as (name, bytes); or, with `dest`, written to a text directory right here."""

    def __init__(self, dest):
        self.dest, self.parts = dest, []
        self.files = TextDirWriter(dest[0]) if dest is not None else None

    def add(self, index: int, rec, out: dict) -> str | None:
        text = out["text"]
        if self.files is not None:  # OSError stops the run: the disk, not the document
            names = self.dest[1]
            return self.files.write(names[index] if names is not None else record_file_name(rec), text)
        body, warning = utf8(text + "\n" if text else "")
        self.parts.append((rec.source if rec.unit == "file" else (rec.id or rec.default_id()), body))
        return warning

    def finish(self):
        return (self.parts if self.files is None else None), {}


class Output:
    """An output format (see the module docstring); `OUTPUTS[name](compression, trace)` makes one."""

    name = ""
    needs_dir = False  # cannot be written to a stream

    def __init__(self, compression: str | None = None, trace: bool = False):
        self.compression, self.trace = compression, trace

    def suffix(self) -> str:
        return ""

    def encoder(self, dest=None, schema=None):
        raise NotImplementedError

    def open(self, path: Path, schema=None):
        """The shard writer of one output file."""
        raise NotImplementedError


class JsonlOutput(Output):
    name = "jsonl"

    def suffix(self) -> str:
        return ".jsonl" + suffix(self.compression)

    def encoder(self, dest=None, schema=None):
        return _JsonlEncoder(self.compression)

    def open(self, path: Path, schema=None):
        return JsonlWriter(path, self.compression)


class ParquetOutput(Output):
    name = "parquet"
    needs_dir = True

    def suffix(self) -> str:
        return ".parquet"

    def encoder(self, dest=None, schema=None):
        return _ParquetEncoder(schema)

    def open(self, path: Path, schema=None):
        return ParquetWriter(path, schema)


class TextOutput(Output):
    """A text directory is written by the workers themselves (one file per document): no shard file."""

    name = "text"

    def encoder(self, dest=None, schema=None):
        return _TextEncoder(dest)

    def open(self, path: Path, schema=None):
        return None


OUTPUTS: dict[str, type[Output]] = {o.name: o for o in (JsonlOutput, ParquetOutput, TextOutput)}

"""Writers: JSONL (optionally gzip/zstd), Parquet, a mirrored text directory, and a text stream.

File writers write to a temporary name next to the target and rename on `commit()`, so a reader of
the output directory never sees a half-written file, and a killed run leaves only temporary names
(removed by `sweep_temporaries`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import BinaryIO, Iterable

from ._extras import require
from .compression import Compressor

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


def dump_record(rec: dict) -> bytes:
    return (json.dumps(rec, ensure_ascii=False, default=str) + "\n").encode("utf-8", "surrogatepass")


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
        self.f.close()
        self.tmp.unlink(missing_ok=True)


class JsonlWriter:
    """JSON Lines output. `write_block` takes bytes already serialized (and compressed) by a worker."""

    def __init__(self, path: str | os.PathLike, compression: str | None = None):
        self.file = AtomicFile(path)
        self.compress = Compressor(compression)

    def write(self, rec: dict) -> None:
        self.file.write(self.compress(dump_record(rec)))

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
    """Parquet output, one row group per `row_group_rows` records."""

    def __init__(self, path: str | os.PathLike, schema, *, row_group_rows: int = 10_000):
        self.pa = require("pyarrow", "Parquet output")
        pq = require("pyarrow.parquet", "Parquet output")
        self.file = AtomicFile(path)
        self.schema = schema
        self.rows: list[dict] = []
        self.row_group_rows = row_group_rows
        self.w = pq.ParquetWriter(self.file.f, schema, compression="zstd")

    def write(self, rec: dict, extra: dict | None = None) -> None:
        self.rows.append(parquet_row(rec, extra, self.schema))
        if len(self.rows) >= self.row_group_rows:
            self._flush()

    def write_rows(self, rows: Iterable[dict]) -> None:
        """Rows already shaped by `parquet_row` (in a worker)."""
        self.rows.extend(rows)
        if len(self.rows) >= self.row_group_rows:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.w.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def commit(self) -> None:
        self._flush()
        self.w.close()
        self.file.commit()

    def discard(self) -> None:
        self.w.close()
        self.file.discard()


class TextDirWriter:
    """Bodies as text files under `root`, at the relative names given (each written atomically).

    One file per document makes this a hot path (each batch worker writes its own documents): plain
    `os` calls on strings, and each directory made once.
    """

    def __init__(self, root: str | os.PathLike):
        self.root = os.fspath(root)
        self._dirs: set[str] = set()

    def write(self, rel: str, text: str) -> None:
        path = os.path.join(self.root, rel)
        directory, name = os.path.split(path)
        if directory not in self._dirs:
            os.makedirs(directory, exist_ok=True)
            self._dirs.add(directory)
        tmp = os.path.join(directory, tmp_basename(name))
        data = memoryview((text + "\n" if text else "").encode("utf-8", "surrogatepass"))
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

    def commit(self) -> None:
        pass

    def discard(self) -> None:
        pass


class TextStreamWriter:
    """Bodies to a stream (stdout), documents separated by a blank line."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.first = True

    def write(self, text: str) -> None:
        if not self.first:
            self.stream.write(b"\n")
        self.first = False
        self.stream.write((text + "\n" if text else "").encode("utf-8", "surrogatepass"))

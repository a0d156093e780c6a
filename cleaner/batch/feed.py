"""The feed: shards -> an ordered stream of Start / Task / End elements.

Runs in the parent (in a reader thread for pool runs). It does only the sequential part of reading -
decompression and splitting into lines or records; JSON parsing and file reading happen in workers.
Every element has a sequence number, and output is written in that order, so a run's output is
deterministic whatever the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

from ..io._extras import MissingExtra
from ..io.readers import JsonlLines, ParquetRecords, WarcRecords, stdin_stream
from ..io.records import Record, Reject
from .options import BatchConfig
from .plan import PlanError, Shard


@dataclass
class Start:
    seq: int
    shard: int
    extra_schema: object = None  # Parquet input: Arrow schema of the input columns


@dataclass
class End:
    seq: int
    shard: int


@dataclass
class Task:
    """A batch of items (Record or Reject; raw records are finished by the worker) from one shard for
    one worker. `skip` maps item index -> (kind, reason) for items that already stopped a worker
    (timeout or crash): they become rejects without being cleaned again. `dest`, for text-directory
    output: (directory, relative file name of each item, or None to name them by record), which the
    worker writes (set by the runner from `Sink.destination`).
    """

    seq: int
    shard: int
    items: list
    first: int  # index of the first item within its shard
    raw_end: int  # raw input bytes of the shard consumed up to the end of this task (progress)
    skip: dict = field(default_factory=dict)
    attempts: int = 0
    dest: tuple[str, list[str] | None] | None = None


    def __getstate__(self) -> dict:  # a task crosses to a worker: JSONL lines travel as bare pairs
        state = self.__dict__.copy()
        items = self.items
        if items and all(type(r) is Record and r.raw == "jsonl" for r in items):  # one shard: one source
            state["items"] = ("jsonl", items[0].source, [(r.offset, r.data) for r in items])
        return state

    def __setstate__(self, state: dict) -> None:
        items = state["items"]
        if isinstance(items, tuple):
            _, src, pairs = items
            state["items"] = [Record(src, n, line, "auto", None, None, {}, "line", "jsonl") for n, line in pairs]
        self.__dict__.update(state)


Element = Start | End | Task


def feed(shards: list[tuple[int, Shard]], opts: BatchConfig) -> Iterator[Element]:
    seq = 0
    for idx, shard in shards:
        reader = _reader(shard, opts)
        start = Start(seq, idx, reader.read_schema() if isinstance(reader, ParquetRecords) else None)
        seq += 1
        yield start
        items: list = []
        nbytes, first, count = 0, 0, 0
        for item in _guarded(reader, shard):
            items.append(item)
            count += 1
            nbytes += _size(item)
            if len(items) >= opts.task_docs or nbytes >= opts.task_bytes:
                yield Task(seq, idx, items, first, getattr(reader, "pos", 0))
                seq, items, nbytes, first = seq + 1, [], 0, count
        if items:
            yield Task(seq, idx, items, first, shard.size)
            seq += 1
        yield End(seq, idx)
        seq += 1


def _guarded(reader, shard: Shard):
    """The reader's items; an unexpected read failure ends the shard with one reject, not the run."""
    try:
        yield from reader
    except MissingExtra:
        raise
    except BaseException as exc:  # pyo3 panics (fastwarc) derive from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        pos = getattr(reader, "pos", 0)
        msg = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        yield Reject(shard.source, pos, "read_error", f"cannot read past byte {pos}: {msg}", "byte")


def _size(item) -> int:
    if isinstance(item, Record):
        return 4096 if item.raw == "file" else len(item.data)  # files: read by the worker
    return 0


class _Files:
    def __init__(self, shard: Shard):
        self.shard, self.pos = shard, 0

    def __iter__(self):
        files = self.shard.group.files()
        for i, (path, fmt) in enumerate(files, 1):
            self.pos = self.shard.size * i // len(files)  # progress in bytes, pro rata (sizes were planned)
            # a text or HTML file, by its name or --input-format: no sniffing
            yield Record(str(path), 0, str(path), "html" if fmt == "html" else "text", unit="file", raw="file")


def _reader(shard: Shard, opts: BatchConfig):
    """The reader of a shard: an iterable of Record and Reject (a new input kind is one branch here)."""
    src = shard.source
    if shard.kind == "files":
        return _Files(shard)
    if shard.kind == "jsonl":
        return _Closing(shard.path, lambda f: JsonlLines(f, src, max_bytes=opts.max_doc_bytes))
    if shard.kind == "warc":
        return WarcRecords(shard.path, src, max_bytes=opts.max_doc_bytes)
    if shard.kind == "parquet":
        return ParquetRecords(shard.path, src, opts.fields)
    if shard.kind == "stdin":
        return _stdin(shard, opts)
    raise ValueError(shard.kind)


class _Closing:
    """Opens the file when iteration starts and closes it at the end."""

    def __init__(self, path, make):
        self.path, self.make, self.inner = path, make, None

    @property
    def pos(self) -> int:
        return self.inner.pos if self.inner is not None else 0

    def __iter__(self):
        with open(self.path, "rb") as f:
            self.inner = self.make(f)
            yield from self.inner


def _stdin(shard: Shard, opts: BatchConfig):
    """stdin in the format the plan sniffed or was told."""
    f: BinaryIO = stdin_stream()
    fmt = shard.stdin_format
    if fmt == "warc":
        return WarcRecords("-", "-", max_bytes=opts.max_doc_bytes)
    if fmt == "parquet":
        raise PlanError("Parquet cannot be read from stdin: pass the file path")
    if fmt == "jsonl":
        return JsonlLines(f, "-", max_bytes=opts.max_doc_bytes)
    data = f.read(opts.max_doc_bytes + 1)
    if len(data) > opts.max_doc_bytes:
        return [Reject("-", 0, "too_large", f"input larger than {opts.max_doc_bytes} bytes", "file")]
    return [Record("-", 0, data, fmt if fmt in ("text", "html") else "auto", unit="file")]

"""The sink: writes task results, in sequence order, to their shard's output and rejects.

A text directory is the exception: one file per document, written by the workers themselves (see
`destination`), so that no single process creates every file; the sink only accounts for them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, Callable

from ..io.records import Fields
from ..io.writers import AtomicFile, JsonlWriter, ParquetWriter, TextStreamWriter, dump_record, parquet_schema
from .feed import End, Start, Task
from .plan import Plan
from .resume import Manifest
from .stats import Stats
from .worker import TaskResult


class Sink:
    """Output of a run: files under `out` (with resume bookkeeping), or a stream (stdout)."""

    def __init__(
        self,
        plan: Plan,
        *,
        out: Path | None,
        manifest: Manifest | None,
        compression: str | None = None,
        trace: bool = False,
        fields: Fields = Fields(),
        stream: BinaryIO | None = None,
        on_reject: Callable[[dict], None] | None = None,
        on_warning: Callable[[str, str], None] | None = None,
    ):
        self.plan, self.out, self.manifest = plan, out, manifest
        self.compression, self.trace, self.fields = compression, trace, fields
        self.stream = stream if stream is not None else sys.stdout.buffer
        self.on_reject, self.on_warning = on_reject, on_warning
        self.text_stream = TextStreamWriter(self.stream) if out is None and plan.out_format == "text" else None
        self.stats = Stats()  # this run
        self._writer = None
        self._rejects: AtomicFile | None = None
        self._shard_stats = Stats()
        self._names: dict[int, list[str]] = {}  # shard -> mirrored .txt names of its files (text output)
        self.schemas: dict[int, object] = {}  # shard index -> Arrow schema (Parquet output)

    def schema_for(self, start: Start):
        """Arrow schema for a shard's Parquet output: typed input columns when the input is Parquet."""
        if start.shard not in self.schemas:
            extra = None
            if start.extra_schema is not None:
                pa = __import__("pyarrow")
                consumed = self.fields.consumed
                extra = pa.schema([f for f in start.extra_schema if f.name not in consumed])
            self.schemas[start.shard] = parquet_schema(extra, trace=self.trace)
        return self.schemas[start.shard]

    def start(self, el: Start) -> None:
        shard = self.plan.shards[el.shard]
        self._shard_stats = Stats()
        fmt = self.plan.out_format
        self._writer = None  # a stream, or a text directory (the workers write it: see `destination`)
        if self.out is not None and fmt == "jsonl":
            self._writer = JsonlWriter(self.out / shard.out, self.compression)
        elif self.out is not None and fmt == "parquet":
            self._writer = ParquetWriter(self.out / shard.out, self.schema_for(el))
        if self.manifest is not None:
            self._rejects = AtomicFile(self.manifest.rejects_path(shard))

    def write(self, task: Task, res: TaskResult) -> None:
        fmt = self.plan.out_format
        if self.out is None:
            if self.text_stream is not None:
                for _, text in res.out:
                    self.text_stream.write(text)
            else:
                self.stream.write(res.out)
            self.stream.flush()
        elif fmt == "jsonl":
            self._writer.write_block(res.out)
        elif fmt == "parquet":
            self._writer.write_rows(res.out)
        elif res.error is not None:  # a worker could not write a text file: the disk, not the document
            raise res.error
        for r in res.rejects:
            if self._rejects is not None:
                self._rejects.write(dump_record(r))
            if self.on_reject is not None:
                self.on_reject(r)
        if self.on_warning is not None:
            for src, w in res.warnings:
                self.on_warning(src, w)
        self._shard_stats.add(res.stats)
        self.stats.add(res.stats)

    def destination(self, task: Task) -> tuple[str, list[str]] | None:
        """(directory, relative name of each item's file) for a task whose documents go to a text
        directory, which the worker cleaning them writes; None for any other output."""
        if self.out is None or self.plan.out_format != "text":
            return None
        shard = self.plan.shards[task.shard]
        first, n = task.first, len(task.items)
        if shard.kind != "files":  # records of one input: numbered files in a directory named after it
            return os.fspath(self.out / shard.out), [f"{k + 1:08d}.txt" for k in range(first, first + n)]
        if task.shard not in self._names:  # tasks are handed out ahead of the sink: kept until `end`
            self._names[task.shard] = shard.group.text_names()
        return os.fspath(self.out), self._names[task.shard][first : first + n]

    def end(self, el: End) -> None:
        shard = self.plan.shards[el.shard]
        self._names.pop(el.shard, None)
        if self._writer is not None:
            self._writer.commit()
            self._writer = None
        if self._rejects is not None:
            self._rejects.commit()
            self._rejects = None
        if self.manifest is not None:
            self.manifest.mark_done(shard, self._shard_stats)

    def abort(self) -> None:
        """Drop the shard in progress (its temporary files); finished shards stay."""
        for w in (self._writer, self._rejects):
            if w is not None:
                try:
                    w.discard()
                except Exception:
                    pass
        self._writer = self._rejects = None

    def assemble_rejects(self) -> tuple[Path, int]:
        """OUT/rejects.jsonl: the rejects of every finished shard of the plan, in shard order."""
        assert self.out is not None and self.manifest is not None
        path = self.out / "rejects.jsonl"
        f = AtomicFile(path)
        n = 0
        for shard in self.plan.shards:
            p = self.manifest.rejects_path(shard)
            if self.manifest.finished(shard) is not None and p.exists():
                with open(p, "rb") as src:
                    for line in src:
                        f.write(line)
                        n += 1
        f.commit()
        return path, n

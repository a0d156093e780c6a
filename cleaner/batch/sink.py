"""The sink: writes task results, in sequence order, to their shard's output and rejects.

A text directory is the exception: one file per document, written by the workers themselves (see
`destination`), so that no single process creates every file; the sink only accounts for them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, Callable

from ..io.records import Reject
from ..io.writers import AtomicFile, StreamWriter, dump_record, parquet_schema
from .feed import End, Start, Task
from .options import BatchConfig
from .plan import Plan
from .resume import Manifest
from .stats import Stats
from .worker import TaskResult


class Sink:
    """Output of a run: files under `cfg.out` (with resume bookkeeping), or a stream (stdout).

    Each shard's output goes through the output format's shard writer (`write`, `commit`, `discard`:
    see cleaner.io.writers), whatever the format."""

    def __init__(
        self,
        plan: Plan,
        cfg: BatchConfig,
        *,
        manifest: Manifest | None,
        stream: BinaryIO | None = None,
        on_reject: Callable[[dict], None] | None = None,
        on_warning: Callable[[str, str], None] | None = None,
    ):
        self.plan, self.cfg, self.out, self.manifest = plan, cfg, cfg.out, manifest
        self.output = cfg.output()
        self.on_reject, self.on_warning = on_reject, on_warning
        self.stream_writer = None
        if self.out is None:
            self.stream_writer = StreamWriter(stream if stream is not None else sys.stdout.buffer,
                                              headers=not _one_document(plan))
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
                consumed = self.cfg.fields.consumed
                extra = pa.schema([f for f in start.extra_schema if f.name not in consumed])
            self.schemas[start.shard] = parquet_schema(extra, trace=self.cfg.trace)
        return self.schemas[start.shard]

    def start(self, el: Start) -> None:
        shard = self.plan.shards[el.shard]
        self._shard_stats = Stats()
        if self.out is None:
            self._writer = self.stream_writer
        else:  # None for a text directory: the workers write it (see `destination`)
            self._writer = self.output.open(self.out / shard.out, self.schema_for(el)
                                            if self.output.name == "parquet" else None)
        if self.manifest is not None:
            self._rejects = AtomicFile(self.manifest.rejects_path(shard))

    def write(self, task: Task, res: TaskResult) -> None:
        if res.error is not None:  # a worker could not write a text file: the disk, not the document
            raise res.error
        if self._writer is not None:
            self._writer.write_block(res.out)
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

    def destination(self, task: Task) -> tuple[str, list[str] | None] | None:
        """(directory, relative name of each item's file) for a task whose documents go to a text
        directory, which the worker cleaning them writes; None for any other output. Records of a
        container go to a directory named after it, named by the worker (`record_file_name`)."""
        if self.out is None or self.output.name != "text":
            return None
        shard = self.plan.shards[task.shard]
        if shard.kind != "files":
            return os.fspath(self.out / shard.out), None
        if task.shard not in self._names:  # tasks are handed out ahead of the sink: kept until `end`
            self._names[task.shard] = shard.group.text_names()
        first, n = task.first, len(task.items)
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
            if w is not None and w is not self.stream_writer:
                try:
                    w.discard()
                except Exception:
                    pass
        self._writer = self._rejects = None

    def assemble_rejects(self) -> tuple[Path, int]:
        """OUT/rejects.jsonl: the inputs the plan could not read, then the rejects of every finished shard
        of the plan, in shard order."""
        assert self.out is not None and self.manifest is not None
        path = self.out / "rejects.jsonl"
        f = AtomicFile(path)
        n = 0
        for p, why in self.plan.unreadable:  # found when planning: no shard holds them
            f.write(dump_record(Reject(str(p), 0, "read_error", why, "file").to_dict()))
            n += 1
        for shard in self.plan.shards:
            p = self.manifest.rejects_path(shard)
            if self.manifest.finished(shard) is not None and p.exists():
                with open(p, "rb") as src:
                    for line in src:
                        f.write(line)
                        n += 1
        f.commit()
        return path, n


def _one_document(plan: Plan) -> bool:
    """A run whose output is one document (one file, or stdin as one document): no headers on stdout."""
    if len(plan.shards) != 1:
        return False
    s = plan.shards[0]
    return (s.kind == "files" and s.group is not None and s.group.only is not None) or (
        s.kind == "stdin" and s.stdin_format not in ("jsonl", "warc"))

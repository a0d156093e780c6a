"""The batch runner behind `cleaner clean`: plan -> feed (reader thread) -> workers -> sink, in order.

Memory is bounded by the window: at most `window` elements (tasks of <= TASK_DOCS documents or
TASK_BYTES bytes) are between the reader and the sink at any time, whatever the size of the dump.
The first documents are cleaned inline; a worker pool starts only when there is more work than a
light run (one small file, a document on stdin) needs.
"""

from __future__ import annotations

import os
import pickle
import signal
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Callable

from ..io._extras import require
from ..io.formats import split_name
from ..io.writers import sweep_temporaries
from .feed import End, Start, Task, _size, feed
from .options import BatchConfig
from .plan import Plan, PlanError, make_plan
from .pool import Failure, PoolError, WorkerPool, default_workers, retry
from .resume import Manifest, RunLock
from .sink import Sink
from .stats import Stats
from .worker import install_alarm, process_task

LIGHT_DOCS = 32  # documents cleaned inline before a pool is started
LIGHT_BYTES = 1 << 20


@dataclass
class RunReport:
    plan: Plan
    stats: Stats  # every finished shard of the plan, including those of earlier runs
    this_run: Stats
    shards_skipped: int
    elapsed: float
    workers: int  # 0: everything ran inline
    worker_peak_rss: list[int] = field(default_factory=list)
    workers_replaced: int = 0
    rejects_file: Path | None = None


class Progress:
    """Callbacks for a progress display (all optional)."""

    def start(self, total_bytes: int | None, shards: int, skipped: int) -> None: ...
    def advance(self, raw_done: int, stats: Stats) -> None: ...
    def stop(self) -> None: ...


class _Fatal:
    def __init__(self, exc: BaseException):
        self.exc = exc


_EOF = object()


@dataclass
class _Flow:
    """Where the run's loop stands: tasks read and not yet sent (`pending`), results and shard markers
    waiting for their turn (`ready`, by sequence number), the tasks in flight and the shards started, the
    next sequence number to write, how many read elements are not written yet, and whether reading ended."""

    pending: deque = field(default_factory=deque)
    ready: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)
    starts: dict = field(default_factory=dict)
    next_seq: int = 0
    outstanding: int = 0
    eof: bool = False


def run_batch(
    cfg: BatchConfig,
    cleaner,
    *,
    progress: Progress | None = None,
    stream: BinaryIO | None = None,
    on_reject: Callable[[dict], None] | None = None,
    on_warning: Callable[[str, str], None] | None = None,
) -> RunReport:
    """Clean everything `cfg` names. Raises PlanError / OptionsChanged / OutputInUse (usage) and PoolError."""
    t0 = time.monotonic()
    progress = progress or Progress()
    plan = make_plan(
        cfg.paths, out_dir=cfg.out, out_format=cfg.out_format, compression=cfg.compression,
        input_format=cfg.input_format,
    )
    cfg = replace(cfg, out_format=plan.out_format)
    if cfg.out is None and cfg.output().needs_dir:
        raise PlanError(f"{cfg.out_format.capitalize()} output needs an output directory (-o)")
    _check_extras(plan, cfg)
    lock = None
    if cfg.out is not None:
        cfg.out.mkdir(parents=True, exist_ok=True)
        lock = RunLock(cfg.out)  # before anything in OUT is touched (the sweep would remove its files)
    try:
        return _run_locked(cfg, cleaner, plan, progress, stream, on_reject, on_warning, t0)
    finally:
        if lock is not None:
            lock.release()


def _run_locked(cfg, cleaner, plan, progress, stream, on_reject, on_warning, t0) -> RunReport:
    manifest = None
    todo = list(enumerate(plan.shards))
    if cfg.out is not None:
        manifest = Manifest(cfg.out, cfg.output_config(), restart=cfg.restart)
        sweep_temporaries(cfg.out)
        todo = [(i, s) for i, s in todo if s.kind == "stdin" or manifest.finished(s) is None]
    skipped = len(plan.shards) - len(todo)
    sink = Sink(plan, cfg, manifest=manifest, stream=stream, on_reject=on_reject, on_warning=on_warning)
    total = None if any(s.kind == "stdin" for _, s in todo) else sum(s.size for _, s in todo)
    progress.start(total, len(plan.shards), skipped)
    runner = _Runner(cfg, cleaner, sink, progress)
    finished = False
    try:
        runner.run(todo)
        finished = True
    finally:
        progress.stop()
        # A worker killed while writing a text file (a timeout, or the run stopping) left its temporary.
        if cfg.out is not None and plan.out_format == "text" and (runner.replaced or not finished):
            try:
                sweep_temporaries(cfg.out)
            except OSError:
                if finished:
                    raise
    rejects_file = None
    stats = sink.stats
    if manifest is not None:
        stats = Stats()
        for s in plan.shards:
            if manifest.finished(s) is not None:
                stats.add(manifest.stats_of(s))
        rejects_file, _ = sink.assemble_rejects()
    return RunReport(plan, stats, sink.stats, skipped, time.monotonic() - t0,
                     runner.pool_size, runner.peak_rss, runner.replaced, rejects_file)


def _check_extras(plan: Plan, cfg: BatchConfig) -> None:
    """Fail before any work when an optional dependency the run needs is missing (MissingExtra)."""
    kinds = {s.kind for s in plan.shards}
    if "warc" in kinds:
        require("fastwarc.warc", "WARC input")
    if "parquet" in kinds or plan.out_format == "parquet":
        require("pyarrow.parquet", "Parquet")
    if cfg.compression == "zstd" or any(split_name(s.key)[2] == "zstd" for s in plan.shards if s.kind == "jsonl"):
        require("zstandard", "zstd compression")


class _Runner:
    def __init__(self, cfg: BatchConfig, cleaner, sink: Sink, progress: Progress):
        self.cfg, self.cleaner, self.sink, self.progress = cfg, cleaner, sink, progress
        self.n_workers = cfg.workers or default_workers()
        self.window = max(8, 4 * self.n_workers)
        self.pool: WorkerPool | None = None
        self.pool_size = 0
        self.peak_rss: list[int] = []
        self.replaced = 0
        self.light_docs = LIGHT_DOCS if cfg.light else 0
        self.light_bytes = LIGHT_BYTES
        self.raw_base = 0  # raw bytes of shards finished in this run

    def run(self, todo) -> None:
        q: queue.Queue = queue.Queue(maxsize=self.window)
        stop = threading.Event()

        # the reader thread writes a byte here after each put, so the main thread can sleep in one wait()
        # on worker pipes and reader progress together instead of polling
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        self.wake_fd = wake_r

        def put(el) -> bool:
            while not stop.is_set():
                try:
                    q.put(el, timeout=0.1)
                    try:
                        os.write(wake_w, b"x")
                    except (BlockingIOError, OSError):
                        pass  # pipe full: the main thread has wake-ups pending anyway
                    return True
                except queue.Full:
                    pass
            return False

        def read() -> None:
            try:
                for el in feed(todo, self.cfg):
                    if not put(el):
                        return
                put(_EOF)
            except BaseException as exc:  # reported by the main thread
                put(_Fatal(exc))

        reader = threading.Thread(target=read, name="cleaner-feed", daemon=True)
        reader.start()
        old_alarm = signal.getsignal(signal.SIGALRM) if hasattr(signal, "SIGALRM") else None
        alarm = install_alarm()  # soft timeout for documents cleaned inline
        try:
            self._loop(q)
        except BaseException:
            stop.set()
            if self.pool is not None:
                self.pool.terminate()
                self.pool = None
            self.sink.abort()
            raise
        finally:
            stop.set()
            reader.join(timeout=2)
            if not reader.is_alive():  # a reader stuck on a blocking read may still write to them
                os.close(wake_r)
                os.close(wake_w)
            if alarm:
                signal.signal(signal.SIGALRM, old_alarm)
            if self.pool is not None:
                self.pool.close()
                self.peak_rss = self.pool.peak_rss
                self.replaced = self.pool.replaced

    def _start_pool(self) -> None:
        try:
            pickle.dumps(self.cleaner)  # a clear error here, not a traceback from each worker's start
        except Exception as exc:
            raise PoolError(f"the cleaner cannot be sent to worker processes: {exc}") from None
        hard = None if self.cfg.timeout is None else self.cfg.timeout * 1.5 + 1.0
        self.pool = WorkerPool(self.n_workers, self.cleaner, self.cfg, hard_timeout=hard)
        self.pool_size = self.n_workers

    def _loop(self, q: queue.Queue) -> None:
        flow = _Flow()
        while not (flow.eof and flow.outstanding == 0):
            self._pull(q, flow)
            self._dispatch(flow)
            if self.pool is not None and self.pool.busy:
                self._collect(q, flow)
                self._dispatch(flow)  # a worker that just finished gets its next task before the writes
            self._emit(flow)

    def _pull(self, q: queue.Queue, flow: _Flow) -> None:
        """Take what the reader queued, up to the window: tasks go to `pending`, shard markers to `ready`."""
        while not flow.eof and flow.outstanding < self.window:
            try:
                el = q.get(timeout=0.1) if flow.outstanding == 0 else q.get_nowait()
            except queue.Empty:
                return
            if el is _EOF:
                flow.eof = True
                return
            if isinstance(el, _Fatal):
                raise el.exc
            flow.outstanding += 1
            if isinstance(el, Task):
                el.dest = self.sink.destination(el)  # text-directory files: the worker writes them
                flow.tasks[el.seq] = el
                flow.pending.append(el)
            else:
                if isinstance(el, Start):
                    flow.starts[el.shard] = el
                flow.ready[el.seq] = el

    def _dispatch(self, flow: _Flow) -> None:
        """Clean a pending task here while the run is light, else send pending tasks to idle workers."""
        pending = flow.pending
        if pending and self.pool is None and self.light_docs > 0:
            task = pending.popleft()
            self.light_docs -= len(task.items)
            self.light_bytes -= sum(_size(i) for i in task.items)
            if self.light_bytes <= 0:
                self.light_docs = 0
            flow.ready[task.seq] = process_task(self.cleaner, task, self.cfg, None, self._schema(task, flow.starts))
        elif pending:
            if self.pool is None:
                self._start_pool()
            for w in self.pool.idle():
                if not pending:
                    break
                task = pending.popleft()
                self.pool.submit(w, task, self._schema(task, flow.starts))

    def _collect(self, q: queue.Queue, flow: _Flow) -> None:
        """The workers' results (a failed task goes back to `pending`, or fails the run); waits a little
        when there is nothing else to do."""
        can_pull = not flow.eof and flow.outstanding < self.window
        wait = 0.0 if (can_pull and not q.empty()) or (flow.pending and self.pool.idle()) else 0.5
        for ev in self.pool.poll(wait, self.wake_fd if can_pull else None):
            if isinstance(ev, Failure):
                retry(ev, flow.pending)
            else:
                flow.ready[ev.seq] = ev

    def _emit(self, flow: _Flow) -> None:
        """Hand the sink what is ready, in input order: shard starts and ends, task results."""
        ready = flow.ready
        while flow.next_seq in ready:
            el = ready.pop(flow.next_seq)
            if isinstance(el, Start):
                self.sink.start(el)
            elif isinstance(el, End):
                self.sink.end(el)
                flow.starts.pop(el.shard, None)
                self.raw_base += self.sink.plan.shards[el.shard].size
                self.progress.advance(self.raw_base, self.sink.stats)
            else:
                task = flow.tasks.pop(flow.next_seq)
                self.sink.write(task, el)
                self.progress.advance(self.raw_base + task.raw_end, self.sink.stats)
            flow.next_seq += 1
            flow.outstanding -= 1

    def _schema(self, task: Task, starts: dict[int, Start]):
        if self.cfg.out_format != "parquet" or self.cfg.out is None:
            return None
        return self.sink.schema_for(starts[task.shard])

"""Worker processes with kill-and-replace.

Each worker has its own pipe and a small shared array where it notes which item it is cleaning and
since when. The parent polls: a worker past the hard timeout is killed (a C-level loop may never see
a signal) and replaced, and the item it was on is reported, so the task can be re-run without it
(`retry`). A worker whose parent dies (even SIGKILLed) reads the end of its pipe and exits. `clean`
and `learn` (its `work` function profiles instead of cleaning) share it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait

from .feed import Task
from .options import BatchConfig
from .worker import TaskResult, process_task, worker_main

_PRELOAD = ["cleaner", "cleaner.batch.worker", "cleaner.batch._forkserver"]
TASKS_AHEAD = 2  # tasks a worker holds at once: the one in hand and the next


class PoolError(RuntimeError):
    """Workers cannot be started (a one-line reason)."""


@dataclass
class Failure:
    """A task whose worker died (kind "worker_crash") or was killed (kind "timeout") on item `index`
    (None when unknown)."""

    task: Task
    index: int | None
    kind: str
    reason: str
    queued: tuple[Task, ...] = ()  # tasks sent to the same worker after it, never started: sent again as they are


def retry(f: Failure, pending: deque) -> None:
    """Put a failed task back in front of `pending`, its fatal item (when known) marked to be skipped:
    that item alone becomes a reject."""
    task = f.task
    task.attempts += 1
    if f.index is not None:
        task.skip[f.index] = (f.kind, f.reason)
    elif task.attempts >= 3:  # dies before reaching any document: give the whole task up
        for i in range(len(task.items)):
            task.skip.setdefault(i, (f.kind, f.reason))
    pending.extendleft(reversed(f.queued))
    pending.appendleft(task)


class _Worker:
    def __init__(self, ctx, cleaner, opts: BatchConfig, work):
        self.state = ctx.RawArray("d", 3)  # task seq, item index, start time (0: idle)
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, self.state, cleaner, opts, work), daemon=True)
        self.proc.start()
        child.close()
        self.tasks: deque[Task] = deque()  # sent and not done, the one in hand first
        self.ready = False


class WorkerPool:
    """`n` workers running `work(cleaner, task, opts, state, schema)` on the tasks submitted (default:
    cleaning), in a fork server unless `ctx` says otherwise."""

    def __init__(self, n: int, cleaner, opts: BatchConfig, *, hard_timeout: float | None, work=process_task,
                 ctx=None, preload: tuple[str, ...] = ()):
        if ctx is None:
            ctx = mp.get_context("forkserver")
            # imported once in the fork server, so replacement workers start in milliseconds
            ctx.set_forkserver_preload([*_PRELOAD, *preload])
        self.ctx, self.work = ctx, work
        self.cleaner, self.opts, self.hard_timeout = cleaner, opts, hard_timeout
        self.workers = [_Worker(self.ctx, cleaner, opts, work) for _ in range(n)]
        self.peak_rss: list[int] = []
        self.replaced = 0

    def idle(self) -> list[_Worker]:
        """Workers that can take a task, those with none first: a worker holds up to TASKS_AHEAD tasks, so
        that the next one already waits in its pipe when it sends a result (it never waits for the parent)."""
        return sorted((w for w in self.workers if len(w.tasks) < TASKS_AHEAD), key=lambda w: len(w.tasks))

    @property
    def busy(self) -> int:
        return sum(bool(w.tasks) for w in self.workers)

    def submit(self, w: _Worker, task: Task, schema=None) -> None:
        w.tasks.append(task)
        try:
            w.conn.send((task, schema))
        except OSError:  # the worker died since it was last heard of: `poll` replaces it, and its tasks go back
            pass

    def poll(self, timeout: float, wake_fd: int | None = None) -> list[TaskResult | Failure]:
        """Results and failures so far, waiting up to `timeout` for one (or for `wake_fd` to be readable)."""
        out: list[TaskResult | Failure] = []
        conns = {w.conn: w for w in self.workers}
        waitables: list = list(conns) + ([wake_fd] if wake_fd is not None else [])
        for conn in wait(waitables, timeout):
            if conn == wake_fd:
                _drain(wake_fd)
                continue
            w = conns[conn]
            try:
                kind, payload = conn.recv()
            except (EOFError, OSError):
                out += self._replace(w, "worker_crash", self._died(w))
                continue
            if kind == "ready":
                w.ready = True
            elif kind == "done":
                w.tasks.popleft()
                if not w.tasks:  # (else the worker is on the next one and notes its own start)
                    w.state[2] = 0.0
                out.append(payload)
        if self.hard_timeout is not None:
            now = time.monotonic()
            for w in self.workers:
                started = w.state[2]
                if w.tasks and started and now - started > self.hard_timeout:
                    w.proc.kill()
                    out += self._replace(w, "timeout", f"cleaning took longer than {self.hard_timeout:g}s (worker killed)")
        return out

    def _died(self, w: _Worker) -> str:
        w.proc.join(5)
        code = w.proc.exitcode
        return f"worker process died (exit code {code})" if code is None or code >= 0 else f"worker process killed by signal {-code}"

    def _replace(self, w: _Worker, kind: str, reason: str) -> list[Failure]:
        task = w.tasks[0] if w.tasks else None
        index = None
        if task is not None and int(w.state[0]) == task.seq and w.state[2]:
            index = int(w.state[1])
        if not w.ready:  # workers say "ready" before anything else: this one never started
            raise PoolError(f"a worker failed to start: {reason}")
        w.proc.join(5)
        w.conn.close()
        self.workers[self.workers.index(w)] = _Worker(self.ctx, self.cleaner, self.opts, self.work)
        self.replaced += 1
        return [Failure(task, index, kind, reason, tuple(w.tasks)[1:])] if task is not None else []

    def close(self) -> None:
        """Stop the workers, collecting their peak RSS (bytes)."""
        for w in self.workers:
            try:
                w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        deadline = time.monotonic() + 10
        for w in self.workers:
            try:
                while w.conn.poll(max(0.0, deadline - time.monotonic())):
                    kind, payload = w.conn.recv()
                    if kind == "bye":
                        self.peak_rss.append(payload)
                        break
            except (EOFError, OSError):
                pass
            w.proc.join(max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()

    def terminate(self) -> None:
        for w in self.workers:
            if w.proc.is_alive():
                w.proc.kill()
        for w in self.workers:
            w.proc.join()


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except BlockingIOError:
        pass


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def in_order(work, tasks, n: int, *, cleaner=None, opts=None, preload: tuple[str, ...] = ()):
    """`work(cleaner, task, opts, state, schema)` of each task in a pool of `n` workers, the results
    yielded in input order, at most 2 x n tasks in flight.

    A worker that dies (killed, out of memory, a crash in a C extension) is replaced and its task runs
    again without the item it died on (a `worker_crash` reject, see `retry`); a worker whose parent dies
    exits. `work` must be a module-level function (pickled by name) whose result has the task's `seq`."""
    # a fork server's workers: a forked child would hold its own pipe's other end open and never see
    # its parent die
    pool = WorkerPool(n, cleaner, opts, hard_timeout=None, work=work, preload=preload)
    pending: deque = deque()  # tasks to send, retried ones first
    order: deque[int] = deque()  # tasks not yet yielded, in input order
    done: dict = {}
    it, exhausted = iter(tasks), False
    try:
        while True:
            while not exhausted and len(order) < 2 * n:
                t = next(it, None)
                if t is None:
                    exhausted = True
                    break
                order.append(t.seq)
                pending.append(t)
            for w in pool.idle():
                if not pending:
                    break
                pool.submit(w, pending.popleft())
            if not order:
                break
            for ev in pool.poll(0.5 if pool.busy else 0.0):
                if isinstance(ev, Failure):
                    retry(ev, pending)
                else:
                    done[ev.seq] = ev
            while order and order[0] in done:
                yield done.pop(order.popleft())
    except BaseException:  # Ctrl-C, the consumer stopping: do not wait for the tasks in flight
        pool.terminate()
        raise
    pool.close()

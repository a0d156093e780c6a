"""Cleaning a report's sample: inline, or across the batch runner's worker pool (`report --workers N`).

Each record is cleaned and explained exactly as `clean` cleans it (`explain_document`), with the new
rules and, with --against, the old ones. What comes back per record and side is an `Explained`: the
input lines and the Result, or the one-line error that stopped it. The catalogue of rules and the
counting stay in the parent (`collect`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple

from cleaner.core.result import Result
from cleaner.io import Record
from cleaner.report.explain import explain_document

TASK_DOCS = 4  # documents per task: HTML pages take tens of milliseconds each, so small tasks balance


class Explained(NamedTuple):
    """One record cleaned by one rule set: (its input lines, the result), or an error (one line)."""

    lines: list[str] | None
    result: Result | None
    error: str | None = None


@dataclass
class ExplainedTask:
    seq: int
    docs: list[tuple[Explained, Explained | None]]  # (new rules, old rules or None) per item


def explain_record(cleaner, rec: Record, site: str | None, date_field: str) -> Explained:
    """Clean and explain one record as `clean` would; an exception (RuleTimeout, a bug) is an error."""
    try:
        date = rec.extra.get(date_field)
        lines, result = explain_document(cleaner, rec.data, url=rec.url, site=site, format=rec.format,
                                         content_type=rec.extra.get("content_type"),
                                         date=date if isinstance(date, str) and date else None)
    except Exception as exc:
        return Explained(None, None, f"{type(exc).__name__}: {exc}".splitlines()[0])
    return Explained(lines, result)


def explain_task(cleaners, task, opts, state=None, schema=None) -> ExplainedTask:
    """A worker's job (see `cleaner.batch.pool.WorkerPool`): every record of `task` by (new, old) cleaners."""
    new, old = cleaners
    docs = []
    for i, rec in enumerate(task.items):
        if i in task.skip:
            why = Explained(None, None, task.skip[i][1])
            docs.append((why, why if old is not None else None))
            continue
        if state is not None:
            state[0], state[1], state[2] = task.seq, i, time.monotonic()
        docs.append((explain_record(new, rec, opts.site, opts.fields.date),
                     explain_record(old, rec, opts.site, opts.fields.date) if old is not None else None))
        if state is not None:
            state[2] = 0.0
    return ExplainedTask(task.seq, docs)


def explain_all(records: list[Record], new, old, opts, *, workers: int = 1, progress=None,
                light_bytes: int | None = None) -> list:
    """(new, old) Explained per record, in order. `workers` > 1 runs the batch runner's worker pool,
    unless the sample is under `light_bytes` (default: the runner's, 1 MB: cleaned inline sooner than
    workers start); `progress` gets `clean`'s progress callbacks (documents and bytes done)."""
    from cleaner.batch.feed import Task
    from cleaner.batch.runner import LIGHT_BYTES
    from cleaner.batch.stats import Stats

    tasks = [Task(seq, 0, records[i:i + TASK_DOCS], i, 0) for seq, i in enumerate(range(0, len(records), TASK_DOCS))]
    sizes = [sum(_size(r) for r in t.items) for t in tasks]
    stats = Stats()  # (what the progress line shows: documents and bytes done)
    if progress is not None:
        progress.start(sum(sizes) or None, len(tasks), 0)
    results: dict[int, ExplainedTask] = {}

    def finished(res: ExplainedTask) -> None:
        results[res.seq] = res
        stats.docs_in += len(res.docs)
        stats.bytes_in += sizes[res.seq]
        if progress is not None:
            progress.advance(stats.bytes_in, stats)

    try:
        light = sum(sizes) <= (LIGHT_BYTES if light_bytes is None else light_bytes)
        if workers <= 1 or len(tasks) <= 1 or light:
            for t in tasks:
                finished(explain_task((new, old), t, opts))
        else:
            _run_pool(tasks, (new, old), opts, min(workers, len(tasks)), finished)
    finally:
        if progress is not None:
            progress.stop()
    return [doc for seq in range(len(tasks)) for doc in results[seq].docs]


def _run_pool(tasks: list, cleaners, opts, n: int, finished) -> None:
    from cleaner.batch.pool import in_order

    for res in in_order(explain_task, tasks, n, cleaner=cleaners, opts=opts, preload=("cleaner.report.work",)):
        finished(res)


def _size(rec: Record) -> int:
    data = rec.data
    return len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))

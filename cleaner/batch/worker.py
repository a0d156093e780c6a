"""Worker side: decode a task's items, clean them, and serialise the output for the parent.

`process_task` is a pure function of (cleaner, task, options) and runs either in a worker process
(`worker_main`) or inline in the parent for light runs. Each task's output comes back as one block
(the output format's encoded payload: JSONL bytes, already compressed; an Arrow record batch; bodies
for a text stream), so the parent only writes; text-directory files (`task.dest`) are written here,
one per document.
"""

from __future__ import annotations

import os
import queue
import resource
import signal
import threading
import time
from dataclasses import dataclass, field

from ..io.readers import load_record
from ..io.records import Record, Reject, directory_site
from ..io.writers import EncodeError
from .feed import Task
from .options import BatchConfig
from .stats import Stats


class DocTimeout(Exception):
    """Raised by SIGALRM inside a document that runs past --timeout."""


@dataclass
class TaskResult:
    seq: int
    out: object  # the output format's payload for the sink (see cleaner.io.writers.Output)
    rejects: list[dict]
    stats: Stats
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (source, warning), first few only
    error: OSError | None = None  # writing the text files of `task.dest` failed: the run stops


def process_task(cleaner, task: Task, opts: BatchConfig, state=None, schema=None) -> TaskResult:
    """Load, clean and encode a task's records (`opts.out_format` resolved)."""
    stats = Stats()
    rejects: list[dict] = []
    warns: list[tuple[str, str]] = []
    done = _clean_items(cleaner, task, opts, state, stats, rejects)
    enc = opts.output().encoder(task.dest, schema)
    try:
        issues = _encode(enc, done, opts)
    except OSError as exc:
        return TaskResult(task.seq, None, rejects, stats, warns, exc)
    payload, late = enc.finish()
    issues.update(late)
    for i, rec, res in done:
        issue = issues.get(i)
        if isinstance(issue, EncodeError):
            _reject(stats, rejects, Reject.of(rec, "encode_error", str(issue)))
            continue
        _count(stats, res)
        doc_warnings = res.warnings if issue is None else [*res.warnings, issue]
        if doc_warnings:
            stats.with_warnings += 1
            if len(warns) < 5:
                warns.append((rec.id or rec.default_id(), doc_warnings[0] if issue is None else issue))
    return TaskResult(task.seq, payload, rejects, stats, warns)


def _clean_items(cleaner, task: Task, opts: BatchConfig, state, stats: Stats, rejects: list[dict]) -> list[tuple]:
    """(position, record, Result) of each of the task's records that cleaned to an output; the others are
    rejected. `state` (shared with the parent): the task, record and start time of the record in hand."""
    done = []
    for i, item in enumerate(task.items):
        rec = load_record(item, opts.fields, opts.max_doc_bytes) if isinstance(item, Record) else item
        if i in task.skip and isinstance(rec, Record):
            rec = Reject.of(rec, *task.skip[i])
        stats.docs_in += 1
        if isinstance(rec, Reject):
            _reject(stats, rejects, rec)
            continue
        data = rec.data
        stats.bytes_in += len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
        if state is not None:
            state[0], state[1], state[2] = task.seq, i, time.monotonic()
        res = _clean(cleaner, rec, opts)
        if state is not None:
            state[2] = 0.0
        if isinstance(res, Reject):
            _reject(stats, rejects, res)
        elif not res.text and opts.drop_empty:
            _reject(stats, rejects, Reject.of(rec, "empty", "nothing left after cleaning"))
        else:
            done.append((i, rec, res))
    return done


def _encode(enc, done: list[tuple], opts: BatchConfig) -> dict:
    """Each cleaned record added to the output encoder: position -> its issue (a warning, or the
    EncodeError that rejects it). An OSError (writing a text file) ends the task."""
    issues: dict = {}
    for i, rec, res in done:
        out = res.to_record(id=rec.id or rec.default_id(), source=rec.source, url=rec.url, trace=opts.trace)
        try:
            issues[i] = enc.add(i, rec, out)
        except EncodeError as exc:
            issues[i] = exc
    return issues


def _count(stats: Stats, res) -> None:
    """A written document's share of the summary: characters, rule hits, its site (and template)."""
    st = res.stats
    stats.chars_in += st.get("chars_in", 0)
    stats.chars_out += st.get("chars_out", 0)
    stats.rules.update([t.rule for t in res.trace])  # (one C-level count, in trace order)
    stats.empty += not res.text
    stats.written += 1
    stats.sites[res.site or "-"] += 1
    if res.site_reason and "; " in res.site_reason:  # a learned HTML template: taken, or why not
        stats.templates[f"{res.site}: {res.site_reason.split('; ', 1)[1].split(' (', 1)[0]}"] += 1


def _reject(stats: Stats, rejects: list[dict], rej: Reject) -> None:
    stats.rejected += 1
    stats.rejects[rej.kind] += 1
    rejects.append(rej.to_dict())


def _clean(cleaner, rec: Record, opts: BatchConfig):
    from .. import RuleTimeout  # the core; imported here so io/ and batch/ load without it

    alarm = opts.timeout is not None and _can_alarm()
    if opts.url and not rec.url:  # --url: the record (and its output) takes it
        rec.url = opts.url
    try:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, opts.timeout)
        try:
            site = opts.site
            if site is None and opts.site_from_directory and not rec.url:
                site = _directory_site(cleaner, rec.source)
            date = opts.date or rec.extra.get(opts.fields.date)
            dated = {"date": date} if isinstance(date, str) and date else {}  # only sites with layouts use it
            return cleaner.clean(rec.data, url=rec.url, site=site, format=rec.format,
                                 content_type=rec.extra.get("content_type"), **dated)
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except DocTimeout:
        return Reject.of(rec, "timeout", f"cleaning took longer than {opts.timeout:g}s")
    except RuleTimeout as exc:
        return Reject.of(rec, "rule_timeout", str(exc))
    except RecursionError:
        return Reject.of(rec, "error", "RecursionError: document nested too deeply")
    except Exception as exc:  # the cleaner must not raise, but one bad document must not stop a run
        return Reject.of(rec, "error", f"{type(exc).__name__}: {exc}".splitlines()[0][:500])


def _directory_site(cleaner, source: str) -> str | None:
    """The site `--learn` learned a record without URL under (its directory's), if the cleaner has it."""
    site = directory_site(source)
    return site if cleaner.index.by_name(site) is not None else None


_alarm_ok: bool | None = None


def _can_alarm() -> bool:
    """SIGALRM works in the main thread of a process that installed our handler."""
    return _alarm_ok is True


def install_alarm() -> bool:
    """Route SIGALRM to DocTimeout (soft timeout); the parent's kill is the hard one."""
    global _alarm_ok
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        _alarm_ok = False
        return False

    def _raise(signum, frame):
        raise DocTimeout()

    signal.signal(signal.SIGALRM, _raise)
    _alarm_ok = True
    return True


def worker_main(conn, state, cleaner, opts: BatchConfig, work=process_task) -> None:
    """Loop of a worker process: receive tasks, send `work`'s results; None ends it, and so does the end
    of the pipe (the parent is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    install_alarm()
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, inbox), name="cleaner-inbox", daemon=True).start()
    try:
        conn.send(("ready", os.getpid()))
        while (msg := inbox.get()) is not None:
            if msg is _GONE:
                return
            if isinstance(msg, BaseException):  # a message that did not unpickle: die as reading it here would
                raise msg
            task, schema = msg
            conn.send(("done", work(cleaner, task, opts, state, schema)))
        conn.send(("bye", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
    except (EOFError, OSError, KeyboardInterrupt):  # the parent is gone (even SIGKILLed): exit quietly
        pass


_GONE = ("gone", None)  # the parent's end of the pipe closed


def _receive(conn, inbox: queue.SimpleQueue) -> None:
    """Read the parent's messages as they come, also while a task is being cleaned: the parent sends the
    next task ahead (`pool.TASKS_AHEAD`), and a send into a full pipe would block it until this worker
    read, while this worker blocked sending its result to it."""
    try:
        while True:
            msg = conn.recv()
            inbox.put(msg)
            if msg is None:
                return
    except (EOFError, OSError):
        inbox.put(_GONE)
    except BaseException as exc:  # (the worker must not wait for a task that will never come)
        inbox.put(exc)

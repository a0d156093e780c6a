"""Progress bar and final summary of a batch run (rich, on stderr)."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from cleaner.core.cleaner import printable

from .runner import Progress as ProgressCallbacks
from .runner import RunReport
from .stats import Stats


class RichProgress(ProgressCallbacks):
    """documents, documents/s, MB/s (document bytes) and, when the input size is known, % and ETA."""

    def __init__(self, console: Console, min_interval: float = 0.1):
        self.console, self.min_interval = console, min_interval
        self.p: Progress | None = None
        self.last = 0.0

    def start(self, total_bytes: int | None, shards: int, skipped: int) -> None:
        cols = [TextColumn("[bold]cleaning"), BarColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[docs]} docs  {task.fields[dps]}/s  {task.fields[mbps]} MB/s"),
                TimeElapsedColumn()]
        if total_bytes:
            cols.append(TimeRemainingColumn())
        self.p = Progress(*cols, console=self.console, transient=False)
        if skipped:
            self.console.print(f"resuming: {skipped} of {shards} shards already done", markup=False)
        self.task = self.p.add_task("clean", total=total_bytes or None, docs="0", dps="0", mbps="0.0")
        self.t0 = time.monotonic()
        self.p.start()

    def advance(self, raw_done: int, stats: Stats, *, force: bool = False) -> None:
        now = time.monotonic()
        self.latest = (raw_done, stats)
        if self.p is None or (now - self.last < self.min_interval and not force):
            return
        self.last = now
        dt = max(now - self.t0, 1e-6)
        self.p.update(self.task, completed=raw_done, docs=f"{stats.docs_in:,}",
                      dps=f"{stats.docs_in / dt:,.0f}", mbps=mb_per_s(stats.bytes_in, dt))

    def stop(self) -> None:
        if self.p is not None:
            if getattr(self, "latest", None) is not None:
                self.advance(*self.latest, force=True)
            self.p.stop()


class PlainProgress(ProgressCallbacks):
    """One plain line every `interval` seconds (for logs: stderr is no terminal); nothing for short runs."""

    def __init__(self, console: Console, interval: float = 5.0):
        self.console, self.interval = console, interval
        self.total: int | None = None

    def start(self, total_bytes: int | None, shards: int, skipped: int) -> None:
        self.total, self.t0 = total_bytes, time.monotonic()
        self.last = self.t0
        if skipped:
            self.console.print(f"resuming: {skipped} of {shards} shards already done", markup=False)

    def advance(self, raw_done: int, stats: Stats) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        dt = now - self.t0
        line = f"cleaning: {stats.docs_in:,} docs, {stats.docs_in / dt:,.0f} docs/s, {mb_per_s(stats.bytes_in, dt)} MB/s"
        if self.total:
            frac = min(raw_done / self.total, 1.0)
            eta = f", ETA {dt * (1 - frac) / frac:,.0f}s" if frac > 0 else ""
            line += f", {frac:.0%}{eta}"
        self.console.print(f"{line}, {dt:,.0f}s elapsed", markup=False, soft_wrap=True)


def mb_per_s(nbytes: int, seconds: float) -> str:
    """MB/s with three significant digits (0.0421, 3.17, 25.3, 118)."""
    x = nbytes / max(seconds, 1e-9) / 1e6
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def summary_rows(report: RunReport, top: int = 10) -> list[tuple[str, str]]:
    """The summary as (label, value) rows."""
    s = report.stats
    rows: list[tuple[str, str]] = []

    def row(key: str, value: str) -> None:
        rows.append((key, printable(value)))  # site names and paths come from the input

    pct = (lambda n: f"{n:,} ({n / s.docs_in:.1%})") if s.docs_in else (lambda n: f"{n:,}")
    row("documents in", f"{s.docs_in:,}")
    row("written", pct(s.written))
    row("  of which empty", pct(s.empty))
    row("rejected", pct(s.rejected))
    for kind, n in s.rejects.most_common():
        row(f"  {kind}", f"{n:,}")
    if report.plan.unreadable:
        row("unreadable inputs", f"{len(report.plan.unreadable):,} (FIFOs, dangling links, ...)")
    row("with warnings", f"{s.with_warnings:,}")
    removed = f"{s.chars_removed:,}" + (f" ({s.chars_removed / s.chars_in:.1%})" if s.chars_in else "")
    row("characters removed", removed)
    if report.shards_skipped:
        row("shards done earlier", f"{report.shards_skipped:,} of {len(report.plan.shards):,}")
    if report.this_run.docs_in and report.elapsed > 0:
        r = report.this_run
        who = f"{report.workers} workers" if report.workers else "cleaned inline (too small to start workers)"
        row("this run", f"{r.docs_in:,} docs in {report.elapsed:.2f}s: {r.docs_in / report.elapsed:,.0f} docs/s, "
                        f"{mb_per_s(r.bytes_in, report.elapsed)} MB/s, {who}")
    if report.workers_replaced:
        row("workers replaced", f"{report.workers_replaced}")
    if s.sites:
        # "-" in the stats: documents no site's rules matched (the generic rules alone ran)
        row("sites", ", ".join(f"{'no site' if k == '-' else k} {v:,}" for k, v in s.sites.most_common(top)))
    if s.rules:
        row("top rules", ", ".join(f"{k} {v:,}" for k, v in s.rules.most_common(top)))
    if s.templates:
        row("learned templates", ", ".join(f"{k} {v:,}" for k, v in s.templates.most_common(top)))
    if report.rejects_file is not None:
        row("rejects", str(report.rejects_file))
    return rows


def summary_table(report: RunReport, top: int = 10) -> Table:
    """The summary for a terminal (values printed literally: rule ids and paths may hold "[...]")."""
    t = Table(title="cleaner clean: summary", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    for key, value in summary_rows(report, top):
        t.add_row(Text(key), Text(value))
    return t


def summary_text(report: RunReport, top: int = 10) -> str:
    """The summary as plain lines, for logs (stderr is no terminal)."""
    rows = summary_rows(report, top)
    width = max(len(k) for k, _ in rows)
    return "cleaner clean: summary\n" + "\n".join(f"  {k:<{width}}  {v}" for k, v in rows)


def stats_json(report: RunReport) -> dict:
    return {
        **report.stats.to_dict(),
        "this_run": {**report.this_run.to_dict(), "seconds": round(report.elapsed, 3), "workers": report.workers,
                     "workers_replaced": report.workers_replaced,
                     "worker_peak_rss_bytes": report.worker_peak_rss},
        "shards": len(report.plan.shards),
        "shards_done_earlier": report.shards_skipped,
        "output_format": report.plan.out_format,
        "rejects_file": str(report.rejects_file) if report.rejects_file else None,
    }

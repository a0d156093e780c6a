"""`cleaner clean PATH... [-o OUT]`: clean files, directories, dumps or stdin.

Exit codes: 0 ok; 1 rejects above --max-reject-rate; 2 usage (bad options, missing input, invalid
rules, missing optional extra, OUT made with other options); 3 the run failed (cannot write output,
workers cannot start); 130 interrupted (rerun the same command to resume).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cleaner.cli.common import (
    EXIT_FAILED, EXIT_INTERRUPTED, EXIT_RUN_FAILED, EXIT_USAGE, check_input_format, check_output, err, fail,
    load_cleaner,
    ArticleFinderOpt, HtmlFieldOpt, IdFieldOpt, InputFormatOpt, MaxDocBytesOpt, TextFieldOpt, UrlFieldOpt,
)
from cleaner.cli.checks import check_date, check_dump_fields
from cleaner.core.cleaner import printable
from cleaner.io.writers import OUTPUTS

_OUT_FORMATS = ("auto", *OUTPUTS)
_COMPRESSIONS = {"none": None, "gzip": "gzip", "gz": "gzip", "zstd": "zstd", "zst": "zstd"}


def clean(
    paths: Annotated[list[str], typer.Argument(
        help="Files, directories (recursive; mirrored into OUT) or - for stdin.", metavar="PATH...")],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Output directory (default: stdout).")] = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="text, jsonl or parquet. auto: text for text/HTML files, else jsonl.")] = "auto",
    compression: Annotated[str, typer.Option(help="jsonl output compression: none, gzip or zstd.")] = "none",
    rules: Annotated[Optional[list[Path]], typer.Option(
        help="Rules directory (default: the shipped rules); repeat to layer several "
        "(a learned one goes on the shipped rules).")] = None,
    site: Annotated[Optional[str], typer.Option(help="Site rules for documents without URL (before content signatures).")] = None,
    trace: Annotated[bool, typer.Option(help="Add each document's rule trace to jsonl records.")] = False,
    input_format: InputFormatOpt = None,
    text_field: TextFieldOpt = "text",
    html_field: HtmlFieldOpt = "html",
    url_field: UrlFieldOpt = "url",
    id_field: IdFieldOpt = "id",
    date_field: Annotated[str, typer.Option(
        help="JSONL/Parquet field with the document's date (picks a site's layout; kept in the output).")] = "date",
    date: Annotated[Optional[str], typer.Option(
        help="Every document's date (yyyy-mm-dd): picks a site's layout, before the date field.")] = None,
    url: Annotated[Optional[str], typer.Option(
        help="The page URL of documents that have none (stdin, files): chooses the site's rules.")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes (0: all cores).", min=0)] = 0,
    timeout: Annotated[float, typer.Option(
        help="Seconds one document may take; slower ones are rejected (0: no limit).", min=0)] = 5.0,
    max_reject_rate: Annotated[float, typer.Option(
        help="Exit with 1 when more than this fraction of documents is rejected.", min=0, max=1)] = 0.01,
    drop_empty: Annotated[bool, typer.Option(
        help="Send documents with nothing left to the rejects instead of the output.")] = False,
    max_doc_bytes: MaxDocBytesOpt = 64 << 20,
    stats: Annotated[Optional[Path], typer.Option(help="Write the summary as JSON to this file.")] = None,
    restart: Annotated[bool, typer.Option(help="Ignore the finished shards of an earlier run into OUT.")] = False,
    progress: Annotated[Optional[bool], typer.Option(
        "--progress/--no-progress",
        help="Progress on stderr (default: a bar with -o on a terminal; a plain line every 5 s when stderr "
             "is not a terminal).",
        show_default=False)] = None,
    summary: Annotated[Optional[bool], typer.Option(
        "--summary/--no-summary", help="Summary table on stderr (default: with -o).", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, summary or per-record messages.")] = False,
    learn: Annotated[bool, typer.Option(
        "--learn", help="Two passes: learn each site's chrome into OUT/.cleaner/learned/ (reused once complete), "
        "then clean with the rules plus the learned ones.")] = False,
    article_finder: ArticleFinderOpt = True,
) -> None:
    """Clean documents: text/HTML files, directories, JSONL(.gz/.zst), WARC and Parquet dumps, or stdin.

    With -o, output mirrors the inputs under OUT, one output per input shard, written under a temporary name and renamed when complete; OUT/rejects.jsonl lists every record that produced no output (source, line or offset, reason). Rerunning the same command skips finished shards.

    Exit codes: 0 ok, 1 rejects above --max-reject-rate, 2 usage error, 3 run failed, 130 interrupted.
    """
    from cleaner.batch import BatchConfig
    from cleaner.io import Fields

    _check_options(paths, output, format, compression, input_format, date, Fields(text_field, html_field))
    learned = lock = None
    if learn:
        from cleaner.cli.learn_cmd import hold_output, learn_pass

        lock = hold_output(output)  # from the learning pass to the end of cleaning
    try:
        if learn:
            rules, learned = learn_pass(paths, output, rules, input_format=input_format, site=site, workers=workers,
                                        restart=restart, fields=(text_field, html_field, url_field, id_field),
                                        progress=progress, quiet=quiet)
        cleaner = load_cleaner(rules, find_article=article_finder)
        cfg = BatchConfig(
            paths=paths, out=output, out_format=format, compression=_COMPRESSIONS[compression],
            input_format=input_format, fields=Fields(text_field, html_field, url_field, id_field, date_field),
            site=site, date=date, url=url, trace=trace, workers=workers, timeout=timeout or None,
            drop_empty=drop_empty, restart=restart, rules=",".join(str(r.resolve()) for r in rules) if rules else None,
            max_doc_bytes=max_doc_bytes, site_from_directory=learn and not site, find_article=article_finder,
        )
        by_default = output is not None or not err.is_terminal  # a bar with -o on a terminal, else plain lines
        show_progress = (not quiet) and (progress if progress is not None else by_default)
        report = _run(cfg, cleaner, show_progress, quiet)
    finally:
        if lock is not None:
            lock.release()

    if not quiet:
        _warn_unread(report.plan)
    used = _learned_usage(learned, rules, report)
    if (not quiet) and (summary if summary is not None else output is not None):
        _print_summary(report, used)
    if stats is not None:
        _write_stats(stats, report, used)
    _check_reject_rate(report, max_reject_rate)


def _check_options(paths: list[str], output: Optional[Path], format: str, compression: str,
                   input_format: Optional[str], date: Optional[str], fields) -> None:
    """One-line usage errors for bad option values, before anything is read."""
    if format not in _OUT_FORMATS:
        raise fail(f"--format {format!r}; allowed: {', '.join(_OUT_FORMATS)}")
    if compression not in _COMPRESSIONS:
        raise fail(f"--compression {compression!r}; allowed: none, gzip, zstd")
    check_input_format(input_format)
    check_date(date)
    if paths.count("-") > 1:
        raise fail("stdin (-) can be read only once")
    check_output(output, paths, directory=True)
    check_dump_fields(paths, fields, input_format)


def _run(cfg, cleaner, show_progress: bool, quiet: bool):
    """`run_batch` with per-record messages on stderr (stdout output only), each failure one line and its
    exit code."""
    from cleaner.batch import OptionsChanged, OutputInUse, PlanError, PoolError, run_batch
    from cleaner.batch.report import PlainProgress, RichProgress
    from cleaner.io import MissingExtra

    loud = cfg.out is None and not quiet

    def on_reject(r: dict) -> None:
        if loud:
            where = f":{r['line']}" if "line" in r else (f"@{r['offset']}" if "offset" in r else "")
            err.print(printable(f"rejected {r['source']}{where}: {r['reason']}"), markup=False, soft_wrap=True)

    def on_warning(doc: str, w: str) -> None:
        if loud:
            err.print(printable(f"warning: {doc}: {w}"), markup=False, soft_wrap=True)

    progress = (RichProgress(err) if err.is_terminal else PlainProgress(err)) if show_progress else None
    try:
        return run_batch(cfg, cleaner, progress=progress, on_reject=on_reject, on_warning=on_warning)
    except (PlanError, OptionsChanged, OutputInUse, MissingExtra) as exc:
        raise fail(str(exc)) from None
    except PoolError as exc:
        raise fail(str(exc), EXIT_RUN_FAILED) from None
    except KeyboardInterrupt:
        err.print("interrupted" + ("; rerun the same command to resume" if cfg.out else ""), markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:  # `cleaner clean ... | head`
        _silence_stdout()
        raise typer.Exit(0) from None
    except OSError as exc:
        raise fail(f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", EXIT_RUN_FAILED) from None
    except Exception as exc:  # a bug: still one line, and a failing exit code
        msg = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise fail(f"internal error: {msg}", EXIT_RUN_FAILED) from None


def _warn_unread(plan) -> None:
    """Warnings for the inputs the run could not read, and the files of unknown format it skipped."""
    for path, why in plan.unreadable:
        err.print(f"warning: cannot read {path}: {why}", markup=False, soft_wrap=True)
    if plan.skipped:
        ex = ", ".join(str(p) for p in plan.skipped[:3])
        n = max(plan.skipped_count, len(plan.skipped))
        err.print(f"skipped {n} file(s) of unknown format ({ex}"
                  f"{', ...' if n > 3 else ''}); --input-format reads them as one format",
                  markup=False, soft_wrap=True)


def _learned_usage(learned: Optional[Path], rules: Optional[list[Path]], report) -> Optional[dict]:
    """What the learned rules did (`learned_usage`), where a learned directory took part (--learn, or
    --rules naming one); None otherwise."""
    if learned is None and rules:
        from cleaner.learn.store import is_learned_dir

        learned = next((r for r in rules if is_learned_dir(r)), None)
    if learned is None:
        return None
    from cleaner.cli.learn_cmd import learned_usage

    return learned_usage(learned, report.stats.sites)


def _print_summary(report, used: Optional[dict]) -> None:
    """The summary on stderr: a table on a terminal, plain lines otherwise; then the learned rules' line."""
    from cleaner.batch.report import summary_table, summary_text

    if err.is_terminal:
        err.print(summary_table(report))
    else:
        err.print(summary_text(report), markup=False, soft_wrap=True, highlight=False)
    if used is not None:
        err.print(used["line"], markup=False, soft_wrap=True)


def _write_stats(path: Path, report, used: Optional[dict]) -> None:
    """--stats: the summary as JSON (with what the learned rules did)."""
    from cleaner.batch.report import stats_json

    data = stats_json(report) | ({"learned": {k: v for k, v in used.items() if k != "line"}} if used else {})
    try:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror or exc}", EXIT_RUN_FAILED) from None


def _check_reject_rate(report, max_reject_rate: float) -> None:
    """Exit 1 when more than `max_reject_rate` of the documents were rejected."""
    s = report.stats
    if s.docs_in and s.rejected / s.docs_in > max_reject_rate:
        where = f"; see {report.rejects_file}" if report.rejects_file else ""
        err.print(f"error: {s.rejected:,} of {s.docs_in:,} documents rejected ({s.rejected / s.docs_in:.1%}), "
                  f"above --max-reject-rate {max_reject_rate:g}{where}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


__all__ = ["clean", "EXIT_USAGE"]

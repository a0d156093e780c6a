"""`cleaner report DUMP... -o report.html`: what the rules do across a sample, as one HTML page or text."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cleaner.cli.common import (
    EXIT_INTERRUPTED, EXIT_RUN_FAILED, check_input_format, check_output, err, fail,
    ArticleFinderOpt, HtmlFieldOpt, IdFieldOpt, InputFormatOpt, MaxDocBytesOpt, TextFieldOpt, UrlFieldOpt,
)

_FORMATS = ("html", "text")


def report(
    paths: Annotated[list[str], typer.Argument(
        help="Files, directories (recursive) or - for JSONL on stdin.", metavar="DUMP...")],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="The file to write (html: required; text: default stdout).")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="html (a self-contained page) or text "
                                        "(the per-rule summary, for CI logs).")] = "html",
    rules: Annotated[Optional[list[str]], typer.Option(
        help="Rules directory (default: the shipped rules). Repeat to layer them, as in clean (a learned "
             "directory alone goes on the shipped rules). 'shipped' names the shipped rules, 'none' no rules.")] = None,
    against: Annotated[Optional[list[str]], typer.Option(
        help="Compare with these rules (same forms as --rules): per-document output diffs, per-rule lines "
             "gained and lost, the documents that changed most.")] = None,
    sample: Annotated[int, typer.Option(help="Documents to sample (reservoir sampling over all inputs).",
                                        min=1)] = 500,
    seed: Annotated[int, typer.Option(help="Seed of the sample: the same inputs and seed give the same report.")] = 0,
    site: Annotated[Optional[str], typer.Option(help="Site rules for documents without URL (before content signatures).")] = None,
    input_format: InputFormatOpt = None,
    text_field: TextFieldOpt = "text",
    html_field: HtmlFieldOpt = "html",
    url_field: UrlFieldOpt = "url",
    id_field: IdFieldOpt = "id",
    max_doc_bytes: MaxDocBytesOpt = 64 << 20,
    top: Annotated[int, typer.Option(help="text format: show only the N rules with most lines (0: all).", min=0)] = 0,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes cleaning the sample "
                                         "(0: all cores).", min=0)] = 0,
    progress: Annotated[Optional[bool], typer.Option(
        "--progress/--no-progress",
        help="Progress on stderr while the sample is cleaned (default: a bar on a terminal; a plain line "
             "every 5 s when stderr is not a terminal).", show_default=False)] = None,
    article_finder: ArticleFinderOpt = True,
) -> None:
    """Show what the rules do across a sample of a dump: per rule (lines, documents, examples, rules that
    never fired) and per document (every line kept, dropped, cut, changed or taken as metadata).

    With --against OLD: what changes from OLD to --rules. The HTML page is self-contained (no network) and
    opens from disk; --format text prints the per-rule summary.
    """
    from cleaner.io import Fields
    from cleaner.report.collect import Options, Rules
    from cleaner.report.render import render_html, render_text
    from cleaner.report.rulesets import RuleError, describe, load_rules

    if format not in _FORMATS:
        raise fail(f"--format {format!r}; allowed: {', '.join(_FORMATS)}")
    check_input_format(input_format)
    if format == "html" and output is None:
        raise fail("--format html needs -o FILE (the page to write)")
    if paths.count("-") > 1:
        raise fail("stdin (-) can be read only once")
    for p in paths:
        if p != "-" and not Path(p).exists():
            raise fail(f"{p}: no such file or directory")
    check_output(output, paths, directory=False)
    try:
        new = Rules(*load_rules(rules, find_article=article_finder), describe(rules))
        old = None
        if against is not None:
            old = Rules(*load_rules(against, find_article=article_finder), describe(against))
    except RuleError as e:
        raise fail(str(e)) from None
    opts = Options(sample=sample, seed=seed, site=site, input_format=input_format,
                   fields=Fields(text_field, html_field, url_field, id_field), max_doc_bytes=max_doc_bytes)
    data = _sample(paths, new, opts, old, workers=workers, progress=progress)
    page = render_html(data) if format == "html" else render_text(data, top=top)
    if output is None:
        sys.stdout.write(page)
        return
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise fail(f"{output}: {exc.strerror or exc}", EXIT_RUN_FAILED) from None
    s = data["summary"]
    err.print(f"wrote {output} ({len(page.encode('utf-8')) / 1e6:.2f} MB): {s['docs']:,} documents "
              f"(of {s['read']:,} read), {s['sites']:,} site(s)", markup=False, soft_wrap=True)


def _sample(paths: list[str], new, opts, old, *, workers: int, progress: bool | None) -> dict:
    """The report's data: the fields checked on the first records, then the sample cleaned (`workers`
    processes, 0: all cores) with `clean`'s progress; every failure is one line."""
    from cleaner.batch.pool import PoolError, default_workers
    from cleaner.batch.report import PlainProgress, RichProgress
    from cleaner.io import MissingExtra
    from cleaner.cli.checks import check_dump_fields
    from cleaner.report.collect import collect

    bar = None
    if progress is not False:
        bar = RichProgress(err) if err.is_terminal else PlainProgress(err)
    try:
        check_dump_fields(paths, opts.fields, opts.input_format)
        return collect(paths, new, opts, old, workers=workers or default_workers(), progress=bar)
    except PoolError as exc:
        raise fail(str(exc), EXIT_RUN_FAILED) from None
    except (MissingExtra, OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None

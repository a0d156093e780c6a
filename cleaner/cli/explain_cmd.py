"""`cleaner explain FILE`: every input line as kept / dropped / changed, with the rule that did it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from cleaner.cli.checks import check_date
from cleaner.cli.common import (
    ArticleFinderOpt, HtmlFieldOpt, IdFieldOpt, TextFieldOpt, UrlFieldOpt, err, fail, load_cleaner, out,
)
from cleaner.io.formats import DOC_FORMATS, INPUT_FORMATS, detect_format
from cleaner.io.readers import read_file_record, read_records
from cleaner.io.records import Fields, Record, Reject
from cleaner.report.explain import explain_document, line_statuses

_STYLE = {"kept": "green", "changed": "cyan", "drop": "red", "cut": "red", "extract": "yellow",
          "extract-kept": "yellow"}
_LABEL = {"kept": "kept", "changed": "changed", "drop": "dropped", "cut": "cut", "extract": "metadata",
          "extract-kept": "kept+meta"}


def explain(
    file: Annotated[Path, typer.Argument(help="A text or HTML file, or - for stdin.", allow_dash=True)],
    url: Annotated[Optional[str], typer.Option(help="The page URL (chooses the site's rules).")] = None,
    site: Annotated[Optional[str], typer.Option(help="Site rules for documents without URL (before content signatures).")] = None,
    rules: Annotated[Optional[list[Path]], typer.Option(
        help="Rules directory (default: the shipped rules); repeat to layer several "
        "(a learned one goes on the shipped rules).")] = None,
    date: Annotated[Optional[str], typer.Option(help="The document's date (yyyy-mm-dd): picks a site's layout.")] = None,
    input_format: Annotated[str, typer.Option("--input-format", help="auto (by the file name), " +
                                              ", ".join(INPUT_FORMATS) + ".")] = "auto",
    record_id: Annotated[Optional[str], typer.Option(
        "--id", help="In a dump (JSONL, WARC, Parquet): the record with this id.")] = None,
    record_line: Annotated[Optional[int], typer.Option(
        "--line", help="In a dump: the record on this line (JSONL), else the Nth record (from 1).", min=1)] = None,
    text_field: TextFieldOpt = "text",
    html_field: HtmlFieldOpt = "html",
    url_field: UrlFieldOpt = "url",
    id_field: IdFieldOpt = "id",
    removed_only: Annotated[bool, typer.Option("--removed", help="Show only removed and changed lines.")] = False,
    width: Annotated[int, typer.Option(help="Characters of each line to show (0: all).")] = 120,
    article_finder: ArticleFinderOpt = True,
) -> None:
    """Show which rule removed or changed which line of a document.

    The file goes the way `cleaner clean` takes it: read (and decompressed) as the batch reader does,
    decoded, its HTML extracted; the lines shown are the text the rules saw, numbered as in the trace.
    For HTML the blocks of the page the site's selectors or the extractor left out come first ("html",
    with the step that dropped them). In a dump, --id or --line picks the record.
    """
    if input_format not in ("auto", *INPUT_FORMATS):
        raise fail(f"--input-format {input_format!r}; allowed: auto, {', '.join(INPUT_FORMATS)}")
    check_date(date)
    cleaner = load_cleaner(rules, find_article=article_finder)
    rec = _read(file, input_format, Fields(text_field, html_field, url_field, id_field), record_id, record_line)
    rec_date = rec.extra.get("date")
    # Line numbers of an HTML document refer to the text taken from the page.
    lines, result = explain_document(cleaner, rec.data, url=url or rec.url, site=site, format=rec.format,
                                     date=date or (rec_date if isinstance(rec_date, str) and rec_date else None),
                                     content_type=rec.extra.get("content_type"))
    counts: dict[str, int] = {}
    for n, status, rule, line in line_statuses(lines, result):
        key = "html" if n < 0 else status  # counted apart: page blocks, not lines the rules saw
        counts[key] = counts.get(key, 0) + 1
        if removed_only and status == "kept":
            continue
        shown = line if width <= 0 or len(line) <= width else line[: width - 1] + "…"
        style = _STYLE[status]
        number = "html" if n < 0 else n  # a block of the page the HTML stage left out
        out.print(f"[dim]{number:>5}[/] [{style}]{_LABEL[status]:<8}[/] [bold]{escape(rule):<28}[/] "
                  f"[{style}]{escape(shown)}[/]", soft_wrap=True)
    _summary(result, counts)


def _summary(result, counts: dict[str, int]) -> None:
    """After the lines, on stderr: the extraction, site, title, metadata (JSON), counts and warnings."""
    summary = ", ".join(f"{v} {_LABEL.get(k, 'page blocks left out')}" for k, v in sorted(counts.items()))
    layout = f" (layout {result.layout})" if result.layout else ""
    reason = f"   by: {result.site_reason}" if result.site and result.site_reason else ""
    how = result.extraction.how if result.extraction is not None else None
    if how and how != "text":
        dropped = len(result.extraction.dropped)
        err.print(f"\nextraction: {how}; {dropped} block(s) of the page left out", markup=False, soft_wrap=True)
    err.print(f"\nsite: {result.site or 'generic'}{layout}{reason}   title: {json.dumps(result.title, ensure_ascii=False)}"
              f"   metadata: {json.dumps(result.metadata, ensure_ascii=False)}", markup=False, soft_wrap=True)
    st = result.stats
    chars = f"; characters: {st.get('chars_in', 0):,} in -> {st.get('chars_out', 0):,} out (as clean counts them)"
    err.print(f"lines: {summary or 'none'}{chars}", markup=False, soft_wrap=True)
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}", soft_wrap=True)


def _read(file: Path, input_format: str, fields: Fields, record_id: str | None, line: int | None) -> Record:
    """The document to explain: stdin, a text or HTML file, or the record of a dump that --id/--line names."""
    if str(file) == "-":
        fmt = input_format if input_format in DOC_FORMATS else "auto"
        rec = Record("-", 0, typer.get_binary_stream("stdin").read(), fmt, unit="file")
    else:
        kind = input_format if input_format != "auto" else detect_format(file)
        if kind in DOC_FORMATS or kind is None:
            rec = read_file_record(file, str(file), kind or "auto")
        else:
            rec = _pick(file, kind, fields, record_id, line)
        if isinstance(rec, Reject):
            raise fail(f"{file}: {rec.reason}")
    if (record_id is not None or line is not None) and rec.unit == "file":
        raise fail(f"--id and --line pick a record of a dump (JSONL, WARC, Parquet); {file} is one document")
    return rec


def _pick(file: Path, kind: str, fields: Fields, record_id: str | None, line: int | None) -> Record | Reject:
    """The record of a dump that --id or --line names (with neither: the only one). Exits 2 when
    there is no such record, or several and none named."""
    first: list[str] = []
    n = 0
    try:
        for n, rec in enumerate(read_records(file, kind, fields), 1):
            rid = rec.id if rec.id is not None else f"{rec.source}:{rec.offset}"
            where = rec.offset if rec.unit == "line" else n
            if (record_id is not None and rid == record_id) or (line is not None and where == line):
                return rec
            if record_id is None and line is None:
                if n == 2:
                    raise fail(f"{file} holds several records: pick one with --id ID or --line N "
                               f"(the first: {', '.join(first + [rid])})")
                first.append(rid)
                only = rec
    except (OSError, ValueError) as exc:
        raise fail(f"{file}: {exc}") from None
    if record_id is None and line is None and n == 1:
        return only
    what = f"id {record_id!r}" if record_id is not None else f"line {line}"
    raise fail(f"{file}: no record with {what} ({n} record(s) read)")

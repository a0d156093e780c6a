"""`cleaner explain FILE`: every input line as kept / dropped / changed, with the rule that did it."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from cleaner.cli.common import ArticleFinderOpt, err, fail, load_cleaner, out
from cleaner.io.formats import detect_format
from cleaner.io.readers import read_file_record
from cleaner.io.records import Reject
from cleaner.report.explain import explain_document, line_statuses

_STYLE = {"kept": "green", "changed": "cyan", "drop": "red", "cut": "red", "extract": "yellow",
          "extract-kept": "yellow"}
_LABEL = {"kept": "kept", "changed": "changed", "drop": "dropped", "cut": "cut", "extract": "metadata",
          "extract-kept": "kept+meta"}


def explain(
    file: Annotated[Path, typer.Argument(help="A text or HTML file, or - for stdin.", allow_dash=True)],
    url: Annotated[Optional[str], typer.Option(help="The page URL (chooses the site's rules).")] = None,
    site: Annotated[Optional[str], typer.Option(help="Site rules to use when neither URL nor content tells.")] = None,
    rules: Annotated[Optional[list[Path]], typer.Option(
        help="Rules directory (default: the shipped rules); repeat to layer several "
        "(a learned one goes on the shipped rules).")] = None,
    date: Annotated[Optional[str], typer.Option(help="The document's date (yyyy-mm-dd): picks a site's layout.")] = None,
    input_format: Annotated[str, typer.Option("--input-format", help="auto, text or html.")] = "auto",
    removed_only: Annotated[bool, typer.Option("--removed", help="Show only removed and changed lines.")] = False,
    width: Annotated[int, typer.Option(help="Characters of each line to show (0: all).")] = 120,
    article_finder: ArticleFinderOpt = True,
) -> None:
    """Show which rule removed or changed which line of a document.

    The file goes the way `cleaner clean` takes it: read (and decompressed) as the batch reader does,
    decoded, its HTML extracted; the lines shown are the text the rules saw, numbered as in the trace.
    """
    if input_format not in ("auto", "text", "html"):
        raise fail(f"--input-format {input_format!r}; allowed: auto, text, html")
    cleaner = load_cleaner(rules, find_article=article_finder)
    if str(file) == "-":
        fmt = input_format
        data = typer.get_binary_stream("stdin").read()
    else:
        fmt = input_format if input_format != "auto" else ("html" if detect_format(file) == "html" else "auto")
        rec = read_file_record(file, str(file), fmt)
        if isinstance(rec, Reject):
            raise fail(f"{file}: {rec.reason}")
        data = rec.data
    # Line numbers of an HTML document refer to the text taken from the page.
    lines, result = explain_document(cleaner, data, url=url, site=site, format=fmt, date=date)
    counts: dict[str, int] = {}
    for n, status, rule, line in line_statuses(lines, result):
        counts[status] = counts.get(status, 0) + 1
        if removed_only and status == "kept":
            continue
        shown = line if width <= 0 or len(line) <= width else line[: width - 1] + "…"
        style = _STYLE[status]
        out.print(f"[dim]{n:>5}[/] [{style}]{_LABEL[status]:<8}[/] [bold]{escape(rule):<28}[/] "
                  f"[{style}]{escape(shown)}[/]", soft_wrap=True)
    summary = ", ".join(f"{v} {_LABEL[k]}" for k, v in sorted(counts.items()))
    layout = f" (layout {result.layout})" if result.layout else ""
    reason = f"   by: {result.site_reason}" if result.site and result.site_reason else ""
    err.print(f"\nsite: {result.site or 'generic'}{layout}{reason}   title: {result.title!r}   metadata: {result.metadata}",
              markup=False, soft_wrap=True)
    err.print(f"lines: {summary or 'none'}", markup=False, soft_wrap=True)
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}", soft_wrap=True)


"""`cleaner explain FILE`: every input line as kept / dropped / changed, with the rule that did it."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from cleaner.cli.common import err, fail, load_cleaner, out
from cleaner.core.repair import normalize_newlines, strip_bom
from cleaner.core.result import Result

_STYLE = {"kept": "green", "changed": "cyan", "drop": "red", "cut": "red", "extract": "yellow",
          "extract-kept": "yellow"}
_LABEL = {"kept": "kept", "changed": "changed", "drop": "dropped", "cut": "cut", "extract": "metadata",
          "extract-kept": "kept+meta"}


def line_statuses(lines: list[str], result: Result) -> list[tuple[int, str, str, str]]:
    """(line number, status, rule ids, final text) for every non-blank input line."""
    removed: dict[int, tuple[str, str]] = {}
    changed: dict[int, list[str]] = {}
    final: dict[int, str] = {}
    for t in result.trace:
        if t.line is None:
            continue
        if t.action in ("drop", "cut", "extract", "extract-kept"):
            removed.setdefault(t.line, (t.action, t.rule))  # the first rule that took the line
        elif t.new is not None:
            changed.setdefault(t.line, []).append(t.rule)
            final[t.line] = t.new
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if n in removed:
            action, rule = removed[n]
            rows.append((n, action, rule, line))
        elif n in changed:
            rows.append((n, "changed", ", ".join(dict.fromkeys(changed[n])), final[n]))
        else:
            rows.append((n, "kept", "", line))
    return rows


def explain(
    file: Annotated[Path, typer.Argument(help="A text or HTML file, or - for stdin.", allow_dash=True)],
    url: Annotated[Optional[str], typer.Option(help="The page URL (chooses the site's rules).")] = None,
    site: Annotated[Optional[str], typer.Option(help="Site rules to use when neither URL nor content tells.")] = None,
    rules: Annotated[Optional[Path], typer.Option(help="Rules directory (default: the shipped rules).")] = None,
    input_format: Annotated[str, typer.Option("--input-format", help="auto, text or html.")] = "auto",
    removed_only: Annotated[bool, typer.Option("--removed", help="Show only removed and changed lines.")] = False,
    width: Annotated[int, typer.Option(help="Characters of each line to show (0: all).")] = 120,
) -> None:
    """Show which rule removed or changed which line of a document."""
    if input_format not in ("auto", "text", "html"):
        raise fail(f"--input-format {input_format!r}; allowed: auto, text, html")
    cleaner = load_cleaner(rules)
    try:
        data = typer.get_binary_stream("stdin").read() if str(file) == "-" else file.read_bytes()
    except OSError as e:
        raise fail(f"{file}: {e.strerror}") from None
    if _is_html(data, input_format):
        # Line numbers of an HTML document refer to the text taken from the page.
        text, page_site = cleaner.extracted_text(data, url=url)
        result = cleaner.clean(text, url=url, site=page_site or site, format="text")
    else:
        result = cleaner.clean(data, url=url, site=site, format=input_format)
        text = data.decode("utf-8", errors="replace")
    lines = normalize_newlines(strip_bom(text)).split("\n")
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
    site = f"{result.site} ({result.site_reason})" if result.site else "generic"
    err.print(f"\nsite: {escape(site)}   title: {escape(repr(result.title))}   metadata: {escape(str(result.metadata))}")
    err.print(f"lines: {summary or 'none'}")
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}")


def _is_html(data: bytes, input_format: str) -> bool:
    if input_format != "auto":
        return input_format == "html"
    from cleaner.html import looks_like_html

    return looks_like_html(data[:4096].decode("latin-1"))

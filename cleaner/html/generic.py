"""Generic main-content extraction for unknown sites: trafilatura (precision mode), output as lines."""

from __future__ import annotations

import logging
import re

from selectolax.lexbor import LexborHTMLParser

from cleaner.html.blocks import NEVER_TEXT, lines_of, remove, strip_never_text

# Larger (pre-cleaned) documents skip trafilatura: its cost grows faster than linearly.
MAX_TRAFILATURA_CHARS = 3_000_000

# Removed (in C, by Lexbor) before trafilatura sees the page: it would drop all of these itself, so
# its result is unchanged while its lxml parse and XPath passes get a much smaller tree. <noscript>
# stays: trafilatura's scoring of some pages depends on it.
PRESTRIP = ",".join(
    [t for t in NEVER_TEXT if t != "noscript"]
    + ["[hidden]", "aside", "footer", "nav", "menu", "fieldset", "frame", "applet", "marquee", "embed", "param", "label"]
)
_CHROME = "nav,header,footer,aside,form,menu,[role=navigation],[role=banner],[role=contentinfo],[aria-hidden=true]"
_ROW_RE = re.compile(r"^\|(.*)\|$")
_ITEM_RE = re.compile(r"^[-*•] ")

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def _tidy(text: str) -> list[str]:
    """trafilatura's txt output as plain lines: no list markers, table rows without pipes."""
    return [line for line in map(tidy_line, text.splitlines()) if line]


def tidy_line(line: str) -> str:
    """One line of trafilatura's txt output as a plain line (also how a page's own line compares with it)."""
    line = line.strip()
    row = _ROW_RE.match(line)
    if row:
        line = " ".join(c.strip() for c in row.group(1).split("|") if c.strip().strip("-:"))
    return _ITEM_RE.sub("", line)


def trafilatura_lines(html: str, url: str | None, *, precision: bool = True) -> list[str]:
    """Main-content lines by trafilatura (no network; comments excluded); [] when it finds nothing."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=precision,
        include_comments=False,
        with_metadata=False,
        output_format="python",
    )
    return _tidy(doc.text) if doc is not None and doc.text else []


def page_text_lines(tree: LexborHTMLParser) -> list[str]:
    """Last resort: text of <article>/<main>/<body> without navigation and page chrome."""
    strip_never_text(tree)
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return []
    remove(root.css(_CHROME))
    return lines_of(root)


def find_date(html: str, url: str | None) -> str | None:
    """Publication date by htmldate's fast search (as trafilatura does), or None."""
    try:
        import htmldate

        return htmldate.find_date(html, extensive_search=False, original_date=True, url=url)
    except Exception:
        return None

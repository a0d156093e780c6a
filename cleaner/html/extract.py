"""extract_html: the site-selector path, falling back to the generic (trafilatura) path."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleaner.html import generic
from cleaner.html.blocks import NEVER_TEXT, lines_of, parse, remove, strip_never_text
from cleaner.html.decode import decode_html
from cleaner.html.meta import page_metadata, selector_metadata
from cleaner.html.model import HtmlConfig, HtmlExtraction


def _quote(selectors: tuple[str, ...]) -> str:
    return ", ".join(repr(s) for s in selectors)


def _css(tree: LexborHTMLParser, sel: str, warnings: list[str]) -> list[LexborNode]:
    try:
        return tree.css(sel)
    except Exception:
        warnings.append(f"html: invalid CSS selector {sel!r} ignored")
        return []


MAX_BODY_MATCHES = 2000
_NEVER = frozenset(NEVER_TEXT) - {"head", "title"}


def _outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Drop matches nested in an earlier match (their text is already taken) or in never-text elements."""
    kept: list[LexborNode] = []
    ids: set[int] = set()
    for node in nodes:
        parent, ok = node.parent, node.tag not in _NEVER
        while ok and parent is not None:
            ok = parent.mem_id not in ids and parent.tag not in _NEVER
            parent = parent.parent
        if ok:
            kept.append(node)
            ids.add(node.mem_id)
    return kept


def _selector_lines(tree: LexborHTMLParser, config: HtmlConfig, warnings: list[str]) -> list[str] | None:
    """Lines of the first body selector that matches; None when none matches or all are empty."""
    for sel in config.body:
        nodes = _css(tree, sel, warnings)
        if not nodes:
            continue
        if len(nodes) > MAX_BODY_MATCHES:
            warnings.append(f"html: body selector {sel!r} matched {len(nodes)} elements; used the first {MAX_BODY_MATCHES}")
            nodes = nodes[:MAX_BODY_MATCHES]
        lines = []
        for node in _outermost(nodes):
            strip_never_text(node)  # only inside the body: cheaper than the whole page
            lines.extend(lines_of(node))
        if lines:
            return lines
        warnings.append(f"html: body selector {sel!r} matched only empty elements")
    return None


def _generic_lines(tree: LexborHTMLParser, url: str | None, warnings: list[str]) -> list[str]:
    pre = tree.html or ""
    lines: list[str] = []
    if len(pre) > generic.MAX_TRAFILATURA_CHARS:
        warnings.append(f"html: page too large for main-content extraction ({len(pre)} chars); used whole-page text")
    else:
        try:
            lines = generic.trafilatura_lines(pre, url)
            if not lines:
                lines = generic.trafilatura_lines(pre, url, precision=False)
        except RecursionError:
            warnings.append("html: page nested too deeply for main-content extraction; used whole-page text")
        except Exception as exc:  # trafilatura/lxml failures must not lose the page
            warnings.append(f"html: main-content extraction failed ({type(exc).__name__}); used whole-page text")
        else:
            if not lines:
                warnings.append("html: no main content found; used whole-page text")
    return lines or generic.page_text_lines(tree)


def extract_html(html: str, *, url: str | None = None, config: HtmlConfig | None = None) -> HtmlExtraction:
    """Main text (one block per line) and metadata of an HTML page.

    With ``config.body`` selectors the selector path is used; otherwise, or when no body selector
    matches, the generic path (trafilatura, precision mode) with a warning.
    """
    if isinstance(html, (bytes, bytearray)):
        html = decode_html(bytes(html))[0]
    warnings: list[str] = []
    if not html or not html.strip():
        return HtmlExtraction("", {}, ["html: empty document"], "generic")
    tree = parse(html)
    metadata = page_metadata(tree, url)
    if config is not None:
        metadata.update(selector_metadata(tree, config, warnings))
        for sel in config.strip:
            remove(_css(tree, sel, warnings))
        if config.body:
            lines = _selector_lines(tree, config, warnings)
            if lines is not None:  # no htmldate here: the site's date selectors and <meta> suffice
                return HtmlExtraction("\n".join(lines), metadata, warnings, "selectors")
            warnings.append(
                f"html: body selector(s) {_quote(config.body)} matched nothing; used generic extraction"
            )
    remove(tree.css(generic.PRESTRIP))
    lines = _generic_lines(tree, url, warnings)
    _add_date(metadata, html, url)
    if not lines:
        warnings.append("html: no text found")
    return HtmlExtraction("\n".join(lines), metadata, warnings, "generic")


def _add_date(metadata: dict, html: str, url: str | None) -> None:
    if "date" not in metadata and len(html) <= generic.MAX_TRAFILATURA_CHARS:
        found = generic.find_date(html, url)
        if found:
            metadata["date"] = found

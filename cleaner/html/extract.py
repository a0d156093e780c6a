"""extract_html: the site-selector path, falling back to the generic (trafilatura) path."""

from __future__ import annotations

import re

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
_WORD = re.compile(r"\w+")
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


def _selector_lines(tree: LexborHTMLParser, config: HtmlConfig,
                    warnings: list[str]) -> tuple[list[str] | None, str | None, str]:
    """(lines, selector) of the first body selector that matches (and, for a learned template, fits);
    (None, None, why) when none does."""
    why = "no body selector matches"
    for sel in config.body:
        nodes = _css(tree, sel, warnings)
        if not nodes:
            continue
        if len(nodes) > MAX_BODY_MATCHES:
            warnings.append(f"html: body selector {sel!r} matched {len(nodes)} elements; used the first {MAX_BODY_MATCHES}")
            nodes = nodes[:MAX_BODY_MATCHES]
        roots = _outermost(nodes)
        if config.min_words:  # a learned template: its strip selectors act inside the body, then the fit check
            misfit = _misfit(roots, config, warnings)
            if misfit:
                why = f"{misfit[0]} ({sel!r} {misfit[1]})"
                continue
        lines = []
        for node in roots:
            strip_never_text(node)  # only inside the body: cheaper than the whole page
            lines.extend(lines_of(node))
        if lines:
            return lines, sel, ""
        warnings.append(f"html: body selector {sel!r} matched only empty elements")
    return None, None, why


def _misfit(roots: list[LexborNode], config: HtmlConfig, warnings: list[str]) -> tuple[str, str] | None:
    """Why a learned body does not fit the page ("too few words" or "mostly link text", and the numbers),
    or None."""
    chars = links = 0
    words = 0.0
    for node in roots:
        for sel in config.strip:
            remove(_css(node, sel, warnings))
        strip_never_text(node)
        text = node.text()
        chars += len(text) - text.count(" ") - text.count("\n")
        words += max(len(_WORD.findall(text)), len(text) / 6)
        links += sum(len("".join(a.text().split())) for a in node.css("a"))
    if words < config.min_words:
        return "too few words", f"holds {int(words)}, fewer than {config.min_words}"
    if chars and links > config.max_link_share * chars:
        return "mostly link text", f"is {links / chars:.0%} link text, more than {config.max_link_share:.0%}"
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
    matches, the generic path (trafilatura, precision mode) with a warning. A learned template
    (``config.min_words``) takes a page only where a body selector fits it; any other page is extracted
    exactly as without the template, the reason in ``fallback``.
    """
    if isinstance(html, (bytes, bytearray)):
        html = decode_html(bytes(html))[0]
    warnings: list[str] = []
    fallback = None
    if not html or not html.strip():
        return HtmlExtraction("", {}, ["html: empty document"], "generic")
    tree = parse(html)
    metadata = page_metadata(tree, url)
    if config is not None:
        metadata.update(selector_metadata(tree, config, warnings))
        if not config.min_words:  # (a learned template strips inside its body only)
            for sel in config.strip:
                remove(_css(tree, sel, warnings))
        if config.body:
            lines, sel, fallback = _selector_lines(tree, config, warnings)
            if lines is not None:  # no htmldate here: the site's date selectors and <meta> suffice
                return HtmlExtraction("\n".join(lines), metadata, warnings, "selectors", selector=sel)
            if config.min_words:  # a learned template that does not fit: the page as the generic path sees it
                tree = parse(html)
            else:
                warnings.append(
                    f"html: body selector(s) {_quote(config.body)} matched nothing; used generic extraction"
                )
    remove(tree.css(generic.PRESTRIP))
    lines = _generic_lines(tree, url, warnings)
    _add_date(metadata, html, url)
    if not lines:
        warnings.append("html: no text found")
    return HtmlExtraction("\n".join(lines), metadata, warnings, "generic", fallback=fallback)


def _add_date(metadata: dict, html: str, url: str | None) -> None:
    if "date" not in metadata and len(html) <= generic.MAX_TRAFILATURA_CHARS:
        found = generic.find_date(html, url)
        if found:
            metadata["date"] = found

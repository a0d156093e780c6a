"""extract_html: the site-selector path, falling back to the generic (trafilatura) path."""

from __future__ import annotations

import re
from collections import Counter

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleaner.html import generic
from cleaner.html.blocks import NEVER_TEXT, lines_of, parse, remove, strip_never_text, text_of
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
CHARS_PER_WORD = 6  # characters counted as one word where a script has no spaces (a body's size in words)
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


# A page line the extractor did not give back verbatim counts as kept when it lies inside the extractor's
# text (trafilatura splits and joins some blocks) and is at least this long: shorter ones ("Share", "Home")
# recur in prose and would pass for kept.
MIN_INSIDE_CHARS = 20


class _Trace:
    """What the extraction left out, step by step (made only with `extract_html(trace=True)`: the clean
    path pays nothing)."""

    def __init__(self) -> None:
        self.dropped: list[tuple[str, str]] = []
        self.how = ""

    def removed(self, step: str | None, nodes: list[LexborNode]) -> None:
        """The text of `nodes` (about to be removed), under `step` (None: `html: <tag>` per node)."""
        for node in _outermost(nodes):
            name = step or f"html: {'hidden' if 'hidden' in node.attributes else node.tag}"
            self.dropped.extend((name, line) for line in block_lines(node))

    def outside(self, step: str, page: list[str], kept: list[str], *, inside: bool = False) -> None:
        """The page's lines that are not among the `kept` ones (with `inside`, the extractor's: nor long
        and within them)."""
        left = Counter(kept)
        flat = " ".join(" ".join(kept).split()) if inside else ""
        for line in page:
            probe = generic.tidy_line(line) if inside else line  # as the extractor's own lines are tidied
            if left[probe] > 0:
                left[probe] -= 1
            elif not (inside and len(probe) >= MIN_INSIDE_CHARS and probe in flat):
                self.dropped.append((step, line))


def block_lines(node: LexborNode | None) -> list[str]:
    """The text lines of a subtree as the extractor reads them, from a copy (the page is not touched)."""
    if node is None:
        return []
    copy = LexborHTMLParser(node.html or "")
    strip_never_text(copy)
    root = copy.body or copy.root
    return lines_of(root) if root is not None else []


def _selector_lines(tree: LexborHTMLParser, config: HtmlConfig, warnings: list[str],
                    trace: _Trace | None = None) -> tuple[list[str] | None, str | None, str]:
    """(lines, selector, "") of the first body selector that matches (and, for a learned template,
    fits); (None, None, why) when none does."""
    page = block_lines(tree.body or tree.root) if trace is not None else []
    why = "no body selector matches"
    for sel in config.body:
        nodes = _css(tree, sel, warnings)
        if not nodes:
            continue
        if len(nodes) > MAX_BODY_MATCHES:
            warnings.append(f"html: body selector {sel!r} matched {len(nodes)} elements; used the first {MAX_BODY_MATCHES}")
            nodes = nodes[:MAX_BODY_MATCHES]
        roots = _outermost(nodes)
        stripped = _Trace() if trace is not None else None  # (kept only where the body is taken)
        # (before strip selectors act: a headline they remove inside the body is no headline outside it)
        headline = _headline(tree, roots, config) if config.min_words else None
        if config.min_words:  # a learned template: its strip selectors act inside the body, then the fit check
            misfit = _misfit(roots, config, warnings, stripped)
            if misfit:
                why = f"{misfit[0]} ({sel!r} {misfit[1]})"
                continue
        lines = []
        for node in roots:
            strip_never_text(node)  # only inside the body: cheaper than the whole page
            lines.extend(lines_of(node))
        if lines and headline and headline != lines[0]:
            lines.insert(0, headline)
        if lines:
            if trace is not None:
                trace.how = f"body selector {sel!r}"
                trace.dropped.extend(stripped.dropped)
                trace.outside(f"html-body {sel}", page, lines + [line for _, line in stripped.dropped])
            return lines, sel, ""
        warnings.append(f"html: body selector {sel!r} matched only empty elements")
    return None, None, why


def _headline(tree: LexborHTMLParser, roots: list[LexborNode], config: HtmlConfig) -> str | None:
    """A learned template's headline where its title element lies outside the body (the article's first
    line; a hand-written section says where its body starts itself)."""
    ids = {r.mem_id for r in roots}
    for sel in config.title:
        try:
            node = tree.css_first(sel)
        except Exception:
            continue  # (an invalid selector is reported by the metadata step)
        if node is None:
            continue
        parent = node
        while parent is not None:
            if parent.mem_id in ids:
                return None
            parent = parent.parent
        return text_of(node) or None
    return None


def _misfit(roots: list[LexborNode], config: HtmlConfig, warnings: list[str],
            trace: _Trace | None = None) -> tuple[str, str] | None:
    """Why a learned body does not fit the page ("too few words" or "mostly link text", and the numbers),
    or None. Its strip selectors are applied inside the body first (traced into `trace`)."""
    chars = links = 0
    words = 0.0
    for node in roots:
        for sel in config.strip:
            nodes = _css(node, sel, warnings)
            if trace is not None:
                trace.removed(f"html-strip {sel}", nodes)
            remove(nodes)
        strip_never_text(node)
        text = node.text()
        chars += len(text) - text.count(" ") - text.count("\n")
        words += max(len(_WORD.findall(text)), len(text) / CHARS_PER_WORD)
        links += sum(len("".join(a.text().split())) for a in node.css("a"))
    if words < config.min_words:
        return "too few words", f"holds {int(words)}, fewer than {config.min_words}"
    if chars and links > config.max_link_share * chars:
        return "mostly link text", f"is {links / chars:.0%} link text, more than {config.max_link_share:.0%}"
    return None


def _generic_lines(tree: LexborHTMLParser, url: str | None, warnings: list[str],
                   trace: _Trace | None = None) -> list[str]:
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
    if trace is None:
        return lines or generic.page_text_lines(tree)
    page = block_lines(tree.body or tree.root)
    if lines:
        trace.how = "extractor trafilatura (main content)"
        trace.outside("extractor: outside main content", page, lines, inside=True)
        return lines
    lines = generic.page_text_lines(tree)
    trace.how = "whole-page text (no main content found)"
    trace.outside("html: page chrome (nav, header, footer, form)", page, lines)
    return lines


def extract_html(html: str, *, url: str | None = None, config: HtmlConfig | None = None,
                 trace: bool = False) -> HtmlExtraction:
    """Main text (one block per line) and metadata of an HTML page.

    With ``config.body`` selectors the selector path is used; otherwise, or when no body selector
    matches, the generic path (trafilatura, precision mode) with a warning. A learned template
    (``config.min_words``) takes a page only where a body selector fits it; any other page is extracted
    exactly as without the template, the reason in ``fallback``. With ``trace`` the result also says
    which selector or extractor gave the text and which step dropped which block (`how`, `dropped`);
    the text is the same.
    """
    if isinstance(html, (bytes, bytearray)):
        html = decode_html(bytes(html))[0]
    warnings: list[str] = []
    fallback = None
    if not html or not html.strip():
        return HtmlExtraction("", {}, ["html: empty document"], "generic")
    tree = parse(html)
    metadata = page_metadata(tree, url)
    tr = _Trace() if trace else None
    if config is not None:
        metadata.update(selector_metadata(tree, config, warnings))
        if not config.min_words:  # (a learned template strips inside its body only)
            for sel in config.strip:
                nodes = _css(tree, sel, warnings)
                if tr is not None:
                    tr.removed(f"html-strip {sel}", nodes)
                remove(nodes)
        if config.body:
            lines, sel, fallback = _selector_lines(tree, config, warnings, tr)
            if lines is not None:  # no htmldate here: the site's date selectors and <meta> suffice
                return _extraction(lines, metadata, warnings, "selectors", tr, selector=sel)
            if config.min_words:  # a learned template that does not fit: the page as the generic path sees it
                tree = parse(html)
            else:
                warnings.append(
                    f"html: body selector(s) {_quote(config.body)} matched nothing; used generic extraction"
                )
    chrome = tree.css(generic.PRESTRIP)
    if tr is not None:
        tr.removed(None, chrome)
    remove(chrome)
    lines = _generic_lines(tree, url, warnings, tr)
    _add_date(metadata, html, url)
    if not lines:
        warnings.append("html: no text found")
    return _extraction(lines, metadata, warnings, "generic", tr, fallback=fallback)


def _extraction(lines: list[str], metadata: dict, warnings: list[str], method: str, tr: _Trace | None,
                **how) -> HtmlExtraction:
    ext = HtmlExtraction("\n".join(lines), metadata, warnings, method, **how)
    if tr is not None:
        ext.how, ext.dropped = tr.how, tr.dropped
    return ext


def _add_date(metadata: dict, html: str, url: str | None) -> None:
    if "date" not in metadata and len(html) <= generic.MAX_TRAFILATURA_CHARS:
        found = generic.find_date(html, url)
        if found:
            metadata["date"] = found

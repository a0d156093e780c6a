"""Block-aware text from a Lexbor tree: one line per block, inline markup never splits or glues words.

The work is done by selectolax's C-level operations (unwrap inline tags, merge adjacent text
nodes, join text nodes with a separator), so after inline tags are unwrapped every text node is
exactly one run of inline content inside one block: the separator marks block boundaries.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Private-use characters: a block boundary, and a hard line break (<br>, row ends, <pre> lines).
SEP = "\ue000"
BR = "\ue001"

# Elements whose content is never text. Stripped from the whole tree, before anything else.
NEVER_TEXT = (
    "script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object",
    "embed", "canvas", "video", "audio", "select", "option", "datalist", "textarea", "button",
    "input", "map", "picture", "source", "track", "link", "meta", "base", "dialog", "xmp",
    "noembed", "noframes", "frameset",
)
INLINE = (
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "img", "output", "ruby",
    "rb", "rp", "rt", "rtc",
)
_INLINE_SEL = ",".join(INLINE)
_NEVER_SEL = ",".join(NEVER_TEXT) + ",[hidden]"
_ROW_BLOCKS = "table,p,div,ul,ol,li,h1,h2,h3,h4,h5,h6,blockquote,pre,section,article,dl,br"
_SPLIT_RE = re.compile(f"[{SEP}{BR}]")


# Lexbor's tree builder is quadratic in nesting depth (100k nested <div>s take ~20 s) and lxml /
# trafilatura recurse. A chunked count of opening minus closing tags (C-speed bytes.count) bounds the
# depth cheaply; only pages over the threshold pay for the exact scan that caps the depth.
MAX_DEPTH = 256
_DEPTH_ALARM = 1500
_CHUNK = 32 * 1024
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*?(/?)>")
# Void elements and those closed implicitly (a new <p> or <li> closes the last one) add no depth.
_FLAT = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd option optgroup tr td th tbody thead tfoot colgroup rb rt rp rtc".split()
)


def _depth_estimate(data: bytes) -> int:
    depth = peak = 0
    count = data.count
    for i in range(0, len(data), _CHUNK):
        j = i + _CHUNK
        depth += count(b"<", i, j) - 2 * count(b"</", i, j)
        peak = max(peak, depth)
    return peak


def cap_depth(html: str, limit: int = MAX_DEPTH) -> str:
    """Drop tags (never text) nested deeper than ``limit``."""
    out, pos, depth = [], 0, 0
    for m in _TAG_RE.finditer(html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if name in _FLAT or selfclose:
            continue
        if closing:
            drop = depth > limit
            depth = max(0, depth - 1)
        else:
            depth += 1
            drop = depth > limit
        if drop:
            out.append(html[pos : m.start()])
            pos = m.end()
    out.append(html[pos:])
    return "".join(out)


def _drop_comments(data: bytes) -> bytes:
    """Remove <!-- ... --> comments (an unterminated one runs to the end, as the parser reads it)."""
    out, pos, find = [], 0, data.find
    while (start := find(b"<!--", pos)) >= 0:
        out.append(data[pos:start])
        end = find(b"-->", start + 4)
        if end < 0:
            return b"".join(out)
        pos = end + 3
    out.append(data[pos:])
    return b"".join(out)


def parse(html: str) -> LexborHTMLParser:
    """Parse HTML with Lexbor. Comments go first so they never split a run of text; the bytes are
    what Lexbor reads anyway, and byte-level scans are the cheapest."""
    data = html.encode("utf-8", "replace")
    if b"<!--" in data:
        data = _drop_comments(data)
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    if _depth_estimate(data) >= _DEPTH_ALARM:
        data = cap_depth(data.decode("utf-8", "replace")).encode("utf-8", "replace")
    return LexborHTMLParser(data)


def remove(nodes: list[LexborNode]) -> int:
    """Decompose nodes, innermost first (a freed ancestor must never be touched again)."""
    for node in reversed(nodes):
        node.decompose()
    return len(nodes)


def strip_never_text(root) -> None:
    """Remove script/style/template/... and hidden elements from a tree or subtree."""
    remove(root.css(_NEVER_SEL))


def _flatten_rows(root: LexborNode) -> None:
    """Turn each simple table row (cells hold inline content only) into one line, cells space-joined."""
    for row in reversed(root.css("tr")):
        if row.css_first(_ROW_BLOCKS) is not None:
            continue  # layout table or rich cells: cells stay blocks
        cells = [" ".join(c.text().split()) for c in row.iter() if c.tag in ("td", "th")]
        row.replace_with(BR + " ".join(c for c in cells if c) + BR)


def _mark_breaks(root: LexborNode) -> None:
    for pre in reversed(root.css("pre")):
        pre.replace_with(BR + pre.text().replace("\r\n", "\n").replace("\n", BR) + BR)
    for br in root.css("br"):
        br.replace_with(BR)


def lines_of(root: LexborNode) -> list[str]:
    """Text lines of one subtree, one per block (mutates the subtree)."""
    _flatten_rows(root)
    _mark_breaks(root)
    for node in root.css(_INLINE_SEL):
        node.unwrap()
    root.merge_text_nodes()
    out = []
    for part in _SPLIT_RE.split(root.text(separator=SEP)):
        line = " ".join(part.split())
        if line:
            out.append(line)
    return out


def text_of(node: LexborNode) -> str:
    """One-line text of a small element (title, date, author), words never glued."""
    return " ".join(node.text(separator=" ").split()) if node.css_first("br,p,div,li") else " ".join(node.text().split())

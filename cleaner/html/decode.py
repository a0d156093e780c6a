"""Cheap HTML sniffing, page URL lookup, and `decode_html` (the one decoder, `cleaner.decode`, for HTML)."""

from __future__ import annotations

import html as _html
import re

from cleaner.decode import decode_bytes, looks_like_html

__all__ = ["decode_html", "looks_like_html", "page_url"]

def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes with the one decoder (`cleaner.decode.decode_bytes`); returns (text, codec).
    Never raises; binary bytes give a Latin-1 sample and the codec "binary"."""
    decoded = decode_bytes(data, content_type=content_type, html=True)
    return decoded.text, decoded.encoding


_HEAD_SCAN = 256 * 1024
_LINK_META_RE = re.compile(r"<(?:link|meta)\b[^<>]{0,2000}>", re.I)
_ATTR_RE = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR_RE.finditer(tag)}


def page_url(html: str) -> str | None:
    """The page's own absolute URL from ``<link rel=canonical>`` or ``og:url``, if declared."""
    head = html[:_HEAD_SCAN]
    end = head.lower().find("</head")
    if end > 0:
        head = head[:end]
    canonical = og = None
    for m in _LINK_META_RE.finditer(head):
        a = _attrs(m.group(0))
        if canonical is None and "canonical" in a.get("rel", "").lower().split():
            canonical = a.get("href")
        elif og is None and a.get("property", a.get("name", "")).lower() == "og:url":
            og = a.get("content")
    for url in (canonical, og):
        url = _html.unescape(url or "").strip()
        if url.startswith(("http://", "https://")):
            return url
    return None

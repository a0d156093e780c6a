"""Cheap HTML sniffing, byte decoding (BOM > HTTP charset > <meta> > detector) and page URL lookup."""

from __future__ import annotations

import codecs
import html as _html
import re

_SNIFF = 4096
_STRONG_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]", re.I)
_TAG_RE = re.compile(
    r"</?(?:p|div|span|a|br|li|ul|ol|td|tr|table|h[1-6]|article|section|script|style|img|strong|em|b|i)\b[^<>]{0,500}>",
    re.I,
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:+-]+)", re.I)
_META_CHARSET_RE = re.compile(rb"<meta\b[^>]{0,500}?charset\s*=\s*[\"']?\s*([\w.:+-]+)", re.I)
_META_SCAN = 4096
_DETECT_SAMPLE = 64 * 1024

# WHATWG encoding-label mapping, as browsers decode (the superset each legacy label really means).
_WHATWG = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254",
    "iso-8859-11": "cp874", "tis-620": "cp874", "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932",
    "x-sjis": "cp932", "ms_kanji": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "big5": "big5hkscs",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",  # a <meta> that says UTF-16 means UTF-8
}


def looks_like_html(text: str) -> bool:
    """True when the first few KB look like HTML markup rather than plain text."""
    head = text[:_SNIFF]
    if not head or "<" not in head:
        return False
    if _STRONG_RE.search(head):
        return True
    tags = _TAG_RE.findall(head)
    return len(tags) >= 3 or (bool(tags) and head.lstrip("\ufeff \t\r\n").startswith("<"))


def _codec(label: str | None) -> str | None:
    """Python codec name for an encoding label, or None if unknown or not a text encoding."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _WHATWG.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    name = info.name
    return _WHATWG.get(name, name)


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:_DETECT_SAMPLE]).best()
    except Exception:  # the detector must never take the page down with it
        return None
    return _codec(best.encoding) if best is not None else None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes; returns (text, codec used). Never raises.

    Order: byte-order mark, the HTTP ``Content-Type`` charset, ``<meta charset>`` /
    ``<meta http-equiv>``, then a detector. Valid UTF-8 with non-ASCII bytes beats a declared
    legacy charset (a common mislabel). Undecodable bytes become U+FFFD.
    """
    try:
        data = bytes(data)
    except Exception:
        return "", "utf-8"
    bom = _bom(data)
    if bom:
        name, skip = bom
        return data[skip:].decode(name, "replace"), name
    declared = None
    if content_type:
        m = _HEADER_CHARSET_RE.search(content_type)
        declared = _codec(m.group(1)) if m else None
    if declared is None:
        m = _META_CHARSET_RE.search(data[:_META_SCAN])
        declared = _codec(m.group(1).decode("ascii", "replace")) if m else None
    if declared is not None and declared != "utf-8":
        if not data.isascii() and _is_utf8(data):
            return data.decode("utf-8"), "utf-8"
        return data.decode(declared, "replace"), declared
    if declared == "utf-8" or data.isascii() or _is_utf8(data):
        return data.decode("utf-8", "replace"), "utf-8"
    name = _detect(data) or "cp1252"
    try:
        return data.decode(name, "replace"), name
    except Exception:
        return data.decode("utf-8", "replace"), "utf-8"


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

"""Bytes -> text: the one decoder for text files, HTML, WARC bodies and datatrove readers.

Order: a byte-order mark (UTF-8, UTF-16, UTF-32); then the declared charset (the HTTP Content-Type,
then for HTML a `<meta>` charset) if it decodes the bytes; then UTF-8; then BOM-less UTF-16 (text
with its zero bytes all on one side); then chardet, restricted to the encodings of the web. Bytes no
encoding fits become U+FFFD, with a warning. Valid UTF-8 costs one `bytes.decode`.

An input adapter outside `cleaner.core`: the detector is imported only when a document needs it.
"""
from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from typing import NamedTuple

from cleaner.core.cleaner import looks_binary, replace_surrogates  # noqa: F401  (pure text checks)

__all__ = ["Decoded", "decode_bytes", "decode_input", "declared_charset", "looks_binary", "looks_like_html",
           "replace_surrogates", "sniff_text"]

_SNIFF = 4096
_BINARY_SAMPLE = 8192
_DETECT_BYTES = 64 * 1024
_META_SCAN = 4096

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_STARTS = frozenset(bom[:1] for bom, _ in _BOMS)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:+-]+)", re.I)
_META_CHARSET_RE = re.compile(rb"<meta\b[^>]{0,500}?charset\s*=\s*[\"']?\s*([\w.:+-]+)", re.I)
_STRONG_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]", re.I)
_TAG_RE = re.compile(
    r"</?(?:p|div|span|a|br|li|ul|ol|td|tr|table|h[1-6]|article|section|script|style|img|strong|em|b|i)\b[^<>]{0,500}>",
    re.I,
)


# WHATWG encoding-label mapping, as browsers decode (the superset each legacy label really means).
_WHATWG = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254",
    "iso-8859-11": "cp874", "tis-620": "cp874", "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932",
    "x-sjis": "cp932", "ms_kanji": "cp932", "euc-kr": "cp949", "euc_kr": "cp949", "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "big5": "big5hkscs",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",  # a <meta> that says UTF-16 means UTF-8
}

# Python codecs no page declares honestly: escapes and IDNA forms, and UTF-7 (browsers never decode it).
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined", "utf-7"})


class Decoded(NamedTuple):
    """A decoded document: its text, the codec that decoded it, and what the caller should warn about.

    `binary`: the bytes are not text (NUL bytes or many control characters); `text` is then only a
    sample (its first 8 KB read as Latin-1) and the caller reports the document as binary.
    """

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()
    binary: bool = False


def decode_input(data: bytes, format: str = "auto", content_type: str | None = None) -> tuple[Decoded, bool]:
    """Bytes as `Cleaner.clean` reads them: (decoded, is HTML). With format "auto" HTML is sniffed from
    the first 4 KB; a `<meta>` charset counts only in HTML."""
    if format != "auto":
        return decode_bytes(data, content_type=content_type, html=format == "html"), format == "html"
    head = sniff_text(data)
    if "\x00" in head:  # UTF-16 without a BOM (or binary): sniff the decoded text; no <meta> could count
        decoded = decode_bytes(data, content_type=content_type)
        return decoded, not decoded.binary and looks_like_html(decoded.text[:_SNIFF])
    is_html = looks_like_html(head)
    return decode_bytes(data, content_type=content_type, html=is_html), is_html


def decode_bytes(data: bytes, *, content_type: str | None = None, html: bool = False) -> Decoded:
    """Decode one document's bytes (BOM > declared > UTF-8 > UTF-16 > detector). Never raises.

    `content_type`: an HTTP Content-Type header whose charset is the declared one; with `html`, a
    `<meta charset>` / `<meta http-equiv>` in the first 4 KB declares it when the header does not.
    A declared legacy charset loses to valid non-ASCII UTF-8 (a common mislabel), and a declared
    charset that does not decode the bytes (a page that says UTF-8 and is cp1251) to detection.
    """
    data = bytes(data)
    if data[:1] in _BOM_STARTS:
        for bom, name in _BOMS:
            if data.startswith(bom):
                return _decode_as(data[len(bom):], name, "")
    declared = declared_charset(data, content_type, html=html) if content_type or html else None
    if declared is None or declared == "utf-8":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            bad_at = e.start
        else:
            utf16 = _utf16_without_bom(data) if b"\x00" in data else None  # ASCII in UTF-16 is valid UTF-8
            if utf16 is None:
                return Decoded(text, "utf-8")
            return Decoded(utf16[0], utf16[1], (f"decoded as {utf16[1]} (no byte-order mark)",))
    else:
        if not data.isascii():
            try:
                return Decoded(data.decode("utf-8"), "utf-8")  # declared legacy, really UTF-8
            except UnicodeDecodeError:
                pass
        try:
            return Decoded(data.decode(declared), declared)
        except Exception as e:  # UnicodeError; a codec that cannot decode at all
            bad_at = getattr(e, "start", 0)
    if declared is None:
        why = f"input is not valid UTF-8 (byte {bad_at})"
    else:
        why = f"declared charset {declared} does not fit the bytes (byte {bad_at})"
    return _undeclared(data, why, declared or "utf-8")


def _undeclared(data: bytes, why: str, expected: str) -> Decoded:
    """Bytes that neither a BOM nor `expected` (the declared charset, else UTF-8) decodes strictly."""
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return Decoded(utf16[0], utf16[1], (f"{why}; decoded as {utf16[1]} (no byte-order mark)",))
    sample = data[:_BINARY_SAMPLE].decode("latin-1")
    if looks_binary(sample):
        return Decoded(sample, "binary", binary=True)
    if _mostly(data, expected):
        return _decode_as(data, expected, why)
    name = _detect(data)
    if name is None or name == expected:
        return _decode_as(data, expected, why)
    return _decode_as(data, name, why, detected=True)


def _decode_as(data: bytes, name: str, why: str, *, detected: bool = False) -> Decoded:
    """`data` decoded with `name`, undecodable bytes as U+FFFD; `why` says why not UTF-8 (a detected
    codec is named in the warning)."""
    try:
        text, bad_at = data.decode(name), None
    except UnicodeDecodeError as e:
        text, bad_at = data.decode(name, "replace"), e.start
    if detected:
        how = f"decoded as {name}" + (", undecodable bytes replaced" if bad_at is not None else "")
        return Decoded(text, name, (f"{why}; {how}",))
    if bad_at is None:
        return Decoded(text, name)
    return Decoded(text, name, (f"{why or f'input is not valid {name} (byte {bad_at})'}; undecodable bytes replaced",))


def declared_charset(data: bytes, content_type: str | None = None, *, html: bool = False) -> str | None:
    """The Python codec the HTTP Content-Type (else, for HTML, a `<meta>` tag) declares, or None."""
    declared = None
    if content_type:
        m = _HEADER_CHARSET_RE.search(content_type)
        declared = _codec(m.group(1)) if m else None
    if declared is None and html:
        m = _META_CHARSET_RE.search(data[:_META_SCAN])
        declared = _codec(m.group(1).decode("ascii", "replace")) if m else None
    return declared


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
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    name = info.name
    return _WHATWG.get(name, name)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) for UTF-16 without a byte-order mark: at least one code unit in ten has a zero
    high byte (ASCII, Latin, Cyrillic, Greek... text has spaces and punctuation), the low bytes are
    almost never zero, and the whole decodes strictly to text that does not look binary."""
    n = len(data) // 2
    if n < 2 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for name, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high >= max(2, n // 10) and low * 50 <= high:
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                return None
            return None if looks_binary(text) else (text, name)
    return None


def _mostly(data: bytes, codec: str) -> bool:
    """UTF-8 or a single-byte charset with a few bad bytes (a truncated character, a stray byte): at
    least 2 (UTF-8) or 20 valid non-ASCII characters for each undecodable byte. Legacy text almost
    never forms valid UTF-8 sequences, so a page that says UTF-8 and is cp1251 goes to detection; a
    single-byte charset fails only on its few undefined bytes, and the detector's guess for a page
    with one such byte is worse than the declaration. Legacy multi-byte charsets decode one another's
    bytes: their failures always go to detection."""
    if codec != "utf-8" and not _single_byte(codec):
        return False
    try:
        text = data.decode(codec, "replace")
    except Exception:
        return False
    bad = text.count("\ufffd") - (data.count(b"\xef\xbf\xbd") if codec == "utf-8" else 0)
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= (2 if codec == "utf-8" else 20) * max(bad, 1)


@functools.lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    try:
        return len(bytes(range(256)).decode(codec, "replace")) == 256
    except Exception:
        return False


def _detect(data: bytes) -> str | None:
    """The detector's codec for the first 64 KB (None: it found no text encoding that fits).

    Where the detector is unsure between its pick and cp1252 (cp1252 within a quarter of the top
    confidence: short texts with a few accented letters) and the bytes read as Western text in cp1252,
    cp1252 wins: "très" rather than cp1250's "trčs" or cp1251's "trиs". So it does where the pick puts
    Greek, Cyrillic or other non-Latin letters inside Latin words, which no language writes: a 17-byte
    "café résumé naïve" is "cafι rιsumι naοve" in cp1253, the detector's first guess.
    """
    try:
        import chardet
        from chardet.enums import EncodingEra

        found = chardet.detect_all(data, max_bytes=_DETECT_BYTES, encoding_era=EncodingEra.MODERN_WEB,
                                   prefer_superset=True)
    except Exception:  # the detector must never take the document down with it
        return None
    if not found or not found[0].get("encoding"):
        return None
    best = _codec(found[0]["encoding"])
    if best != "cp1252":
        top = found[0]["confidence"]
        for other in found[1:]:
            if _codec(other["encoding"]) == "cp1252" and _reads_western(data) and (
                    other["confidence"] >= 0.75 * top or _mixes_scripts(data, best)):
                return "cp1252"
    return best


_WORD = re.compile(r"[^\W\d_]+")


def _mixes_scripts(data: bytes, codec: str) -> bool:
    """Whether most words with a letter beyond ASCII, read in `codec`, also hold ASCII letters while that
    letter is not Latin ("cafι"): a misreading, since no language mixes scripts inside a word."""
    try:
        text = data[:_DETECT_BYTES].decode(codec, "ignore")
    except Exception:
        return False
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    mixed = sum(1 for w in words if re.search("[A-Za-z]", w)
                and any(c > "\x7f" and not unicodedata.name(c, "").startswith("LATIN") for c in w))
    return mixed * 2 > len(words)


# What Western European text is made of beyond ASCII, in cp1252: its letters and punctuation, not its symbols
# (cp1252's "¹", "³", "¾" are how Polish or Cyrillic letters look when misread).
_WESTERN = frozenset("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŒœŠšŽžŸ"
                     "€‚„…†‡‹›‘’“”•–—«»¡¿°§©®·ªº\u00a0")


def _reads_western(data: bytes) -> bool:
    try:
        text = data[:_DETECT_BYTES].decode("cp1252", "ignore")
    except Exception:
        return False
    return all(c in _WESTERN for c in set(text) if c > "\x7f")


def looks_like_html(text: str) -> bool:
    """True when the first few KB look like HTML markup rather than plain text: a document-level tag
    (doctype, <html>, <head>, <body>, <meta>, <title>), or markup at the start, or tags on at least half
    of the lines."""
    head = text[:_SNIFF]
    if not head or "<" not in head:
        return False
    if _STRONG_RE.search(head):
        return True
    tags = _TAG_RE.findall(head)
    if not tags:
        return False
    if head.lstrip("\ufeff \t\r\n").startswith("<"):
        return True
    if len(tags) < 3:
        return False
    # Tags all over the text, not a few inside prose (a comment form's "You may use these HTML tags: <a> <b>
    # ..." line, a quoted snippet): at least half the lines hold one.
    lines = [line for line in head.splitlines() if line.strip()]
    tagged = sum(1 for line in lines if _TAG_RE.search(line))
    return tagged * 2 >= len(lines)


def sniff_text(data: bytes) -> str:
    """The first 4 KB as text, for sniffing HTML: BOM-aware, else Latin-1 (ASCII markup survives)."""
    head = data[:_SNIFF]
    if head[:1] in _BOM_STARTS:
        for bom, name in _BOMS:
            if head.startswith(bom):
                return head[len(bom):].decode(name, "replace")
    return head.decode("latin-1")

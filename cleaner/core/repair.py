"""Decode-and-repair steps: make scraper text well-formed Unicode without altering legitimate text.

Each step is a small pure function named for what it does. Whole-document steps (BOM, newlines) run
first; each line step runs only where its cheap guard says it may change something.
"""
from __future__ import annotations

import codecs
import html
import re

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)
from ftfy.fixes import replace_lossy_sequences

from cleaner.core.result import TraceEntry
from cleaner.core.steps import Step, active_steps, run_plan

# Encoding repair only: no width folding, no quote uncurling, no NFKC (CJK and typographic text survive).
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

# UTF-8 read as cp1252/latin-1, looked for in the UTF-8 bytes of the text: a lead character (Â-ß, à-ï,
# ð-ô, all encoded C3 xx) followed by the right number of continuation characters as cp1252/latin-1
# decode them. Requiring the whole sequence keeps legitimate text ("váží", "déjà") unflagged, and the
# literal C3 lets the scan skip ahead quickly. ftfy decides on what is flagged.
_CONT = (rb"(?:\xc2[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c]"
         rb"|\xe2\x80[\x93\x94\x98-\x9a\x9c-\x9e\xa0-\xa2\xa6\xb0\xb9\xba]|\xe2\x82\xac|\xe2\x84\xa2)")
_MOJIBAKE_UTF8 = re.compile(rb"\xc3(?=[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2])(?:[\x82-\x9f]" + _CONT
                            + rb"|[\xa0-\xaf]" + _CONT + rb"{2}|[\xb0-\xb4]" + _CONT + rb"{3})")
# Cheap pre-tests with a literal first byte, which the scanner skips to: a lead character followed by
# a continuation character's first byte; C1 controls (never legitimate in text).
_MOJIBAKE_LEAD = re.compile(rb"\xc3[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2]")
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# NBSP and the other Unicode space separators, except U+3000 (the ideographic space is a full-width form).
_SPACE_CHARS = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_SPACES = re.compile(f"[{_SPACE_CHARS}]")
# Zero-width characters, soft hyphens and controls. ZWJ/ZWNJ are kept inside words, where scripts
# such as Persian and Hindi need them.
_INVISIBLE_CHARS = "\u200b\u2060\ufeff\u00ad\u180e\u200c\u200d\x7f" + "".join(
    chr(c) for c in range(0x20) if chr(c) not in "\t\n")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e\u0000-\u0008\u000b-\u001f\u007f]")
_ANY_INVISIBLE = re.compile(f"[{re.escape(_INVISIBLE_CHARS)}]")
_LOOSE_JOINER = re.compile("(?<!\\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\\S)")
# U+0085 (NEL) is not among them: in scraped text it is almost always a byte of mojibake.
_LINE_SEPARATORS = re.compile("\r\n?|[\u2028\u2029]")


def strip_bom(text: str) -> str:
    """Remove byte-order marks at the start of the text."""
    return text.lstrip("\ufeff")


def normalize_newlines(text: str) -> str:
    """CRLF, CR and Unicode line/paragraph separators become LF."""
    if "\u2028" in text or "\u2029" in text:
        return _LINE_SEPARATORS.sub("\n", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SLOPPY_1252 = codecs.lookup("sloppy-windows-1252").encode  # `str.encode`'s codec, without its lookup per line


def decode_whole_line(line: str) -> str | None:
    """The line's text if all of it is UTF-8 read as cp1252 (bytes cp1252 lacks read as latin-1), else None.

    The common case of mojibake, undone by two C-level codec calls where ftfy takes a hundred times
    longer; as in ftfy, a sequence that lost a byte to U+FFFD (cp1252 decoded with errors="replace")
    becomes one U+FFFD. Mixed or partial cases return None and go to ftfy.
    """
    try:
        data = _SLOPPY_1252(line)[0]  # U+FFFD becomes byte 1A (ftfy's lossy marker)
        lossy = "\ufffd" in line
        if lossy:
            if "\x1a" in line:
                return None
            data = replace_lossy_sequences(data)  # a UTF-8 sequence that lost a byte becomes U+FFFD
        text = data.decode("utf-8")
    except UnicodeError:
        return None
    return text.replace("\x1a", "\ufffd") if lossy else text


def fix_mojibake(line: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 (whole-line fast path, else ftfy with encoding fixes only);
    stable under repetition."""
    for _ in range(3):
        fixed = decode_whole_line(line)
        if fixed is None:
            if not _ftfy_can_fix(line):
                break  # U+FFFD alone: the lost bytes cannot be recovered
            fixed = ftfy.fix_text(line, _FTFY_CONFIG)
        if fixed == line:
            break
        line = fixed
        if not _ftfy_can_fix(line):
            break
    return line


def _ftfy_can_fix(line: str) -> bool:
    """A whole UTF-8 sequence read as cp1252/latin-1, or a C1 control: something ftfy can still fix."""
    if line.isascii():
        return False
    data = line.encode("utf-8", "surrogatepass")
    return _has_sequence(data) or _C1_CONTROL.search(data) is not None


def unescape_entities(line: str) -> str:
    """Decode HTML entities, repeatedly, so double-escaped `&amp;amp;` ends as `&` (idempotent)."""
    for _ in range(3):
        if not _ENTITY.search(line):
            break
        line = html.unescape(line)
    return line


def normalize_spaces(line: str) -> str:
    """NBSP, tabs and other space characters become a plain space."""
    return _SPACES.sub(" ", line)


def remove_invisibles(line: str) -> str:
    """Drop zero-width characters, soft hyphens and control characters."""
    return _LOOSE_JOINER.sub("", _INVISIBLE.sub("", line))


def _has_mojibake(text: str, printable: bool = False) -> bool:
    """Signs of mojibake: a whole UTF-8 sequence read as cp1252/latin-1, a C1 control or U+FFFD.
    `printable`: the caller knows the text has no control characters (C1 controls among them)."""
    if text.isascii():
        return False
    data = text.encode("utf-8", "surrogatepass")
    return (_has_sequence(data) or "\ufffd" in text
            or (not printable and _C1_CONTROL.search(data) is not None))


def _has_sequence(data: bytes) -> bool:
    """A whole mojibake sequence in UTF-8 bytes; the full pattern is tried only where the cheap lead
    test hits, not over the whole text."""
    first = _MOJIBAKE_LEAD.search(data)
    if first is None:
        return False
    return any(_MOJIBAKE_UTF8.match(data, m.start()) for m in _MOJIBAKE_LEAD.finditer(data, first.start()))


_FIX_MOJIBAKE = Step("fix-mojibake", fix_mojibake, _has_mojibake)
_DECODE_ENTITIES = Step("decode-entities", unescape_entities, lambda t: "&" in t and _ENTITY.search(t) is not None,
                        ("&",))
LINE_PLAN: tuple[Step, ...] = (
    _FIX_MOJIBAKE,
    _DECODE_ENTITIES,
    # Guards are one C-level character-class scan each, for the whole text as for a line.
    Step("normalize-spaces", normalize_spaces, lambda t: _SPACES.search(t) is not None, finder=_SPACES),
    Step("remove-invisibles", remove_invisibles, lambda t: _ANY_INVISIBLE.search(t) is not None,
         finder=_ANY_INVISIBLE),
)


def repair_text(text: str, trace: list[TraceEntry], *, printable: bool = False) -> list[str]:
    """Repair a document and split it into lines (same count and order as the input's lines).

    `printable`: the caller checked that `text` with its newlines (LF and CR) as spaces `isprintable()`.
    """
    return repair_document(text, trace, printable=printable)[0]


def repair_document(text: str, trace: list[TraceEntry], *, printable: bool = False) -> tuple[list[str], str]:
    """`repair_text`, plus the repaired lines joined by newlines (the caller need not join them again)."""
    if text.startswith("\ufeff"):
        text = strip_bom(text)
        trace.append(TraceEntry("strip-bom", "repair", 1, "\ufeff"))
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        text = normalize_newlines(text)
        trace.append(TraceEntry("normalize-newlines", "repair", None, ""))
    lines = text.split("\n")
    if printable or text.replace("\n", " ").isprintable():
        # No control, invisible or non-ASCII space character anywhere (one C-level pass rules them out):
        # only mojibake and entities can be left.
        active = [step for step, found in ((_FIX_MOJIBAKE, _has_mojibake(text, printable=True)),
                                           (_DECODE_ENTITIES, _DECODE_ENTITIES.needs(text))) if found]
    else:
        active = active_steps(LINE_PLAN, text)
    if not active:
        return lines, text
    out = run_plan(LINE_PLAN, lines, range(1, len(lines) + 1), trace, "repair", text, repeat=3, active=active)
    return out, "\n".join(out)

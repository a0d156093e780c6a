"""Decode-and-repair steps: make scraper text well-formed Unicode without altering legitimate text.

Each step is a small pure function named for what it does. Whole-document steps (BOM, newlines) run
first; the line steps run only on lines their guard flags, so clean text pays one regex search per step.
"""
from __future__ import annotations

import html

import ftfy
import regex

from cleaner.core.result import TraceEntry
from cleaner.core.steps import Step, run_plan

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

# A UTF-8 lead byte followed by a continuation byte, both as cp1252/latin-1 decoded them: the shape of
# mojibake. Cheap enough to run on every document; ftfy decides on the lines it flags.
_MOJIBAKE = regex.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|\ufffd|[\u0080-\u009f]"
)
_ENTITY = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# NBSP and the other Unicode space separators, except U+3000 (the ideographic space is a full-width form).
_SPACES = regex.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f]")
# Zero-width characters, soft hyphens and controls. ZWJ/ZWNJ are kept inside words, where scripts
# such as Persian and Hindi need them.
_INVISIBLE = regex.compile(
    "[\u200b\u2060\ufeff\u00ad\u180e\u0000-\u0008\u000b-\u001f\u007f]"
    "|(?<!\\S)[\u200c\u200d]|[\u200c\u200d](?!\\S)"
)
_LINE_SEPARATORS = regex.compile("\r\n?|[\u2028\u2029\u0085]")


def strip_bom(text: str) -> str:
    """Remove byte-order marks at the start of the text."""
    return text.lstrip("\ufeff")


def normalize_newlines(text: str) -> str:
    """CRLF, CR and Unicode line/paragraph separators become LF."""
    return _LINE_SEPARATORS.sub("\n", text)


def fix_mojibake(line: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 (ftfy, encoding fixes only); stable under repetition."""
    for _ in range(3):
        fixed = ftfy.fix_text(line, _FTFY_CONFIG)
        if fixed == line:
            break
        line = fixed
    return line


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
    return _INVISIBLE.sub("", line)


LINE_PLAN: tuple[Step, ...] = (
    Step("fix-mojibake", fix_mojibake, _MOJIBAKE),
    Step("decode-entities", unescape_entities, _ENTITY),
    Step("normalize-spaces", normalize_spaces, _SPACES),
    Step("remove-invisibles", remove_invisibles, _INVISIBLE),
)
_ANY = regex.compile("|".join(f"(?:{s.guard.pattern})" for s in LINE_PLAN))


def repair_text(text: str, trace: list[TraceEntry]) -> list[str]:
    """Repair a document and split it into lines (same count and order as the input's lines)."""
    if text.startswith("\ufeff"):
        text = strip_bom(text)
        trace.append(TraceEntry("strip-bom", "repair", 1, "\ufeff"))
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\u0085" in text:
        text = normalize_newlines(text)
        trace.append(TraceEntry("normalize-newlines", "repair", None, ""))
    lines = text.split("\n")
    if not _ANY.search(text):
        return lines
    return run_plan(LINE_PLAN, lines, range(1, len(lines) + 1), trace, "repair", _ANY)

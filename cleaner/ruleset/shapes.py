"""Line shapes: whole-line regexes made of literal text and digit runs, matched without compiling them.

`cleaner learn` writes its chrome lines as such regexes: `^(?i:Comments \\([0-9]+\\)|Story [0-9]+ of X)$`,
and its signatures as `^Copyright [0-9]+ X$`. The `regex` module's compiler is written in Python and
costs a site compiled on demand more than everything else together (about 0.14 ms a pattern, four a
learned site). A line shape means no more than "the whole line is one of these texts, where `[0-9]+`
stands for any run of ASCII digits", so a line matches exactly when its *key* (digit runs folded to one
`0`; lowercased under `(?i:`) is one of the shape's keys. The rule keeps the regex text it was written
with, and the compiled regex is still there for anything that asks for it (`LazyPattern`).

The grammar is strict so that key equality is the regex's match, not an approximation of it: `^`, then
one branch of literal characters (plain or backslash-escaped punctuation) and `[0-9]+` runs, or a
`(?:…)` / `(?i:…)` group of `|`-separated branches, then `$`. No literal ASCII digit (a key's `0` must
mean a run) and no two runs side by side (`[0-9]+[0-9]+` needs two digits). Under `(?i:`, literal
characters are ASCII: ASCII letters match case-insensitively as `lower()` says, and only four
non-ASCII characters can match an ASCII letter at all (`CASE_TWINS`); a line holding one of those, or a
newline, is left to the compiled regex.
"""
from __future__ import annotations

import re

import regex

_DIGITS = re.compile(r"[0-9]+")
# One literal character of a regex: a backslash-escaped non-alphanumeric, or a character without meaning.
LITERAL = r"(?:\\[^0-9A-Za-z]|[^\\.^$*+?{}\[\]|()])"
_BRANCH = rf"(?:{LITERAL}|\[0-9\]\+)*"
_SHAPE = re.compile(rf"\^(?:(?P<one>{_BRANCH})|\(\?(?P<i>i?):(?P<many>{_BRANCH}(?:\|{_BRANCH})*)\))\$")
TOKEN = re.compile(rf"\\([^0-9A-Za-z])|(\[0-9\]\+)|({LITERAL})")
# A shape's pieces, in one pass: an escaped character, a digit run, a branch's end, a run of plain text.
_PIECE = re.compile(r"\\([^0-9A-Za-z])|(\[0-9\]\+)|(\|)|([^\\.^$*+?{}\[\]|()]+)")
_DIGIT = re.compile("[0-9]")
# The non-ASCII characters that the `regex` module matches to an ASCII letter case-insensitively
# (İ, dotless ı, long s, the Kelvin sign; tests/test_shapes.py checks every code point).
CASE_TWINS = frozenset("\u0130\u0131\u017f\u212a")


def line_key(line: str) -> str:
    """The key a line is looked up by: runs of ASCII digits folded to one `0`."""
    return _DIGITS.sub("0", line)


class LineShape:
    """The keys of a line-shape regex (`line_shape`); `match(line)` is True where the regex matches the
    whole line, else None."""

    __slots__ = ("source", "keys", "ignorecase", "digits", "firsts", "shortest", "_regex")

    def __init__(self, source: str, keys: frozenset[str], ignorecase: bool):
        self.source = source
        self.keys = keys
        self.ignorecase = ignorecase
        self.digits = any("0" in k for k in keys)  # (else a line with a digit cannot match: no folding)
        self.firsts = frozenset(k[:1] for k in keys)  # a key's first character: a cheap first test
        self.shortest = min(map(len, keys))
        self._regex = None

    def __reduce__(self):
        return LineShape, (self.source, self.keys, self.ignorecase)

    def match(self, line: str, timeout: float | None = None):
        if len(line) < self.shortest:
            return None
        if "\n" in line:
            return self._fallback(line)  # `$` also matches before a final newline
        if self.ignorecase:
            if not line.isascii():  # only a case twin can match an ASCII character of the shape
                return None if CASE_TWINS.isdisjoint(line) else self._fallback(line)
            line = line.lower()
        first = line[:1]
        if ("0" if "0" <= first <= "9" else first) not in self.firsts:
            return None
        return True if (line_key(line) if self.digits else line) in self.keys else None

    def _fallback(self, line: str):
        if self._regex is None:
            self._regex = regex.compile(self.source)
        return True if self._regex.match(line) else None


def is_line_shape(source: str) -> bool:
    """Whether a regex is written in the line-shape grammar (literal digits allowed): valid as it stands,
    so it may be compiled when first used."""
    return _SHAPE.fullmatch(source) is not None


def line_shape(source: str) -> LineShape | None:
    """The line shape a regex is, or None where it is not one (then it is compiled as a regex)."""
    m = _SHAPE.fullmatch(source)
    if m is None:
        return None
    ignorecase = m.group("i") == "i"
    body = m.group("one") if m.group("one") is not None else m.group("many")
    keys, parts, after_run = set(), [], False
    for escaped, run, bar, plain in _PIECE.findall(body):
        if bar:  # a branch ends
            keys.add("".join(parts))
            parts, after_run = [], False
        elif run:
            if after_run:
                return None  # two runs side by side
            parts.append("0")
            after_run = True
        elif _DIGIT.search(plain):
            return None  # a literal digit
        else:
            parts.append(escaped or plain)
            after_run = False
    keys.add("".join(parts))
    if ignorecase:
        if not all(map(str.isascii, keys)):
            return None
        keys = {k.lower() for k in keys}
    return LineShape(source, frozenset(keys), ignorecase)


class LazyPattern:
    """A regex compiled the first time something uses it (a line shape's own regex: matching goes by
    keys, and most never need it). Equal to another of the same source and flags; pickles as its source."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags
        self._compiled = None

    def compiled(self) -> regex.Pattern:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = regex.compile(self.pattern, self.flags)
        return compiled

    def __getattr__(self, name: str):  # match, search, sub, groupindex, …
        return getattr(self.compiled(), name)

    def __eq__(self, other) -> bool:
        if isinstance(other, LazyPattern):
            return (self.pattern, self.flags) == (other.pattern, other.flags)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __reduce__(self):
        return LazyPattern, (self.pattern, self.flags)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"

"""The screen: candidate lines for every rule of a rule list, found in one pass over a document.

A rule's matcher says which lines it can possibly take: whole lines of its word list, or, for a regex,
lines that contain one of its needles, or start (or end) with an entry of the word list the regex
starts (or ends) with. The screen merges these tests of all rules, so that a document is searched once
for all of them: short lines are looked up casefolded in one dict of every word list; a line's first two
characters pick the small trie of the leading entries starting so (most lines: none), one regex over the
reversed text finds the lines that end with a trailing entry; needles are searched in the joined text. Only the candidates are then
matched in full. Pure data, built once per rule list; no I/O, no state between documents. The part of
the generic rules (the run of rules from the last rule's file) is built once and memoised, and a site's
plan merges its own few rules into it: a site compiled on demand does not rebuild the generic word dict.
"""
from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Sequence


_NONE: list[int] = []  # the shared empty candidate list (never mutated)


class Screen:
    """Candidate lines for each rule of `rules` (by position): see `candidates`."""

    __slots__ = ("rules", "short", "words", "firsts", "lasts", "first_keys", "last_keys", "needles",
                 "bare", "plans")

    def __init__(self, rules: Sequence):
        self.rules = tuple(rules)
        cut = _shared_tail(self.rules)
        tail = _tail_part(self.rules[cut:], cut)
        head = _Part(self.rules[:cut], 0) if cut else None
        if head is None or head.empty:
            self.words, self.short, self.needles = tail.words, tail.short, tail.needles
            self.firsts, self.lasts, self.first_keys = tail.firsts, tail.lasts, tail.first_keys
            self.last_keys, self.bare, self.plans = tail.last_keys, tail.bare, tail.plans
            return
        self.words = _merged(head.words, tail.words)
        self.short = max(head.short, tail.short)  # no longer line is a word-list entry
        self.needles = _merged(head.needles, tail.needles)
        # per rule, a trie of its own entries: which rules a line found by the merged trie belongs to
        self.firsts = _merged(head.firsts, tail.firsts)
        self.lasts = _merged(head.lasts, tail.lasts)
        self.first_keys = _merged_first_keys(head, tail)
        self.last_keys = tail.last_keys if not head.last_set else _line_starts(head.last_set | tail.last_set)
        self.bare = head.bare + tail.bare
        self.plans = {**head.plans, **tail.plans}

    def _word_hits(self, lines: Sequence[str]) -> dict[int, list[int]]:
        """rule -> the lines that are one of its whole-line words (casefolded)."""
        by_word: dict[int, list[int]] = {}
        words, short = self.words, self.short
        for i, line in enumerate(lines):
            if line and len(line) <= short:
                hit = words.get(line.casefold())
                if hit is not None:
                    for p in hit:
                        by_word.setdefault(p, []).append(i)
        return by_word

    def candidates(self, lines: Sequence[str]) -> list[list[int] | None]:
        """For each rule, the sorted indices of the lines it could take, or None where every line could
        (a regex nothing narrows); rules with a region get no candidates here. Dead lines are not
        excluded: the engine checks them."""
        out: list[list[int] | None] = [_NONE] * len(self.rules)
        for p in self.bare:
            out[p] = None
        touched: dict[int, None] = {}
        by_word = self._word_hits(lines)
        touched.update(dict.fromkeys(by_word))
        text = "\n" + "\n".join(lines)
        by_first = _edge_hits(self.first_keys, self.firsts, text, lines, False, touched)
        by_last = _edge_hits(self.last_keys, self.lasts, text, lines, True, touched)
        by_needle: dict[str, list[int]] = {}
        for needle, ps in self.needles.items():
            if needle in text:
                by_needle[needle] = [i for i, line in enumerate(lines) if needle in line]
                touched.update(dict.fromkeys(ps))
        for p in touched:
            plan = self.plans.get(p)
            if plan is None:
                continue  # a bare regex beside a word list: every line is a candidate already
            found = _regex_hits(plan, by_needle, by_first.get(p, _NONE), by_last.get(p, _NONE))
            word_hits = by_word.get(p)
            if word_hits:
                found = word_hits if not found else set(found).union(word_hits)
            if found:
                out[p] = found if isinstance(found, list) else sorted(found)
        return out


class _Part:
    """What the screen derives from a run of rules whose positions start at `offset`; `Screen` merges a
    site's few rules (the head) with the generic rules' part (the tail), built once and memoised."""

    __slots__ = ("words", "short", "firsts", "lasts", "groups", "singles", "first_keys", "last_set", "last_keys",
                 "needles", "bare", "plans", "empty", "rules")

    def __init__(self, rules: Sequence, offset: int):
        self.rules = tuple(rules)  # (keeps the rules, whose ids key the memo, alive)
        words, firsts, lasts, needles, bare, plans = _collect(self.rules, offset)
        self.short = max(map(len, words), default=0)
        self.words = {w: tuple(ps) for w, ps in words.items()}
        self.firsts = _by_char(firsts, False)
        self.lasts = _by_char(lasts, True)
        self.groups, self.singles = _groups({k for _, ks in firsts for k in ks})
        self.first_keys = _first_keys(self.groups, self.singles)
        self.last_set = frozenset(k[::-1] for _, ks in lasts for k in ks)  # run on the reversed text
        self.last_keys = _line_starts(self.last_set)
        self.needles = {c: tuple(ps) for c, ps in needles.items()}
        self.bare = tuple(bare)
        self.plans = plans
        self.empty = not (words or firsts or lasts or needles or bare or plans)


def _collect(rules: tuple, offset: int) -> tuple:
    """Per test, the positions of the rules (from `offset`) it applies to: (words, firsts, lasts,
    needles, bare, plans)."""
    words: dict[str, list[int]] = {}
    firsts: list[tuple[int, tuple[str, ...]]] = []
    lasts: list[tuple[int, tuple[str, ...]]] = []
    needles: dict[str, list[int]] = {}
    bare: list[int] = []
    plans: dict[int, tuple] = {}
    for p, rule in enumerate(rules, offset):
        if rule.head is not None or rule.tail is not None:
            continue  # a region rule tests its few lines itself (see accelerator._prefilter)
        m = rule.match
        for w in m.words:
            words.setdefault(w, []).append(p)
        plan = narrowing(m)
        if plan is None:
            bare.append(p)  # nothing narrows the regex: every live line is a candidate
            continue
        plans[p] = plan
        _, contains, first, last = plan
        for c in contains:
            needles.setdefault(c, []).append(p)
        if first:
            firsts.append((p, m.prefixes))
        elif last:
            lasts.append((p, m.suffixes))
    return words, firsts, lasts, needles, bare, plans


_TAILS: dict[tuple, _Part] = {}  # (ids of the tail's rules, offset) -> its part; least recently used first
_CACHED_TAILS = 64  # distinct (generic rules, number of site rules) pairs kept
_TAILS_LOCK = threading.Lock()


def _shared_tail(rules: tuple) -> int:
    """Where the run of rules from the last rule's file (the generic rules, after a site's) begins."""
    cut = len(rules)
    source = getattr(rules[-1], "source", None) if rules else None
    while cut and getattr(rules[cut - 1], "source", None) == source:
        cut -= 1
    return cut


def _tail_part(rules: tuple, offset: int) -> _Part:
    """The memoised `_Part` of a shared tail: the generic rules recur in every site's plan, and a site
    compiled on demand must not pay for their word dict and tries again."""
    key = (tuple(map(id, rules)), offset)
    with _TAILS_LOCK:
        part = _TAILS.pop(key, None)
    if part is None:
        part = _Part(rules, offset)  # (a race builds it twice, alike)
    with _TAILS_LOCK:
        _TAILS[key] = part
        while len(_TAILS) > _CACHED_TAILS:
            del _TAILS[next(iter(_TAILS))]
    return part


def _merged(head: dict, tail: dict) -> dict:
    """Two key -> positions (or (position, trie)) maps, the head's entries first; the tail is not copied
    when the head adds nothing."""
    if not head:
        return tail
    out = dict(tail)
    for k, v in head.items():
        out[k] = v + tail.get(k, ())
    return out


def narrowing(m) -> tuple | None:
    """How the screen finds a matcher's lines: (has a regex, its `contains` needles, whether lines must
    start with one of its word-list prefixes, or end with one of its suffixes); None where nothing
    narrows the regex."""
    if m.pattern is None:
        return (False, (), False, False)
    first = bool(m.prefixes) and all(m.prefixes)
    last = not first and bool(m.suffixes) and all(m.suffixes)
    if not (m.contains or first or last):
        return None
    return (True, m.contains, first, last)


def _regex_hits(plan: tuple, by_needle: dict[str, list[int]], edge_first: list[int], edge_last: list[int]):
    """The lines a rule's regex could match: those with one of its needles and the right edge."""
    pattern, contains, first, last = plan
    found: Iterable[int] | None = None
    if not pattern:
        return found
    if contains:
        hits = [by_needle[c] for c in contains if c in by_needle]
        found = _NONE if not hits else hits[0] if len(hits) == 1 else set().union(*hits)
    if first and found is not _NONE:
        found = edge_first if found is None else set(found).intersection(edge_first)
    elif last and found is not _NONE:
        found = edge_last if found is None else set(found).intersection(edge_last)
    return found


def _by_char(rules: list[tuple[int, tuple[str, ...]]], reverse: bool) -> dict[str, tuple[tuple[int, _Trie], ...]]:
    """last character (`reverse`), else the first two characters (one for a one-character entry) -> the
    rules with an entry ending (starting) so, each with its own trie (over reversed entries for
    `reverse`): a found line is tested against those rules only."""
    out: dict[str, list[tuple[int, _Trie]]] = {}
    for p, ks in rules:
        own, starts = _rule_trie(ks, reverse)
        for c in starts:
            out.setdefault(c, []).append((p, own))
    return {c: tuple(v) for c, v in out.items()}


@functools.lru_cache(maxsize=16384)
def _rule_trie(ks: tuple[str, ...], reverse: bool) -> tuple[_Trie, tuple[str, ...]]:
    """One rule's own trie (over its reversed entries for `reverse`) and the characters its entries
    start with (`_by_char`'s keys). Memoised as `_trie_pattern` is."""
    keys = frozenset(k[::-1] for k in ks) if reverse else frozenset(ks)
    return _trie_pattern(keys), tuple(sorted({k[0] if reverse else k[:2] for k in keys}))


def _edge_hits(keys: re.Pattern | tuple | None, rules: dict[str, tuple[tuple[int, _Trie], ...]], text: str,
               lines: Sequence[str], reverse: bool, touched: dict[int, None]) -> dict[int, list[int]]:
    """rule -> sorted lines that start (or end, `reverse`) with one of its word-list entries; `text` is
    "\\n" + the lines joined. The merged regex finds the lines; each rule's own trie (over the reversed
    line for `reverse`) says whose entries they are."""
    found: dict[int, list[int]] = {}
    if not keys:
        return found
    if isinstance(keys, tuple):  # (first two characters -> a trie of the entries starting so, one-character entries)
        get, singles = keys[0].get, keys[1]
        hit_lines = [i for i, line in enumerate(lines)
                     if line and ((k := get(line[:2])) is not None and k.match(line) or line[0] in singles)]
    else:
        hit_lines = _found_lines(keys, text, lines, reverse)
    for i in hit_lines:
        line = lines[i][::-1] if reverse else lines[i]
        if reverse:
            mine = rules[line[0]]
        else:  # entries of two characters or more, then one-character entries
            mine = rules.get(line[:2], ())
            if len(line) > 1 and line[0] in rules:  # a rule may have both: test it once
                mine = tuple(dict.fromkeys(mine + rules[line[0]]))
        for p, own in mine:
            if own.match(line):
                found.setdefault(p, []).append(i)
                touched[p] = None
    return found


def _found_lines(keys: re.Pattern, text: str, lines: Sequence[str], reverse: bool) -> list[int]:
    if reverse:
        text = (text + "\n")[::-1]
    hit_lines, i, pos = [], -1, 0
    for m in keys.finditer(text):  # the match is at the newline before its line: count newlines once
        start = m.start()
        i += text.count("\n", pos, start + 1)
        pos = start + 1
        hit_lines.append(i)
    if reverse:
        hit_lines = [len(lines) - 1 - i for i in reversed(hit_lines)]
    return hit_lines


def _groups(keys: set[str]) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """(first two characters -> the `keys` starting with them, the one-character keys)."""
    groups: dict[str, set[str]] = {}
    for k in keys:
        if len(k) > 1:
            groups.setdefault(k[:2], set()).add(k)
    return {c: frozenset(ks) for c, ks in groups.items()}, frozenset(k for k in keys if len(k) == 1)


def _merged_first_keys(head: _Part, tail: _Part) -> tuple[dict[str, _Trie], frozenset[str]] | None:
    """`_first_keys` of both parts' keys: the tail's tries, and those of the groups the head adds to."""
    if head.first_keys is None or tail.first_keys is None:
        return tail.first_keys if head.first_keys is None else head.first_keys
    tries = dict(tail.first_keys[0])
    for c, ks in head.groups.items():
        tries[c] = _trie_pattern(ks | tail.groups.get(c, frozenset()))
    return tries, head.singles | tail.singles


def _first_keys(groups: dict[str, frozenset[str]],
                singles: frozenset[str]) -> tuple[dict[str, _Trie], frozenset[str]] | None:
    """(first two characters -> a trie of the keys starting with them, the one-character keys): a line
    is looked up by its first two characters and matched against one small trie, and most lines by
    none (one big alternation costs every line a pass over all first characters)."""
    if not groups and not singles:
        return None
    return {c: _trie_pattern(ks) for c, ks in groups.items()}, singles


def _line_starts(keys: set[str]) -> re.Pattern | None:
    """A regex finding, in "\\n" + lines joined, the lines that start with one of `keys`: the engine
    skips from newline to newline, a one-character class turns most lines away, and the keys are tried
    as a trie."""
    if not keys:
        return None
    return _line_starts_pattern(frozenset(keys))


@functools.lru_cache(maxsize=4096)
def _line_starts_pattern(keys: frozenset[str]) -> re.Pattern:
    first = "".join(sorted({re.escape(k[0]) for k in keys}))
    return re.compile(f"\\n(?=[{first}])" + _trie(keys))


@functools.lru_cache(maxsize=16384)
def _trie_pattern(keys: frozenset[str]) -> "_Trie":
    """`_trie(keys)`, compiled on first use. Memoised (a pure function of its keys): the same word lists
    (the generic rules') recur in the plan of every site, and a site loaded on demand or learned must not
    pay for building their tries again."""
    return _Trie(keys)


class _Trie:
    """The regex `_trie(keys)`, compiled when it is first matched: a rule list has hundreds of tries (one
    per two leading characters of its entries, one per rule) and a document meets few of them, so loading
    rules, and a worker receiving them (which gets them uncompiled), does not pay for all (a tenth of a
    second)."""

    def __init__(self, keys: frozenset[str]):
        self.keys = keys

    def match(self, text: str) -> re.Match | None:
        self.match = re.compile(self.pattern).match  # (from now on the compiled regex's own method)
        return self.match(text)

    @property
    def pattern(self) -> str:
        return _trie(self.keys)

    def __reduce__(self):
        return _Trie, (self.keys,)


def _trie(keys: Iterable[str]) -> str:
    """A regex matching any of `keys` at its start, as nested alternations grouped by first character."""
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(key[0], []).append(key[1:])
    branches = []
    for first, rests in sorted(groups.items()):
        if "" in rests:
            branches.append(re.escape(first))  # the key itself ends here: a longer one need not match
        else:
            branches.append(re.escape(first) + _trie(rests))
    return "(?:" + "|".join(branches) + ")"

"""From a site's profile to a rule file in our vocabulary.

1. **Chrome lines**: templates (`profile.template`) on at least `min_pages` pages and a share of them.
   A prose line (a long sentence) is chrome only if it also lies outside the article on most of the
   sampled pages it occurs on: a syndicated paragraph, a series intro or a disclaimer inside the article
   stays.
2. **The article** of each sampled page: the run of lines with the largest score, where page-specific
   text scores by its length and chrome lines and short page-specific lines (menu items, link lists)
   score against it (a maximum-sum subarray, as in body text extraction).
3. **Markers**: chrome lines that lie before (after) the article on nearly every page they occur on.
   `cut-head` up to the best start marker and `cut-tail` from the first end marker remove what lies
   around the article, chrome or not: related lists, comment threads, page-specific sidebars. A marker
   is taken only where it gains far more non-article text than it costs article text over the sample.
4. **Metadata**: a chrome template with a date in it becomes an `extract` rule (`date`).
5. **Signature**: the longest chrome line on nearly every page, if it names the site or is long enough
   to be distinctive, recognises the site's text without a URL.

Every rule's `description` gives its evidence (pages, share, position) and its `examples` come from
sampled pages, so `cleaner rules check` runs them. Everything is sorted: the same profile gives the same
bytes.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import regex
import yaml

from cleaner.core.dates import to_iso_date
from cleaner.learn.profile import SiteProfile, template
from cleaner.ruleset.model import SHORT_LINE

MIN_PAGES = 3
MIN_SHARE = 0.1  # chrome: on at least this share of pages (and at least `min_pages` pages)
PROSE_WORDS = 12  # a line this long (in words) is prose: chrome only if it lies outside the article
CONSISTENT = 0.75  # a marker lies on the same side of the article on this share of its pages
COST = 8  # a marker's article words lost weigh this many times its non-article words removed
MAX_LIST = 400
CHROME_COST = 20.0  # a chrome line weighs at least this against the article
SHORT_COST = 6.0  # subtracted from every page-specific line: short lines (menus, link lists) score < 0
LIST_COST = math.inf  # a chrome line repeated 3+ times on its page: items of a list, not an article
TAIL_CHARS = 10
FIRST_SHARE = 0.3  # the article is the first run scoring this share of the best one  # literal/regex entries per rule

_LIST_END = re.compile(r"[\d#:|»]")  # a list item's header ends in a time, counter, or separator
_LETTERS = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
_DATE_TMPL = re.compile(
    r"\b0[./-]0[./-]0\b|\b0 (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? 0\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? 0,? 0\b")


@dataclass(frozen=True)
class LearnedSite:
    """The outcome of learning one site: `yaml_text` is None when nothing was learned (see `reason`)."""

    site: str
    pages: int
    rules: int
    yaml_text: str | None
    reason: str


def weight(line: str) -> float:
    """A line's size in words, language-neutral (CJK text has few spaces): max of words and chars / 6."""
    return max(len(_WORD.findall(line)), len(line) / 6)


class _Page:
    __slots__ = ("lines", "tmpls", "chrome", "start", "end")

    def __init__(self, lines):
        self.lines = lines
        self.tmpls = [template(s) for s in lines]
        self.chrome: list[bool] = []
        self.start = self.end = -1  # the article: lines[start:end]; -1 when none was found


def _article(page: _Page) -> None:
    """The article: among the runs of lines with a positive score (page-specific text for, chrome and
    short lines against; each run's best stretch, as in body text extraction), the first that scores at
    least `FIRST_SHARE` of the best. Comment threads and galleries below an article can outweigh it."""
    runs: list[tuple[float, int, int]] = []
    best, best_at, run, run_start = 0.0, (-1, -1), 0.0, 0
    repeats = Counter(t for t, c in zip(page.tmpls, page.chrome) if c)
    ends = Counter(t[-TAIL_CHARS:] for t in page.tmpls if len(t) > TAIL_CHARS)
    for i, (line, chrome) in enumerate(zip(page.lines, page.chrome)):
        w = weight(line)
        t = page.tmpls[i]
        if chrome:
            # A chrome line repeated on the page separates the items of a list (comments, teasers)
            score = -max(LIST_COST if repeats[t] >= 3 else CHROME_COST, w)
        elif w < 2 * PROSE_WORDS and len(t) > TAIL_CHARS and ends[t[-TAIL_CHARS:]] >= 3 and _LIST_END.search(t):
            score = -LIST_COST  # "<name> on <date> at <time>. Reply": one item's header in a list
        else:
            score = w - SHORT_COST
        if run <= 0:
            if best > 0:
                runs.append((best, *best_at))
            best, run, run_start = 0.0, score, i
        else:
            run += score
        if run > best:
            best, best_at = run, (run_start, i + 1)
    if best > 0:
        runs.append((best, *best_at))
    page.start = page.end = -1
    if runs:
        top = max(r[0] for r in runs)
        _, page.start, page.end = next(r for r in runs if r[0] >= FIRST_SHARE * top)


def _is_prose(line: str) -> bool:
    return weight(line) >= PROSE_WORDS


def learn_site(profile: SiteProfile, *, min_pages: int = MIN_PAGES) -> LearnedSite:
    """Learn the chrome of one site from its merged profile. Deterministic: same profile, same bytes."""
    site, n = profile.site, profile.pages
    if n < min_pages:
        return LearnedSite(site, n, 0, None, f"{n} pages, fewer than {min_pages}: nothing learned")
    pages = [_Page(lines) for lines in profile.sample_pages()]
    if len(pages) < min_pages:
        return LearnedSite(site, n, 0, None, f"{len(pages)} distinct pages, fewer than {min_pages}: nothing learned")
    support = max(min_pages, math.ceil(MIN_SHARE * n))
    count = {t: profile.count(t) for p in pages for t in p.tmpls}
    chrome = {t for t, k in count.items() if k >= support}
    prose = {t for p in pages for s, t in zip(p.lines, p.tmpls) if t in chrome and _is_prose(s)}
    _mark(pages, chrome)
    # Prose on several pages stays where it lies inside the article on most of them.
    inside = Counter()
    seen = Counter()
    for p in pages:
        for i, t in enumerate(p.tmpls):
            if t in prose:
                seen[t] += 1
                inside[t] += p.start <= i < p.end or (p.start > 0 and _between_article(p, i))
    kept_prose = {t for t in prose if inside[t] * 2 >= seen[t]}
    if kept_prose:
        chrome -= kept_prose
        _mark(pages, chrome)
    if not chrome:
        return LearnedSite(site, n, 0, None, f"{n} pages: no line repeats on {support} of them")
    rules = []
    head = _head_rule(pages, chrome, n)
    tail = _tail_rule(pages, chrome, n)
    extract = _extract_rule(pages, chrome, count, n)
    rules += [r for r in (head, tail, extract) if r]
    rules += _drop_rules(pages, chrome, count, n, support)
    doc = {"site": site,
           "description": f"Learned from {n} pages of {site} ({len(pages)} sampled for positions) by "
                          f"`cleaner learn`. Review before committing.",
           "domains": [site]}
    sig = _signature(pages, chrome, count, n, site)
    if sig:
        doc["signatures"] = [sig]
    doc["rules"] = rules
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)
    kinds = Counter(r["action"] for r in rules)
    what = ", ".join(f"{k} {a}" for a, k in sorted(kinds.items()))
    return LearnedSite(site, n, len(rules), text, f"{n} pages: {len(chrome)} chrome templates; rules: {what}")


def _mark(pages: list[_Page], chrome: set[str]) -> None:
    for p in pages:
        p.chrome = [t in chrome for t in p.tmpls]
        _article(p)


def _between_article(p: _Page, i: int) -> bool:
    return False


# --- markers ------------------------------------------------------------------------------------------


def _cut_at(p: _Page, markers: set[str]) -> int:
    """Index of the first line that is one of `markers`, or -1."""
    for i, t in enumerate(p.tmpls):
        if t in markers:
            return i
    return -1


def _gain_cost(pages: list[_Page], markers: set[str], head: bool) -> tuple[float, float, int]:
    """(non-article words removed, article words removed, pages cut) by cutting at the first marker."""
    gain = cost = 0.0
    cut = 0
    for p in pages:
        if p.start < 0:
            continue
        i = _cut_at(p, markers)
        if i < 0:
            continue
        cut += 1
        span = range(0, i + 1) if head else range(i, len(p.lines))
        for j in span:
            if p.chrome[j]:
                continue  # dropped anyway
            w = weight(p.lines[j])
            if p.start <= j < p.end:
                cost += w
            else:
                gain += w
    return gain, cost, cut


def _side_stats(pages: list[_Page], chrome: set[str]) -> tuple[Counter, Counter, Counter]:
    """Per chrome template: pages where its first occurrence lies before the article, after it, any."""
    before, after, total = Counter(), Counter(), Counter()
    for p in pages:
        if p.start < 0:
            continue
        first: dict[str, int] = {}
        for i, t in enumerate(p.tmpls):
            if t in chrome and t not in first:
                first[t] = i
        for t, i in first.items():
            total[t] += 1
            before[t] += i < p.start
            after[t] += i >= p.end
    return before, after, total


def _choose_markers(pages: list[_Page], chrome: set[str], head: bool, min_pages: int) -> tuple[set[str], tuple]:
    before, after, total = _side_stats(pages, chrome)
    side = before if head else after
    cands = sorted(t for t in total if total[t] >= min_pages and side[t] >= CONSISTENT * total[t]
                   and len(_LETTERS.findall(t)) >= 3)
    chosen: set[str] = set()
    best = (0.0, 0.0, 0)
    score = 0.0
    while True:
        pick = None
        for t in cands:
            if t in chosen:
                continue
            g, c, k = _gain_cost(pages, chosen | {t}, head)
            s = g - COST * c
            if s > score + 1e-9:
                score, pick, res = s, t, (g, c, k)
        if pick is None:
            break
        chosen.add(pick)
        best = res
        if head:
            break  # cut-head takes the first marker: one is enough
    return chosen, best


def _head_rule(pages, chrome, n):
    markers, (gain, cost, cut) = _choose_markers(pages, chrome, True, MIN_PAGES)
    if not markers or gain < 2 * COST * cost or gain <= 0:
        return None
    ex = _cut_example(pages, markers, True)
    if ex is None:
        return None
    m = sorted(markers)
    return {
        "id": "learned-head",
        "description": f"Cuts everything up to {_quote(pages, m[0])}, which precedes the article on "
                       f"{cut} of {len(pages)} sampled pages ({n} pages in all); it removes "
                       f"{gain:.0f} non-article words there against {cost:.0f} article words.",
        "action": "cut-head",
        "match": _match(pages, markers),
        "examples": [ex],
    }


def _tail_rule(pages, chrome, n):
    markers, (gain, cost, cut) = _choose_markers(pages, chrome, False, MIN_PAGES)
    if not markers or gain < 2 * COST * cost or gain <= 0:
        return None
    ex = _cut_example(pages, markers, False)
    if ex is None:
        return None
    shown = ", ".join(_quote(pages, t) for t in sorted(markers)[:3]) + (" ..." if len(markers) > 3 else "")
    return {
        "id": "learned-tail",
        "description": f"Cuts from the first of {len(markers)} lines that follow the article ({shown}) to "
                       f"the end: it cuts {cut} of {len(pages)} sampled pages ({n} pages in all), removing "
                       f"{gain:.0f} non-article words against {cost:.0f} article words.",
        "action": "cut-tail",
        "match": _match(pages, markers),
        "examples": [ex],
    }


def _cut_example(pages, markers, head):
    for p in pages:
        if p.start < 0:
            continue
        i = _cut_at(p, markers)
        if i < 0 or not p.start <= (p.start if head else p.end - 1) < len(p.lines):
            continue
        if head and i < p.start:
            keep = p.lines[p.start]
            return {"input": _text([*p.lines[max(0, i - 2):i + 1], keep]), "output": _text([keep])}
        if not head and i >= p.end:
            keep = p.lines[p.end - 1]
            if keep_ok(keep, markers):
                return {"input": _text([keep, *p.lines[i:i + 3]]), "output": _text([keep])}
    return None


def keep_ok(line, markers):
    return template(line) not in markers


# --- metadata, drop rules, signature ----------------------------------------------------------------


def _extract_rule(pages, chrome, count, n):
    """A chrome template with one date in it, on many pages: the page's date."""
    best = None
    for t in sorted(chrome):
        if not _DATE_TMPL.search(t) or len(t) > 120 or count[t] < max(MIN_PAGES, 0.3 * n):
            continue
        cand = (count[t], t)
        if best is None or cand > best:
            best = cand
    if best is None:
        return None
    t = best[1]
    lines = [s for p in pages for s, u in zip(p.lines, p.tmpls) if u == t]
    m = _DATE_TMPL.search(t)
    # The date's own digits become the group; the rest of the line stays literal with \d+ for digits.
    source = _line_regex(t[:m.start()]) + "(?P<date>" + _line_regex(t[m.start():m.end()]) + ")" + \
        _line_regex(t[m.end():])
    pattern = regex.compile(f"^(?i:{source})$")
    for order in ("dmy", "mdy", "ymd"):
        dates = [pattern.match(s.casefold()) for s in lines]
        if all(d and to_iso_date(d.group("date"), order) for d in dates):
            break
    else:
        return None
    sample = lines[0]
    iso = to_iso_date(pattern.match(sample.casefold()).group("date"), order)
    return {
        "id": "learned-date-line",
        "description": f"Takes the date from a line of this shape, seen on {count[t]} of {n} pages "
                       f"({count[t] / n:.0%}), and drops the line.",
        "action": "extract",
        "match": {"regex": f"^(?i:{source})$"},
        "date_order": order,
        "examples": [{"input": _text([sample, "Article text."]), "output": "Article text.\n",
                      "metadata": {"date": iso}}],
    }


def _drop_rules(pages, chrome, count, n, support):
    # One sample line per template, the first seen in the (sorted) sample.
    sample: dict[str, str] = {}
    where: dict[str, list[float]] = defaultdict(list)
    for p in pages:
        for i, (s, t) in enumerate(zip(p.lines, p.tmpls)):
            if t in chrome:
                sample.setdefault(t, s)
                where[t].append(i / max(1, len(p.lines) - 1))
    ranked = sorted(sample, key=lambda t: (-count[t], t))[:2 * MAX_LIST]
    literal = sorted(sample[t] for t in ranked if not _DIGITS.search(t) and len(sample[t]) <= SHORT_LINE)
    shaped = sorted(t for t in ranked if _DIGITS.search(t) or len(sample[t]) > SHORT_LINE)
    article = _article_line(pages, chrome)
    rules = []
    shares = [count[t] / n for t in ranked]
    evidence = (f"on {support} to {max(count[t] for t in ranked)} of {n} pages "
                f"({min(shares):.0%}-{max(shares):.0%}), median position "
                f"{_median([x for t in ranked for x in where[t]]):.0%} down the page")
    if literal:
        rules.append({
            "id": "learned-chrome-lines",
            "description": f"Drops {len(literal)} lines repeated across the site's pages ({evidence}).",
            "action": "drop",
            "match": {"literal": literal[:MAX_LIST]},
            "examples": [{"input": _text([literal[0], article]), "output": _text([article])}],
        })
    if shaped:
        source = "|".join(_line_regex(t) for t in shaped[:MAX_LIST])
        rules.append({
            "id": "learned-chrome-shapes",
            "description": f"Drops {len(shaped)} line shapes repeated across the site's pages, digits as any "
                           f"number ({evidence}).",
            "action": "drop",
            "match": {"regex": f"^(?i:{source})$"},
            "examples": [{"input": _text([sample[shaped[0]], article]), "output": _text([article])}],
        })
    return rules


def _signature(pages, chrome, count, n, site):
    name = site.split(".")[0]
    best = None
    for t in chrome:
        if count[t] < 0.8 * n or _DIGITS.search(t) or len(t) > SHORT_LINE:
            continue
        if not (name in t.replace(" ", "") or len(t) >= 40):
            continue
        cand = (name in t, len(t), t)
        if best is None or cand > best:
            best = cand
    if best is None:
        return None
    t = best[2]
    line = next(s for p in pages for s, u in zip(p.lines, p.tmpls) if u == t)
    return {"description": f"a line on {count[t]} of {n} pages ({count[t] / n:.0%})",
            "regex": f"^(?i:{regex.escape(line, literal_spaces=True)})$", "contains": [line[:20]]}


# --- helpers -------------------------------------------------------------------------------------------


def _line_regex(t: str) -> str:
    parts = t.split("0")
    return r"\d+".join(regex.escape(x, literal_spaces=True) for x in parts)


def _match(pages, markers):
    sample: dict[str, str] = {}
    for p in pages:
        for s, t in zip(p.lines, p.tmpls):
            if t in markers:
                sample.setdefault(t, s)
    plain = sorted(sample[t] for t in markers if not _DIGITS.search(t) and len(sample[t]) <= SHORT_LINE)
    shaped = sorted(t for t in markers if _DIGITS.search(t) or len(sample[t]) > SHORT_LINE)
    if not shaped:
        return {"literal": plain}
    # One regex for all (a rule with both a bare regex and literals would screen as literals only).
    return {"regex": "^(?i:" + "|".join(_line_regex(t) for t in sorted(markers)) + ")$"}


def _quote(pages, t):
    for p in pages:
        for s, u in zip(p.lines, p.tmpls):
            if u == t:
                return repr(s[:60])
    return repr(t[:60])


def _article_line(pages, chrome):
    """A page-specific prose line from the sample, for examples."""
    for p in pages:
        for j in range(max(p.start, 0), max(p.end, 0)):
            if not p.chrome[j] and _is_prose(p.lines[j]):
                return p.lines[j]
    return "Article text."


def _median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0.0


def _text(lines) -> str:
    return "".join(s + "\n" for s in lines)

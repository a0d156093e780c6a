"""The date check: does each date a learned rule extracts on sites-dev agree with the page's date as a
person reads it?

A person reads a numeric date like 11/07/2012 with the help of the rest of the page: a month name
("November 7, 2012"), a numeric date whose day is above 12 (25/10/2012 can only be day-first), a date
in the URL (/2012/11/07/, or /2012/11/). `page_evidence` collects those dates from the URL and from every
line but the extracted one; `judge` compares the date the learned rule read with them:

- agrees: the date read is among the evidence, or its year and month are the URL's, or (no date in
  the URL) the page's other dates fall in its month and not in that of the other reading;
- contradicted: the other reading of its day and month is among the evidence (the order was guessed
  wrong), or the URL gives another year and month, or the page's dates fall in the other reading's
  month only;
- unverifiable: nothing on the page says either way.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import sitesdev

_MONTHS = {m.lower(): n for n, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_MONTH = r"(?P<month>" + "|".join(f"{m[:3]}(?:{m[3:]})?" for m in _MONTHS) + r")\.?"
_DAY, _YEAR = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?", r"(?P<year>(?:19|20)\d\d)"
_NAMED = [re.compile(rf"(?i)\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),  # November 7, 2012
          re.compile(rf"(?i)\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")]  # 7 November 2012
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?![\d/.-])")
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[/_-](\d\d?)(?:[/_-](\d\d?))?(?!\d)")


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def named_dates(text: str) -> set[str]:
    """Dates written with a month name: "November 7, 2012", "7th Nov 2012"."""
    out = set()
    for pattern in _NAMED:
        for m in pattern.finditer(text):
            month = _MONTHS[next(k for k in _MONTHS if k.startswith(m.group("month").lower()[:3]))]
            out.add(_iso(int(m.group("year")), month, int(m.group("day"))))
    return out - {None}


def unambiguous_dates(text: str) -> set[str]:
    """Numeric dates that read only one way: year first, or a day above 12 (four-digit years only)."""
    out = set()
    for m in _NUMERIC.finditer(text):
        a, b, c = m.groups()
        if len(a) == 4:
            out.add(_iso(int(a), int(b), int(c)))
        elif len(c) == 4 and max(int(a), int(b)) > 12:
            day, month = (int(a), int(b)) if int(a) > 12 else (int(b), int(a))
            out.add(_iso(int(c), month, day))
    return out - {None}


def url_dates(url: str) -> tuple[set[str], set[str]]:
    """(full dates, year-months "2012-11") in a URL's path: /2012/11/07/, /2012/11/, 2012-11-07."""
    days, months = set(), set()
    for m in _URL_DATE.finditer(url.split("://", 1)[-1]):
        y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= mo <= 12:
            continue
        if d is None:
            months.add(f"{y:04d}-{mo:02d}")
        elif _iso(y, mo, int(d)):
            days.add(_iso(y, mo, int(d)))
    return days, months


def page_evidence(page: dict, extracted_line: str) -> tuple[set[str], set[str], set[str]]:
    """(dates on the page but the extracted line, full dates in the URL, year-months in the URL)."""
    rest = "\n".join(s for s in sitesdev.lines_of(page["text"]) if s != extracted_line)
    days, months = url_dates(page["url"])
    return named_dates(rest) | unambiguous_dates(rest), days, months


def _other_reading(iso: str) -> str | None:
    """The same date with day and month swapped (None where that is no other date)."""
    y, m, d = map(int, iso.split("-"))
    return _iso(y, d, m) if d != m else None


def judge(iso: str, page: dict, extracted_line: str) -> tuple[str, str]:
    """("agrees" | "contradicted" | "unverifiable", the evidence that decided), in this order: the same
    date on the page or in the URL; the URL's year and month; the year and month of the page's dates."""
    on_page, url_days, url_months = page_evidence(page, extracted_line)
    where = {**{d: "on the page" for d in on_page}, **{d: "in the URL" for d in url_days}}
    other = _other_reading(iso)
    url_months |= {d[:7] for d in url_days}  # (a URL's day may be the day before: time zones)
    return (_same_date(iso, other, where) or _url_month(iso, url_months)
            or _page_month(iso, other, {d[:7] for d in on_page}) or ("unverifiable", ""))


def _same_date(iso: str, other: str | None, where: dict[str, str]) -> tuple[str, str] | None:
    if iso in where:
        return "agrees", f"{iso} {where[iso]}"
    if other in where:
        return "contradicted", f"{other} {where[other]}"
    return None


def _url_month(iso: str, months: set[str]) -> tuple[str, str] | None:
    if not months:
        return None
    if iso[:7] in months:
        return "agrees", f"{iso[:7]} in the URL"
    return "contradicted", f"{min(months)} in the URL"


def _page_month(iso: str, other: str | None, months: set[str]) -> tuple[str, str] | None:
    mine, theirs = iso[:7] in months, other is not None and other[:7] in months
    if mine and not theirs:
        return "agrees", f"{iso[:7]} on the page"
    if theirs and not mine:
        return "contradicted", f"{other[:7]} on the page"
    return None


def check_dates(pages: list[dict], results: dict, learned: dict) -> tuple[Counter, list[tuple]]:
    """Per page, the date the learned rules extracted (the first a learned date rule read), judged:
    (counts of extracted / agrees / contradicted / unverifiable, [(site, url, line, read, evidence)]
    of the contradicted)."""
    counts, contradictions = Counter(), []
    rules = {site: sitesdev.date_rules(r) for site, r in learned.items()}
    for p in pages:
        found = sitesdev.extracted_dates(results[p["id"]], rules.get(p["site"], {}))
        if not found:
            continue
        line, raw, iso = found[0]
        counts["extracted"] += 1
        verdict, evidence = judge(iso, p, line) if iso else ("contradicted", "not a date")
        counts[verdict] += 1
        if verdict == "contradicted":
            contradictions.append((p["site"], p["url"], line, f"{raw} -> {iso}", evidence))
    return counts, contradictions


def print_dates(pages: list[dict], results: dict, learned: dict, shown: int = 12) -> None:
    """The date check's report."""
    counts, bad = check_dates(pages, results, learned)
    checked = counts["agrees"] + counts["contradicted"]
    print(f"\ndates a learned rule extracts (the page's first), against the page's date as a person reads it "
          f"(month names, a day > 12, the URL): {counts['extracted']} extracted, {checked} checked, "
          f"{counts['agrees']} agree, {counts['contradicted']} contradicted, {counts['unverifiable']} unverifiable")
    for site, url, line, read, evidence in bad[:shown]:
        print(f"  {site}: {line[:60]!r} read {read}; {evidence} ({url})")
    if len(bad) > shown:
        print(f"  ... and {len(bad) - shown} more")

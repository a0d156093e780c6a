"""The day/month order of a site's numeric dates, from evidence only (never a guess).

Evidence, in order: a four-digit first field (year first); a field above 12 (it is the day); dates
written with an English month name on the same pages ("November 12, 2012" beside "11.12.12") that agree
with one order on enough of the pages and with the other on none (one page's match may be chance: a
comment's date, a sidebar's). Where nothing decides, there is no order, and the learner extracts no date.
"""
from __future__ import annotations

import re

_FIELDS = re.compile(r"[0-9]+")
NUMERIC_DATE = re.compile(r"(?<![0-9])[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}(?![0-9])")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_MONTH_DAY = re.compile(_MONTH + r"\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)[0-9]{2})", re.IGNORECASE)
_DAY_MONTH = re.compile(r"\b([0-9]{1,2})(?:st|nd|rd|th)?\.?\s+" + _MONTH + r",?\s+((?:19|20)[0-9]{2})", re.IGNORECASE)


def date_order(dates: list[tuple[str, list[str]]], agree_share: float) -> tuple[str | None, str]:
    """(order, why) for numeric dates, each with the lines of its page; order is None where the
    evidence does not decide (why says so). `agree_share`: see `_by_month_names`."""
    dates = [(d, lines) for d, lines in dates if len(_FIELDS.findall(d)) == 3]
    if not dates:
        return None, "no date of three numbers"
    fields = [[int(x) for x in _FIELDS.findall(d)] for d, _ in dates]
    shown = dates[0][0]
    if all(len(_FIELDS.findall(d)[0]) == 4 for d, _ in dates):
        return "ymd", f"the year comes first ({shown!r})"
    order, why = _by_large_field(dates, fields)
    return (order, why) if why else _by_month_names(dates, fields, shown, agree_share)


def _by_large_field(dates, fields) -> tuple[str | None, str]:
    """The order a field above 12 (a day) says; why is "" where no field is above 12."""
    first = next((d for (d, _), f in zip(dates, fields) if f[0] > 12), None)
    second = next((d for (d, _), f in zip(dates, fields) if f[1] > 12), None)
    if first and second:
        return None, f"fields above 12 come first ({first!r}) and second ({second!r})"
    if first:
        return "dmy", f"a first field above 12 ({first!r}) is the day"
    if second:
        return "mdy", f"a second field above 12 ({second!r}) is the day"
    return None, ""


def _by_month_names(dates, fields, shown: str, agree_share: float) -> tuple[str | None, str]:
    """The order that dates with month names on the same pages agree with: on `agree_share` of the pages
    at least, and the other order on none."""
    pages = {"dmy": 0, "mdy": 0}  # pages where a date with a month name agrees with each order
    telling = [((d, lines), f) for (d, lines), f in zip(dates, fields) if f[0] != f[1]]  # ("05/05": either)
    for (d, lines), f in telling:
        named = set(_named_dates(lines))
        pages["dmy"] += (f[1], f[0]) in named
        pages["mdy"] += (f[0], f[1]) in named
    for order, other in (("dmy", "mdy"), ("mdy", "dmy")):
        if pages[order] and pages[order] >= agree_share * len(telling) and not pages[other]:
            return order, (f"dates with month names on the same pages agree with {order} (on {pages[order]} of "
                           f"{len(telling)})")
    return None, (f"the day/month order of {shown!r} is undecided (no field above 12; dates with a month name on "
                  f"the same pages agree with dmy on {pages['dmy']} and with mdy on {pages['mdy']} of {len(telling)})")


def _named_dates(lines: list[str]):
    """(month, day) of the dates written with an English month name in `lines`."""
    for line in lines:
        for m in _MONTH_DAY.finditer(line):
            yield _MONTHS.index(m.group(1).lower()[:3]) + 1, int(m.group(2))
        for m in _DAY_MONTH.finditer(line):
            yield _MONTHS.index(m.group(2).lower()[:3]) + 1, int(m.group(1))


def written_date(line: str) -> bool:
    """Whether a line holds a date written with an English month name ("November 12, 2012", "12 Nov 2012")."""
    return bool(_MONTH_DAY.search(line) or _DAY_MONTH.search(line))


def dated(line: str) -> bool:
    """Whether a line holds a date, written (`written_date`) or numeric ("11/07/2012")."""
    return written_date(line) or bool(NUMERIC_DATE.search(line))

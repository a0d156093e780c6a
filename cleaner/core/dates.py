"""The one date parser: a date string from a rule match or a page's metadata -> ISO 8601 (yyyy-mm-dd)."""
from __future__ import annotations

import datetime as _dt
import re

_NUMERIC = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YMD = re.compile(r"\b(\d{4})[./](\d{1,2})[./](\d{1,2})\b")
_DMY = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b")
_ORDERS = {"dmy": (2, 1, 0), "mdy": (2, 0, 1), "ymd": (0, 1, 2)}  # positions of year, month, day


def parse_date(text: str | None, order: str | None = None) -> str | None:
    """ISO 8601 of the first date in `text`, or None when there is none or it is not a real date.

    With `order` (`dmy`, `mdy`, `ymd`; a rule's `date_order`): the first numeric date read in that order
    (a four-digit first number is always a year; two-digit years are 20xx): `26/10/2025` -> `2025-10-26`.
    Without (page metadata): an ISO or yyyy/mm/dd date, else dd/mm/yyyy unless only mm/dd/yyyy is
    possible; years 1900-2100.
    """
    if not text:
        return None
    if order is not None:
        m = _NUMERIC.search(text)
        if not m:
            return None
        parts = [int(g) for g in m.groups()]
        y, mo, d = (parts[i] for i in _ORDERS["ymd" if len(m.group(1)) == 4 else order])
        return _iso(y + 2000 if y < 100 else y, mo, d)
    m = _ISO.search(text) or _YMD.search(text)
    if m:
        return _iso(*(int(g) for g in m.groups()), years=(1900, 2100))
    m = _DMY.search(text)
    if m:
        a, b, y = (int(g) for g in m.groups())
        return _iso(y, b, a, years=(1900, 2100)) if a > 12 or b <= 12 else _iso(y, a, b, years=(1900, 2100))
    return None


def to_iso_date(text: str, order: str = "dmy") -> str | None:
    """`parse_date` in a rule's order (the name the rule vocabulary uses)."""
    return parse_date(text, order)


def _iso(y: int, m: int, d: int, years: tuple[int, int] | None = None) -> str | None:
    if years is not None and not years[0] <= y <= years[1]:
        return None
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None

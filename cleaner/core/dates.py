"""Turn a day/month/year string from a rule match into ISO 8601."""
from __future__ import annotations

import datetime as _dt

import regex

_NUMERIC = regex.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})")


def to_iso_date(text: str, order: str = "dmy") -> str | None:
    """`26/10/2025` (order dmy) -> `2025-10-26`; None when it is not a real date."""
    m = _NUMERIC.search(text)
    if not m:
        return None
    a, b, c = (int(g) for g in m.groups())
    if len(m.group(1)) == 4:  # 2025-10-26 is unambiguous whatever the order
        order = "ymd"
    y, mo, d = {"dmy": (c, b, a), "mdy": (c, a, b), "ymd": (a, b, c)}[order]
    if y < 100:
        y += 2000
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError:
        return None

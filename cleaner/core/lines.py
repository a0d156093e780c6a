"""Find lines by what they contain with C-level searches over the joined text, not a loop over lines."""
from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, count
from operator import add


def line_offsets(lines: list[str], start: int = 0) -> list[int]:
    """Where each line starts in `"\\n".join(lines)` (placed at `start`), and a sentinel one past the end."""
    return list(map(add, accumulate(map(len, lines), initial=start), count()))


def lines_containing(text: str, offsets: list[int], needle: str, skip: int = 0) -> set[int]:
    """Indices of the lines of `text` (joined by "\\n", starts in `offsets`) in which `needle` occurs.

    `skip`: how many leading characters of the needle lie before the line (1 for "\\n" + prefix).
    """
    found: set[int] = set()
    pos = text.find(needle)
    last = len(offsets) - 2
    while pos >= 0:
        i = bisect_right(offsets, pos + skip) - 1
        found.add(i)
        if i >= last:
            break
        pos = text.find(needle, offsets[i + 1] - skip)
    return found

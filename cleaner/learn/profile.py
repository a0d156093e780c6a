"""Per-site statistics over pages: line templates and the pages they occur on."""
from __future__ import annotations

import re

from cleaner.core.normalize import prepare_lines
from cleaner.core.repair import repair_document

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def page_lines(text: str) -> list[str]:
    """The non-blank lines of a page as the rules see them (repaired, prepared, stripped)."""
    lines, joined = repair_document(text, [])
    lines = prepare_lines(lines, [], joined)
    return [s for s in map(str.strip, lines) if s]


def template(line: str) -> str:
    """A line's template: case, whitespace and digit runs folded, so counters and dates are one class."""
    return _DIGITS.sub("0", _SPACE.sub(" ", line.casefold()))


class SiteProfile:
    """What one site's pages say about its chrome. Built page by page, mergeable, picklable."""

    def __init__(self, site: str):
        self.site = site
        self.pages = 0
        self.templates: dict[str, int] = {}  # template -> pages it occurs on
        self.samples: dict[str, str] = {}  # template -> one line as seen

    def add_page(self, lines: list[str]) -> None:
        """Count one page, given as `page_lines(text)`."""
        self.pages += 1
        for t, line in {template(s): s for s in lines}.items():
            self.templates[t] = self.templates.get(t, 0) + 1
            self.samples.setdefault(t, line)

    def merge(self, other: SiteProfile) -> SiteProfile:
        """Add `other`'s counts to this profile (same site); returns self."""
        self.pages += other.pages
        for t, n in other.templates.items():
            self.templates[t] = self.templates.get(t, 0) + n
        for t, line in other.samples.items():
            self.samples.setdefault(t, line)
        return self

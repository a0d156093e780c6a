"""One-page sites out of memory while a crawl is read (issue 18: sites below the page minimum cost
nothing beyond counting).

Most sites of a big crawl have one page, and learning needs several. Until reading ends nobody knows
which sites stay at one page, so each used to hold its page (its profile, and for HTML its sampled page)
in the parent: about 2.3 KB a site of text, tens of KB of HTML, gigabytes for a million sites.
`SpilledSites` writes such a site's profile and HTML sample to an unnamed temporary file (in `TMPDIR`,
removed by the system when the process ends, however it ends) and keeps only where it lies; a second
page of the site takes it back into memory. After reading, `SiteProfiles` and `SiteSamples` are the
run's read-only views of all sites, held and spilled alike: a spilled site is read back when asked for
(a copy: nothing changes it after reading), so learning and its report are what they were.
"""
from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Mapping

from cleaner.learn.profile import SiteProfile
from cleaner.learn.template import HtmlSample


class SpilledSites:
    """Sites' (profile, HTML sample or None), each written to one temporary file, by site."""

    def __init__(self):
        self._file = None
        self._at: dict[str, tuple[int, int]] = {}
        self._last: tuple[str, tuple] | None = None  # the site read last (learning asks for it twice)
        self._failed = False

    def __contains__(self, site: str) -> bool:
        return site in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def put(self, site: str, profile: SiteProfile, html: HtmlSample | None) -> bool:
        """Write the site out of memory; False where the temporary file cannot be written (a full or
        read-only TMPDIR): then the caller keeps it, and no later site is spilled either."""
        if self._failed:
            return False
        # (not compressed: zlib's fastest level would triple the cost of reading a one-page site's record)
        blob = pickle.dumps((profile, html), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="cleaner-learn-")
            offset = self._file.seek(0, 2)
            self._file.write(blob)
        except OSError:
            self._failed = True
            return False
        self._at[site] = (offset, len(blob))
        return True

    def read(self, site: str) -> tuple[SiteProfile, HtmlSample | None]:
        if self._last is not None and self._last[0] == site:
            return self._last[1]
        offset, length = self._at[site]
        self._file.seek(offset)
        got = pickle.loads(self._file.read(length))  # (our own bytes, written above)
        self._last = (site, got)
        return got

    def take(self, site: str) -> tuple[SiteProfile, HtmlSample | None]:
        """The site's profile and sample, no longer spilled (its space in the file is not reused)."""
        got = self.read(site)
        del self._at[site]
        self._last = None
        return got


class _Sites(Mapping):
    """One part of every site (`part` 0: its profile, 1: its HTML sample): those held in memory, then
    those of spilled sites (read back when asked for; a spilled site without a sample has none)."""

    part = 0

    def __init__(self, held: dict, spilled: SpilledSites):
        self.held, self.spilled = held, spilled

    def __getitem__(self, site: str):
        if site in self.held:
            return self.held[site]
        if site in self.spilled:
            value = self.spilled.read(site)[self.part]
            if value is not None:
                return value
        raise KeyError(site)

    def __iter__(self) -> Iterator[str]:
        yield from self.held
        yield from (s for s in self.spilled if self.part == 0 or self.spilled.read(s)[self.part] is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class SiteProfiles(_Sites):
    """Every site's profile, held or spilled."""


class SiteSamples(_Sites):
    """Every site's sampled HTML pages, held or spilled."""

    part = 1

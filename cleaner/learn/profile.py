"""Per-site statistics over pages: on how many pages each line template occurs, and a sample of pages.

Memory is bounded per site, whatever the dump's size:

- template counts are exact up to `max_templates` distinct templates; beyond that, the rarest go into a
  count-min sketch (`CountMin`, a fixed array) and only templates the sketch shows as frequent come back
  to the exact table. Chrome is frequent by definition, so the templates that matter stay exact;
- the page sample keeps at most `max_sample` pages and `MAX_SAMPLE_CHARS` characters: the pages with
  the smallest content hashes (a bottom-k sample), which is uniform, deterministic, and the same whatever
  order pages arrive or profiles merge in. Learning reads positions (where a template sits relative to
  the article) from it.
"""
from __future__ import annotations

import re
from collections import Counter
from hashlib import blake2b

from cleaner.core.cleaner import replace_surrogates
from cleaner.core.normalize import prepare_lines
from cleaner.core.repair import repair_document

_FOLD = bytes.maketrans(b"123456789\t\v\f", b"000000000   ")  # digits to 0, spaces to " "
_ZEROS = re.compile(rb"00+")  # (re finds "00" as a literal prefix: far faster than [0-9]+ or 0{2,})
_LINE_SEPARATORS = re.compile("\r\n?|[\u2028\u2029]")

MAX_TEMPLATES = 20_000
KEY_CHARS = 256
MAX_SAMPLE = 160
MAX_SAMPLE_LINES = 4000  # lines kept of one sampled page (head and tail halves)
MAX_SAMPLE_CHARS = 4_000_000  # characters of all sampled pages of a site
# Characters kept of one sampled page (head and tail halves): at least this many pages fit the sample, so a
# few huge pages neither evict a site's other pages nor leave fewer pages than learning needs.
MIN_SAMPLE_FIT = 16
MAX_PAGE_CHARS = MAX_SAMPLE_CHARS // MIN_SAMPLE_FIT


def _bounded(page: str) -> str:
    """A sampled page's head and tail: at most `MAX_SAMPLE_LINES` lines and `MAX_PAGE_CHARS` characters
    (where the chrome is; a line longer than a half is cut)."""
    if page.count("\n") < MAX_SAMPLE_LINES and len(page) <= MAX_PAGE_CHARS:
        return page
    lines = page.split("\n")
    half_lines, half_chars = MAX_SAMPLE_LINES // 2, (MAX_PAGE_CHARS - 1) // 2
    head, tail, used = [], [], 0
    for line in lines[:half_lines]:
        head.append(line[: half_chars - used])
        used += len(head[-1]) + 1
        if used >= half_chars:
            break
    used = 0
    for line in reversed(lines[max(len(head), len(lines) - half_lines):]):
        tail.append(line[: half_chars - used])
        used += len(tail[-1]) + 1
        if used >= half_chars:
            break
    return "\n".join([*head, *reversed(tail)])


def page_lines(text: str) -> list[str]:
    """The non-blank lines of a page, stripped, split where the cleaner splits them.

    Not repaired: counting folds case, spaces and digits anyway, and repairing every page would cost
    more than the rest of learning. Learning repairs the few pages it samples (`rule_lines`), so learned
    rules hold the lines as the rules see them."""
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        text = _LINE_SEPARATORS.sub("\n", text)
    return [s for s in map(str.strip, text.split("\n")) if s]


def rule_lines(lines: list[str]) -> list[str]:
    """`lines` (from `page_lines`) as the rules see them: repaired and prepared, one for one (a line
    that repairs to nothing becomes ""). Lone surrogates become U+FFFD, as the cleaner reads them (and as
    a rule file can hold them: libyaml rejects them)."""
    repaired, joined = repair_document(replace_surrogates("\n".join(lines))[0], [])
    out = [s.strip() for s in prepare_lines(repaired, [], joined)]
    return out if len(out) == len(lines) else [s.strip() for s in lines]  # never misalign


def template(line: str) -> str:
    """A line's template: ASCII case, spaces and runs of digits folded, so counters and dates are one
    class ("Kommentar (0)" and "Kommentar (12)" are "kommentar (0)")."""
    return templates(line.replace("\n", " "))[0]


def templates(joined: str) -> list[str]:
    """`template` of every line of a text at once (one pass each over the text, not one per line)."""
    # As bytes, ASCII case only: ten times faster than str.casefold and a str regex.
    b = _ZEROS.sub(b"0", joined.encode("utf-8", "surrogatepass").lower().translate(_FOLD))
    while b"  " in b:
        b = b.replace(b"  ", b" ")
    return b.decode("utf-8", "surrogatepass").split("\n")


def digest(text: str) -> int:
    """A stable 64-bit hash of a string (the same in every process, unlike `hash`)."""
    return int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


class CountMin:
    """A count-min sketch over 64-bit keys: `depth` rows of `width` counters; never under-counts."""

    def __init__(self, width: int = 4096, depth: int = 4):
        self.width, self.depth = width, depth
        self.rows = [[0] * width for _ in range(depth)]

    def _cells(self, k: int):
        # Row r uses a different 16-bit slice of the (already uniform) 64-bit key.
        return [(k >> (16 * r)) % self.width for r in range(self.depth)]

    def add(self, k: int, n: int = 1) -> None:
        for row, c in zip(self.rows, self._cells(k)):
            row[c] += n

    def estimate(self, k: int) -> int:
        return min(row[c] for row, c in zip(self.rows, self._cells(k)))

    def merge(self, other: CountMin) -> None:
        for row, o in zip(self.rows, other.rows):
            for i, v in enumerate(o):
                if v:
                    row[i] += v


def _keys(joined: str) -> set[str]:
    """The count keys of a page's lines, joined: its templates' beginnings."""
    keys = {t[:KEY_CHARS] for t in templates(joined)}
    keys.discard("")
    return keys


class SiteProfile:
    """What one site's pages say about its chrome. Built page by page, mergeable, picklable.

    `counts[template]`: pages the template occurs on (exact while few, see the module doc; templates
    longer than `KEY_CHARS` are counted by their beginning);
    `sample`: up to `max_sample` pages (and `MAX_SAMPLE_CHARS`), keyed by their content hash.

    A site's first page is not counted until a second page (or a merge, or a question) comes: a crawl's
    one-page sites, which learn nothing, hold their page (in the sample) but no table of templates.
    """

    def __init__(self, site: str, *, max_templates: int = MAX_TEMPLATES, max_sample: int = MAX_SAMPLE):
        self.site = site
        self.pages = 0
        self.max_templates, self.max_sample = max_templates, max_sample
        self._counts: Counter[str] = Counter()
        self._first: str | None = None  # the first page's lines, joined, not yet counted
        self.sketch: CountMin | None = None
        self.sample: dict[int, str] = {}  # content hash -> the page's lines, joined
        self.sample_chars = 0

    @property
    def counts(self) -> Counter[str]:
        self._count_first()
        return self._counts

    def template_keys(self) -> set[str] | frozenset[str]:
        """The keys of `counts`, without counting a first page for good (a one-page site stays small)."""
        if self._first is not None:
            return _keys(self._first)
        return self._counts.keys()

    def _count_first(self) -> None:
        if self._first is not None:
            joined, self._first = self._first, None
            self._counts.update(_keys(joined))  # (as `add_page` counts a first page)
            if len(self._counts) > self.max_templates:
                self._spill()

    def add_page(self, lines: list[str]) -> None:
        """Count one page, given as `page_lines(text)`."""
        joined = "\n".join(lines)
        if self.pages == 0 and self.sketch is None and not self._counts and _bounded(joined) is joined:
            self.pages, self._first = 1, joined  # (the sample holds the same string: no copy)
            if joined:
                self._offer(digest(joined), joined)
            return
        self._count_first()
        self.pages += 1
        counts, sketch = self._counts, self.sketch
        keys = _keys(joined)
        if sketch is None:
            counts.update(keys)  # (Counter.update counts in C)
        else:
            known = keys & counts.keys()
            counts.update(known)
            floor = self._floor
            for k in keys - known:
                h = digest(k)
                sketch.add(h)
                n = sketch.estimate(h)
                if n > floor:
                    counts[k] = n
        if len(counts) > self.max_templates:
            self._spill()
        if joined:
            self._offer(digest(joined), joined)

    def count(self, tmpl: str) -> int:
        """On how many pages a template occurs (an upper bound once the sketch is in use)."""
        self._count_first()
        k = tmpl[:KEY_CHARS]
        n = self._counts.get(k)
        if n is not None:
            return n
        return self.sketch.estimate(digest(k)) if self.sketch is not None else 0

    def merge(self, other: SiteProfile) -> SiteProfile:
        """Add `other`'s counts and sample to this profile (same site); returns self."""
        self._count_first()
        other._count_first()
        self.pages += other.pages
        if other.sketch is not None:
            if self.sketch is None:
                self.sketch = CountMin(other.sketch.width, other.sketch.depth)
            self.sketch.merge(other.sketch)
        counts = self._counts
        for k, n in other._counts.items():
            counts[k] = counts.get(k, 0) + n
        if len(counts) > self.max_templates:
            self._spill()
        for k, page in other.sample.items():
            self._offer(k, page)
        return self

    @property
    def _floor(self) -> int:
        return max(2, self.pages // 50)

    def _spill(self) -> None:
        """Move the rarer half of the exact table into the sketch."""
        if self.sketch is None:
            self.sketch = CountMin()
        ranked = sorted(self._counts.items(), key=lambda kv: (-kv[1], kv[0]))
        keep = self.max_templates // 2
        for k, n in ranked[keep:]:
            self.sketch.add(digest(k), n)
        self._counts = Counter(dict(ranked[:keep]))

    def _offer(self, k: int, page: str) -> None:
        """Bottom-k sample: keep the pages with the smallest hashes (duplicates once), at most
        `max_sample` of them and `MAX_SAMPLE_CHARS` in all: which pages stay depends only on the set of
        pages seen, not on their order."""
        if k in self.sample:
            return
        page = _bounded(page)
        self.sample[k] = page
        self.sample_chars += len(page)
        while len(self.sample) > self.max_sample or (self.sample_chars > MAX_SAMPLE_CHARS and len(self.sample) > 1):
            worst = max(self.sample)
            self.sample_chars -= len(self.sample.pop(worst))

    def sample_pages(self) -> list[tuple[str, ...]]:
        """The sampled pages (as `page_lines`) in a fixed order (by hash): the same whatever order pages
        came in."""
        return [tuple(self.sample[k].split("\n")) for k in sorted(self.sample)]

"""Learning, stage 2: mark chrome.

Templates (`profile.template`: case, spaces and digit runs folded) on at least `min_pages` pages and
`chrome_min_share` of them, and not only on copies of one page (`copies`). A prose line is chrome only
if it does not lie inside the article next to page-specific text on most sampled pages it occurs on (a
syndicated paragraph, a series intro stays); a list label of the articles ("Ingredients:") followed by
page-specific lines is their structure; a line in an article or its heading on some page is no marker,
and a headline-size one that is the title of some page is bound to an article (`article_bound`): never a
global drop.
"""
from __future__ import annotations

import math
from collections import Counter

from cleaner.learn.article import LIST_LABEL, WORD, Page, copies, list_within
from cleaner.learn.dates import dated, written_date
from cleaner.learn.params import LearnParams
from cleaner.learn.profile import SiteProfile
from cleaner.ruleset.model import SHORT_LINE


def _ends_here(p: Page, ends: list[int]) -> bool:
    """Whether lines that end the article on other pages (`ends`, inside the one found on `p`) end it here:
    what lies below them is a list (a comment thread), not the article going on; or the first starts or
    ends a block of chrome (an author box; "Tweet", "If you enjoyed this article, you may also like:") and
    what lies below it in the article found is no prose that goes on: a comment (a comment-shaped line) or
    lines of which none ends a sentence (headlines). An advertisement block inside a long article that
    follows the short ones has the article's sentences below it."""
    first = min(ends)
    if list_within(p, max(ends), p.end + p.params.list_shape_repeats):
        return True
    if not (p.chrome[first - 1] or (first + 1 < p.end and p.chrome[first + 1])):
        return False
    below = [i for i in range(first + 1, p.end) if not p.chrome[i]]
    return any(i in p.marks for i in below) or not any(p.ends[i] for i in below)


class Site:
    """What learning knows about one site: sampled pages, counts, chrome, one example line per template."""

    def __init__(self, profile: SiteProfile, min_pages: int, params: LearnParams):
        P = self.params = params
        self.name, self.n, self.min_pages = profile.site, profile.pages, min_pages
        self.pages = [Page(lines, params) for lines in profile.sample_pages()]
        self.support = max(min_pages, math.ceil(P.chrome_min_share * self.n))
        self.count = {t: profile.count(t) for p in self.pages for t in p.tmpls}
        self.example: str | None = None  # the article line of the examples (`_pick_example_line`)
        self.checker = None  # a Cleaner with the first-guess file, which examples are chosen to hold with
        self.notes: list[str] = []  # what was not learned and why (the reason, learned.json)
        self.line: dict[str, str] = {}  # template -> its first line in the sample
        for p in self.pages:
            for s, t in zip(p.lines, p.tmpls):
                self.line.setdefault(t, s)
        seen_on = Counter(t for p in self.pages for t in set(p.tmpls))
        chrome = self._repeated(seen_on)
        self._mark(chrome)
        article_prose = self._article_prose(chrome)
        listed = self._item_labels()
        structure = self._structure(chrome) | self._list_labels() | listed
        if article_prose or structure:
            chrome -= article_prose | structure
            self._mark(chrome)
        if listed:  # (their items are known once the labels are no chrome)
            for p in self.pages:
                p.mark_structure(listed)
            self._mark(chrome)
        again = self._above_landmarks(chrome)
        if again:
            self.notes.append(f"the article found again above a line that ends it on the other pages on {again} "
                              f"sampled pages")
        self.chrome = chrome
        self.kept_prose = len(article_prose)
        self.kept_labels = len(structure)
        own = set().union(*(self._own_titles(p) for p in self.pages if p.start >= 0))
        self.near, self.article_bound = self._bound_to_articles(chrome, seen_on, own)
        self.inline = self._inline(chrome)
        self.datelines = self._datelines(chrome, seen_on)
        self.under_bylines = self._under_bylines(chrome)
        self.below_titles = self._below_titles(own)

    def _bound_to_articles(self, chrome: set[str], seen_on: Counter, own: set[str]) -> tuple[set[str], set[str]]:
        """(near, article_bound). Templates in an article or just above it (`title_window`: a title, a
        byline) on some sampled page: never a marker. Those of headline size (`headline_words`) in the
        heading of some page, or standing beside a page's own text far above its article (`_own_titles`),
        are a page's title: never a global drop (a sidebar headline is the title of its own page; a drop
        would take it there), unless they are a tagline: in the heading of most of their pages (the heading
        alone counts: a headline in an in-article widget lies inside the article of the other pages)."""
        live = [p for p in self.pages if p.start >= 0]
        near = {t for p in live for t in {p.tmpls[i] for i in range(p.heading_top(), p.end)}}
        headings = [{p.tmpls[i] for i in range(p.heading_top(), p.start)} for p in live]
        titles = set().union(own, *headings)
        tagline = Counter(t for found in headings for t in found)
        bound = {t for t in chrome & titles if self.headline(self.line[t])  # (not a flattened menu)
                 and tagline[t] < self.params.own_page_share * seen_on[t]}
        return near | titles, bound

    def _inline(self, chrome: set[str]) -> set[str]:
        """Chrome lines of `within_line_words` words or more that stand inside the article between two
        page-specific lines on `article_prose_share` of their sampled occurrences (cnn.com's "Analysis: Obama
        won with a better ground game" among a story's paragraphs): the article's own, never a global drop.
        A related headline after its label ("You may be interested") has chrome beside it."""
        return self._long_lines_where(chrome, self.params.article_prose_share, lambda p, i: (
            p.start <= i < p.end and 0 < i < len(p.lines) - 1 and not (p.chrome[i - 1] or p.chrome[i + 1])))

    def _long_lines_where(self, chrome: set[str], share: float, where) -> set[str]:
        """Chrome templates of `within_line_words` words or more where `where(page, i)` holds on `share` of
        their sampled occurrences."""
        found, seen = Counter(), Counter()
        for p in self.pages:
            for i, t in enumerate(p.tmpls):
                if t in chrome and len(WORD.findall(p.lines[i])) >= self.params.within_line_words:
                    seen[t] += 1
                    found[t] += where(p, i)
        return {t for t in seen if found[t] >= share * seen[t]}

    def _below_titles(self, own: set[str]) -> set[str]:
        """Templates that a cut-head must not cut at: inside an article, of headline size in its heading (a
        title, a byline), the pages' own titles (`own`: `_own_titles`), or in the heading below a page-specific
        line of headline size or a date on some sampled page (the cut would take that line). A short chrome
        line above the heading's own lines ("#9 LEADERBOARD RANK", "Follow Richard") may be a start marker."""
        P, out = self.params, set(own)
        for p in self.pages:
            if p.start < 0:
                continue
            out.update(p.tmpls[p.start:p.end])
            below = False  # below a title or a date of this page's heading
            for i in range(p.heading_top(), p.start):
                size = len(WORD.findall(p.lines[i])) >= P.headline_words
                if below or size:
                    out.add(p.tmpls[i])
                below = below or (size and not p.chrome[i]) or dated(p.lines[i])
        return out

    def _datelines(self, chrome: set[str], seen_on: Counter) -> set[str]:
        """Chrome lines with a written date ("by Anna on November 2, 2012") in the heading of the article
        (`Page.heading_top`: the title, the byline, the date above the text) on `own_page_share` of the
        sampled pages they are on: the article's own byline and date, whose template repeats only because
        digits fold alike. Never a global drop (the hand marks keep them)."""
        live = [p for p in self.pages if p.start >= 0]
        heading = Counter(t for p in live for t in {p.tmpls[i] for i in range(p.heading_top(), p.start)})
        return {t for t in chrome & heading.keys() if heading[t] >= self.params.own_page_share * seen_on[t]
                and written_date(self.line[t])}

    def _under_bylines(self, chrome: set[str]) -> set[str]:
        """Chrome lines of `within_line_words` words or more right under the article's dated byline
        (`datelines`), at or above its first line, on `own_page_share` of their sampled occurrences: a line the
        article's heading holds ("Article written by guest writer Kecia Lynn", a "follow us" line that
        universetoday.com's hand marks keep). Never a global drop."""
        return self._long_lines_where(chrome, self.params.own_page_share,
                                      lambda p, i: 0 < i <= p.start and p.tmpls[i - 1] in self.datelines)

    def _repeated(self, seen_on: Counter) -> set[str]:
        """Stage 2, mark chrome: templates on `support` pages, with support across pages with different
        bodies (the sampled pages a line occurs on must not all be copies of one page: the same article
        under several URLs)."""
        owners: dict[str, set[int]] = {}
        for p, c in zip(self.pages, copies(self.pages, self.params)):
            for t in set(p.tmpls):
                owners.setdefault(t, set()).add(c)
        return {t for t, k in self.count.items()
                if k >= self.support and len(owners[t]) >= min(self.min_pages, seen_on[t])}

    def _article_prose(self, chrome: set[str]) -> set[str]:
        """Prose on several pages that stays: on most pages it occurs on, it lies inside the article next
        to page-specific text (a paragraph among the article's own; not a run of repeated blurbs)."""
        inside, seen = Counter(), Counter()
        for p in self.pages:
            last = len(p.tmpls) - 1
            for i, (t, w) in enumerate(zip(p.tmpls, p.weights)):
                if t in chrome and w >= self.params.prose_words:
                    seen[t] += 1
                    inside[t] += p.start <= i < p.end and (
                        (i > 0 and not p.chrome[i - 1]) or (i < last and not p.chrome[i + 1]))
        return {t for t in seen if inside[t] >= self.params.article_prose_share * seen[t]}

    def _structure(self, chrome: set[str]) -> set[str]:
        """Repeated list labels of the articles ("Ingredients:", "Directions:", "Step 1"): short chrome lines
        that end in a colon or are a step number, which lie inside the article with a page-specific line
        right after them on most of their occurrences. Repetition makes them look like chrome; what
        follows them makes them the article's structure."""
        inside, seen = Counter(), Counter()
        for p in self.pages:
            for i, t in enumerate(p.tmpls[:-1]):
                if t in chrome and LIST_LABEL.match(t):
                    seen[t] += 1
                    inside[t] += p.start <= i < p.end - 1 and not p.chrome[i + 1]
        return {t for t in seen if inside[t] >= self.params.structure_share * seen[t]}

    def _list_labels(self) -> set[str]:
        """List labels ("Ingredients:", "Directions:", "Step 1") with the page's own prose (the article going
        on after its list) within `own_list_lines` after them on most of their occurrences, wherever the
        article was found there: article structure too."""
        P, before, seen = self.params, Counter(), Counter()
        for p in self.pages:
            for i, t in enumerate(p.tmpls):
                if p.chrome[i] and LIST_LABEL.match(t):
                    seen[t] += 1
                    before[t] += any(not p.chrome[j] and p.weights[j] >= P.prose_words
                                     for j in range(i + 1, min(i + 1 + P.own_list_lines, len(p.lines))))
        return {t for t in seen if before[t] >= P.structure_share * seen[t]}

    def _item_labels(self) -> set[str]:
        """List labels ("Ingredients:", "Directions:") followed by a list of their page's own items on most
        of their occurrences, wherever the article was found there (a recipe may end with its lists):
        article structure too. Items: `item_lines` lines shaped like them (`Page.is_item`: "2 cups flour",
        "Step 1", "Stir the eggs."), which differ from page to page (a share bar's "Facebook", "Twitter"
        follow their label alike everywhere); a related list's headlines are no items."""
        listed, seen, follow = Counter(), Counter(), {}
        for p in self.pages:
            for i, t in enumerate(p.tmpls):
                if p.chrome[i] and LIST_LABEL.match(t):
                    seen[t] += 1
                    after = range(i + 1, min(i + 1 + self.params.item_lines, len(p.lines)))
                    if len(after) == self.params.item_lines and all(map(p.is_item, after)):
                        listed[t] += 1
                        follow.setdefault(t, set()).add(tuple(p.tmpls[j] for j in after))
        share = self.params.structure_share
        return {t for t in seen if listed[t] >= share * seen[t] and len(follow[t]) >= share * seen[t]}

    def _above_landmarks(self, chrome: set[str]) -> int:
        """Sites agree with themselves: a chrome line that ends the article on most other sampled pages it
        is on (`marker_consistency` of them and `min_pages` - 1 at least: "126 Comments" within
        `landmark_gap_lines` after it) lies after it on this one too. Where the article found on a page
        lies below or across such a line with a list below it (a short article above a comment thread
        that outweighs it), or across such a line that starts or ends a block of chrome with a comment or
        headlines below it (`_ends_here`: an author box, "If you enjoyed this article, you may also like:"),
        it is found again above the line. Returns how many pages were found again."""
        P, live = self.params, [p for p in self.pages if p.start >= 0]
        after, total = Counter(), Counter()
        for p in live:
            for t, i in p.first.items():
                total[t] += 1
                after[t] += p.end <= i < p.end + P.landmark_gap_lines  # (a sidebar list lies further down)
        # (A headline in a list after the article on other pages is the title above it on its own page.)
        heads = {p.tmpls[i] for p in live for i in range(p.heading_top(), p.start)}
        ending = {t for t in total if t not in heads and total[t] >= self.min_pages
                  and after[t] >= max(self.min_pages - 1, P.marker_consistency * (total[t] - 1))
                  and len(WORD.findall(self.line[t])) >= P.marker_min_words}
        again = 0
        for p in live:
            ends = [i for t, i in p.first.items() if 0 < i < p.end and t in ending]
            if ends and _ends_here(p, ends):
                p.mark(chrome, max(ends))
                if p.start < 0:
                    p.mark(chrome)
                again += 1
        return again

    def _own_titles(self, p: Page) -> set[str]:
        """Headline-size chrome lines above the article of `p` that stand beside its page-specific text:
        the nearest line on either side, past at most `title_skip_lines` short chrome lines (a date, a
        comment count), is page-specific (a byline, a tag line, the lead). Elsewhere such a line sits among
        other headlines (a "recent posts" list); here it is the page's own title, however far above the
        article it lies."""
        found = set()
        for i in range(max(p.start, 0)):
            if p.chrome[i] and self.headline(p.lines[i]) and (self._beside_own(p, i, -1) or self._beside_own(p, i, 1)):
                found.add(p.tmpls[i])
        return found

    def headline(self, line: str) -> bool:
        """A line of headline size: `headline_words` words or more, and short (not a flattened menu)."""
        return len(WORD.findall(line)) >= self.params.headline_words and len(line) <= SHORT_LINE

    def _beside_own(self, p: Page, i: int, step: int) -> bool:
        """Whether the nearest line from line i in direction `step`, past short chrome lines, is page-specific."""
        for _ in range(self.params.title_skip_lines + 1):
            i += step
            if not 0 <= i < len(p.lines):
                return False
            if not p.chrome[i]:
                return True
            if len(WORD.findall(p.lines[i])) >= self.params.headline_words:
                return False
        return False

    def _mark(self, chrome: set[str]) -> None:
        for p in self.pages:
            p.mark(chrome)

    @property
    def evidence(self) -> str:
        return f"{len(self.pages)} sampled pages of {self.n}"



"""Learning, stage 1: find the article on each sampled page.

A page's lines score for the article by their length (page-specific text) or against it (chrome,
short lines); the runs of lines with a positive sum (each run's best stretch, as in body text
extraction) are candidates, and the article is the first run that scores `first_run_share` of the best
(comment threads and galleries below an article can outweigh it), continued across a short insert. A
chrome line repeated on the page, or a short line whose ending repeats there with a number or
separator in it ("Anna on 12/10/2012 at 9:59 am. Reply"), ends a run outright: it separates the items
of a list. A long page-specific line that is no prose (a flattened list of links, names or months:
few function words, as the one-page finder of `cleaner.core.article` tells prose, or few words in lower
case) weighs against the article like chrome, and a comment thread (the first of its comment-shaped
lines, as that finder tells them, after some prose) ends the article.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import replace

from cleaner.core.article import (CLOSERS, DEFAULT as FINDER, Page as TextPage, line_scores, prose_before, runs_of,
                                  thread_start)
from cleaner.learn.params import LearnParams
from cleaner.learn.profile import rule_lines, templates

_URL = re.compile(r"https?://\S+")
_LIST_SIGN = re.compile(r"[0-9#:|»]")
WORD = re.compile(r"\w+")
# A list label: up to three words and a colon, or a step number (templates: digits are 0).
LIST_LABEL = re.compile(r"^(?:[^\W\d_][\w'’-]*(?: [\w'’-]+){0,2} ?[:：]|step 0[.:]?)$")


def weight(line: str) -> float:
    """A line's size in words, language-neutral (CJK text has few spaces): max of words and chars / 6;
    URLs left out."""
    if "://" in line:
        line = _URL.sub(" ", line)  # a URL is one word, however long
    return max(len(WORD.findall(line)), len(line) / 6)


class Page:
    """A sampled page: lines, templates, weights; which lines are chrome and where its article lies."""

    __slots__ = ("params", "lines", "tmpls", "weights", "chrome", "start", "end", "first", "outside", "inside",
                 "thread", "marks", "ends", "listing", "structure")

    def __init__(self, raw: tuple[str, ...], params: LearnParams):
        self.params = params
        # Templates of the lines as counted (`page_lines`), lines as the rules see them (`rule_lines`).
        pairs = [(t, s) for t, s in zip(templates("\n".join(raw)), rule_lines(list(raw))) if s]
        self.tmpls = [t for t, _ in pairs]
        self.lines = [s for _, s in pairs]
        self.weights = [weight(s) for s in self.lines]
        text = TextPage(self.lines)
        scores = line_scores(text)
        self.thread = comment_thread(text, scores, params.prose_words)
        self.marks = text.comments(0)  # the comment-shaped lines ("Ann says:", "Reply"), in order
        self.ends = text.ends  # whether each line ends a sentence
        # Long lines that are no prose (a flattened list of links, names or months): few function words of
        # the page's language, as the one-page finder tells prose, or, whatever the language, few words in
        # lower case. They weigh against the article.
        self.listing = [w >= params.listing_words and (score < 0 or _lower_share(s) < params.listing_lower_share)
                        for s, score, w in zip(self.lines, scores, self.weights)]
        self.chrome: list[bool] = []
        self.structure: set[int] = set()  # the article's list labels and their items (`mark_structure`)
        self.start = self.end = -1  # the article: lines[start:end]; -1 when none was found
        self.first: dict[str, int] = {}  # chrome template -> its first line
        # prefix sums of page-specific words outside / inside the article: outside[i] = sum over lines[:i]
        self.outside: list[float] = []
        self.inside: list[float] = []

    def mark(self, chrome: set[str], stop: int | None = None) -> None:
        """Mark the chrome lines, find the article (above line `stop` where given), and sum the words
        around it."""
        P = self.params
        self.chrome = [t in chrome for t in self.tmpls]
        # A comment thread ends the article: a short article must not be taken for what outweighs it there
        # (where nothing lies above the thread, the article is looked for as if there were none).
        bounds = [x for x in (self._thread_top(), stop) if x is not None]
        bound = min(bounds) if bounds else None
        self.start, self.end = find_article(self, bound)
        if self.start < 0 and bound != stop:
            self.start, self.end = find_article(self, stop)
        self.first = {}
        heading = self._heading()
        out, ins = [0.0], [0.0]
        for i, (t, w, c) in enumerate(zip(self.tmpls, self.weights, self.chrome)):
            if c:
                self.first.setdefault(t, i)
                w = 0.0  # chrome is dropped anyway: cutting it gains nothing
            # Just above the article, prose is a lead or standfirst: a cut-head must not take it either.
            inside = (self.start <= i < self.end or i in heading
                      or (self.start - P.lead_lines <= i < self.start and w >= P.prose_words))
            out.append(out[-1] + (0.0 if inside else w))
            ins.append(ins[-1] + (w if inside else 0.0))
        self.outside, self.inside = out, ins

    def _thread_top(self) -> int | None:
        """Where the comment thread starts, as far as the article is concerned: its first comment-shaped
        line, or, where the comments' bylines trail their text (`_bylines_trail`), the first line after the
        chrome just above that line ("19 comments"), where what lies between them weighs no more than the
        heaviest comment between two bylines: the first comment's text."""
        if self.thread is None or not self._bylines_trail():
            return self.thread
        marks, top = self._thread_marks(), self.thread
        above = next((i for i in range(top - 1, max(top - FINDER.comment_window, -1), -1) if self.chrome[i]), None)
        if above is None:
            return top
        heaviest = max(sum(self.weights[a + 1:b]) for a, b in zip(marks, marks[1:]))
        return above + 1 if sum(self.weights[above + 1:top]) <= heaviest else top

    def _bylines_trail(self) -> bool:
        """Whether the thread's comment-shaped lines (`_thread_marks`) follow their comments
        ("by Ann on May 2, 2011. Reply #"): chrome or the page's end after the last, and text, not another such
        line, before each but the first. ("Ann says:" with a "Reply" button after her comment leads it.)"""
        marks = self._thread_marks()
        after = marks[-1] + 1
        if after < len(self.lines) and not self.chrome[after]:
            return False
        shaped = set(marks)
        return len(marks) > 1 and all(m - 1 not in shaped for m in marks[1:])

    def _thread_marks(self) -> list[int]:
        """The comment-shaped lines from the thread's first on."""
        return self.marks[bisect_left(self.marks, self.thread):]

    def mark_structure(self, labels: set[str]) -> None:
        """Mark the lines of the article's lists: each of the site's list labels (`labels`: "Ingredients:")
        and the items right after it (`is_item`). They weigh nothing against the article: a recipe's
        ingredients are short lines, but no menu."""
        found = set()
        for i, t in enumerate(self.tmpls):
            if t in labels:
                found.add(i)
                j = i + 1
                while j < len(self.lines) and not self.chrome[j] and j not in found and self.is_item(j):
                    found.add(j)
                    j += 1
        self.structure = found

    def _heading(self) -> set[int]:
        """The article's heading, as far as a cut is concerned: the last `HEADING_LINES` short
        page-specific lines before it, among chrome lines only (a title, a dateline, a byline)."""
        P = self.params
        found: set[int] = set()
        i = self.start - 1
        while i >= 0 and len(found) < P.heading_lines:
            if not self.chrome[i]:
                if self.weights[i] >= P.prose_words:
                    break
                found.add(i)
            i -= 1
        return found

    def is_item(self, i: int) -> bool:
        """Whether line i is shaped like a list item: short (`item_max_words` words: "2 cups flour"), a
        sentence ("Stir the eggs."), or a list label itself ("Step 1"). A related list's headlines are
        longer and end in no full stop."""
        line = self.lines[i]
        return (len(WORD.findall(line)) <= self.params.item_max_words or line.rstrip(CLOSERS).endswith(".")
                or LIST_LABEL.match(self.tmpls[i]) is not None)

    def heading_top(self) -> int:
        """The first line of the article's heading zone: `title_window` lines of headline size above the
        article, the short lines between them (share bars, "Print") passed over."""
        P, i, seen = self.params, self.start, 0
        while i > 0 and seen < P.title_window:
            i -= 1
            seen += not self.chrome[i] or len(WORD.findall(self.lines[i])) >= P.headline_words
        return i

    def removed(self, i: int, head: bool) -> tuple[float, float]:
        """(non-article, article) page-specific words that a cut at line i removes (head: lines[:i+1])."""
        if head:
            return self.outside[i + 1], self.inside[i + 1]
        return self.outside[-1] - self.outside[i], self.inside[-1] - self.inside[i]

    def cut_at(self, markers) -> int:
        """The first line that is one of `markers`, or -1."""
        return min((self.first[t] for t in markers if t in self.first), default=-1)


def _lower_share(line: str) -> float:
    """The share of a line's cased words that start in lower case; 1.0 where fewer than half its words
    (numbers aside) are cased (a script without case says nothing, its Latin acronyms neither)."""
    words = [w for w in WORD.findall(line) if not w.isdigit()]
    cased = [w for w in words if w[0].lower() != w[0].upper()]
    return sum(w[0].islower() for w in cased) / len(cased) if 2 * len(cased) >= len(words) > 0 else 1.0


def comment_thread(text: TextPage, scores: list[float], prose_words: float) -> int | None:
    """Where a comment thread starts on a page (its first comment-shaped line: "Name says:", "Reply",
    "3 hours ago", with `comment_marks` of them within `comment_window` lines, as the article finder of
    one page tells them: `cleaner.core.article`), after `prose_words` words of prose at least (`scores`:
    that finder's line scores; a list of recent comments above the article starts no thread); None when
    there is none."""
    return thread_start(text.comments(0), prose_before(scores), replace(FINDER, min_article_words=prose_words))


def find_article(page: Page, stop: int | None = None) -> tuple[int, int]:
    """Stage 1, find the article: (start, end) on one page, above line `stop` where given (see the module
    doc); (-1, -1) when no run scores above zero."""
    runs, breaks = _runs(page, stop)
    if not runs:
        return -1, -1
    top = max(r[0] for r in runs)
    k = next(k for k, r in enumerate(runs) if r[0] >= page.params.first_run_share * top)
    _, start, end = runs[k]
    end = _before_list(page, start, end, breaks)
    return start, _continued(page, runs, k, end, breaks, top)


def _line_scores(page: Page):
    """Each line's score for the article: its words less `short_line_cost` (at least 0 for a line of the
    article's lists: `Page.mark_structure`), chrome against it, and -inf for a list separator (a chrome line
    repeated on the page, a list item's header)."""
    P = page.params
    repeats = Counter(t for t, c in zip(page.tmpls, page.chrome) if c)
    ends = Counter(t[-P.list_shape_chars:] for t in page.tmpls if len(t) > P.list_shape_chars)
    for i, (w, chrome, t, listing) in enumerate(zip(page.weights, page.chrome, page.tmpls, page.listing)):
        if i in page.structure:
            yield max(0.0, w - P.short_line_cost)
        elif chrome:
            yield -math.inf if repeats[t] >= P.list_shape_repeats else -max(P.chrome_line_cost, w)
        elif listing:
            yield -P.chrome_line_cost
        elif (w < 2 * P.prose_words and len(t) > P.list_shape_chars
              and ends[t[-P.list_shape_chars:]] >= P.list_shape_repeats
              and _LIST_SIGN.search(t)):
            yield -math.inf
        else:
            yield w - P.short_line_cost


def list_within(page: Page, start: int, end: int) -> bool:
    """Whether a list separator (`_line_scores`: a repeated chrome line, a list item's header) lies in
    lines[start:end]: what is there is a list (comments, headlines), not the article going on."""
    return any(x == -math.inf for x in list(_line_scores(page))[start:end])


def _runs(page: Page, stop: int | None = None) -> tuple[list[tuple[float, int, int]], list[int]]:
    """The runs of lines (above `stop`) with a positive sum, each as (its best stretch's score, start,
    end), and the list separators (lines that end a run outright)."""
    scores = list(_line_scores(page))
    return runs_of(scores, len(scores) if stop is None else stop), [i for i, x in enumerate(scores) if x == -math.inf]


def _before_list(page: Page, start: int, end: int, breaks: list[int]) -> int:
    """A run that ends at a list separator may have taken the list's first item after a chrome line
    ("19 comments", then the first comment): it ends at that chrome line, where less follows it."""
    if any(end <= x < end + 3 for x in breaks):
        last = next((i for i in range(end - 1, start, -1) if page.chrome[i]), None)
        if last is not None and sum(page.weights[last:end]) < sum(page.weights[start:last]) / 2:
            while last > start and page.chrome[last - 1]:
                last -= 1
            end = last
    return end


def _continued(page: Page, runs, k: int, end: int, breaks: list[int], top: float) -> int:
    """An article interrupted by a short insert (a gallery, "you may also like") goes on after it. So
    does one interrupted by a gallery (a numbered list), where what follows is as heavy as an article
    part and no list item itself."""
    P, anchor = page.params, runs[k][0]
    for score, a, b in runs[k + 1:]:
        listed = any(end <= x < a for x in breaks)
        if a - end > (P.gallery_lines if listed else P.gap_lines):
            break
        if listed:
            if score >= anchor / 2 and not any(b <= x < b + 3 for x in breaks):
                end = b
        elif score >= P.first_run_share * top:
            end = b
    return end


def copies(pages: list[Page], P: LearnParams) -> list[int]:
    """For each page, the first page it is a copy of (itself if none): pages whose page-specific prose
    lines are mostly the same (Jaccard >= `copy_share`), whatever their chrome, counters and comments.

    Prose on nearly every sampled page (`shared_prose_share`: sidebar headlines, blurbs) says nothing
    about the article, and is left out, unless a page has no other prose (all copies of one page)."""
    prose = [{t for t, w in zip(p.tmpls, p.weights) if w >= P.prose_words} for p in pages]
    on = Counter(t for body in prose for t in body)
    shared = {t for t, k in on.items() if k >= P.shared_prose_share * len(pages)}
    bodies = [(body - shared) or body for body in prose]
    out: list[int] = []
    for i, body in enumerate(bodies):
        out.append(next((out[j] for j in range(i) if body and bodies[j]
                         and len(body & bodies[j]) >= P.copy_share * len(body | bodies[j])), i))
    return out



"""The article finder: the article of ONE page of text, for sites with no rules of their own.

Learning finds a site's chrome across its pages; a site with one or two pages has nothing to learn from.
A person still finds the article at a glance: the long run of prose, with its title and subheadings, and
around it what is short, list-like or repeated. `find_article(lines)` does the same, line by line:

1. Each line is *prose* (enough words, a sentence's end or a long one, and — where the page's language
   is known — enough of its function words), *near* prose (a short sentence, a list item that ends like
   one: neutral), or *other* (menus, headlines, counters, dates, names: each costs the run it is in).
2. Runs of lines are scored as in body text extraction: prose adds its words, other lines cost
   `line_cost` each; the best run is the article's core. Runs close by (`gap_lines`) that score a share
   of it (`run_share`) join it: an article broken by a list, a gallery or an insert goes on after it.
   Everything between the first and the last run is kept (subheadings, lists, short paragraphs), with
   near-prose lines right next to it, the heading above it (`heading_lines`: title, byline, date) and
   `tail_lines` after it.
3. A comment thread (lines shaped like "Name says:", "Reply", "3 hours ago", "March 3, 2012 at 10:15 pm",
   `comment_marks` of them within `comment_window` lines) ends the article where it starts.
4. Where the page's URL has a slug ("/2012/07/qpr-consider-barton-loan"), a line that says most of it
   (`title_slug_share` of its words) is the article's title: the nearest one above the article, up to
   `TITLE_WINDOW` lines up, is kept (a photo, its caption, a row of buttons often stand between them) with
   its lead where one starts within `lead_lines` below it (byline, date, first paragraph); and
   a best run with no title near it, while a title elsewhere is followed by an article's worth of prose,
   is not the article (a flattened block of teasers can outweigh a short article).

A copyright line among the page's last `footer_lines` lines starts its footer: the article lies above it.
A page whose best run is short (`min_article_words`) has no article found and is kept whole; so is a
clean article, whose lines are all inside or right next to its run. Pure: lines in, decisions out.
"""
from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate, chain, compress, count, repeat
from operator import add, le
from urllib.parse import unquote

from cleaner.core.function_words import SPACED, UNSPACED

OUTSIDE = "outside the article"
COMMENTS = "comment thread"


@dataclass(frozen=True)
class ArticleParams:
    """The finder's constants, each named for what it means (values chosen by cross-validation by site on
    sites-dev: `benchmarks/article.py`)."""

    prose_words: int = 6  # a line of this many words that ends a sentence is prose
    long_words: int = 15  # a line of this many words is prose whatever its end
    near_words: int = 3  # a line of this many words that ends a sentence is near prose (neutral)
    function_share: float = 0.7  # function words of a prose line, as a share of the page's own (language known)
    line_cost: float = 12.0  # what a line that is not prose costs its run, in words
    run_share: float = 0.3  # a run close to the article joins it when it scores this share of the best
    gap_lines: int = 6  # ... and at most this many lines lie between them
    heading_lines: int = 3  # short lines right above the article kept as its heading
    lead_lines: int = 6  # the first paragraph starting this many lines below the title the URL names is its lead
    footer_lines: int = 5  # a copyright line ("©") among the page's last this many lines starts its footer (0: none)
    tail_lines: int = 0  # lines right after the article kept (a closing line, a signature)
    min_article_words: int = 50  # a page whose best run has fewer words is kept whole
    bare_head_lines: int = 7  # an article with no more lines above it is a bare one: kept to its end
    comment_marks: int = 3  # comment-shaped lines within `comment_window` lines make a thread
    comment_window: int = 12
    chars_per_word: float = 2.5  # characters of a script without spaces that count as one word
    title_slug_share: float = 0.8  # a line above the article with this share of the URL slug's words is its title


DEFAULT = ArticleParams()
FUNCTION_SAMPLE = 200  # characters at the start of a line that tell its share of function words
LANGUAGE_MIN_WORDS = 6  # distinct function words of a language that make it the page's
LANGUAGE_LINES = 30  # lines from the middle of a page that tell its script and language
LANGUAGE_CHARS = 2000  # ... at most this many characters of them
HEADING_MIN_CHARS = 10  # a shorter heading line (a byline) is no menu entry only if the line above is longer
COMMENT_WORDS = 20  # a comment's byline or button is at most this long (a longer line is the comment itself)
SLUG_MIN_WORDS = 3  # a URL path segment of fewer words is no slug ("/news/18971248", "/about-us")
TITLE_MAX_WORDS = 30  # a longer line is no title
TITLE_WINDOW = 25  # the title the URL names lies at most this many lines above the article (photo, caption, buttons)

# Scripts written without spaces between words: Han, kana, Thai, Lao, Khmer, Myanmar.
_UNSPACED_CHAR = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                            "\u4e00-\u9fff\uf900-\ufaff]")
_LIST_MARK = re.compile(r"^(?:[•·▪►»›◦‣∙*+–—-]\s|\d{1,3}[.)]\s)")
_KANA = re.compile("[\u3040-\u30ff]")
_SCRIPTS = (("th", re.compile("[\u0e00-\u0e7f]")), ("lo", re.compile("[\u0e80-\u0eff]")),
            ("km", re.compile("[\u1780-\u17ff]")))

# Comment shapes: "Name says:", "Name said...", a reply or report button, a timestamp, "3 hours ago".
# Only lines that end like a byline, or hold " ago" or a time (":dd"), are tested (a whole-page regex is too slow).
_SAID = ("says", "said", "wrote", "writes", "dice", "dit", "schreibt", "sagt", "pisze", "napsal", "viết")
_BUTTONS = frozenset(form for word in (
    "reply", "reply ↓", "respond", "report", "report abuse", "report comment", "flag", "permalink", "quote",
    "like", "likes", "recommend", "antworten", "répondre", "responder", "rispondi", "ответить", "odpovědět",
    "odpowiedz", "trả lời", "balas", "beantwoorden", "yanıtla", "răspunde", "відповісти")
    for form in (word, word.capitalize(), word.title(), word.upper()))
_TIME = re.compile(r":\d\d")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_BYLINE = re.compile(rf"\b(?:{'|'.join(_SAID)})\s*(?::|\.\.\.|…)\s*$", re.IGNORECASE)  # "Bob says:"
_AGO = re.compile(r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b",
                  re.IGNORECASE)
_TIMESTAMP = re.compile(  # a date, then a time: "March 3, 2012 at 10:15 pm", "3 Mar 2012 - 10:15", "3/3/12 10:15"
    rf"\b(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
    r"\s*(?:at|@|-|,|\|)?\s*\d{1,2}:\d{2}",
    re.IGNORECASE)


_ANY_FUNCTION_WORD = frozenset().union(*SPACED.values())
_LANGUAGES_OF = {word: tuple(lang for lang, words in SPACED.items() if word in words) for word in _ANY_FUNCTION_WORD}
# A sentence's end, before closing quotes and brackets: . ! ? … and their CJK, Hindi, Arabic, Khmer forms.
CLOSERS = "\"'”’»)]）」』 "
_ENDS = frozenset(".!?…。！？।؟។")


class Page:
    """What the finder knows of a page's lines: their words (estimated for scripts without spaces), whether
    each ends a sentence; the page's language, function-word shares and comment shapes on demand (they
    cost most, and only some pages and lines need them)."""

    __slots__ = ("lines", "params", "unspaced", "words", "ends", "_sample", "_language", "_reference",
                 "_function", "_comment", "_comment_from", "_known", "_titles")

    def __init__(self, lines: list[str], params: ArticleParams = DEFAULT, *, _known: tuple | None = None):
        self.lines, self.params = lines, params
        middle = len(lines) // 2  # menus and footers lie at the ends: the middle tells the script and language
        self._sample = sample = "\n".join(lines[max(0, middle - LANGUAGE_LINES // 2):middle + LANGUAGE_LINES // 2])
        self.unspaced = unspaced = not sample.isascii() and _UNSPACED_CHAR.search(sample) is not None  # (ASCII: none)
        self._language: str | None | bool = False  # False: not looked at yet
        self._reference = 0.0
        self._function: dict[int, float] = {}  # line -> its share of function words (not yet relative)
        self._comment: list[int] = []
        self._comment_from = len(lines)
        self._known = None
        self._titles: tuple | None = None  # ((slug, need), the lines looked at, those that say the title)
        if _known is not None and _known[0].unspaced == unspaced:
            self._reuse(*_known)
            return
        if unspaced:  # words between spaces, and characters of the script without spaces as words
            per_word, joined = params.chars_per_word, "\n".join(lines)
            spaced = _UNSPACED_CHAR.sub(" ", joined).split("\n")
            other = _UNSPACED_CHAR.sub("", joined).split("\n")  # (the script's characters taken out)
            self.words = [len(s.split()) + (len(line) - len(o)) / per_word for line, s, o in zip(lines, spaced, other)]
        else:
            self.words = [line.count(" ") + 1 for line in lines]  # lines come with single spaces
        self.ends = [line.rstrip(CLOSERS)[-1:] in _ENDS for line in lines]

    @property
    def language(self) -> str | None:
        """The page's language (None: not known), told by the middle of the page."""
        if self._language is False:
            self._describe_language()
        return self._language

    @property
    def reference(self) -> float:
        """The share of function words in the middle of the page: what its language and page call prose."""
        if self._language is False:
            self._describe_language()
        return self._reference

    def _describe_language(self) -> None:
        sample = self._sample[:LANGUAGE_CHARS]
        tokens = sample.lower().split()
        language = self._language = page_language(sample, tokens, self.unspaced)
        if language in SPACED:
            self._reference = sum(map(SPACED[language].__contains__, tokens)) / len(tokens)
        else:
            self._reference = _function_share(sample, len(sample) / self.params.chars_per_word, language, len(sample))
        if self._known is not None:  # shares of a page these lines come from, where its language is the same
            page, keep = self._known
            if page._language == language:
                known = page._function
                self._function.update((j, known[i]) for j, i in enumerate(keep) if i in known)
            self._known = None

    def within(self, keep: list[int]) -> "Page":
        """The page made of the lines at positions `keep` (in order), as `Page` would describe it afresh:
        what belongs to each line alone (words, ends, function words, comment shapes) is taken over."""
        return Page(list(map(self.lines.__getitem__, keep)), self.params, _known=(self, keep))

    def _reuse(self, page: "Page", keep: list[int]) -> None:
        self.words = list(map(page.words.__getitem__, keep))
        self.ends = list(map(page.ends.__getitem__, keep))
        self._known = (page, keep)
        self._comment_from = start = bisect_left(keep, page._comment_from)
        # the lines j >= start whose line keep[j] is one of the page's comment shapes
        self._comment = list(compress(range(start, len(keep)), map(set(page._comment).__contains__, keep[start:])))
        if page._titles is not None:
            key, seen, said = page._titles
            said = set(said)
            self._titles = (key, {j for j, i in enumerate(keep) if i in seen},
                            [j for j, i in enumerate(keep) if i in said])

    def titles(self, first: int, stop: int, slug: tuple[str, ...], need: float) -> list[int]:
        """The lines from `first` to `stop` that say the title a URL's `slug` names (`need` of its words:
        `_says_title`), each line looked at once (and taken over by `within`)."""
        if self._titles is None or self._titles[0] != (slug, need):
            self._titles = ((slug, need), set(), [])
        _, seen, said = self._titles
        todo = [i for i in range(first, stop) if i not in seen]
        if todo:
            seen.update(todo)
            said += _says_title(self.lines, self.words, todo, slug, need)
            said.sort()
        return said[bisect_left(said, first):bisect_left(said, stop)]

    def functions(self, index: list[int]) -> list[float]:
        """For each line i of `index`, the share of its words that are function words of the page's
        language, relative to the middle of the page's (1.0 when the language is unknown: the test does
        not apply); computed together for the lines not yet seen."""
        if not index:
            return []
        language, reference = self.language, self.reference  # (first: shares taken over arrive with them)
        known = self._function
        todo = [i for i in index if i not in known] if known else index
        if todo:
            lines = self.lines
            if language in SPACED:
                shares = _shares_of(SPACED[language].__contains__, [lines[i][:FUNCTION_SAMPLE] for i in todo])
            elif language in UNSPACED:
                words = self.words
                shares = [_function_share(lines[i], words[i], language) for i in todo]
            else:  # (`_function_share` of a language not known: 1.0)
                shares = [1.0] * len(todo)
            known.update(zip(todo, shares))
        if not reference:
            return [1.0] * len(index)
        return [known[i] / reference for i in index]

    def comments(self, first: int) -> list[int]:
        """The lines from `first` on shaped like a comment's byline, timestamp or button (short lines)."""
        if first < self._comment_from:
            self._comment = self._find_comments(first, self._comment_from) + self._comment
            self._comment_from = first
        return self._comment[bisect_left(self._comment, first):]

    def _find_comments(self, first: int, stop: int) -> list[int]:
        index = list(compress(range(first, stop), map(le, self.words[first:stop], repeat(COMMENT_WORDS))))
        short = list(map(self.lines.__getitem__, index))
        text = "\n".join(short) + "\n"
        found = set(compress(index, map(_BUTTONS.__contains__, short)))
        ends = list(map(add, accumulate(map(len, short)), count()))  # where each short line's newline is in `text`
        # candidates: a byline's end ("says:", "said..."), a time (":dd"), "ago"; then the shape proper
        for shape, hits in ((_BYLINE, [*_find_all(text, ":\n"), *_find_all(text, "…\n"), *_find_all(text, "...\n")]),
                            (_TIMESTAMP, [m.start() for m in _TIME.finditer(text)]), (_AGO, _find_all(text, " ago"))):
            for k in {bisect_right(ends, at) for at in hits}:
                if shape.search(short[k]):
                    found.add(index[k])
        return sorted(found)


def _find_all(text: str, needle: str) -> list[int]:
    """Where `needle` occurs in `text`."""
    found = []
    at = text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def _shares_of(contains, parts: list[str]) -> list[float]:
    """For each of `parts`, the share of its (lowercased) words that `contains` accepts (0.0: no words).
    One part at a time: a split and a count per part cost less than one split of all the parts joined
    and the bookkeeping of where each ends."""
    return [sum(map(contains, words)) / len(words) if words else 0.0
            for words in map(str.split, map(str.lower, parts))]


def _function_share(line: str, words: float, language: str | None, sample: int = FUNCTION_SAMPLE) -> float:
    """The share of function words of `language`, a language written without spaces (others: 1.0), in
    the first `sample` characters of `line` (of `words` words); spaced languages: `_shares_of`."""
    part = line[:sample]
    if language in UNSPACED:
        words *= len(part) / len(line) if line else 0.0  # the words of the part looked at
        return min(1.0, sum(map(part.count, UNSPACED[language])) / words) if words else 0.0
    return 1.0


def page_language(sample: str, tokens: list[str], unspaced: bool = True) -> str | None:
    """The language whose function words `sample` (its `tokens`: lowercase, split at spaces) uses most (by
    script for ja zh th lo km); None when it uses fewer than `LANGUAGE_MIN_WORDS` of any language's."""
    if unspaced:
        for lang, script in _SCRIPTS:
            if script.search(sample) and len(script.findall(sample)) > len(sample) / 4:
                return lang
        if len(_UNSPACED_CHAR.findall(sample)) > len(sample) / 4:
            return "ja" if _KANA.search(sample) else "zh"
    found = _ANY_FUNCTION_WORD.intersection(tokens)
    if len(found) < LANGUAGE_MIN_WORDS:
        return None
    counts = Counter(chain.from_iterable(map(_LANGUAGES_OF.__getitem__, found)))
    best, lang = max((n, lang) for lang, n in counts.items())
    return lang if best >= LANGUAGE_MIN_WORDS else None


def line_scores(page: Page, params: ArticleParams = DEFAULT) -> list[float]:
    """Each line's score: its words if prose, 0 if near prose, else minus `line_cost` (comments aside)."""
    scores, candidates = _scores_before_function_words(page, params)
    _count_prose(page, scores, candidates, params)
    return scores


def _scores_before_function_words(page: Page, params: ArticleParams) -> tuple[list[float], list[int]]:
    """Each line's score as if no line were prose (0 if near prose, else minus `line_cost`), and the lines
    that are prose where their function words pass (`_count_prose`): enough words, ending a sentence or many."""
    cost = -params.line_cost
    near, long, prose = params.near_words, params.long_words, params.prose_words
    words, ends = page.words, page.ends
    scores = [0.0 if e and w >= near else cost for w, e in zip(words, ends)]  # near prose, else other
    candidates = [i for i, w, e in zip(count(), words, ends) if w >= prose and (e or w >= long)]
    return scores, candidates


def _count_prose(page: Page, scores: list[float], candidates: list[int], params: ArticleParams) -> None:
    """The `candidates` whose function words pass (where the page's language is known) score their words."""
    share, words = params.function_share, page.words
    for i, function in zip(candidates, page.functions(candidates)):
        if function >= share:
            scores[i] = float(words[i])


def runs_of(scores: list[float], stop: int) -> list[tuple[float, int, int]]:
    """(score, start, end) of each maximal run of lines[:stop] (a run restarts where its sum falls to 0)."""
    runs = []
    best, best_at, run, run_start = 0.0, (0, 0), 0.0, 0
    for i in range(stop):
        score = scores[i]
        if run <= 0:
            if best > 0:
                runs.append((best, *best_at))
            best, run, run_start = 0.0, score, i
        else:
            run += score
        if run > best:
            best, best_at = run, (run_start, i + 1)
    if best > 0:
        runs.append((best, *best_at))
    return runs


def thread_start(marks: list[int], prose: list[float], params: ArticleParams = DEFAULT) -> int | None:
    """Where a comment thread starts: the first comment-shaped line (of `marks`) with `comment_marks` of
    them within `comment_window` lines, after an article's worth of prose (`prose`: the prose words
    before each line); None when there is none."""
    need = params.comment_marks - 1
    for k in range(len(marks) - need):
        i = marks[k]
        if marks[k + need] < i + params.comment_window and prose[i] >= params.min_article_words:
            return i
    return None


def find_article(lines: list[str], params: ArticleParams = DEFAULT, url: str | None = None) -> list[str | None]:
    """For each line, None if it belongs to the article, else why not (`OUTSIDE`, `COMMENTS`). Lines are
    a page's non-blank lines in order; `url`, the page's, names its title where it has a slug. A page with
    no article found is kept whole."""
    return decide(Page(lines, params), params, slug_words(url))


def decide(page: Page, params: ArticleParams = DEFAULT, slug: tuple[str, ...] = ()) -> list[str | None]:
    """`find_article` on a described page; `slug`: the words of its URL's slug (`slug_words`)."""
    n = len(page.lines)
    if n <= params.bare_head_lines + 1 and len(page.comments(0)) < params.comment_marks:
        return [None] * n  # no room for a page header above an article, and no comment thread: kept whole
    # `line_scores`, the prose before each line and the first line after an article's worth of it (a thread
    # comes after that), counting candidates' function words only as far as the verdicts need them
    scores, prose, first, counted, candidates = _article_prose(page, params)
    if first > n:
        return [None] * n
    marks = page.comments(max(0, first - 1))
    stop = thread_start(marks, prose, params)
    stop = n if stop is None else stop
    footer = _footer(page, stop, params)  # the article ends above the page's footer, the thread above both
    # the other candidates above the thread (no score from `stop` on is read: those lines are the thread's)
    _count_prose(page, scores, candidates[counted:bisect_left(candidates, stop)], params)
    for i in marks:
        scores[i] = -params.line_cost  # a comment's byline or button is no prose
    runs = runs_of(scores, footer)
    if not runs or max(r[0] for r in runs) < params.min_article_words:
        return [None] * n
    top = max(range(len(runs)), key=lambda k: runs[k][0])
    if slug:
        top = _follow_title(page, runs, top, stop, slug, params)
    start, end = _extend(runs, top, params)
    while start > 0 and scores[start - 1] == 0.0:
        start -= 1
    while end < footer and scores[end] == 0.0:
        end += 1
    if start <= params.bare_head_lines:  # no page header above it: a bare article, whatever its end
        return [None] * stop + [COMMENTS] * (n - stop)
    start = _heading(page, start, set(marks), params)
    end = min(footer, end + params.tail_lines)
    verdicts = [OUTSIDE] * start + [None] * (end - start) + [OUTSIDE] * (stop - end) + [COMMENTS] * (n - stop)
    if slug:  # the title the URL names, unless the article's heading (its lines above its first prose) holds it
        head = next((i for i in range(start, end) if scores[i] > 0), end)
        said = page.titles(max(0, start - TITLE_WINDOW), head, slug, _need(slug, params))
        if said and said[-1] < start:
            verdicts[said[-1]] = None
            lead = _lead(runs, said[-1], start, params)
            verdicts[said[-1]:lead] = [None] * (lead - said[-1])
    return verdicts


def _lead(runs: list[tuple[float, int, int]], title: int, start: int, params: ArticleParams) -> int:
    """Where the lead under the title the URL names ends: the end of the first run of prose that starts
    within `lead_lines` lines below the title, above the article's `start` (its byline, date and first
    paragraph, which a photo, its caption or a box of links part from the body); `title` where none does."""
    for _, a, b in runs:
        if title < a:
            return min(b, start) if a <= title + params.lead_lines and a < start else title
    return title


def _footer(page: Page, stop: int, params: ArticleParams) -> int:
    """Where the page's footer starts: its first line holding a copyright sign among its last
    `footer_lines` lines and above `stop` (`stop`: none). The article lies above it (a best run made of a
    footer's "© 2012 ... not responsible for external sites" and "best viewed with ..." is no article)."""
    lines = page.lines
    return next((i for i in range(max(0, len(lines) - params.footer_lines), stop) if "©" in lines[i]), stop)


def slug_words(url: str | None) -> tuple[str, ...]:
    """The words of a URL's slug: its path segment of most words joined by '-', '_' or '+' (a file
    extension and numbers left out, lowercase, accents folded); () where it has fewer than
    `SLUG_MIN_WORDS`. '/2012/07/24/qpr-consider-joey-barton-loan.html' -> ('qpr', 'consider', 'joey',
    'barton', 'loan')."""
    if not url:
        return ()
    rest = url.partition("://")[2] or url  # (a URL without its scheme: "example.org/a-b-c")
    path = rest.partition("/")[2].partition("?")[0].partition("#")[0]
    segment = max(path.split("/"), key=_slug_size)
    if _separators(segment) < SLUG_MIN_WORDS - 1:
        return ()
    segment = (unquote(segment) if "%" in segment else segment).lower()
    if not segment.isascii():
        folded = _MARKS.sub("", unicodedata.normalize("NFKD", segment))
        if folded.isascii():  # a Latin slug with accents: matched as ASCII
            segment = folded
    words = tuple(w for w in _SLUG_SEPARATOR.split(_EXTENSION.sub("", segment)) if w and not w.isdigit())
    return words if len(words) >= SLUG_MIN_WORDS else ()


def says_title(line: str, slug: tuple[str, ...], params: ArticleParams = DEFAULT) -> bool:
    """Whether `line` says the title a URL's `slug` names (`title_slug_share` of its words, at most
    `TITLE_MAX_WORDS` words)."""
    return bool(slug) and bool(_says_title([line], [line.count(" ") + 1], [0], slug, _need(slug, params)))


def named_title(lines: list[str], slug: tuple[str, ...], params: ArticleParams = DEFAULT) -> str | None:
    """The article's title where its URL names it: of the lines of its heading (the first `heading_lines`
    of `lines`, and the line after) that say the slug's title, the shortest (a breadcrumb "Home / Title"
    says it too); None if none does."""
    head = lines[:params.heading_lines + 1]
    words = [line.count(" ") + 1 for line in head]  # (as `Page.words` counts them)
    found = _says_title(head, words, list(range(len(head))), slug, _need(slug, params)) if slug else []
    return head[min(found, key=words.__getitem__)] if found else None


def _need(slug: tuple[str, ...], params: ArticleParams) -> float:
    """How many of the slug's words a line says to say the title."""
    return params.title_slug_share * len(slug)


def _slug_size(segment: str) -> int:
    """The words of a path segment that have no digit: an id ("6a5049e6-21d3-11e2-8448", "18971248") is
    no title's slug, however many separators it has."""
    segment = unquote(segment) if "%" in segment else segment
    return sum(1 for part in _PART_SEPARATOR.split(segment) if part and not _DIGIT.search(part))


_PART_SEPARATOR = re.compile(r"[-_+]+")
_DIGIT = re.compile(r"\d")


def _separators(segment: str) -> int:
    return segment.count("-") + segment.count("_") + segment.count("+")


_SLUG_SEPARATOR = re.compile(r"[-_+.]+")
_EXTENSION = re.compile(r"\.[a-z0-9]{2,5}$")
_MARKS = re.compile("[\u0300-\u036f]")  # combining accents, apart after NFKD: what a Latin slug adds to ASCII
_WORD = re.compile(r"\w+")


def _ascii(text: str) -> str:
    """`text` as ASCII: accents folded ('úmluva' -> 'umluva'), other non-ASCII characters left out (curly
    quotes: "don’t" -> "dont", as slugs write it); newlines stay where they were."""
    return text if text.isascii() else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _says_title(lines: list[str], words: list[float] | list[int], index: list[int], slug: tuple[str, ...],
                need: float) -> list[int]:
    """Those of the lines at `index` that say the title a URL's `slug` names: at most `TITLE_MAX_WORDS`
    words, `need` of the slug's words among theirs (lowercase; as ASCII, `_ascii`, where the slug is)."""
    index = [i for i in index if words[i] <= TITLE_MAX_WORDS]
    fold = _ascii if all(map(str.isascii, slug)) else str  # (a slug in another script: as written)
    text = fold("\n".join(map(lines.__getitem__, index)).lower())
    found = set()
    # a line that says enough of the slug holds one of its len(slug) - need + 1 longest words
    for key in sorted(slug, key=len, reverse=True)[:len(slug) - math.ceil(need) + 1]:
        found.update(_lines_holding(text, key))
    if not found:
        return []
    folded = text.split("\n")
    return [index[k] for k in sorted(found) if sum(map(set(_WORD.findall(folded[k])).__contains__, slug)) >= need]


def _follow_title(page: Page, runs: list[tuple[float, int, int]], top: int, stop: int, slug: tuple[str, ...],
                  params: ArticleParams) -> int:
    """The run the article starts with: the best run (`top`), unless no line of the `TITLE_WINDOW` lines
    above it (or its first) says the URL's title while some do elsewhere: then the best run of an article's
    worth of prose that starts within `TITLE_WINDOW` lines after one of them (a long list of teasers can
    outweigh a short article)."""
    start, need = runs[top][1], _need(slug, params)
    if page.titles(max(0, start - TITLE_WINDOW), start + 1, slug, need):
        return top
    said = page.titles(0, stop, slug, need)
    after = [k for k, (score, a, _) in enumerate(runs)
             if score >= params.min_article_words and any(0 < a - t <= TITLE_WINDOW for t in said)]
    return max(after, key=lambda k: runs[k][0]) if after else top


def _lines_holding(text: str, needle: str) -> set[int]:
    """The lines (by number) of `text` where `needle` occurs."""
    found, line, at = set(), 0, 0
    for hit in _find_all(text, needle):
        line += text.count("\n", at, hit)
        at = hit
        found.add(line)
    return found


def prose_before(scores: list[float]) -> list[float]:
    """The prose words above each line: `prose[i]`, the positive `scores` of the lines before line i (one
    entry more than lines)."""
    return list(accumulate([s if s > 0 else 0.0 for s in scores], initial=0.0))


def _article_prose(page: Page, params: ArticleParams) -> tuple[list[float], list[float], int, int, list[int]]:
    """(scores, prose, first, counted, candidates): the lines' scores with the function words of the first
    `counted` prose candidates counted (the others score as not prose), the prose words before each line
    (`prose[i]`: the positive scores above line i) and `first`, the first line with `min_article_words` of
    prose above it (len(lines) + 1: none), as `line_scores` would give them: candidates are counted in order
    until `first` is sure. Up to the first candidate not counted, `prose` is exact; beyond, it is at least
    `min_article_words` wherever the exact one is (both grow and agree at `first`), which is all that
    `thread_start` asks of it. (A negative `line_cost`: every candidate counted at once.)"""
    scores, candidates = _scores_before_function_words(page, params)
    need, counted, batch = params.min_article_words, 0, 8 if params.line_cost >= 0 else len(candidates)
    while True:
        _count_prose(page, scores, candidates[counted:counted + batch], params)
        counted, batch = min(len(candidates), counted + batch), batch * 2
        prose = prose_before(scores)
        first = bisect_left(prose, need)
        if counted == len(candidates) or first <= candidates[counted]:
            return scores, prose, first, counted, candidates


def _extend(runs: list[tuple[float, int, int]], top: int, params: ArticleParams) -> tuple[int, int]:
    """The article's span: the best run, joined by the runs after and before it that lie within
    `gap_lines` of it and score `run_share` of it."""
    best, start, end = runs[top]
    for score, a, b in runs[top + 1:]:
        if a - end > params.gap_lines:
            break
        if score >= params.run_share * best:
            end = b
    for score, a, b in reversed(runs[:top]):
        if start - b > params.gap_lines:
            break
        if score >= params.run_share * best:
            start = a
    return start, end


def _heading(page: Page, start: int, marks: set[int], params: ArticleParams) -> int:
    """The article's first line with its heading: up to `heading_lines` lines right above it, up to a
    list item, a comment's line or the last of a block of short lines (a menu, a section label)."""
    lines = page.lines
    for _ in range(params.heading_lines):
        i = start - 1
        if i < 0 or _LIST_MARK.match(lines[i]) or i in marks or \
                (len(lines[i]) < HEADING_MIN_CHARS and (i == 0 or len(lines[i - 1]) < HEADING_MIN_CHARS)):
            break
        start = i
    return start

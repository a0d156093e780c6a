"""Learning a site's HTML template (the `html:` section of its rule file) from its sampled pages.

Input: the site's `SiteProfile` (on how many pages each block line occurs: what is *repeated*) and an
`HtmlSample` (a bounded, order-free sample of the site's pages: their `<body>`, scripts and styles
removed, and the metadata the page declares). Output: `body`, `strip`, `title`, `date` and `author`
selectors, a `fit` check, and `evidence` (each selector's description and a verifiable example).

- **body**: every element carrying a stable id or class (`#main`, `.entry-content`; never a position,
  never a generated or digit-heavy name such as `css-1x2y3z`) or a semantic marker (`article`, `main`,
  `[itemprop="articleBody"]`) is a candidate. On each page a candidate scores the words of the
  page-specific lines it holds, less `SHORT_COST` a line (menus and headline lists score below zero),
  less `REPEAT_COST` times the words of repeated lines (on `repeat_pages` pages of the site or more).
  Candidates are chosen greedily: the best over all pages, then the best over the pages it does not fit
  (scores under `FIT_SHARE` of the page's best), up to `MAX_TEMPLATES` templates, each on
  `MIN_TEMPLATE_PAGES` pages or more; they are ordered so that each page's first fitting selector is
  its own. An element inside a chosen body that scores `TIGHT_SHARE` of it on its pages, with no
  article text (a page-specific line scoring above zero) before it, replaces it: the wrapper's extra
  is then what follows the article (other stories, teasers, tweets); the wrapper stays for the pages
  without that element. A selector that also names elements inside removed chrome is no candidate.
- **strip**: elements inside the body (stable names, or `aside`/`nav`/`form`/`footer`) whose words are
  mostly repeated (`STRIP_REPEATED` of them), or whose name says chrome (share, related, comments,
  newsletter ...) and which hold at most `STRIP_MAX_SHARE` of the body's page-specific words, or
  lists of links (`STRIP_LINK_SHARE` of their text link text, `MIN_LIST_LINES` lines a page or more,
  at most `STRIP_MAX_SHARE` of the body's page-specific words); and
  hidden elements (a hiding class such as `hidden`, an inline `display: none`, or a class or id the
  page's own `<style>` hides: gallery slides, dropdowns, pop-ups), which no reader sees.
- **title/date/author**: the selector whose text equals the page's declared title (author), or whose
  date equals its declared date (`<time>`, `<meta>`, JSON-LD: never a guessed day/month order), on
  `META_SHARE` of the pages that declare one.
- **fit**: at cleaning, a page takes a body selector only if it yields `min_words` words (a share of
  what the template held on the learning pages) and at most `max_link_share` of them in links (menus,
  related lists and tag clouds are links); else the next selector, else the generic extractor.

Deterministic: the same pages give the same section, whatever order they came in.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

import yaml

from cleaner.learn.induce import LearnedSite
from cleaner.learn.params import DEFAULT_PARAMS, LearnParams
from cleaner.learn.profile import SiteProfile, digest, page_lines, templates
from cleaner.ruleset.loader import FAST_SAFE_LOADER as _Loader

MAX_HTML_PAGES = 24  # pages of a site sampled for its template (bottom-k by content hash)
MAX_HTML_CHARS = 3_000_000  # characters of sampled <body> HTML per site
MAX_PAGE_CHARS = 600_000  # a larger <body> is not sampled (it says little more, and costs)
MIN_TEMPLATE_PAGES = 2  # a body selector must be the best fit on this many sampled pages
MAX_TEMPLATES = 4
SHORT_COST = 6.0  # words subtracted from each page-specific line: short lines (menus, headlines) score < 0
REPEAT_COST = 1.0  # a repeated word weighs this much against a page-specific one
FIT_SHARE = 0.8  # a selector fits a page where it scores this share of the page's best candidate
NEAR_BEST = 0.95  # a selector scoring this share of a page's best candidate is (nearly) its best
HELD_COST = 0.0  # words a body selector holds cost this much each, so that the tighter of two fits wins
TIGHT_SHARE = 0.9  # an element inside the chosen body scoring this share of it on its pages is preferred
MIN_FIT_WORDS = 25  # the fit check never asks fewer words than this of a page
FIT_WORDS_SHARE = 0.3  # ... and asks this share of the fewest words the template held when learned
MAX_LINK_SHARE = 0.5  # a body whose words are more than this share link text is a list, not an article
STRIP_REPEATED = 0.7  # a block inside the body whose words are this share repeated is chrome
STRIP_MAX_SHARE = 0.5  # a chrome-named block holding more of the body's page-specific words stays
STRIP_LINK_SHARE = 0.5  # a block inside the body whose text is this share link text is a list of links ...
MIN_LIST_LINES = 3  # ... where it holds this many page-specific lines a page (a linked headline is one)
META_SHARE = 0.6  # a title/date/author selector agrees with the page's metadata on this share
EXAMPLE_WORDS = 60  # an example snippet holds about this many words of the body
REPEAT_SHARE = 0.02  # repeated: on this share of the site's pages (and on 2 or more)

_CSS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{1,39}$")
_GENERATED_PREFIX = re.compile(r"^(?:css|sc|jsx|emotion|styled|svelte|astro|tw|chakra|mui|ember|ng|v)-", re.I)
_MIXED = re.compile(r"(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{4,}")
# Names that say chrome wherever they occur in a class or id ("commentlist", "relatedPosts", "sharebar"):
# such elements are removed before bodies are measured, and stripped inside the body.
_CHROME_NAME = re.compile(
    r"comment|disqus|respond|related|share|sharing|social|addthis|newsletter|subscri|signup|promo|advert|"
    r"sponsor|sidebar|breadcrumb|recommend|popular|trending|outbrain|taboola", re.I)
# ... not where a prefix says the element merely sits beside one ("has-sidebar", "no-comments")
_CHROME_PREFIX = re.compile(r"^(?:has|with|no|show|hide|without|allow|enable|disable)[-_]", re.I)
# Names that say chrome as a whole segment ("post-tags", "nav-below", "author-bio"): stripped where they
# hold little of the body's page-specific words.
_WEAK_CHROME = re.compile(
    r"(?:^|[-_])(?:tags?|tagcloud|nav|navigation|menu|print|email|follow|pagination|pager|bio|about-author|"
    r"author-?box|ads?|banner|toolbar|byline|more-stories|read-?more|widget)(?:$|[-_])", re.I)
MAX_BODY_PARTS = 3
_ARTICLE_MARK = 'h1,article,main,[itemprop="articleBody"]'  # a chrome-named element around one is a wrapper  # a body selector matching more elements on a page is a layout class ("row", "clearfix")


@functools.lru_cache(maxsize=65536)
def chrome_name(sel: str) -> bool:
    """Whether a selector's name says chrome (see `_CHROME_NAME`)."""
    name = sel.lstrip("#.")
    return bool(_CHROME_NAME.search(name)) and not _CHROME_PREFIX.match(name)


# Hidden elements are never article text (the reader never sees them: gallery slides, dropdowns, pop-ups):
# class names that hide by convention, an inline style that hides, and the page's own top-level <style>
# rules that hide a class or id.
_HIDDEN_CLASS = re.compile(r"^(?:hidden|hide|is-hidden|d-none|display-none|invisible)$", re.I)
_HIDING_STYLES = ("display:none", "display: none", "visibility:hidden", "visibility: hidden")
_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SIMPLE_SELECTOR = re.compile(r"[.#]([A-Za-z][A-Za-z0-9_-]*)")


def hidden_selectors(tree) -> tuple[str, ...]:
    """The class and id selectors that the page's own top-level `<style>` rules hide (`display: none`,
    `visibility: hidden`); rules inside `@media` (print, small screens) do not count."""
    out = set()
    for style in tree.css("style"):
        for selectors, block in _top_level_rules(style.text()):
            if _HIDING.search(block):
                for sel in selectors.split(","):
                    m = _SIMPLE_SELECTOR.fullmatch(sel.strip())
                    if m and stable_name(m.group(1)):
                        out.add(sel.strip())
    return tuple(sorted(out))


def _top_level_rules(css: str):
    """(selectors, declarations) of the rules outside any `@` block."""
    depth, start, head = 0, 0, ""
    for i, c in enumerate(css):
        if c == "{":
            if depth == 0:
                head, start = css[start:i], i + 1
            depth += 1
        elif c == "}" and depth:
            depth -= 1
            if depth == 0:
                if "@" not in head and "{" not in css[start:i]:
                    yield head.split(";")[-1], css[start:i]
                start = i + 1


def hidden_selector(node, hidden: tuple[str, ...]) -> str | None:
    """The selector by which an element is hidden: a hiding class name, an id or class the page's style
    hides, or its inline style (`[style*="display:none" i]`); None where it is shown."""
    attrs = node.attributes
    for sel in node_selectors(node):
        if sel in hidden or (sel[0] == "." and _HIDDEN_CLASS.match(sel[1:])):
            return sel
    style = (attrs.get("style") or "").lower()
    for decl in _HIDING_STYLES if style else ():
        if decl in style:
            return f'[style*="{decl}" i]'
    return None


_STRUCTURE = ("aside", "nav", "form", "footer")
_CONTAINERS = frozenset("div section article main td header ul ol aside nav form footer figure".split())
_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=65536)
def stable_name(token: str) -> bool:
    """A class or id a template can rely on: CSS-safe, not generated (`css-1x2y3z`, `sc-bdVaJa`), not
    hashed or numbered (`post-1234`, `a8f3e2`)."""
    if not _CSS_NAME.match(token) or _GENERATED_PREFIX.match(token):
        return False
    digits = sum(c.isdigit() for c in token)
    if digits > 2 or digits * 5 > len(token):
        return False
    if any(_MIXED.fullmatch(part) for part in re.split(r"[-_]", token)):
        return False  # a part mixing letters and digits: a hash or a build id
    # a camel-case jumble (`bdVaJa`, `kQmHzx`): 3+ case switches in a short part
    return not any(sum(1 for a, b in zip(p, p[1:]) if a.islower() and b.isupper()) >= 2 and len(p) <= 10
                   for p in re.split(r"[-_]", token))


def node_selectors(node) -> list[str]:
    """The stable selectors naming an element: `#id`, `.class`, and semantic markers."""
    attrs = node.attributes
    out = []
    ident = (attrs.get("id") or "").strip()
    if ident and stable_name(ident):
        out.append(f"#{ident}")
    out += [f".{c}" for c in sorted(set((attrs.get("class") or "").split())) if stable_name(c)]
    if node.tag in ("article", "main"):
        out.append(node.tag)
    if (attrs.get("itemprop") or "") == "articleBody":
        out.append('[itemprop="articleBody"]')
    return out


# --- the sample ------------------------------------------------------------------------------------------


@dataclass
class HtmlPage:
    """A sampled page: its `<body>` HTML (scripts, styles, hidden elements removed) and its declared
    metadata."""

    body: str
    meta: dict = field(default_factory=dict)
    hidden: tuple[str, ...] = ()  # the class and id selectors the page's own <style> hides


class HtmlSample:
    """Up to `MAX_HTML_PAGES` pages of a site (and `MAX_HTML_CHARS`): those with the smallest content
    hashes, so the sample depends only on the set of pages seen. Mergeable, picklable."""

    def __init__(self, max_pages: int = MAX_HTML_PAGES):
        self.max_pages = max_pages
        self.pages: dict[int, HtmlPage] = {}
        self.chars = 0

    def wants(self, key: int) -> bool:
        """Whether a page with this hash would enter the sample (so that only those are serialised)."""
        return key not in self.pages and (len(self.pages) < self.max_pages or key < max(self.pages))

    def offer(self, key: int, page: HtmlPage) -> None:
        if not self.wants(key) or len(page.body) > MAX_PAGE_CHARS:
            return
        self.pages[key] = page
        self.chars += len(page.body)
        while len(self.pages) > self.max_pages or (self.chars > MAX_HTML_CHARS and len(self.pages) > 1):
            worst = max(self.pages)
            self.chars -= len(self.pages.pop(worst).body)

    def merge(self, other: HtmlSample) -> HtmlSample:
        for key in sorted(other.pages):
            self.offer(key, other.pages[key])
        return self

    def sorted_pages(self) -> list[HtmlPage]:
        return [self.pages[k] for k in sorted(self.pages)]


def page_lines_sampled(html: str, sample: HtmlSample | None) -> list[str]:
    """An HTML page's block lines: the selector path's extraction applied to the whole <body> (`sample`:
    None, or the site's sample of pages, which is offered this one)."""
    from cleaner.html.blocks import lines_of, parse, strip_never_text
    from cleaner.html.meta import page_metadata

    tree = parse(html)
    key = digest(html) if sample is not None else None
    take = sample is not None and sample.wants(key)
    meta = page_metadata(tree) if take else {}
    hidden = hidden_selectors(tree) if take else ()
    strip_never_text(tree)
    root = tree.body or tree.root
    if root is None:
        return []
    if take:
        sample.offer(key, HtmlPage(root.html or "", {k: meta[k] for k in ("title", "date", "author") if k in meta},
                                   hidden))
    return lines_of(root)


# --- one page, measured ----------------------------------------------------------------------------------


def weight(line: str) -> float:
    """A line's size in words, language-neutral (characters / 6 for scripts without spaces)."""
    return max(len(_WORD.findall(line)), len(line) / 6)


class _Measured:
    """One sampled page, its block tree prepared once: for each candidate element the page-specific and
    repeated words it holds, and which selectors name it."""

    def __init__(self, page: HtmlPage, repeated):
        from cleaner.html.blocks import parse

        self.page = page
        self.tree = parse(page.body)
        self.root = root = self.tree.body or self.tree.root
        self.repeated = repeated
        self.title = _norm(page.meta.get("title") or "")
        self.nodes: dict[str, list] = {}  # selector -> its elements, in document order
        self._stats: dict[int, tuple[float, float, float, float]] = {}
        if root is None:
            return
        self.links = _link_chars(root)  # element (mem_id) -> characters of link text inside it
        _prepare(root)
        # chrome-named or hidden selector -> the ancestors (mem_id) of each element of it, removed before
        # measuring; `why`: "hidden" or "name" (what says it is no article text)
        self.chrome: dict[str, list[set[int]]] = {}
        self.why: dict[str, str] = {}
        named = {node.mem_id: node_selectors(node) if node.attributes else [] for node in root.traverse()}
        removed = [node for node in root.traverse() if self._is_chrome(node, named[node.mem_id])]
        everywhere = Counter(sel for node in root.traverse() if node.tag in _CONTAINERS
                             for sel in named[node.mem_id])
        for node in reversed(removed):  # innermost first
            node.decompose()
        for node in root.traverse():
            if node.tag not in _CONTAINERS:
                continue
            for sel in named.get(node.mem_id, ()):
                self.nodes.setdefault(sel, []).append(node)
            if node.tag in _STRUCTURE:
                self.nodes.setdefault(node.tag, []).append(node)
        # selectors that also name elements inside the chrome removed above: as a body, cleaning (which
        # strips inside the body only) would take those too
        self.in_chrome = {sel for sel, n in everywhere.items() if n > len(self.nodes.get(sel, ()))}

    def _is_chrome(self, node, sels: list[str]) -> bool:
        """Whether an element is hidden or named as chrome (and wraps no article), recorded in `chrome`."""
        hidden = hidden_selector(node, self.page.hidden) if node.attributes and node is not self.root else None
        names = [hidden] if hidden else [s for s in sels if s[0] in "#." and chrome_name(s)] \
            if node.tag in _CONTAINERS else []
        if not names or node.css_first(_ARTICLE_MARK) is not None:  # (a wrapper around the article)
            return False
        up, p = set(), node.parent
        while p is not None:
            up.add(p.mem_id)
            p = p.parent
        for sel in names:
            self.chrome.setdefault(sel, []).append(up)
            self.why.setdefault(sel, "hidden" if hidden else "name")
        return True

    def is_title(self, line: str) -> bool:
        """The page's declared title, or its start or end (a declared title may add the site's name)."""
        if not self.title or len(line) > 2 * len(self.title):
            return False
        text = _norm(line)
        return bool(text) and (text == self.title or (text.count(" ") >= 2 and _titles(text, self.title)))

    def lines(self, node) -> list[str]:
        from cleaner.html.blocks import SEP, BR

        text = node.text(separator=SEP, deep=True)
        out = []
        for part in re.split(f"[{SEP}{BR}]", text):
            line = " ".join(part.split())
            if line:
                out.append(line)
        return out

    def stats(self, node) -> tuple[float, float, float, float]:
        """(score, page-specific words, repeated words, page-specific lines) of one element."""
        key = node.mem_id
        got = self._stats.get(key)
        if got is None:
            lines = self.lines(node)
            score = spec = rep = n = 0.0
            for line, tmpl in zip(lines, templates("\n".join(lines))):
                w = weight(line)
                score += self.line_score(line, tmpl)
                if self.repeated(tmpl):
                    rep += w
                else:
                    spec += w
                    n += 1
            got = self._stats[key] = (score, spec, rep, n)
        return got

    def line_score(self, line: str, tmpl: str) -> float:
        """A line's part of a body's score: its words less `SHORT_COST` where it is page-specific (the
        headline is article text: a short line, but the page's declared title: its words), less
        `REPEAT_COST` times its words where it is repeated."""
        w = weight(line)
        if self.repeated(tmpl):
            return -REPEAT_COST * w
        return w if self.is_title(line) else w - SHORT_COST

    def outermost(self, sel: str) -> list:
        nodes = self.nodes.get(sel, [])
        if len(nodes) <= 1:
            return nodes
        ids = {n.mem_id for n in nodes}
        out = []
        for n in nodes:
            p, inside = n.parent, False
            while p is not None and not inside:
                inside = p.mem_id in ids
                p = p.parent
            if not inside:
                out.append(n)
        return out

    def score(self, sel: str) -> tuple[float, float, float]:
        """(score, page-specific words, repeated words) of a body selector on this page (0s: no match)."""
        s = spec = rep = 0.0
        for n in self.outermost(sel):
            a, b, c, _ = self.stats(n)
            s, spec, rep = s + a, spec + b, rep + c
        return s, spec, rep


def _link_chars(root) -> Counter:
    """Element (mem_id) -> the characters of link text inside it (read before links are unwrapped)."""
    links: Counter = Counter()
    for a in root.css("a"):
        n, up = len("".join(a.text().split())), a.parent
        while up is not None and n:
            links[up.mem_id] += n
            up = up.parent
    return links


def _prepare(root) -> None:
    """Block boundaries as separators, inline tags unwrapped: `node.text(separator)` then gives lines
    (rows and breaks are replaced before any element is collected: a replaced element must never be
    touched again)."""
    from cleaner.html.blocks import _INLINE_SEL, _flatten_rows, _mark_breaks

    _flatten_rows(root)
    _mark_breaks(root)
    for node in root.css(_INLINE_SEL):
        node.unwrap()
    root.merge_text_nodes()


# --- the site --------------------------------------------------------------------------------------------


@dataclass
class Template:
    """What was learned: the `html:` section and, for `learned.json`, how the sampled pages fit it."""

    section: dict
    fits: Counter  # selector (or "generic: <reason>") -> sampled pages


def repeat_pages(pages: int) -> int:
    """On how many pages of a site a line must occur to count as repeated."""
    return max(2, math.ceil(REPEAT_SHARE * pages))


def learn_template(profile: SiteProfile, sample: HtmlSample, *, min_pages: int = 3) -> tuple[Template | None, str]:
    """The site's `html:` section from its profile and HTML sample; (None, why) when none holds."""
    pages = sample.sorted_pages()
    if len(pages) < min_pages:
        return None, f"{len(pages)} sampled HTML pages, fewer than {min_pages}: no template"
    floor = repeat_pages(profile.pages)
    counts: dict[str, bool] = {}

    def repeated(tmpl: str) -> bool:
        got = counts.get(tmpl)
        if got is None:
            got = counts[tmpl] = profile.count(tmpl) >= floor
        return got

    measured = [_Measured(p, repeated) for p in pages]
    bodies = _choose_bodies(measured)
    if not bodies:
        return None, f"{len(pages)} sampled HTML pages: no element holds the article on {MIN_TEMPLATE_PAGES} of them"
    return _section(measured, bodies), ""


def _choose_bodies(measured: list[_Measured]) -> list[str]:
    """Greedy cover of the pages by body selectors (see the module doc), then ordered."""
    sels, table, held = _score_table(measured)
    best = [max([table[s][i] for s in sels] or [0.0]) for i in range(len(measured))]
    open_pages = {i for i, b in enumerate(best) if b > 0}
    chosen: list[str] = []
    inner_first: list[tuple[str, str]] = []  # (tighter element, the wrapper it was preferred to)
    while open_pages and len(chosen) < MAX_TEMPLATES:
        fits = {s: [i for i in sorted(open_pages) if table[s][i] >= FIT_SHARE * best[i]] for s in sels}
        top = _best_body(sels, fits, table, held, best)
        if top is None:
            break
        wrappers = []
        while (inner := _tighter(top, fits[top], sels, table, measured)) is not None:
            wrappers.append(top)
            fits[inner] = [i for i in fits[top] if table[inner][i] > 0]
            inner_first += [(inner, w) for w in wrappers]
            top = inner
        chosen.append(top)
        open_pages -= set(fits[top])
    return _order(chosen, table, best, inner_first)


def _tighter(top: str, pages: list[int], sels: list[str], table: dict, measured: list[_Measured]) -> str | None:
    """An element inside the body `top` that scores `TIGHT_SHARE` of it on each of its pages (it
    exists on `MIN_TEMPLATE_PAGES` or more) and has no article text before it in the wrapper: the
    wrapper's extra is then page-specific but no article (teasers, tweets, other stories). The pages
    without it keep the wrapper."""
    found = []
    for s in sels:
        on = [i for i in pages if table[s][i] > 0] if s != top else []
        if len(on) < MIN_TEMPLATE_PAGES:
            continue
        if any(table[s][i] < TIGHT_SHARE * table[top][i] for i in on):
            continue
        if all(_nested(measured[i], s, top) and not _cuts_header(measured[i], s, top) for i in on):
            found.append((len(on), sum(table[s][i] for i in on), _neg(s), s))
    return max(found)[3] if found else None


def _cuts_header(m: _Measured, inner: str, outer: str) -> bool:
    """Whether the wrapper holds article text before the inner element: a page-specific line that scores
    above zero (the headline, a standfirst, a byline with its date). What a tighter element may leave
    out is what follows the article (other stories, tags, related lists), never its header."""
    lines, first = m.lines(m.outermost(outer)[0]), m.lines(m.outermost(inner)[0])
    if not first or first[0] not in lines:
        return True
    lead = lines[:lines.index(first[0])]
    return any(m.line_score(line, tmpl) > 0 for line, tmpl in zip(lead, templates("\n".join(lead))))


def _nested(m: _Measured, inner: str, outer: str) -> bool:
    """Whether every element of `inner` lies strictly inside an element of `outer` on the page."""
    ids = {n.mem_id for n in m.outermost(outer)}
    return all(_within(n, ids) for n in m.outermost(inner))


def _score_table(measured: list[_Measured]) -> tuple[list[str], dict, dict]:
    """The candidate body selectors (on `MIN_TEMPLATE_PAGES` pages or more), each one's score per page
    (0 where it matches nothing, more than `MAX_BODY_PARTS` elements, or also elements inside chrome),
    and the words it holds."""
    on = Counter(s for m in measured for s in m.nodes if s not in _STRUCTURE)
    sels = sorted(s for s, n in on.items() if n >= MIN_TEMPLATE_PAGES)
    table = {s: [m.score(s)[0] if 0 < len(m.outermost(s)) <= MAX_BODY_PARTS and s not in m.in_chrome else 0.0
                 for m in measured] for s in sels}
    held = {s: [sum(m.score(s)[1:]) for m in measured] for s in sels}
    return sels, table, held


def _best_body(sels: list[str], fits: dict, table: dict, held: dict, best: list[float]) -> str | None:
    """The selector that is (nearly) the best on most open pages, then the most score over the pages it
    fits (a wrapper fitting every page type loses to the elements that hold each type's article); None
    when none fits `MIN_TEMPLATE_PAGES` pages."""
    def near(s):
        return sum(1 for i in fits[s] if table[s][i] >= NEAR_BEST * best[i])

    if max(len(f) for f in fits.values()) < MIN_TEMPLATE_PAGES:
        return None
    top = max(sels, key=lambda s: (near(s), sum(table[s][i] - HELD_COST * held[s][i] for i in fits[s]),
                                   len(fits[s]), _neg(s)))
    return top if near(top) else None


def _neg(s: str) -> tuple:
    """Tie-break: the shorter, then the alphabetically first selector (max() takes the largest key)."""
    return (-len(s), [-ord(c) for c in s])


def _order(chosen: list[str], table: dict, best: list[float], inner_first: list[tuple[str, str]]) -> list[str]:
    """The order of the body selectors under which the pages take the best total (first match wins), a
    tighter element before the wrapper it was preferred to."""
    from itertools import permutations

    def total(order):
        t = 0.0
        for i in range(len(best)):
            for s in order:
                if table[s][i] > 0:
                    t += table[s][i]
                    break
        return t

    if len(chosen) <= 1:
        return chosen
    pairs = [(a, b) for a, b in inner_first if a in chosen and b in chosen]
    orders = [o for o in permutations(chosen) if all(o.index(a) < o.index(b) for a, b in pairs)]
    return list(max(orders, key=lambda o: (total(o), [_neg(s) for s in o])))


def _first_fit(m: _Measured, bodies: list[str]) -> str | None:
    for s in bodies:
        if m.score(s)[0] > 0:
            return s
    return None


def _section(measured: list[_Measured], bodies: list[str]) -> Template:
    from cleaner.html.blocks import parse

    per_body: dict[str, list[_Measured]] = {s: [] for s in bodies}
    fits: Counter = Counter()
    for m in measured:
        s = _first_fit(m, bodies)
        if s is None:
            fits["generic: no body selector matches"] += 1
        else:
            per_body[s].append(m)
            fits[s] += 1
    bodies = [s for s in bodies if per_body[s]]  # (a later selector no page takes first adds nothing)
    per_body = {s: per_body[s] for s in bodies}
    strip, strip_notes = _choose_strip(per_body)
    section: dict = {"body": bodies}
    if strip:
        section["strip"] = strip
    notes = []
    for s in bodies:
        ms = per_body[s]
        spec = sum(m.score(s)[1] for m in ms)
        rep = sum(m.score(s)[2] for m in ms)
        notes.append({"key": "body", "selector": s, "description": (
            f"Holds the article on {len(ms)} of {len(measured)} sampled pages: {round(spec):,} page-specific "
            f"words kept, {round(rep):,} repeated words left (lines on several pages of the site).")})
    notes += strip_notes
    # (parsed again: the measured trees have their inline elements unwrapped)
    parsed = [(m.page, parse(m.page.body)) for m in measured if m.page.meta]
    for key in ("title", "date", "author"):
        found = _meta_selector(parsed, key)
        if found:
            section[key] = [found[0]]
            notes.append({"key": key, "selector": found[0], "description": found[1]})
    words = [m.score(s)[1] for s, ms in per_body.items() for m in ms]
    min_words = max(MIN_FIT_WORDS, int(FIT_WORDS_SHARE * min(words))) if words else MIN_FIT_WORDS
    section["fit"] = {"min_words": min_words, "max_link_share": MAX_LINK_SHARE}
    section["evidence"] = notes
    return Template(section, fits)


def _choose_strip(per_body: dict[str, list[_Measured]]) -> tuple[list[str], list[dict]]:
    """Strip selectors inside the chosen bodies (see the module doc), with their evidence."""
    inside = _inside_bodies(per_body)
    notes = [n for n in (_strip_note(sel, inside[sel]) for sel in sorted(inside)) if n]
    strip = _outermost_selectors([n["selector"] for n in notes], per_body)
    return strip, [n for n in notes if n["selector"] in strip]


def _inside_bodies(per_body: dict[str, list[_Measured]]) -> dict[str, list[tuple]]:
    """Selector -> per page where it lies inside the body: (page-specific words, repeated words, share
    of the body's page-specific words, why it was removed before measuring: "hidden", "name" or "",
    characters of link text, characters, page-specific lines)."""
    inside: dict[str, list[tuple]] = {}
    for body, ms in per_body.items():
        for m in ms:
            roots = m.outermost(body)
            spec_total = sum(m.stats(r)[1] for r in roots) or 1.0
            root_ids = {r.mem_id for r in roots}
            for sel, ups in m.chrome.items():  # removed before measuring: their words are not counted
                if any(up & root_ids for up in ups):
                    inside.setdefault(sel, []).append((0.0, 0.0, 0.0, m.why[sel], 0, 0, 0))
            for sel, nodes in m.nodes.items():
                mine = [n for n in nodes if n.mem_id not in root_ids and _within(n, root_ids)]
                if mine and sel not in per_body:
                    inside.setdefault(sel, []).append(_block_row(m, mine, spec_total))
    return inside


def _block_row(m: _Measured, nodes: list, spec_total: float) -> tuple:
    """A block's row of `_inside_bodies` on one page."""
    spec = sum(m.stats(n)[1] for n in nodes)
    rep = sum(m.stats(n)[2] for n in nodes)
    lines = sum(m.stats(n)[3] for n in nodes)
    links = sum(m.links[n.mem_id] for n in nodes)
    chars = sum(len("".join(line.split())) for n in nodes for line in m.lines(n))
    return spec, rep, spec / spec_total, "", links, chars, lines


def _strip_note(sel: str, rows: list[tuple]) -> dict | None:
    """The evidence of a strip selector, or None where it is no chrome (or on too few pages)."""
    if len(rows) < MIN_TEMPLATE_PAGES:
        return None
    where = f"Inside the body on {len(rows)} sampled pages"
    if rows[0][3]:
        return _removed_note(sel, where, rows[0][3])
    spec, rep = sum(r[0] for r in rows), sum(r[1] for r in rows)
    if spec + rep <= 0:
        return None
    by_repeat = rep >= STRIP_REPEATED * (spec + rep)
    small = max(r[2] for r in rows) <= STRIP_MAX_SHARE
    by_name = (sel in _STRUCTURE or _WEAK_CHROME.search(sel.lstrip("#."))) and small
    links, chars = sum(r[4] for r in rows), sum(r[5] for r in rows)
    by_links = (small and chars and links >= STRIP_LINK_SHARE * chars
                and sum(r[6] for r in rows) >= MIN_LIST_LINES * len(rows))
    if not (by_repeat or by_name or by_links):
        return None
    why = ("its words repeat across the site's pages" if by_repeat else "its name or tag says chrome" if by_name
           else f"a list of links ({links / chars:.0%} of its text is link text)")
    return {"key": "strip", "selector": sel, "description": (
        f"{where}; {why}: removes {round(rep):,} repeated and {round(spec):,} page-specific words.")}


def _removed_note(sel: str, where: str, why: str) -> dict:
    """The evidence of a strip selector removed before bodies were measured (`why`: "hidden", "name")."""
    if why == "hidden":
        how = ("its inline style" if sel.startswith("[style") else "its class name" if _HIDDEN_CLASS.match(sel[1:])
               else "the page's own stylesheet")
        return {"key": "strip", "selector": sel, "description": (
            f"{where}; hidden from the reader ({how} hides it), so it is left out when bodies are measured.")}
    return {"key": "strip", "selector": sel, "description": (
        f"{where}; its name says chrome (comments, share, related or promotion blocks), so it is left out "
        f"when bodies are measured.")}


def _within(node, ids: set[int]) -> bool:
    p = node.parent
    while p is not None:
        if p.mem_id in ids:
            return True
        p = p.parent
    return False


def _outermost_selectors(strip: list[str], per_body: dict) -> list[str]:
    """Drop a strip selector whose elements always lie inside another's (it adds nothing)."""
    keep = []
    for sel in strip:
        if not any(sel in m.nodes for ms in per_body.values() for m in ms):
            keep.append(sel)  # chrome-named: removed before measuring
            continue
        covered = True
        for ms in per_body.values():
            for m in ms:
                others = {n.mem_id for o in strip if o != sel for n in m.nodes.get(o, [])}
                if any(not _within(n, others) for n in m.nodes.get(sel, [])):
                    covered = False
        if not covered:
            keep.append(sel)
    return keep


def _meta_selector(parsed: list[tuple[HtmlPage, object]], key: str) -> tuple[str, str] | None:
    """A selector whose element gives the page's declared title/date/author on `META_SHARE` of the pages
    that declare one (dates compared as parsed ISO dates, never a guessed order). `parsed`: the sampled
    pages that declare some metadata, each with its tree."""
    declared = [(page, tree) for page, tree in parsed if page.meta.get(key)]
    if len(declared) < MIN_TEMPLATE_PAGES:
        return None
    from cleaner.html.blocks import text_of

    votes: Counter = Counter()
    titles: dict[str, set[str]] = {}  # title selector -> the headlines it gave
    for page, tree in declared:
        seen: set[str] = set()
        for node in tree.css(_META_TAGS[key]):
            attrs = node.attributes
            if node.tag not in ("h1", "time") and not _META_HINT[key].search(
                    f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
                continue
            for sel in _meta_candidates(node, key):
                if sel not in seen:
                    seen.add(sel)
                    found = tree.css_first(sel)
                    agrees = _agrees(found, key, page.meta[key])
                    votes[sel] += agrees
                    if agrees and key == "title":
                        titles.setdefault(sel, set()).add(_norm(text_of(found)))
    # a headline differs from page to page: one text on several pages is the site's name, which a
    # declared title may begin with
    votes = Counter({s: n for s, n in votes.items() if key != "title" or len(titles.get(s, ())) == n})
    if not votes:
        return None
    sel, n = max(votes.items(), key=lambda kv: (kv[1], _neg(kv[0])))
    if n < META_SHARE * len(declared) or n < MIN_TEMPLATE_PAGES:
        return None
    return sel, (f"Gives the page's declared {key} ({_DECLARED[key]}) on {n} of the {len(declared)} sampled "
                 f"pages that declare one.")


_DECLARED = {"title": "<meta> or JSON-LD headline, else its <h1>", "date": "<meta>, JSON-LD or <time datetime>",
             "author": "<meta> or JSON-LD"}


_META_TAGS = {"title": "h1,h2", "date": "time,span,div,p,abbr", "author": "a,span,div,p,address"}
# the names a title, date or author element carries (besides <h1> and <time>)
_META_HINT = {"title": re.compile(r"title|headline|heading", re.I),
              "date": re.compile(r"date|time|posted|publish|updated|meta|byline", re.I),
              "author": re.compile(r"author|byline|writer|creator|vcard|fn", re.I)}


def _meta_candidates(node, key: str) -> list[str]:
    names = [s for s in node_selectors(node) if s.startswith((".", "#"))]
    out = [f"{node.tag}{s}" if s.startswith(".") else s for s in names]
    if node.tag in ("h1", "time"):
        out.append(node.tag)
    return out


def _agrees(node, key: str, want: str) -> int:
    """1 if the element's value is the page's declared one: the same date, or the title/author (the
    declared title may add the site's name before or after the headline)."""
    from cleaner.core.dates import parse_date
    from cleaner.html.blocks import text_of

    if node is None:
        return 0
    if key == "date":
        when = parse_date(node.attributes.get("datetime") or text_of(node))
        return int(when is not None and when == want)
    text, want = _norm(text_of(node)), _norm(want)
    return int(bool(text) and (text == want or (key == "title" and len(text.split()) >= 2 and _titles(text, want))))


def _titles(text: str, title: str) -> bool:
    """Whether a (normalised) text is a declared title less the site's name before or after it."""
    return title.startswith(text + " ") or title.endswith(" " + text)


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


# --- the rule file ---------------------------------------------------------------------------------------


def learn_site_html(profile: SiteProfile, sample: HtmlSample | None, *, min_pages: int = 3,
                    params: LearnParams = DEFAULT_PARAMS) -> tuple[LearnedSite, dict | None]:
    """`learn_site`, plus the `html:` section where the site's HTML pages share a template: then the text
    rules are learned on the lines the template yields on the sampled pages (what they will run on).
    Returns the learned site and, for `learned.json`, how the sampled pages fit the template (None: no
    HTML sample, or no template; the reason says why)."""
    from cleaner.learn.induce import learn_site

    if sample is None or not sample.pages or profile.pages < min_pages:
        return learn_site(profile, min_pages=min_pages, params=params), None
    tpl, why = learn_template(profile, sample, min_pages=min_pages)
    if tpl is None:
        learned = learn_site(profile, min_pages=min_pages, params=params)
        return replace(learned, reason=f"{learned.reason}; {why}"), None
    fits, bodies = _fit_pages(tpl.section, sample)
    body_profile = SiteProfile(profile.site)
    for lines in bodies:
        body_profile.add_page(lines)
    text = learn_site(body_profile, min_pages=min_pages, params=params)
    doc = yaml.load(text.yaml_text, Loader=_Loader) if text.yaml_text else {
        "site": profile.site, "description": "", "domains": [profile.site]}
    doc["description"] = (f"Learned by `cleaner learn` from {profile.pages} pages of {profile.site}: the HTML "
                          f"template from {len(sample.pages)} sampled pages, the text rules from the lines it "
                          f"yields on them; review, edit and commit like any rule file.")
    section = dict(tpl.section)
    doc = {**{k: v for k, v in doc.items() if k != "rules"}, "html": section,
           **({"rules": doc["rules"]} if doc.get("rules") else {})}
    _add_examples(doc, sample)
    rules = len(doc.get("rules", ()))
    took = ", ".join(f"{k} {n}" for k, n in sorted(fits.items()))
    reason = (f"{profile.pages} pages: template body {', '.join(section['body'])} (sampled pages: {took}); "
              f"{rules} text rules on its lines ({text.reason.split(': ', 1)[-1]})")
    return LearnedSite(profile.site, profile.pages, rules, _dump(doc), reason, _template_confidence(text)), {
        "body": section["body"], "sampled_pages": dict(sorted(fits.items()))}


def _template_confidence(text: LearnedSite) -> dict:
    """The confidence of the text rules learned on the template's lines (what cleaning runs them on);
    no text rule is no weakness where the template itself was learned."""
    confidence = dict(text.confidence)
    if confidence:
        confidence["weak"] = [w for w in confidence["weak"] if w != "no rule holds"]
    return confidence


def _fit_pages(section: dict, sample: HtmlSample) -> tuple[Counter, list[list[str]]]:
    """How the sampled pages take the section (selector, or "generic: <why>"), and the lines of those
    that take a body selector, as cleaning extracts them."""
    from cleaner.html.extract import extract_html
    from cleaner.html.model import HtmlConfig

    config = HtmlConfig.from_section(section)
    fits: Counter = Counter()
    bodies = []
    for page in sample.sorted_pages():
        ext = extract_html(_page_html(page.body), config=_no_meta(config))
        if ext.selector:
            fits[ext.selector] += 1
            bodies.append(page_lines(ext.text))
        else:
            fits[f"generic: {_reason_kind(ext.fallback)}"] += 1
    return fits, bodies


def _no_meta(config):
    return replace(config, title=(), date=(), author=(), publisher=())


def _reason_kind(why: str | None) -> str:
    """A fallback reason without its numbers, so that reasons count together."""
    return (why or "no body selector matches").split(" (", 1)[0]


def _page_html(body: str) -> str:
    return f"<!DOCTYPE html><html><head></head>{body}</html>" if not body.lstrip().startswith("<html") else body


def _add_examples(doc: dict, sample: HtmlSample) -> None:
    """A short, real example for each body and strip selector: the selector's element with the first
    paragraphs it held on a sampled page (and, for strip, the stripped block's first line inside it);
    its output is the text the template extracts from it (before the text rules), as `rules check`
    verifies it. A selector whose snippet the template would not take keeps its description only."""
    from cleaner.html.extract import extract_html
    from cleaner.html.model import HtmlConfig

    section = doc["html"]
    config = HtmlConfig.from_section(section)
    pages = sample.sorted_pages()
    for note in section["evidence"]:
        if note["key"] not in ("body", "strip"):
            continue
        snippet = _snippet(note, config, pages, section["fit"]["min_words"])
        if snippet is None:
            continue
        ext = extract_html(snippet, config=config)
        want = note["selector"] if note["key"] == "body" else config.body[0]
        if ext.selector == want and ext.text:
            note["example"] = {"input": snippet, "output": ext.text + "\n"}


def _snippet(note: dict, config, pages: list[HtmlPage], min_words: int) -> str | None:
    """A minimal page for a body or strip selector's example, from the first sampled page it applies to."""
    from cleaner.html.blocks import lines_of, parse, strip_never_text

    body_sel = note["selector"] if note["key"] == "body" else None
    attr = _ATTR_SELECTOR.fullmatch(note["selector"])
    name = attr.group(2) if attr else note["selector"].lstrip("#.")
    for page in pages:
        if name not in page.body:  # (cheap: most pages of a strip selector's site lack it)
            continue
        tree = parse(page.body)
        strip_never_text(tree)
        sels = [body_sel] if body_sel else list(config.body)
        for sel in sels:
            node = tree.css_first(sel)
            if node is None:
                continue
            block = None
            if body_sel is None:
                inner = node.css_first(note["selector"])
                if inner is None:
                    continue
                block = (lines_of(inner) or [""])[0]
                inner.decompose()
                if not block:
                    continue
            kept, words = [], 0
            for para in lines_of(node):
                kept.append(para)
                words += len(para.split())
                if words >= max(EXAMPLE_WORDS, min_words + 10) or len(kept) >= 8:
                    break
            if words < min_words:
                continue
            inner_html = "".join(f"<p>{_esc(p)}</p>" for p in kept)
            if block is not None:
                inner_html += _element(note["selector"], f"<p>{_esc(block)}</p>")
            return f"<html><body>{_element(sel, inner_html)}</body></html>\n"
    return None


def _element(sel: str, inner: str) -> str:
    """An element the (simple, learned) selector matches."""
    if sel.startswith("#"):
        return f'<div id="{sel[1:]}">{inner}</div>'
    if sel.startswith("."):
        return f'<div class="{sel[1:]}">{inner}</div>'
    attr = _ATTR_SELECTOR.fullmatch(sel)
    if attr:
        return f'<div {attr.group(1)}="{attr.group(2)}">{inner}</div>'
    return f"<{sel}>{inner}</{sel}>"


_ATTR_SELECTOR = re.compile(r'\[([a-z-]+)\*?="([^"]*)"(?: i)?\]')  # [itemprop="articleBody"], [style*="display:none" i]


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=False)


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line strings (examples) as literal blocks."""


_Dumper.add_representer(str, lambda dumper, s: dumper.represent_scalar(
    "tag:yaml.org,2002:str", s, style="|" if "\n" in s else None))


def _dump(doc: dict) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)

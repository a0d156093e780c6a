"""From a site's profile to a rule file in our vocabulary.

1. **Chrome lines**: templates (`profile.template`: case, spaces and digit runs folded) on at least
   `min_pages` pages and `MIN_SHARE` of them, and not only on copies of one page (`_copies`). A prose
   line (`PROSE_WORDS` words or more) is chrome only if it does not lie inside the article next to
   page-specific text on most sampled pages it occurs on: a syndicated paragraph, a series intro or a
   disclaimer inside the article stays. They become `drop` rules, by side of the article.
2. **The article** of each sampled page: lines score for the article by their length (page-specific
   text) or against it (chrome, short lines); the runs of lines with a positive sum (each run's best
   stretch, as in body text extraction) are candidates, and the article is the first run that scores
   `FIRST_SHARE` of the best (comment threads and galleries below an article can outweigh it), continued
   across a short insert. A chrome line repeated on the page, or a short line whose ending repeats there
   with a number or separator in it ("Anna on 12/10/2012 at 9:59 am. Reply"), ends a run outright: it
   separates the items of a list.
3. **Markers**: chrome lines that lie before (after) the article on `CONSISTENT` of the sampled pages
   they occur on. `cut-head` up to a start marker and `cut-tail` from the first end marker remove what
   lies around the article, chrome or not: related lists, comment threads, page-specific sidebars. Markers
   are chosen greedily for the page-specific words they remove outside the article against `COST` times
   the article words they remove (the heading and a lead above it count as article), over the sample.
4. **Blocks and labels**: a chrome label followed by a few short page-specific lines ("You may be
   interested" and its headlines) becomes `drop-block`; lines that start with the same short label
   outside the article ("Tag: ...") a `drop` rule, or `extract` (`source_url`) where a URL follows.
5. **Metadata**: a chrome line shape with a numeric date becomes an `extract` rule (`date`); the first
   line left, where it is the one short line above the article, the title (`keep: true`).
6. **Signature**: a long chrome line on nearly every page that names the site or is long enough to be
   distinctive recognises the site's text without a URL.

Every rule's `description` gives its evidence (pages, share, position) and its `examples` come from
sampled pages; each rule is checked as `cleaner rules check` runs it, and left out if it fails.
Everything is sorted: the same profile gives the same bytes, whatever order its pages came in.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from cleaner.core.dates import to_iso_date
from cleaner.learn.profile import SiteProfile, rule_lines, templates
from cleaner.learn.verify import Sample, Verdict, checker, verify
from cleaner.ruleset.loader import RuleError, _compile
from cleaner.ruleset.model import SHORT_LINE, RuleTimeout
from cleaner.ruleset.vocabulary import ARTICLE_LINE

from cleaner.learn.dates import date_order
from cleaner.learn.params import DEFAULT_PARAMS, MIN_PAGES, LearnParams  # noqa: F401  (MIN_PAGES: re-exported)

_LABEL = re.compile(r"^([^:：|/]{1,24}?) ?[:：] ?(\S.*)$")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_URL = re.compile(r"https?://\S+")
_LIST_SIGN = re.compile(r"[0-9#:|»]")
_LETTERS = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"\w+")
_DIGIT_RUN = re.compile(r"[0-9]+")
# A byline or a news agency's name is never a title (nor is a line that starts like one).
_NOT_TITLE_SOURCE = (r"(?!(?i:(?:by|von|par|por|di|door)\s|(?:agence france[- ]presse|afp|reuters|associated press|ap"
                     r"|dpa|efe|ansa|xinhua|kyodo|upi|press association|bloomberg)\W*$))")
_NOT_TITLE = regex.compile(_NOT_TITLE_SOURCE.replace("(?!", "(?=", 1))
_STRUCTURE = re.compile(r"^(?:[^\W\d_][\w'’-]*(?: [\w'’-]+){0,2} ?[:：]|step 0[.:]?)$")  # (templates: digits are 0)
_NUMERIC_DATE = re.compile(r"(?<![0-9])[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}(?![0-9])")


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line strings (examples) as literal blocks, as people write them."""


_Dumper.add_representer(str, lambda dumper, s: dumper.represent_scalar(
    "tag:yaml.org,2002:str", s, style="|" if "\n" in s else None))


@dataclass(frozen=True)
class LearnedSite:
    """The outcome of learning one site: `yaml_text` is None when nothing was learned (see `reason`)."""

    site: str
    pages: int
    rules: int
    yaml_text: str | None
    reason: str
    confidence: dict = field(default_factory=dict, compare=False)  # see `_confidence` (learned.json)


def weight(line: str) -> float:
    """A line's size in words, language-neutral (CJK text has few spaces): max of words and chars / 6;
    URLs left out."""
    if "://" in line:
        line = _URL.sub(" ", line)  # a URL is one word, however long
    return max(len(_WORD.findall(line)), len(line) / 6)


class _Page:
    """A sampled page: lines, templates, weights; which lines are chrome and where its article lies."""

    __slots__ = ("params", "lines", "tmpls", "weights", "chrome", "start", "end", "first", "outside", "inside")

    def __init__(self, raw: tuple[str, ...], params: LearnParams):
        self.params = params
        # Templates of the lines as counted (`page_lines`), lines as the rules see them (`rule_lines`).
        pairs = [(t, s) for t, s in zip(templates("\n".join(raw)), rule_lines(list(raw))) if s]
        self.tmpls = [t for t, _ in pairs]
        self.lines = [s for _, s in pairs]
        self.weights = [weight(s) for s in self.lines]
        self.chrome: list[bool] = []
        self.start = self.end = -1  # the article: lines[start:end]; -1 when none was found
        self.first: dict[str, int] = {}  # chrome template -> its first line
        # prefix sums of page-specific words outside / inside the article: outside[i] = sum over lines[:i]
        self.outside: list[float] = []
        self.inside: list[float] = []

    def mark(self, chrome: set[str]) -> None:
        """Mark the chrome lines, find the article, and sum the words around it."""
        P = self.params
        self.chrome = [t in chrome for t in self.tmpls]
        self.start, self.end = _article(self)
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

    def heading_top(self) -> int:
        """The first line of the article's heading zone: `title_window` lines of headline size above the
        article, the short lines between them (share bars, "Print") passed over."""
        P, i, seen = self.params, self.start, 0
        while i > 0 and seen < P.title_window:
            i -= 1
            seen += not self.chrome[i] or len(_WORD.findall(self.lines[i])) >= P.headline_words
        return i

    def removed(self, i: int, head: bool) -> tuple[float, float]:
        """(non-article, article) page-specific words that a cut at line i removes (head: lines[:i+1])."""
        if head:
            return self.outside[i + 1], self.inside[i + 1]
        return self.outside[-1] - self.outside[i], self.inside[-1] - self.inside[i]

    def cut_at(self, markers) -> int:
        """The first line that is one of `markers`, or -1."""
        return min((self.first[t] for t in markers if t in self.first), default=-1)


def _article(page: _Page) -> tuple[int, int]:
    """Stage 1, find the article: (start, end) on one page (see the module doc); (-1, -1) when no run
    scores above zero."""
    runs, breaks = _runs(page)
    if not runs:
        return -1, -1
    top = max(r[0] for r in runs)
    k = next(k for k, r in enumerate(runs) if r[0] >= page.params.first_run_share * top)
    _, start, end = runs[k]
    end = _before_list(page, start, end, breaks)
    return start, _continued(page, runs, k, end, breaks, top)


def _line_scores(page: _Page):
    """Each line's score for the article: its words less `short_line_cost`, chrome against it, and -inf
    for a list separator (a chrome line repeated on the page, a list item's header)."""
    P = page.params
    repeats = Counter(t for t, c in zip(page.tmpls, page.chrome) if c)
    ends = Counter(t[-P.list_shape_chars:] for t in page.tmpls if len(t) > P.list_shape_chars)
    for w, chrome, t in zip(page.weights, page.chrome, page.tmpls):
        if chrome:
            yield -math.inf if repeats[t] >= P.list_shape_repeats else -max(P.chrome_line_cost, w)
        elif (w < 2 * P.prose_words and len(t) > P.list_shape_chars and ends[t[-P.list_shape_chars:]] >= P.list_shape_repeats
              and _LIST_SIGN.search(t)):
            yield -math.inf
        else:
            yield w - P.short_line_cost


def _runs(page: _Page) -> tuple[list[tuple[float, int, int]], list[int]]:
    """The runs of lines with a positive sum, each as (its best stretch's score, start, end), and the
    list separators (lines that end a run outright)."""
    runs: list[tuple[float, int, int]] = []
    breaks: list[int] = []
    best, best_at, run, run_start = 0.0, (-1, -1), 0.0, 0
    for i, score in enumerate(_line_scores(page)):
        if score == -math.inf:
            breaks.append(i)
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
    return runs, breaks


def _before_list(page: _Page, start: int, end: int, breaks: list[int]) -> int:
    """A run that ends at a list separator may have taken the list's first item after a chrome line
    ("19 comments", then the first comment): it ends at that chrome line, where less follows it."""
    if any(end <= x < end + 3 for x in breaks):
        last = next((i for i in range(end - 1, start, -1) if page.chrome[i]), None)
        if last is not None and sum(page.weights[last:end]) < sum(page.weights[start:last]) / 2:
            while last > start and page.chrome[last - 1]:
                last -= 1
            end = last
    return end


def _continued(page: _Page, runs, k: int, end: int, breaks: list[int], top: float) -> int:
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


def _copies(pages: list[_Page], P: LearnParams) -> list[int]:
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


class _Site:
    """What learning knows about one site: sampled pages, counts, chrome, one example line per template."""

    def __init__(self, profile: SiteProfile, min_pages: int, params: LearnParams):
        P = self.params = params
        self.name, self.n, self.min_pages = profile.site, profile.pages, min_pages
        self.pages = [_Page(lines, params) for lines in profile.sample_pages()]
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
        structure = self._structure(chrome)
        if article_prose or structure:
            chrome -= article_prose | structure
            self._mark(chrome)
        self.chrome = chrome
        self.kept_prose = len(article_prose)
        self.kept_labels = len(structure)
        # Templates in an article or just above it (`title_window`: a title, a byline) on some sampled
        # page: never a marker. Those of headline size (`headline_words`) are never a global drop either:
        # a sidebar headline is the title of its own page, and a global drop would take it there.
        near = Counter(t for p in self.pages if p.start >= 0 for t in {p.tmpls[i] for i in range(p.heading_top(), p.end)})
        self.near = set(near)
        self.left_out = 0  # article-bound lines that no rule drops
        self.article_bound = {t for t in chrome & self.near if len(_WORD.findall(self.line[t])) >= P.headline_words
                              and len(self.line[t]) <= SHORT_LINE  # (a flattened menu is no headline)
                              and near[t] < P.own_page_share * seen_on[t]}

    def _repeated(self, seen_on: Counter) -> set[str]:
        """Stage 2, mark chrome: templates on `support` pages, with support across pages with different
        bodies (the sampled pages a line occurs on must not all be copies of one page: the same article
        under several URLs)."""
        owners: dict[str, set[int]] = {}
        for p, c in zip(self.pages, _copies(self.pages, self.params)):
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
                if t in chrome and _STRUCTURE.match(t):
                    seen[t] += 1
                    inside[t] += p.start <= i < p.end - 1 and not p.chrome[i + 1]
        return {t for t in seen if inside[t] >= self.params.structure_share * seen[t]}

    def _mark(self, chrome: set[str]) -> None:
        for p in self.pages:
            p.mark(chrome)

    @property
    def evidence(self) -> str:
        return f"{len(self.pages)} sampled pages of {self.n}"


def learn_site(profile: SiteProfile, *, min_pages: int = MIN_PAGES,
               params: LearnParams = DEFAULT_PARAMS) -> LearnedSite:
    """Learn the chrome of one site from its merged profile, with the tunables `params`.
    Deterministic: same profile and params, same bytes."""
    name, n = profile.site, profile.pages
    if n < min_pages:
        return LearnedSite(name, n, 0, None, f"{n} pages, fewer than {min_pages}: nothing learned")
    if len(profile.sample) < min_pages:
        return LearnedSite(name, n, 0, None,
                           f"{len(profile.sample)} distinct pages, fewer than {min_pages}: nothing learned")
    site = _Site(profile, min_pages, params)
    if not site.chrome:
        return LearnedSite(name, n, 0, None, f"{n} pages: no line repeats on {site.support} of them")
    doc = _rule_file(site)
    if _pick_example_line(site, doc):
        doc = _rule_file(site)  # the examples again, around an article line that the whole file keeps
    verdict = verify(_dump(doc), _samples(site), params.rule_loss_bound)
    _explain(verdict)
    confidence = _confidence(site, verdict)
    kept = f"; {site.kept_prose} repeated paragraphs kept as article text" if site.kept_prose else ""
    kept += f"; {site.kept_labels} repeated list labels kept as article structure" if site.kept_labels else ""
    kept += "".join(f"; {note}" for note in dict.fromkeys(site.notes))
    left = "; left out: " + "; ".join(f"{x['rule']} ({x['why']})" for x in verdict.left_out) if verdict.left_out else ""
    if not verdict.doc["rules"]:
        return LearnedSite(name, n, 0, None, f"{n} pages: no rule holds{left}", confidence)
    what = ", ".join(r["id"] for r in verdict.doc["rules"])
    return LearnedSite(name, n, len(verdict.doc["rules"]), _dump(verdict.doc),
                       f"{n} pages: {len(site.chrome)} chrome lines{kept}; rules: {what}{left}", confidence)


def _rule_file(site: _Site) -> dict:
    """Stage 3, choose rules: the learned file (markers, metadata, labels, blocks, drops, title, signature)."""
    head = _cut_rule(site, True)
    rules = [r for r in (head, _cut_rule(site, False), _extract_rule(site)) if r]
    rules += _label_rules(site)
    rules += _block_rules(site)
    rules += _drop_rules(site)
    title = None if head else _title_rule(site)
    rules += [title] if title else []
    doc: dict = {"site": site.name,
                 "description": f"Learned by `cleaner learn` from {site.n} pages of {site.name} ({len(site.pages)} "
                                f"sampled for positions); review, edit and commit like any rule file.",
                 "domains": [site.name]}
    sig = _signature(site)
    if sig:
        doc["signatures"] = [sig]
    doc["rules"] = rules
    return doc


def _dump(doc: dict) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def _samples(site: _Site) -> list[Sample]:
    """The sampled pages verification cleans: lines, and the article words of each line (its heading and
    lead count as article, as they do for a cut)."""
    out = []
    for p in site.pages[:site.params.verify_pages]:
        ins = p.inside
        out.append(Sample(p.lines, [ins[i + 1] - ins[i] for i in range(len(p.lines))]))
    return out


def _explain(verdict: Verdict) -> None:
    """Each kept rule's description says what it removes inside the articles of the sampled pages."""
    total = max(verdict.article_words, 1.0)
    for rule in verdict.doc["rules"]:
        lost = verdict.lost.get(rule["id"], 0.0)
        rule["description"] += (f" With the whole file applied to the sampled pages, it removes {lost:.0f} of their "
                                f"{verdict.article_words:.0f} article words ({lost / total:.1%}).")


def _confidence(site: _Site, verdict: Verdict) -> dict:
    """How far to trust what was learned: pages used, share of each page kept, article words lost on
    the sample, rules left out and why; `weak` names what makes it weak."""
    P, kept = site.params, sorted(verdict.kept_shares)
    lost = sum(verdict.lost.get(r["id"], 0.0) for r in verdict.doc["rules"])
    share = lost / max(verdict.article_words, 1.0)
    found = sum(p.start >= 0 for p in site.pages)
    weak = []
    if not verdict.doc["rules"]:
        weak.append("no rule holds")
    if found < len(site.pages) / 2:
        weak.append(f"an article found on {found} of {len(site.pages)} sampled pages only")
    if kept and kept[0] < P.weak_kept_share:
        weak.append(f"a page keeps {kept[0]:.1%} of its words")
    if share > P.weak_loss_share:
        weak.append(f"{share:.1%} of the article words lost on the sample")
    return {"pages": site.n, "sampled": len(site.pages), "verified": len(verdict.kept_shares),
            "articles_found": found,
            "kept_share": {"min": _r(kept[0]), "median": _r(kept[len(kept) // 2]), "max": _r(kept[-1])} if kept else None,
            "article_words": round(verdict.article_words), "article_words_lost": round(lost), "loss_share": _r(share),
            "left_out": verdict.left_out, "notes": list(dict.fromkeys(site.notes)), "weak": weak}


def _r(x: float) -> float:
    return round(x, 4)


def _pick_example_line(site: _Site, doc: dict) -> bool:
    """Choose the article line that examples show: the first page-specific prose line of an article,
    shorter than `example_line_chars` where one is, that the whole file and the shipped rules keep as it
    is; and keep the first-guess file as `site.checker`, that examples are chosen to hold with. True when
    the examples must be made again."""
    cands = _example_lines(site)
    try:
        plain = {k: v for k, v in doc.items() if k not in ("domains", "signatures")}
        cleaner = checker(_compile(Path(f"{site.name}.yaml"), plain, {}, site.name))
    except RuleError:
        return False
    site.checker = cleaner
    for line in cands[:site.params.example_tries]:
        if _holds(site, {"input": line + "\n", "output": line + "\n"}):
            site.example = line
            break
    return True


def _holds(site: _Site, example: dict) -> bool:
    """Whether an example holds with the whole first-guess file (`site.checker`; True before there is one)."""
    if site.checker is None:
        return True
    try:
        out = site.checker.clean(example["input"], site=site.name, format="text").text
    except RuleTimeout:
        return False
    return out.split() == example["output"].split()


# --- cut-head / cut-tail at learned markers --------------------------------------------------------------


def _choose_markers(site: _Site, head: bool) -> tuple[set[str], float, float, int]:
    """Greedily, the chrome templates whose cut (at the first of them) gains most against its cost:
    (markers, non-article words removed, article words removed, pages cut) over the sample."""
    live = [p for p in site.pages if p.start >= 0]
    cands = _marker_candidates(site, live, head)
    cut = [-1] * len(live)  # per page, where the markers chosen so far cut
    chosen: set[str] = set()
    best, score = (0.0, 0.0, 0), 0.0
    while True:
        pick = None
        for t in cands:
            if t in chosen:
                continue
            gain, cost, pages = _cut_effect(live, t, cut, head)
            if gain - site.params.marker_cost * cost > score + 1e-9:
                score, pick, best = gain - site.params.marker_cost * cost, t, (gain, cost, pages)
        if pick is None:
            break
        chosen.add(pick)
        cut = [p.cut_at(chosen) for p in live]
        if head:
            break  # cut-head cuts at the first marker it meets: more markers would only cut less
    return (chosen, *best)


def _marker_candidates(site: _Site, live: list[_Page], head: bool) -> list[str]:
    """Chrome templates that may be markers: on `min_pages` pages, on their side of the article on
    `marker_consistency` of them, never in an article or just above it, specific (`_specific`)."""
    P = site.params
    before, after, total = Counter(), Counter(), Counter()
    for p in live:
        for t, i in p.first.items():
            total[t] += 1
            before[t] += i < p.start
            after[t] += i >= p.end
    side = before if head else after
    return sorted(t for t in total if total[t] >= site.min_pages and side[t] >= P.marker_consistency * total[t]
                  and len(_LETTERS.findall(t)) >= 3 and len(site.line[t]) <= SHORT_LINE
                  and t not in site.near and _specific(site, t, side[t] == total[t]))


def _cut_effect(live: list[_Page], t: str, cut: list[int], head: bool) -> tuple[float, float, int]:
    """(non-article words, article words, pages) that cutting at `t` as well as where `cut` says removes."""
    gain = cost = 0.0
    pages = 0
    for j, p in enumerate(live):
        i = p.first.get(t, -1)
        i = cut[j] if i < 0 else i if cut[j] < 0 else min(i, cut[j])
        if i >= 0:
            g, c = p.removed(i, head)
            gain, cost, pages = gain + g, cost + c, pages + 1
    return gain, cost, pages


def _specific(site: _Site, t: str, one_sided: bool) -> bool:
    """A marker names something (`marker_min_words` words: "19 comments", "Related posts"); a single word
    ("Apple", "Search") may occur anywhere, unless it is on most pages and always on its side."""
    P = site.params
    if len(_WORD.findall(site.line[t])) >= P.marker_min_words:
        return True
    return one_sided and site.count[t] >= P.single_word_marker_share * site.n


def _cut_rule(site: _Site, head: bool) -> dict | None:
    P = site.params
    markers, gain, cost, cut = _choose_markers(site, head)
    if not markers or gain < P.marker_min_gain * P.marker_cost * cost:
        return None
    example = _cut_example(site, markers, head)
    if example is None:
        return None
    shown = ", ".join(_quote(site.line[t]) for t in sorted(markers)[:3]) + (", ..." if len(markers) > 3 else "")
    where = "precede" if head else "follow"
    what = "everything up to and including the first" if head else "from the first"
    tail = "" if head else " to the end"
    return {
        "id": "learned-head" if head else "learned-tail",
        "description": f"Cuts {what} of {len(markers)} learned lines that {where} the article ({shown}){tail}. "
                       f"On {site.evidence} it cuts {cut}, removing {gain:.0f} words outside the article "
                       f"against {cost:.0f} inside it.",
        "action": "cut-head" if head else "cut-tail",
        "match": _match(site, markers),
        "examples": [example],
    }


def _cut_example(site: _Site, markers: set[str], head: bool) -> dict | None:
    """The marker on one of its pages with up to two short lines it cuts, beside the examples' article line."""
    keep = _article_line(site)
    for p in site.pages:
        i = p.cut_at(markers)
        if p.start < 0 or i < 0:
            continue
        example = None
        if head and i < p.start:
            example = {"input": _text([*_short_lines(site, p.lines[max(0, i - 2):i]), p.lines[i], keep]),
                       "output": _text([keep])}
        if not head and i >= p.end:
            example = {"input": _text([keep, p.lines[i], *_short_lines(site, p.lines[i + 1:i + 3])]),
                       "output": _text([keep])}
        if example and _holds(site, example):
            return example
    return None


def _short_lines(site: _Site, lines: list[str]) -> list[str]:
    """The lines an example shows around a marker: those shorter than `example_line_chars`."""
    return [s for s in lines if len(s) < site.params.example_line_chars]


# --- metadata, drop rules, signature ---------------------------------------------------------------------


def _extract_rule(site: _Site) -> dict | None:
    """A chrome line shape with a numeric date in it, on many pages: the page's date (the line goes)."""
    P = site.params
    best = None
    for t in sorted(site.chrome):
        line = site.line[t]
        if (len(line) > P.date_line_chars or site.count[t] < max(site.min_pages, P.date_line_share * site.n)
                or not _NUMERIC_DATE.search(line)):
            continue
        if best is None or site.count[t] > site.count[best]:
            best = t
    if best is None:
        return None
    line = site.line[best]
    m = _NUMERIC_DATE.search(line)
    source = "^(?i:" + _shape(line[:m.start()]) + "(?P<date>" + _shape(m.group()) + ")" + _shape(line[m.end():]) + ")$"
    pattern = regex.compile(source)
    found = [(pattern.match(s), p.lines) for p in site.pages for s, t in zip(p.lines, p.tmpls) if t == best]
    if not all(d for d, _ in found):
        return None
    order, why = date_order([(d.group("date"), lines) for d, lines in found])
    if order is None or not all(to_iso_date(d.group("date"), order) for d, _ in found):
        site.notes.append(f"no date learned from {_quote(line)}: {why}")
        return None
    k = site.count[best]
    return {
        "id": "learned-date-line",
        "description": f"Takes the date from a line of this shape and drops the line: on {k} of {site.n} "
                       f"pages ({k / site.n:.0%}). Day/month order {order}: {why}.",
        "action": "extract",
        "match": {"regex": source},
        "date_order": order,
        "examples": [{"input": _text([line, _article_line(site)]), "output": _text([_article_line(site)]),
                      "metadata": {"date": to_iso_date(pattern.match(line).group("date"), order)}}],
    }


def _title_rule(site: _Site) -> dict | None:
    """The first line left by the chrome rules is the title where, on nearly every sampled page, it is
    page-specific, title-sized and above the article (dumps of an article's region; whole-page dumps
    start with menus). Runs after the drop rules, so that it sees that line first."""
    P = site.params
    live = [p for p in site.pages if p.start >= 0]
    hits = []
    for p in live:
        i = next((i for i, c in enumerate(p.chrome) if not c), len(p.lines))
        # ... and the only short page-specific line above the article (a category line, a breadcrumb
        # before the heading would make the first line no title).
        if (i < p.start and p.weights[i] < 2 * P.prose_words and len(p.lines[i]) <= SHORT_LINE
                and not (p.weights[i] <= 5 and _YEAR.search(p.lines[i]))  # a dateline
                and not _NOT_TITLE.match(p.lines[i]) and site.count[p.tmpls[i]] <= 1  # a byline, an agency
                and all(p.chrome[j] or p.weights[j] >= P.prose_words for j in range(i + 1, p.start))):
            hits.append((p, i))
    if len(hits) < max(site.min_pages, P.title_share * len(live)):
        return None
    p, i = hits[0]
    return {
        "id": "learned-title",
        "description": f"Takes the first line left as the title (and keeps it: it is the article's heading): on "
                       f"{len(hits)} of {len(live)} sampled pages it is a line of its own above the article.",
        "action": "extract",
        "match": {"regex": "^" + _NOT_TITLE_SOURCE + "(?P<title>.+)$", "max_chars": SHORT_LINE},
        "region": {"head": 1},
        "keep": True,
        "examples": [{"input": _text([p.lines[i], _article_line(site)]),
                      "output": _text([p.lines[i], _article_line(site)]), "title": p.lines[i]}],
    }


def _label_rules(site: _Site) -> list[dict]:
    """Lines that start with the same short label ("Tag: ...", "Source: <url>") on many pages, outside the
    article: a drop rule, or an extract rule (`source_url`) where what follows the label is a URL."""
    P = site.params
    seen = _labelled_lines(site)
    urls, others = [], []
    need = max(site.min_pages, P.chrome_min_share * len(site.pages))
    for label, hits in sorted(seen.items()):
        pages = len({h[0] for h in hits})
        outside = sum(h[1] for h in hits)
        if pages < need or outside < P.label_consistency * len(hits) or len({h[2].group(2) for h in hits}) < 2:
            continue
        is_url = sum(bool(_URL.match(h[2].group(2))) for h in hits) >= P.label_consistency * len(hits)
        (urls if is_url else others).append((label, pages, hits[0][3], hits[0][2].group(1)))
    return [_label_rule(site, group, url) for group, url in ((urls, True), (others, False)) if group]


def _labelled_lines(site: _Site) -> dict[str, list]:
    """Label (lowercase) -> (page id, outside the article, match, line) of the page-specific lines that
    start with a short label."""
    seen: dict[str, list] = {}
    for p in site.pages:
        for i, (line, c) in enumerate(zip(p.lines, p.chrome)):
            m = None if c else _LABEL.match(line)
            if (m and _LETTERS.search(m.group(1)) and len(m.group(1).split()) <= site.params.label_max_words
                    and not m.group(1).lower().endswith(("http", "https"))):
                outside = p.start < 0 or not p.start <= i < p.end
                seen.setdefault(m.group(1).lower(), []).append((id(p), outside, m, line))
    return seen


def _label_rule(site: _Site, group: list, url: bool) -> dict:
    """`learned-source-url` (an extract) or `learned-label-lines` (a drop) for a group of labels."""
    article = _article_line(site)
    labels = "|".join(regex.escape(shown, literal_spaces=True) for *_, shown in group)
    pages = ", ".join(f"{_quote(shown + ':')} on {k}" for _, k, _, shown in group[:4])
    line = group[0][2]
    rule = {
        "id": "learned-source-url" if url else "learned-label-lines",
        "description": ("Takes the source URL from a line that starts with a label and drops the line"
                        if url else "Drops lines that start with a label") +
                       f" ({pages} of {len(site.pages)} sampled pages), outside the article.",
        "action": "extract" if url else "drop",
        "match": {"regex": f"^(?i:{labels}) ?[:：] ?" + ("(?P<source_url>https?://\\S+)$" if url else "")},
        "examples": [{"input": _text([line, article]), "output": _text([article])}],
    }
    if url:
        rule["examples"][0]["metadata"] = {"source_url": _URL.search(line).group()}
    return rule


def _block_rules(site: _Site) -> list[dict]:
    """A chrome label in or after the article followed by a few short page-specific lines ("You may be
    interested" and its headlines), on most pages it occurs on: `drop-block` with those followers.

    Where most of a label's lines end alike (headlines ending in "."), its block is the run of lines
    that do, and followers must: a subheading that opens the next section after the block stays."""
    P = site.params
    sizes: dict[tuple[int, str], dict[str, list[list[str]]]] = {}
    for t, hits in _label_blocks(site).items():
        end = _common_end(site, hits)
        if end:
            hits = [block[:next((k for k, s in enumerate(block) if not s.endswith(end)), len(block))]
                    for block in hits]
        blocks = [b for b in hits if b]
        if (len(blocks) >= site.min_pages and len(blocks) >= P.marker_consistency * len(hits)
                and len(_LETTERS.findall(t)) >= 3 and len(site.line[t]) <= SHORT_LINE):
            # As many lines as most of the label's blocks have; one rule per size and ending.
            k = min(P.block_max_followers, sorted(map(len, blocks))[len(blocks) // 2])
            sizes.setdefault((k, end), {})[t] = blocks
    rules = []
    # Longer blocks first: a label shape shared with a shorter block must not leave its lines behind.
    for n, ((k, end), group) in enumerate(sorted(sizes.items(), key=lambda kv: (-kv[0][0], kv[0][1])), 1):
        rule_id = f"learned-insert-block-{n}" if len(sizes) > 1 else "learned-insert-block"
        rule = _insert_rule(site, group, k, end, rule_id)
        if rule:
            rules.append(rule)
    return rules


def _label_blocks(site: _Site) -> dict[str, list[list[str]]]:
    """Chrome template -> on each page where it lies in or after the article, the short page-specific
    lines right after it."""
    P = site.params
    found: dict[str, list[list[str]]] = {}
    for p in site.pages:
        for t, i in p.first.items():
            if p.start < 0 or i < p.start:
                continue
            j = i + 1
            while (j < len(p.lines) and not p.chrome[j] and p.weights[j] < P.block_headline_words
                   and len(p.lines[j]) <= SHORT_LINE):
                j += 1
            found.setdefault(t, []).append(p.lines[i + 1:j])
    return found


def _common_end(site: _Site, hits: list[list[str]]) -> str:
    """The character most of the blocks' lines end in (not a letter or digit), or ""."""
    ends = Counter(s[-1] for block in hits for s in block)
    if not ends:
        return ""
    c, n = ends.most_common(1)[0]
    return c if n >= site.params.block_end_share * sum(ends.values()) and not c.isalnum() else ""


def _insert_rule(site: _Site, markers: dict[str, list], max_lines: int, end: str, rule_id: str) -> dict | None:
    max_chars = min(SHORT_LINE, int(1.5 * max(len(s) for bs in markers.values() for b in bs for s in b)))
    follow = {"max_lines": max_lines, "max_chars": max_chars}
    if end:
        follow["match"] = {"regex": regex.escape(end) + "$"}
    example = _insert_example(site, markers, max_lines, max_chars, end)
    if example is None:
        return None
    follows = bool(end)
    shown = ", ".join(_quote(site.line[t]) for t in sorted(markers)[:3])
    pages = sum(len(b) for b in markers.values())
    return {
        "id": rule_id,
        "description": f"Drops a label in or after the article ({shown}) and the up to {max_lines} short lines "
                       f"after it (headlines of other pages{', ending in ' + repr(end) if follows else ''}), seen "
                       f"{pages} times on {len(site.pages)} sampled pages.",
        "action": "drop-block",
        "match": _match(site, set(markers)),
        "followers": follow,
        "examples": [example],
    }


def _insert_example(site: _Site, markers: dict[str, list], max_lines: int, max_chars: int, end: str) -> dict | None:
    """A block on one of its pages as the engine's drop-block takes it, then the examples' article line
    where the block cannot take it (it is full, or the line does not fit), else the line after it."""
    follows = regex.compile(regex.escape(end) + "$") if end else None
    for p in site.pages:
        i = p.cut_at(markers)
        if i < 0 or i < p.start:
            continue
        j = i + 1  # what the engine's drop-block takes: up to max_lines lines that fit
        while j < len(p.lines) and j - i <= max_lines and len(p.lines[j]) <= max_chars and (
                follows is None or follows.search(p.lines[j])):
            j += 1
        if j > i + 1 and j < len(p.lines) and not p.chrome[j]:
            # After the block, the examples' article line where the block cannot take it (it is full,
            # or the line does not fit), else the line after the block on its page.
            after = _article_line(site)
            fits = len(after) <= max_chars and (follows is None or follows.search(after))
            after = p.lines[j] if fits and j - i <= max_lines else after
            example = {"input": _text([*p.lines[i:j], after]), "output": _text([after])}
            if _holds(site, example):
                return example
    return None


_SIDES = (("before", "header, menus: lines that lie before the article"),
          ("after", "footer, sidebars, related lists: lines that lie after the article"),
          ("within", "lines that lie within or beside the article (labels, share bars, ads)"))


def _drop_rules(site: _Site) -> list[dict]:
    """Drop rules for the chrome lines, one per side of the article where most of their occurrences lie:
    a `literal` list, and a regex of shapes for lines with numbers (digits match any number).

    Headline-size lines bound to an article (`_Site.article_bound`) are no global drop: where most of
    them lie after the article, a drop bound to the text's far side (`side: after-text`) takes them
    there and leaves a page's own title above its text; elsewhere they stay."""
    P = site.params
    side: dict[str, Counter] = {}
    for p in site.pages:
        for i, t in enumerate(p.tmpls):
            if t in site.chrome:
                where = "within" if p.start < 0 or p.start <= i < p.end else "before" if i < p.start else "after"
                side.setdefault(t, Counter())[where] += 1
    # (A line of thousands of characters, a page flattened to one line, makes no rule.)
    ranked = sorted((t for t in side if len(site.line[t]) <= P.max_rule_line), key=lambda t: (-site.count[t], t))
    ranked = ranked[:3 * P.max_list]
    rules = []
    for key, label in _SIDES:
        group = [t for t in ranked if max(("before", "after", "within"), key=side[t].__getitem__) == key]
        bound = [t for t in group if t in site.article_bound]
        rules += _drop_group(site, [t for t in group if t not in site.article_bound], key, label)
        if key == "after":
            rules += _drop_group(site, bound, "headlines-after", "headlines of the site's pages listed after the "
                                 "text (on its own page, a headline is the title above the text: it stays there)")
        else:
            site.left_out += len(bound)
    return rules


def _drop_group(site: _Site, group: list[str], key: str, label: str) -> list[dict]:
    """`learned-lines-KEY` (literals) and `learned-shapes-KEY` (lines with numbers) for `group`."""
    if not group:
        return []
    P, article = site.params, _article_line(site)
    counts = [site.count[t] for t in group]
    lo, hi = min(counts), max(counts)
    evidence = (f"each on {lo} of {site.n} pages ({lo / site.n:.0%})" if lo == hi else
                f"each on {lo} to {hi} of {site.n} pages ({lo / site.n:.0%} to {hi / site.n:.0%})")
    plain = sorted({site.line[t] for t in group if not _DIGIT_RUN.search(t) and len(site.line[t]) <= SHORT_LINE})
    shaped = sorted({site.line[t] for t in group if _DIGIT_RUN.search(t) or len(site.line[t]) > SHORT_LINE})
    shapes = list(dict.fromkeys(map(_shape, shaped)))[:P.max_list]
    bound = key == "headlines-after"
    rules = []
    for kind, lines, match in (("lines", plain, {"literal": plain[:P.max_list]}),
                               ("shapes", shaped, {"regex": "^(?i:" + "|".join(shapes) + ")$"})):
        if not lines:
            continue
        what = f"{len(plain)} {label}" if kind == "lines" else \
            f"{len(shapes)} line shapes (digits match any number) of {label}"
        rule = {"id": f"learned-{kind}-{key}", "description": f"Drops {what}, {evidence}.", "action": "drop",
                "match": match}
        if bound:
            rule["side"] = "after-text"
        rule["examples"] = [_drop_example(site, lines, article, key)]
        rules.append(rule)
    return rules


def _drop_example(site: _Site, lines: list[str], article: str, key: str) -> dict:
    """An example of a drop rule: the first of its (short) lines whose example holds with the whole file."""
    shown = sorted(lines, key=lambda s: len(s) >= site.params.example_line_chars)[:site.params.example_tries]
    example = {}
    for line in shown:
        if key == "headlines-after":  # its own page's title stays above the text
            example = {"input": _text([line, article, line]), "output": _text([line, article])}
        else:
            example = {"input": _text(_beside(line, article, key)), "output": _text([article])}
        if _holds(site, example):
            break
    return example


def _beside(line: str, article: str, side: str) -> list[str]:
    """An example's input: the chrome line on its side of an article line (a line found after the
    article comes after it, where the site's cut-tail markers leave the article alone)."""
    return [article, line] if side == "after" else [line, article]


def _signature(site: _Site) -> dict | None:
    """A line on 80 % of the pages that names the site (or is long), to recognise text without a URL."""
    names = [x for x in site.name.split(".")[:-1] if len(x) >= 4 and x not in ("blog", "blogs", "news")]
    best = None
    for t in site.chrome:
        line = site.line[t]
        if site.count[t] < site.params.signature_share * site.n or not 20 <= len(line) <= SHORT_LINE:
            continue
        named = any(x in line.casefold().replace(" ", "") for x in names)
        if named or len(line) >= 40:
            cand = (named, not _DIGIT_RUN.search(line), len(line), line)
            best = cand if best is None or cand > best else best
    if best is None:
        return None
    line = best[-1]
    k = site.count[_template_of(site, line)]
    lead = _DIGIT_RUN.split(line)[0]
    sig = {"description": f"a line on {k} of {site.n} pages ({k / site.n:.0%})", "regex": f"^{_shape(line)}$"}
    if len(lead) >= 4:
        sig["contains"] = [lead[:30]]
    return sig


# --- helpers ---------------------------------------------------------------------------------------------


def _template_of(site: _Site, line: str) -> str:
    return next(t for t, s in site.line.items() if s == line)


def _shape(line: str) -> str:
    """A regex for a line: literal, except that any run of digits matches any number."""
    return "[0-9]+".join(regex.escape(x, literal_spaces=True) for x in _DIGIT_RUN.split(line))


def _match(site: _Site, markers: set[str]) -> dict:
    lines = sorted({site.line[t] for t in markers})  # (a mojibake copy repairs to the same line)
    if all(not _DIGIT_RUN.search(s) and len(s) <= SHORT_LINE for s in lines):
        return {"literal": lines}
    # One regex for all (a rule with both literals and a regex that nothing narrows screens as literals only).
    return {"regex": "^(?i:" + "|".join(dict.fromkeys(map(_shape, lines))) + ")$"}


def _quote(line: str) -> str:
    return repr(line if len(line) <= 60 else line[:57] + "...")


def _article_line(site: _Site) -> str:
    """The article line of the examples: the one `_pick_example_line` chose, else the first of
    `_article_lines`."""
    return site.example or next(iter(_example_lines(site)), "Article text.")


def _example_lines(site: _Site) -> list[str]:
    """`_article_lines`, those between article-sized (a drop bound to a side of the text needs one) and
    `example_line_chars` first (readable evidence)."""
    return sorted(_article_lines(site), key=lambda s: not ARTICLE_LINE < len(s) < site.params.example_line_chars)


def _article_lines(site: _Site):
    """Page-specific prose lines of the sampled articles, in order (lines that table-pipe stripping and
    label rules leave alone): candidates for the examples."""
    P = site.params
    for p in site.pages:
        for j in range(max(p.start, 0), max(p.end, 0)):
            line = p.lines[j]
            if not p.chrome[j] and p.weights[j] >= P.prose_words and "|" not in line and not _LABEL.match(line):
                yield line


def _text(lines) -> str:
    return "".join(s + "\n" for s in lines)

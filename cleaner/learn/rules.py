"""Learning, stage 3: choose rules, in our vocabulary, from the chrome of the sampled pages.

- **Markers**: chrome lines that lie before (after) the article on `marker_consistency` of the sampled
  pages they occur on, never in an article or just above it (a start marker: never below a title or a
  date of the article's heading, `Site.below_titles`), specific (two words, or one on most pages).
  `cut-head` up to a start marker and `cut-tail` from the first end marker remove what lies around the
  article. Markers are chosen greedily for the page-specific words they remove outside the
  article against `marker_cost` times the article words they remove, over the sample.
- **Blocks and labels**: a chrome label followed by a few short page-specific lines ("You may be
  interested" and its headlines) becomes `drop-block`; lines that start with the same short label
  outside the article ("Tag: ...") a `drop` rule, or `extract` (`source_url`) where a URL follows.
- **Drops**: the chrome lines, one rule per side of the article; headlines bound to an article only
  after the text (`side: after-text`).
- **Metadata**: a chrome line shape with a numeric date, where its day/month order is known from
  evidence, an `extract` rule (`date`); the first line left, where it is the one short line above the
  article (never a byline or an agency), the title (`keep: true`).
- **Signature**: a long chrome line on nearly every page that names the site recognises its text
  without a URL.

Examples show the examples' article line (`article_line`), chosen to hold with the whole file.
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import accumulate

import regex

from cleaner.core.dates import to_iso_date
from cleaner.learn.article import WORD, Page
from cleaner.learn.chrome import Site
from cleaner.learn.dates import NUMERIC_DATE, date_order
from cleaner.ruleset.model import SHORT_LINE, RuleTimeout
from cleaner.ruleset.vocabulary import ARTICLE_LINE, article_chars

_LABEL = re.compile(r"^([^:：|/]{1,24}?) ?[:：] ?(\S.*)$")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_URL = re.compile(r"https?://\S+")
_LETTERS = re.compile(r"[^\W\d_]")
_DIGIT_RUN = re.compile(r"[0-9]+")
# A byline or a news agency's name is never a title (nor is a line that starts like one).
_NOT_TITLE_SOURCE = (r"(?!(?i:(?:by|von|par|por|di|door)\s|(?:agence france[- ]presse|afp|reuters|associated press|ap"
                     r"|dpa|efe|ansa|xinhua|kyodo|upi|press association|bloomberg)\W*$))")
_NOT_TITLE = regex.compile(_NOT_TITLE_SOURCE.replace("(?!", "(?=", 1))

def rule_file(site: Site) -> dict:
    """Stage 3, choose rules: the learned file (markers, metadata, labels, blocks, drops, title, signature)."""
    starts = choose_markers(site, True)
    head, ends = _cut_rule(site, True, starts), choose_markers(site, False)
    tail = _cut_rule(site, False, ends)
    guarded = _guarded_tail_rule(site, ends[0] if tail else set())
    rules = [r for r in (head, tail, guarded, _extract_rule(site)) if r]
    rules += _label_rules(site)
    rules += _block_rules(site)
    rules += _drop_rules(site, starts[0] if head else set())
    title = None if head else _title_rule(site)
    rules += [title] if title else []
    doc: dict = {"site": site.name,
                 "description": f"Learned by `cleaner learn` from {site.n} pages of {site.name} ({len(site.pages)} "
                                f"sampled for positions); review, edit and commit like any rule file.",
                 "domains": [site.name]}
    sig = _signature(site)
    if sig:
        doc["signatures"] = [sig]
    if site.params.article_finder:
        doc["article_finder"] = True
    doc["rules"] = rules
    return doc

def holds(site: Site, example: dict) -> bool:
    """Whether an example holds with the whole first-guess file (`site.checker`; True before there is one)."""
    if site.checker is None:
        return True
    try:
        out = site.checker.clean(example["input"], site=site.name, format="text").text
    except RuleTimeout:
        return False
    return out.split() == example["output"].split()

# --- cut-head / cut-tail at learned markers --------------------------------------------------------------


def choose_markers(site: Site, head: bool) -> tuple[set[str], float, float, int]:
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


def _marker_candidates(site: Site, live: list[Page], head: bool) -> list[str]:
    """Chrome templates that may be markers: on `min_pages` pages, on their side of the article on
    `marker_consistency` of them, never in an article or just above it (`Site.near`; a start marker:
    `Site.below_titles`, a short line above the heading's own lines may be one), specific (`_specific`)."""
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
                  and t not in (site.below_titles if head else site.near) and _specific(site, t, side[t] == total[t]))


def _cut_effect(live: list[Page], t: str, cut: list[int], head: bool) -> tuple[float, float, int]:
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


def _specific(site: Site, t: str, one_sided: bool) -> bool:
    """A marker names something (`marker_min_words` words: "19 comments", "Related posts"); a single word
    ("Apple", "Search") may occur anywhere, unless it is on most pages and always on its side."""
    P = site.params
    if len(WORD.findall(site.line[t])) >= P.marker_min_words:
        return True
    return one_sided and site.count[t] >= P.single_word_marker_share * site.n


def _cut_rule(site: Site, head: bool, choice: tuple[set[str], float, float, int]) -> dict | None:
    """The cut-head (cut-tail) at the markers of `choice` (`choose_markers`), where they gain enough."""
    P = site.params
    markers, gain, cost, cut = choice
    if not markers or gain < P.marker_min_gain * P.marker_cost * cost:
        return None
    example = _cut_example(site, markers, head)
    if example is None:
        return None
    shown = ", ".join(quote(site.line[t]) for t in sorted(markers)[:3]) + (", ..." if len(markers) > 3 else "")
    where = "precede" if head else "follow"
    what = "everything up to and including the first" if head else "from the first"
    tail = "" if head else " to the end"
    rule = {
        "id": "learned-head" if head else "learned-tail",
        "description": f"Cuts {what} of {len(markers)} learned lines that {where} the article ({shown}){tail}. "
                       f"On {site.evidence} it cuts {cut}, removing {gain:.0f} words outside the article "
                       f"against {cost:.0f} inside it.",
        "action": "cut-head" if head else "cut-tail",
        "match": _match(site, markers),
    }
    if head:
        most = max((_article_chars(p)[i] for p in site.pages for i in [p.cut_at(markers)] if i >= 0), default=0)
        rule["guard"] = {"max_chars_before": most + P.head_guard_chars}
        rule["description"] += (f" It cuts only where at most {most + P.head_guard_chars} characters of article-sized "
                                f"lines lie above its marker ({most} at most on the sampled pages): on a page where "
                                f"the marker lies below an article, it cuts nothing.")
    rule["examples"] = [example]
    return rule


def _cut_example(site: Site, markers: set[str], head: bool) -> dict | None:
    """The marker on one of its pages with up to two short lines it cuts, beside the examples' article line;
    fewer of them where those lines would meet another rule of the file (a cut-head marker after a
    cut-tail marker cuts the article line too)."""
    keep = article_line(site)
    for p in site.pages:
        i = p.cut_at(markers)
        if p.start < 0 or i < 0 or (i >= p.start if head else i < p.end):
            continue
        for k in (2, 1, 0):
            cut = _short_lines(site, p.lines[max(0, i - k):i] if head else p.lines[i + 1:i + 1 + k])
            lines = [*cut, p.lines[i], keep] if head else [keep, p.lines[i], *cut]
            example = {"input": _text(lines), "output": _text([keep])}
            if holds(site, example):
                return example
    return None


def _guarded_tail_rule(site: Site, plain: set[str]) -> dict | None:
    """A cut-tail at a chrome line that is also above the article (a share bar at both ends): guarded
    (`min_chars_before`) to cut at its first line with more article-sized text before it than any of its
    lines above an article on the sampled pages (`tail_guard_chars` more), where it gains most beyond the
    cuts of the learned cut-tail's markers (`plain`)."""
    P, live = site.params, [p for p in site.pages if p.start >= 0]
    cut = [p.cut_at(plain) for p in live]
    before = [_article_chars(p) for p in live]
    pick = max((_guarded_effect(site, live, before, t, cut) for t in _guarded_candidates(site, live, plain)),
               default=None)
    if pick is None or pick[0] <= 0 or pick[1] < P.marker_min_gain * P.marker_cost * pick[2]:
        return None
    score, gain, cost, t, guard, at = pick
    example = _guarded_example(site, live, at, guard)
    if example is None:
        return None
    return {
        "id": "learned-tail-guarded",
        "description": f"Cuts from {quote(site.line[t])} to the end, where it follows {guard} characters of "
                       f"article-sized lines (it is above the article too). On {site.evidence} it cuts "
                       f"{sum(i >= 0 for i in at)}, removing {gain:.0f} more words outside the article against "
                       f"{cost:.0f} inside it.",
        "action": "cut-tail",
        "match": _match(site, {t}),
        "guard": {"min_chars_before": guard},
        "examples": [example],
    }


def _guarded_candidates(site: Site, live: list[Page], plain: set[str]) -> list[str]:
    """Chrome templates that may be a guarded cut-tail's marker: specific, not a marker of the cut-tail
    already, never in an article, and above the article and after it both on `marker_consistency` of the
    pages they are on (a share bar at both ends; on `min_pages` pages at least). Not a line repeated as
    often as a list separator on a page (`list_shape_repeats`: an ad label): an article found ends there."""
    P = site.params
    on, both, often = Counter(), Counter(), set()
    for p in live:
        above, after = set(p.tmpls[:p.start]), set(p.tmpls[p.end:])
        on.update(above | after)
        both.update(above & after)
        often.update(t for t, k in Counter(p.tmpls).items() if k >= P.list_shape_repeats)
    inside = {t for p in live for t in p.tmpls[p.start:p.end]}
    return sorted(t for t, k in both.items() if k >= site.min_pages and k >= P.marker_consistency * on[t]
                  and t in site.chrome and t not in plain | inside | often
                  and len(_LETTERS.findall(t)) >= 3 and len(site.line[t]) <= SHORT_LINE and _specific(site, t, True))


def _guarded_effect(site: Site, live: list[Page], before: list[list[int]], t: str, cut: list[int]):
    """(score, non-article words, article words, t, guard, cut line per page) of a guarded cut-tail at `t`
    beside the cut-tail's `cut`: words it removes beyond those (`before`: `_article_chars` of each page)."""
    P = site.params
    lines = [[i for i, x in enumerate(p.tmpls) if x == t] for p in live]
    # Its lines above an article, and the first of two or more on a page whatever the article found there
    # (an article found below its top line is no evidence that the line closes it): the guard passes them.
    head = [b[i] for p, b, found in zip(live, before, lines) for k, i in enumerate(found)
            if i < p.end or (k == 0 and len(found) > 1)]
    guard = P.tail_guard_chars + max(head, default=0)
    at = [next((i for i in found if b[i] >= guard), -1) for b, found in zip(before, lines)]
    gain = cost = 0.0
    for p, i, j in zip(live, at, cut):
        if i >= 0 and (j < 0 or i < j):
            g, c = p.removed(i, False)
            g0, c0 = p.removed(j, False) if j >= 0 else (0.0, 0.0)
            gain, cost = gain + g - g0, cost + c - c0
    if sum(i >= 0 for i in at) < site.min_pages:
        gain = cost = 0.0
    return gain - P.marker_cost * cost, gain, cost, t, guard, at


def _article_chars(p: Page) -> list[int]:
    """Per line, the characters of article-sized lines before it, as a cut-tail guard counts them."""
    return list(accumulate(map(article_chars, p.lines), initial=0))


def _guarded_example(site: Site, live: list[Page], at: list[int], guard: int) -> dict | None:
    """The guarded marker after the article-sized lines of a page's article that pass its guard."""
    for p, i in zip(live, at):
        keep: list[str] = []
        chars = 0
        for j in range(min(i, p.end) - 1, p.start - 1, -1):  # the article's last lines that pass the guard
            if chars >= guard:
                break
            n = 0 if p.chrome[j] else article_chars(p.lines[j])
            if n:
                keep.insert(0, p.lines[j])
                chars += n
        example = {"input": _text([*keep, p.lines[i], *_short_lines(site, p.lines[i + 1:i + 2])]),
                   "output": _text(keep)}
        if i >= p.end and chars >= guard and holds(site, example):
            return example
    return None


def _short_lines(site: Site, lines: list[str]) -> list[str]:
    """The lines an example shows around a marker: those shorter than `example_line_chars`."""
    return [s for s in lines if len(s) < site.params.example_line_chars]


# --- metadata, drop rules, signature ---------------------------------------------------------------------


def _extract_rule(site: Site) -> dict | None:
    """A chrome line shape with a numeric date in it, on many pages: the page's date (the line goes)."""
    P = site.params
    best = None
    for t in sorted(site.chrome):
        line = site.line[t]
        if (len(line) > P.date_line_chars or site.count[t] < max(site.min_pages, P.date_line_share * site.n)
                or not NUMERIC_DATE.search(line)):
            continue
        if best is None or site.count[t] > site.count[best]:
            best = t
    if best is None:
        return None
    line = site.line[best]
    m = NUMERIC_DATE.search(line)
    source = "^(?i:" + _shape(line[:m.start()]) + "(?P<date>" + _shape(m.group()) + ")" + _shape(line[m.end():]) + ")$"
    pattern = regex.compile(source)
    found = [(pattern.match(s), p.lines) for p in site.pages for s, t in zip(p.lines, p.tmpls) if t == best]
    if not all(d for d, _ in found):
        return None
    order, why = date_order([(d.group("date"), lines) for d, lines in found], P.date_agree_share)
    if order is None or not all(to_iso_date(d.group("date"), order) for d, _ in found):
        site.notes.append(f"no date learned from {quote(line)}: {why}")
        return None
    k = site.count[best]
    return {
        "id": "learned-date-line",
        "description": f"Takes the date from a line of this shape and drops the line: on {k} of {site.n} "
                       f"pages ({k / site.n:.0%}). Day/month order {order}: {why}.",
        "action": "extract",
        "match": {"regex": source},
        "date_order": order,
        "examples": [{"input": _text([line, article_line(site)]), "output": _text([article_line(site)]),
                      "metadata": {"date": to_iso_date(pattern.match(line).group("date"), order)}}],
    }


def _title_rule(site: Site) -> dict | None:
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
        "examples": [{"input": _text([p.lines[i], article_line(site)]),
                      "output": _text([p.lines[i], article_line(site)]), "title": p.lines[i]}],
    }


def _label_rules(site: Site) -> list[dict]:
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


def _labelled_lines(site: Site) -> dict[str, list]:
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


def _label_rule(site: Site, group: list, url: bool) -> dict:
    """`learned-source-url` (an extract) or `learned-label-lines` (a drop) for a group of labels."""
    article = article_line(site)
    labels = "|".join(regex.escape(shown, literal_spaces=True) for *_, shown in group)
    pages = ", ".join(f"{quote(shown + ':')} on {k}" for _, k, _, shown in group[:4])
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


def _block_rules(site: Site) -> list[dict]:
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


def _label_blocks(site: Site) -> dict[str, list[list[str]]]:
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


def _common_end(site: Site, hits: list[list[str]]) -> str:
    """The character most of the blocks' lines end in (not a letter or digit), or ""."""
    ends = Counter(s[-1] for block in hits for s in block)
    if not ends:
        return ""
    c, n = ends.most_common(1)[0]
    return c if n >= site.params.block_end_share * sum(ends.values()) and not c.isalnum() else ""


def _insert_rule(site: Site, markers: dict[str, list], max_lines: int, end: str, rule_id: str) -> dict | None:
    max_chars = min(SHORT_LINE, int(1.5 * max(len(s) for bs in markers.values() for b in bs for s in b)))
    follow = {"max_lines": max_lines, "max_chars": max_chars}
    if end:
        follow["match"] = {"regex": regex.escape(end) + "$"}
    example = _insert_example(site, markers, max_lines, max_chars, end)
    if example is None:
        return None
    follows = bool(end)
    shown = ", ".join(quote(site.line[t]) for t in sorted(markers)[:3])
    pages = sum(len(b) for b in markers.values())
    return {
        "id": rule_id,
        "description": f"Drops a label in or after the article ({shown}) and the up to {max_lines} short lines "
                       f"after it (lines that change from page to page: other pages' headlines, a byline"
                       f"{'; ending in ' + repr(end) if follows else ''}), seen "
                       f"{pages} times on {len(site.pages)} sampled pages.",
        "action": "drop-block",
        "match": _match(site, set(markers)),
        "followers": follow,
        "examples": [example],
    }


def _insert_example(site: Site, markers: dict[str, list], max_lines: int, max_chars: int, end: str) -> dict | None:
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
            after = article_line(site)
            fits = len(after) <= max_chars and (follows is None or follows.search(after))
            after = p.lines[j] if fits and j - i <= max_lines else after
            example = {"input": _text([*p.lines[i:j], after]), "output": _text([after])}
            if holds(site, example):
                return example
    return None


_SIDES = (("before", "header, menus: lines that lie before the article"),
          ("after", "footer, sidebars, related lists: lines that lie after the article"),
          ("within", "lines that lie within or beside the article (labels, share bars, ads)"))


def _drop_rules(site: Site, starts: set[str]) -> list[dict]:
    """Drop rules for the chrome lines, one per side of the article where most of their occurrences lie:
    a `literal` list, and a regex of shapes for lines with numbers (digits match any number).

    Lines an article owns (`_article_own`: a page's title, an in-article line, the dated byline), and every
    headline-size line that lies after the article, are no global drop: where most of them lie after the
    article, a drop bound to the text's far side (`side: after-text`) takes them there and leaves a page's
    own title above its text; elsewhere they stay. Nor is a line of `within_line_words` and headline size
    that the cut-head at `starts` takes wherever it lies before an article on the sampled pages
    (`_cut_takes`): as a drop it could only fire below the cut, inside or after an article, where a headline
    may be the page's own title; where it is also listed after an article, the after-text drop takes it."""
    ranked, side = _sides(site)
    taken, later = _cut_takes(site, starts)
    rules = []
    for key, label in _SIDES:
        group = [t for t in ranked if max(("before", "after", "within"), key=side[t].__getitem__) == key]
        # After the article, every headline-size line is bound to the text's far side: a headline listed
        # there may be the title of a page the sample did not place (`article_bound` are those it did).
        bound = [t for t in group if _article_own(site, t) or (key == "after" and site.headline(site.line[t]))]
        rules += _drop_group(site, [t for t in group if t not in bound and t not in taken], key, label)
        bound += [t for t in ranked if t in later and t not in group] if key == "after" else []
        if key == "after":
            rules += _drop_group(site, bound, "headlines-after", "headline-size lines listed after the text (a "
                                 "headline may be the title above the text of its own page: it stays there)")
    return rules


def _sides(site: Site) -> tuple[list[str], dict[str, Counter]]:
    """(ranked, side): the chrome templates a drop may spell out, most frequent first, and where their
    occurrences lie on the sampled pages (before, after, within the article)."""
    P = site.params
    side: dict[str, Counter] = {}
    for p in site.pages:
        for i, t in enumerate(p.tmpls):
            if t in site.chrome:
                where = "within" if p.start < 0 or p.start <= i < p.end else "before" if i < p.start else "after"
                side.setdefault(t, Counter())[where] += 1
    ranked = sorted(side, key=lambda t: (-site.count[t], t))
    return ranked[:3 * P.max_list], side


def _cut_takes(site: Site, starts: set[str]) -> tuple[set[str], set[str]]:
    """(taken, later): chrome lines of headline size and `within_line_words` that the cut-head at `starts`
    takes wherever they lie on the sampled pages but after an article (a "latest posts" list above the
    start marker, a "related articles" list after the text), and those of them that lie after one."""
    if not starts:
        return set(), set()
    taken, seen, after = Counter(), Counter(), Counter()
    for p in site.pages:
        cut = p.cut_at(starts)
        for i, t in enumerate(p.tmpls):
            if t in site.chrome and site.headline(p.lines[i]) and (
                    len(WORD.findall(p.lines[i])) >= site.params.within_line_words):
                seen[t] += 1
                after[t] += 0 <= p.start and p.end <= i
                taken[t] += i <= cut or (0 <= p.start and p.end <= i)
    out = {t for t in seen if taken[t] == seen[t] and after[t] < seen[t]}
    return out, {t for t in out if after[t]}


def _article_own(site: Site, t: str) -> bool:
    """Whether a chrome line belongs to an article by the evidence, never a global drop: a page's title
    (`Site.article_bound`), a line of `within_line_words` between the page's own lines in the article
    (`Site.inline`), the article's dated byline (`Site.datelines`) and a line of `within_line_words` right
    under it (`Site.under_bylines`)."""
    return t in site.article_bound or t in site.inline or t in site.datelines or t in site.under_bylines


def _drop_group(site: Site, group: list[str], key: str, label: str) -> list[dict]:
    """`learned-lines-KEY` (literals) and `learned-shapes-KEY` (lines with numbers) for `group`."""
    if not group:
        return []
    P, article = site.params, article_line(site)
    counts = [site.count[t] for t in group]
    lo, hi = min(counts), max(counts)
    evidence = (f"each on {lo} of {site.n} pages ({lo / site.n:.0%})" if lo == hi else
                f"each on {lo} to {hi} of {site.n} pages ({lo / site.n:.0%} to {hi / site.n:.0%})")
    plain = sorted({site.line[t] for t in group if not _DIGIT_RUN.search(t) and len(site.line[t]) <= SHORT_LINE})
    shaped = sorted({site.line[t] for t in group if _DIGIT_RUN.search(t) or len(site.line[t]) > SHORT_LINE})
    shapes, note = _shapes(site, shaped)
    shaped_match = {"regex": "^(?i:" + "|".join(shapes) + ")$"}
    if note:  # a giant line's prefix: no line much longer than it (a page flattened whole, its article in it)
        shaped_match["max_chars"] = max(map(len, shaped)) + P.giant_slack_chars
    bound = key == "headlines-after"
    rules = []
    for kind, lines, match in (("lines", plain, {"literal": plain[:P.max_list]}), ("shapes", shaped, shaped_match)):
        if not lines:
            continue
        what = f"{len(plain)} {label}" if kind == "lines" else \
            f"{len(shapes)} line shapes (digits match any number{note}) of {label}"
        rule = {"id": f"learned-{kind}-{key}", "description": f"Drops {what}, {evidence}.", "action": "drop",
                "match": match}
        if bound:
            rule["side"] = "after-text"
        rule["examples"] = [_drop_example(site, [_giant(site, s) for s in lines], article, key)]
        rules.append(rule)
    return rules


def _shapes(site: Site, lines: list[str]) -> tuple[list[str], str]:
    """(regexes, note): a shape per line (`_shape`), a line longer than `max_rule_line` (a page flattened
    to one line) by its first `giant_prefix_chars` characters, and what the description says of those."""
    P = site.params
    shapes = list(dict.fromkeys(_shape(s) if len(s) <= P.max_rule_line else _shape(s[:P.giant_prefix_chars]) + ".*"
                                for s in lines))[:P.max_list]
    giant = any(len(s) > P.max_rule_line for s in lines)
    return shapes, (f"; a line of more than {P.max_rule_line} characters by its first {P.giant_prefix_chars}, "
                    f"{P.giant_slack_chars} longer at most" if giant else "")


def _giant(site: Site, line: str) -> str:
    """A line as a rule and its example show it: a line longer than `max_rule_line` (a page flattened to one
    line) cut to its first `giant_prefix_chars` characters and " …"."""
    P = site.params
    return line if len(line) <= P.max_rule_line else line[:P.giant_prefix_chars] + " …"


def _drop_example(site: Site, lines: list[str], article: str, key: str) -> dict:
    """An example of a drop rule: the first of its (short) lines whose example holds with the whole file."""
    shown = sorted(lines, key=lambda s: len(s) >= site.params.example_line_chars)[:site.params.example_tries]
    example = {}
    # A headline listed after the text: its own page's title stays above the text, where the generic rules
    # leave that line as it is (they strip a table pipe: "| Q: 45"); else it goes after the text.
    forms = ("stays", "after") if key == "headlines-after" else (key,)
    for form in forms:
        for line in shown:
            if form == "stays":
                example = {"input": _text([line, article, line]), "output": _text([line, article])}
            else:
                example = {"input": _text(_beside(line, article, form)), "output": _text([article])}
            if holds(site, example):
                return example
    return example


def _beside(line: str, article: str, side: str) -> list[str]:
    """An example's input: the chrome line on its side of an article line (a line found after the
    article comes after it, where the site's cut-tail markers leave the article alone)."""
    return [article, line] if side == "after" else [line, article]


def _signature(site: Site) -> dict | None:
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


def _template_of(site: Site, line: str) -> str:
    return next(t for t, s in site.line.items() if s == line)


def _shape(line: str) -> str:
    """A regex for a line: literal, except that any run of digits matches any number."""
    return "[0-9]+".join(regex.escape(x, literal_spaces=True) for x in _DIGIT_RUN.split(line))


def _match(site: Site, markers: set[str]) -> dict:
    lines = sorted({site.line[t] for t in markers})  # (a mojibake copy repairs to the same line)
    if all(not _DIGIT_RUN.search(s) and len(s) <= SHORT_LINE for s in lines):
        return {"literal": lines}
    # One regex for all (a rule with both literals and a regex that nothing narrows screens as literals only).
    return {"regex": "^(?i:" + "|".join(dict.fromkeys(map(_shape, lines))) + ")$"}


def quote(line: str) -> str:
    return repr(line if len(line) <= 60 else line[:57] + "...")


def article_line(site: Site) -> str:
    """The article line of the examples: the one `_pick_example_line` chose, else the first of
    `article_lines`."""
    return site.example or next(iter(example_lines(site)), "Article text.")


def example_lines(site: Site) -> list[str]:
    """`article_lines`, those between article-sized (a drop bound to a side of the text needs one) and
    `example_line_chars` first (readable evidence)."""
    return sorted(article_lines(site), key=lambda s: not ARTICLE_LINE < len(s) < site.params.example_line_chars)


def article_lines(site: Site):
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

"""The stress set: sites-dev's sites transformed into the failure classes learning met on unseen sites.

Each transform takes one site's pages (dicts with id, url, site, text, gold) and a seeded random
generator and returns the transformed pages, with gold that follows from the transform (its docstring
says how). Nothing is written to disk: the set is rebuilt in memory, the same for the same seed.

`score_class` learns every transformed site of a class (as `clean --learn` would, from its own pages),
cleans its pages with the shipped plus the learned rules and scores them against their gold, beside the
same pages untransformed; `print_stress` reports every class.
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import sitesdev

SEED = 17
PARAGRAPH_WORDS = 15  # an article line this long (in words) is a paragraph, not a heading or a byline
SIDEBAR_HEADLINES = 5  # headlines in a "Recent posts" sidebar
FOOTER_CHARS = 3000  # a flattened footer line
COPIES = 2  # near-copies of each page, each under its own URL
DWARF_PAGES = 5  # pages of a site whose chrome dwarfs its articles
DWARF_CHROME = 145  # shared prose-like chrome lines on each of them
DWARF_MENU = ("Home", "News", "Reviews", "About us", "Contact")  # and a menu above them
DWARF_BEFORE = 45  # of which above the article
DWARF_ARTICLE_WORDS = 100  # words of each article
TEASER_WORDS = (8, 20)  # a chrome teaser: the first words of another site's article paragraph
INGREDIENTS = ("flour", "sugar", "butter", "eggs", "milk", "salt", "baking powder", "vanilla extract",
               "olive oil", "garlic", "onion", "tomatoes", "basil", "parmesan", "lemon juice", "honey",
               "cinnamon", "rice", "chicken stock", "black pepper", "carrots", "celery", "yogurt", "oats")
UNITS = ("cup", "cups", "tsp", "tbsp", "g", "ml", "pinch of", "large")
VERBS = ("Whisk", "Stir", "Fold", "Simmer", "Combine", "Toast", "Season", "Bake", "Chill", "Blend")


# --- helpers ---------------------------------------------------------------------------------------------


def _page(page: dict, lines: list[str], gold: list[str] | None = None, **extra) -> dict:
    """A transformed copy of `page` with these text lines (and gold lines, else the page's gold)."""
    out = {**page, "text": "\n".join(lines), **extra}
    if gold is not None:
        out["gold"] = "\n".join(gold)
    return out


def _paragraphs(page: dict) -> list[tuple[int, int]]:
    """(text line, gold line) index pairs of the article's paragraphs: gold lines after the first (the
    heading) of at least `PARAGRAPH_WORDS` words, where the text has them (`sitesdev.align`)."""
    gold = sitesdev.lines_of(page["gold"])
    return [(t, g) for t, g in sitesdev.align(page) if g > 0 and len(gold[g].split()) >= PARAGRAPH_WORDS]


def _headlines(pages: list[dict]) -> list[str]:
    """The site's headlines (`sitesdev.headline`), in page order."""
    return [h for h in map(sitesdev.headline, pages) if h]


def _after_heading(page: dict) -> int:
    """Where a line above the article goes: after the headline's line in the article (`sitesdev.align`),
    else before the first paragraph."""
    if sitesdev.headline(page) is not None:
        head = next((t for t, g in sitesdev.align(page) if g == 0), None)
        if head is not None:
            return head + 1
    pars = _paragraphs(page)
    return pars[0][0] if pars else 0


# --- the transforms --------------------------------------------------------------------------------------


def cut_articles(pages: list[dict], rng: random.Random) -> list[dict]:
    """Short articles (briefs, photo posts): each article cut after its first one or two paragraphs.

    Text: the lines from the last kept paragraph to the last article line go (chrome inserts between
    them too). Gold: the gold lines up to that paragraph."""
    out = []
    for p in pages:
        pars = _paragraphs(p)
        keep = rng.choice((1, 2))
        if len(pars) <= keep:
            out.append(p)
            continue
        (cut, gold_cut), last = pars[keep - 1], max(sitesdev.article_lines(p))
        text, gold = sitesdev.lines_of(p["text"]), sitesdev.lines_of(p["gold"])
        out.append(_page(p, text[:cut + 1] + text[last + 1:], gold[:gold_cut + 1]))
    return out


def headline_sidebar(pages: list[dict], rng: random.Random) -> list[dict]:
    """A "Recent posts" sidebar of the site's own headlines at the end of every page (a side column
    dumped after the main one): the same `SIDEBAR_HEADLINES` headlines everywhere, so on their own pages
    they are also the article's heading. Gold: unchanged (a sidebar is not article; the heading stays
    article on its own page)."""
    box = ["Recent Posts", *_headlines(pages)[:SIDEBAR_HEADLINES]]
    return [_page(p, sitesdev.lines_of(p["text"]) + box) for p in pages]


def article_widget(pages: list[dict], rng: random.Random) -> list[dict]:
    """An in-article widget: the headline of the site's first page (a "most read" box) inserted after
    the second paragraph of every other page's article; on the first page it is the heading itself.
    Gold: unchanged (the widget is not article)."""
    heads = _headlines(pages)
    if not heads:
        return list(pages)
    widget, out = heads[0], []
    for p in pages:
        pars = _paragraphs(p)
        if sitesdev.headline(p) == widget or not pars:
            out.append(p)
            continue
        at = pars[min(1, len(pars) - 1)][0] + 1
        text = sitesdev.lines_of(p["text"])
        out.append(_page(p, text[:at] + [widget] + text[at:]))
    return out


def _random_date(rng: random.Random, ambiguous: bool) -> date:
    """A day of 2012; `ambiguous`: one whose day is at most 12 (it reads as a month too)."""
    day = date(2012, 1, 1) + timedelta(days=rng.randrange(366))
    return day.replace(day=1 + (day.day - 1) % 12) if ambiguous else day


def _dateline(pages: list[dict], rng: random.Random, shape: Callable[[date], str]) -> list[dict]:
    """A dateline "Posted on <date>" under each page's headline, a random day of 2012 per page written by
    `shape`; each page records the date (`date`, ISO) for the date check. On half the sites (drawn) every
    day is at most 12: nothing on the page tells day from month, and a learner must not guess."""
    ambiguous, out = rng.random() < 0.5, []
    for p in pages:
        day, at = _random_date(rng, ambiguous), _after_heading(p)
        text = sitesdev.lines_of(p["text"])
        out.append(_page(p, text[:at] + [f"Posted on {shape(day)}"] + text[at:], date=day.isoformat()))
    return out


def us_dates(pages: list[dict], rng: random.Random) -> list[dict]:
    """US numeric datelines ("Posted on 11/07/2012": month first) under each headline. Gold: unchanged
    (a dateline is metadata); the true date is recorded for the date check."""
    return _dateline(pages, rng, lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}")


def day_first_dates(pages: list[dict], rng: random.Random) -> list[dict]:
    """Day-first numeric datelines ("Posted on 07/11/2012") under each headline. Gold: unchanged (a
    dateline is metadata); the true date is recorded for the date check."""
    return _dateline(pages, rng, lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}")


def _recipe(rng: random.Random) -> list[str]:
    """An ingredient list and numbered directions: labels fixed, items and steps drawn at random."""
    items = rng.sample(INGREDIENTS, rng.randint(4, 8))
    lines = ["Ingredients:"]
    lines += [f"{rng.randint(1, 4)} {rng.choice(UNITS)} {item}" for item in items]
    lines.append("Directions:")
    for n in range(1, rng.randint(3, 5) + 1):
        a, b = rng.sample(items, 2)
        lines += [f"Step {n}", f"{rng.choice(VERBS)} the {a} with the {b} for {rng.randint(2, 40)} minutes."]
    return lines


def recipe_lists(pages: list[dict], rng: random.Random) -> list[dict]:
    """List-heavy articles (recipes): after the first paragraph, "Ingredients:" and 4 to 8 short item
    lines, then "Directions:" and "Step 1" ... "Step N", each before a one-sentence instruction. The
    labels repeat on every page as structure; items and steps vary (items from a short list, so some
    repeat across pages, as on a real recipe site). Gold: the same lines after the same paragraph."""
    out = []
    for p in pages:
        pars = _paragraphs(p)
        if not pars:
            out.append(p)
            continue
        (at, gold_at), recipe = pars[0], _recipe(rng)
        text, gold = sitesdev.lines_of(p["text"]), sitesdev.lines_of(p["gold"])
        out.append(_page(p, text[:at + 1] + recipe + text[at + 1:], gold[:gold_at + 1] + recipe + gold[gold_at + 1:]))
    return out


def giant_footer(pages: list[dict], rng: random.Random) -> list[dict]:
    """A footer flattened into one line of `FOOTER_CHARS` characters at the end of every page (the
    site's menus and legal text run together, as a scraper that loses block breaks writes it); the same
    on every page. Gold: unchanged."""
    shared = sorted({s for p in pages for s in sitesdev.lines_of(p["text"])} - {
        s for p in pages for s in sitesdev.lines_of(p["gold"])})
    words = " | ".join(shared) or "Home | About | Contact"
    footer = (words + " | ") * (FOOTER_CHARS // (len(words) + 3) + 1)
    legal = " | Copyright 2012, all rights reserved."
    line = footer[:FOOTER_CHARS - len(legal)] + legal
    return [_page(p, sitesdev.lines_of(p["text"]) + [line]) for p in pages]


def near_copies(pages: list[dict], rng: random.Random) -> list[dict]:
    """The same article under more URLs (print and AMP versions): every page and `COPIES` near-copies,
    each copy under its own URL, opening with the version's label, with one line of the page left out
    (never an article line). Gold: the original's for each copy."""
    out = []
    for p in pages:
        out.append(p)
        text, art = sitesdev.lines_of(p["text"]), set(sitesdev.article_lines(p))
        others = [i for i in range(len(text)) if i not in art]
        for k, version in enumerate(("print", "amp")[:COPIES], 1):
            gone = rng.choice(others) if others else -1
            lines = [f"{version.upper()} version"] + [s for i, s in enumerate(text) if i != gone]
            out.append(_page(p, lines, id=f"{p['id']}~{version}", url=f"{p['url'].rstrip('/')}/{version}/"))
    return out


TRANSFORMS: dict[str, Callable[[list[dict], random.Random], list[dict]]] = {
    "cut to 1-2 paragraphs": cut_articles,
    "headline sidebar": headline_sidebar,
    "in-article widget": article_widget,
    "US dates": us_dates,
    "day-first dates": day_first_dates,
    "recipe lists": recipe_lists,
    "giant footer line": giant_footer,
    "near-copies": near_copies,
}

# Classes that change only the articles (their pages keep their own chrome), where the rules learned on
# the untransformed pages apply as they are; the dwarfs' chrome is new.
SAME_CHROME = ("cut to 1-2 paragraphs", "recipe lists")


def _teasers(pages: list[dict], exclude: str, rng: random.Random, n: int) -> list[str]:
    """Up to `n` prose-like chrome lines: the first words of article paragraphs of other sites' pages."""
    pool = sorted({s for p in pages if p["site"] != exclude for s in sitesdev.lines_of(p["gold"])
                   if len(s.split()) >= TEASER_WORDS[1]})
    return [" ".join(s.split()[:rng.randint(*TEASER_WORDS)]) + " ..." for s in rng.sample(pool, min(n, len(pool)))]


def _short_article(page: dict) -> list[str]:
    """The page's headline (or none) and its first `DWARF_ARTICLE_WORDS` article words, as paragraphs."""
    head = sitesdev.headline(page)
    lines, words = ([head] if head else []), 0
    for s in sitesdev.lines_of(page["gold"]):
        if s == head or len(s.split()) < PARAGRAPH_WORDS:
            continue
        take = s.split()[:DWARF_ARTICLE_WORDS - words]
        lines.append(" ".join(take))
        words += len(take)
        if words >= DWARF_ARTICLE_WORDS:
            break
    return lines


def chrome_dwarfs_site(site_pages: list[dict], all_pages: list[dict], rng: random.Random) -> list[dict]:
    """A site whose chrome dwarfs its articles: `DWARF_PAGES` pages of about 155 lines, a short menu and
    `DWARF_CHROME` lines of the same prose-like teasers on every page (other sites' article openings, as
    sidebars of headlines and teasers are), around a ~`DWARF_ARTICLE_WORDS`-word article (the opening of
    one of the site's pages). Gold: the article lines (headline and paragraphs)."""
    chrome = _teasers(all_pages, site_pages[0]["site"], rng, DWARF_CHROME)
    out = []
    for p in site_pages[:DWARF_PAGES]:
        article = _short_article(p)
        lines = [*DWARF_MENU, *chrome[:DWARF_BEFORE], *article, *chrome[DWARF_BEFORE:]]
        out.append(_page(p, lines, article))
    return out


def stress_sets(pages: list[dict], seed: int = SEED) -> dict[str, list[dict]]:
    """Class name -> its transformed pages (all sites; the chrome-dwarfs class: one site per sites-dev
    site with at least `DWARF_PAGES` pages). A generator per class and site, seeded by their names."""
    sites = sitesdev.by_site(pages)
    out: dict[str, list[dict]] = {}
    for name, transform in TRANSFORMS.items():
        out[name] = [q for site, ps in sites.items() for q in transform(ps, _rng(seed, name, site))]
    out["chrome dwarfs article"] = [
        q for site, ps in sites.items() if len(ps) >= DWARF_PAGES
        for q in chrome_dwarfs_site(ps, pages, _rng(seed, "dwarfs", site))]
    return out


def _rng(seed: int, name: str, site: str) -> random.Random:
    return random.Random(f"{seed}:{name}:{site}")  # (a str seed hashes the same in every process)


# --- scoring ---------------------------------------------------------------------------------------------


def _dateline_reads(pages: list[dict], results: dict, learned: dict) -> Counter:
    """Of the pages with a dateline: how many a learned date rule read it on, and how many right."""
    out = Counter()
    rules = {site: sitesdev.date_rules(r) for site, r in learned.items()}
    for p in pages:
        if "date" not in p:
            continue
        out["pages"] += 1
        read = [iso for line, _, iso in sitesdev.extracted_dates(results[p["id"]], rules[p["site"]])
                if line.startswith("Posted on ")]
        if read:
            out["read"] += 1
            out["right"] += read[0] == p["date"]
    return out


def score_class(pages: list[dict], untransformed: dict[str, tuple], params=None) -> dict:
    """One class: macro (P, R, F1) of its pages and of their untransformed originals (`untransformed`:
    page id -> scores), sites that learned rules, and for datelines the dates read against the true ones."""
    results, learned = sitesdev.learn_and_clean(pages, params)
    scores = [sitesdev.score_page(results[p["id"]].text, p["gold"]) for p in pages]
    originals = {p["id"].split("~")[0] for p in pages}
    return {
        "pages": len(pages), "sites": len(learned),
        "learned": sum(r.yaml_text is not None for r in learned.values()),
        "score": sitesdev.macro(scores),
        "before": sitesdev.macro(untransformed[i] for i in sorted(originals)),
        "dates": _dateline_reads(pages, results, learned),
    }


def same_chrome_ceiling(pages: list[dict], originals: dict[str, dict], cleaned: dict[str, str]) -> tuple:
    """Macro (P, R, F1) the transformed `pages` would score if each kept exactly the chrome (output tokens
    outside the gold) and the recall of its untransformed original (`cleaned`: original id -> its text
    cleaned): what learning as well as on the untransformed pages gives, where a class shrinks the gold
    (a short article weighs less against the same chrome)."""
    scores = []
    for p in pages:
        o = originals[p["id"].split("~")[0]]
        out, gold0 = Counter(sitesdev.tokens(cleaned[o["id"]])), Counter(sitesdev.tokens(o["gold"]))
        recall = sum((out & gold0).values()) / max(1, sum(gold0.values()))
        kept = recall * len(sitesdev.tokens(p["gold"]))
        chrome = sum((out - gold0).values())
        precision = kept / (kept + chrome) if kept + chrome else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append((precision, recall, f1))
    return sitesdev.macro(scores)


def print_stress(pages: list[dict], untransformed: dict[str, tuple], params=None, seed: int = SEED,
                 cleaned: dict[str, str] | None = None, before=None) -> None:
    """The stress set's report: per class, recall and F1 transformed against untransformed, and its checks;
    where a class shrinks the gold and `cleaned` (page id -> untransformed text cleaned) is given, also
    `same_chrome_ceiling`, and where `before` (a Cleaner with the rules learned on the untransformed pages)
    is given, the transformed pages of `SAME_CHROME` classes cleaned with those rules: what learning on the transformed pages moves,
    apart from what their gold moves."""
    originals = {p["id"]: p for p in pages}
    print(f"\nstress set (seed {seed}): each class learned on its transformed sites, beside the same pages "
          f"untransformed (learned on sites-dev); target: F1 within 0.03")
    print(f"{'class':22} {'pages':>5} {'learned':>7}  {'transformed':24}  {'untransformed':16}  delta R  delta F1")
    for name, ps in stress_sets(pages, seed).items():
        c = score_class(ps, untransformed, params)
        (p, r, f), (_, r0, f0) = c["score"], c["before"]
        flag = "" if f - f0 >= -0.03 else "  <- over 0.03"
        print(f"{name:22} {c['pages']:5} {c['learned']:3}/{c['sites']:<3}  P {p:.3f} R {r:.3f} F1 {f:.3f}  "
              f"R {r0:.3f} F1 {f0:.3f}  {r - r0:+7.3f}  {f - f0:+8.3f}{flag}")
        if cleaned is not None and any(q["gold"] != originals[q["id"].split("~")[0]]["gold"] for q in ps):
            p1, r1, f1 = same_chrome_ceiling(ps, originals, cleaned)
            print(f"{'':22} with the chrome and recall of the untransformed pages: P {p1:.3f} R {r1:.3f} F1 {f1:.3f} "
                  f"({f1 - f0:+.3f} against the untransformed pages: what this class's gold alone moves)")
            if before is not None and name in SAME_CHROME:
                p2, r2, f2 = sitesdev.macro(sitesdev.score_page(before.clean(q["text"], url=q["url"]).text, q["gold"])
                                            for q in ps)
                flag = "" if f - f2 >= -0.03 else "  <- over 0.03"
                print(f"{'':22} cleaned with the rules learned on the untransformed pages: P {p2:.3f} R {r2:.3f} "
                      f"F1 {f2:.3f} ({f - f2:+.3f}: what learning on the transformed pages moves){flag}")
        d = c["dates"]
        if d["pages"]:
            print(f"{'':22} datelines: {d['read']} of {d['pages']} read by a learned rule, {d['right']} right, "
                  f"{d['read'] - d['right']} wrong")

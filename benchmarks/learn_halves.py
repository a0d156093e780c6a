"""Rules on pages learning did not sample: each site of sites-dev with `MIN_PAGES` pages or more learned
from every other page (half of them), and scored on the other half, beside the same pages cleaned with the
rules learned from all the site's pages (in-sample) and with the shipped rules alone.

A crawl learns a site from a sample of its pages and cleans them all; here the sample is half the pages,
so what the rules do to pages of another kind (a video page, an overview) shows apart from what they do
to the pages they were learned from.
"""
from __future__ import annotations

from collections import Counter

import sitesdev

MIN_PAGES = 6  # a site with fewer pages leaves too few to learn from (3) on its half


def halves(pages: list[dict]) -> dict:
    """Macro (P, R, F1) over the held-out halves: learned on the other half, in-sample, shipped rules;
    per site the F1 difference (held-out half against in-sample); and the hand-marked words the shipped
    rules keep that the half-learned rules remove, per (site, rule)."""
    from cleaner import Cleaner

    shipped = Cleaner(*sitesdev.shipped_rules())
    scores: dict[str, list] = {"half": [], "all": [], "shipped": []}
    per_site, lost = [], Counter()
    for site, ps in sorted(sitesdev.by_site(pages).items()):
        if len(ps) < MIN_PAGES:
            continue
        sample = ps[::2]
        rest = ps[1::2]
        half = sitesdev.learned_cleaner(sitesdev.learn(site, (p["text"] for p in sample)))
        whole = sitesdev.learned_cleaner(sitesdev.learn(site, (p["text"] for p in ps)))
        mine = {"half": [], "all": []}
        for p in rest:
            r = half.clean(p["text"], url=p["url"])
            for name, text in (("half", r.text), ("all", whole.clean(p["text"], url=p["url"]).text)):
                mine[name].append(sitesdev.score_page(text, p["gold"]))
            kept = shipped.clean(p["text"], url=p["url"]).text
            lost.update(_lost(p, kept, r))
            scores["shipped"].append(sitesdev.score_page(kept, p["gold"]))
        scores["half"] += mine["half"]
        scores["all"] += mine["all"]
        per_site.append((sitesdev.macro(mine["half"])[2] - sitesdev.macro(mine["all"])[2], site, len(rest)))
    return {"pages": len(scores["half"]), "scores": {k: sitesdev.macro(v) for k, v in scores.items()},
            "sites": sorted(per_site), "lost": lost}


def _lost(page: dict, kept: str, result) -> Counter:
    """Words of hand-marked lines that `kept` (the shipped rules' output) has and `result` removed, by
    (site, rule)."""
    gold = {s.strip() for s in page["gold"].splitlines() if s.strip()}
    shipped, out = set(map(str.strip, kept.splitlines())), set(map(str.strip, result.text.splitlines()))
    rule = {e.line: e.rule for e in result.trace}
    found = Counter()
    for n, line in enumerate(page["text"].splitlines(), 1):
        s = line.strip()
        if s in gold and s in shipped and s not in out:
            found[(page["site"], rule.get(n))] += len(s.split())
    return found


def print_halves(pages: list[dict]) -> None:
    """The report of `halves`."""
    h = halves(pages)
    print(f"\nhalves: {h['pages']} pages of the sites with >= {MIN_PAGES} pages, each scored with the rules learned "
          f"from the site's other pages (every other one)")
    for name, label in (("half", "learned from the other half"), ("all", "learned from all pages (in-sample)"),
                        ("shipped", "shipped rules alone")):
        print("  {:38} P {:.3f}  R {:.3f}  F1 {:.3f}".format(label, *h["scores"][name]))
    worst = ", ".join(f"{site} {d:+.3f}" for d, site, _ in h["sites"][:4])
    print(f"  most F1 lost against in-sample, per site: {worst}")
    top = ", ".join(f"{site} {rule} {n}" for (site, rule), n in h["lost"].most_common(4))
    print(f"  hand-marked words the shipped rules keep and these rules remove: {sum(h['lost'].values())} ({top})")

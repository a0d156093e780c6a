"""Cross-validation of the learner by site: are its tunables chosen on some sites good on others?

sites-dev's sites (not pages: a site's pages share chrome) are split into K folds (`sitesdev.split_sites`).
For each fold, the grid point with the best macro F1 (tie-break: recall) on the other K-1 folds is chosen
and scored on the held-out fold. Learning is per site, so every grid point is learned and scored once
per site, and each fold only chooses among those scores.

The grid (`GRID`) varies, one at a time around the defaults, the `LearnParams` fields that decide most
of what is learned (read from `cleaner/learn/induce.py`):

- `marker_cost`: how many non-article words a cut-head/cut-tail must remove per article word it costs
  (the learner's precision/recall trade-off for cuts);
- `first_run_share`: the article is the first run of lines scoring this share of the best run (finds
  the article above comments and galleries);
- `short_line_cost`: what every page-specific line pays when the article is scored (menus and link
  lists must score below zero);
- `prose_words`: a line this long is prose: chrome only outside the article, a lead, a title's limit;
- `marker_consistency`: a marker lies on the same side of the article on this share of its pages;
- `title_skip_lines`: how many short chrome lines (a date, a count) may stand between a headline above the
  article and the page's own text for it to be that page's title (bound to an article: no global drop);
- `landmark_gap_lines`: a chrome line this close after the article on the other pages ends it on a page
  where a list (a comment thread) outweighed a short article;
- `own_list_lines`: a list label ("Ingredients:") with the page's own prose this close after it is the
  article's structure, not chrome;
- `rule_loss_bound`: a rule removing more than this share of the sampled articles' words is left out;
- `article_finder`: whether the learned file runs the article finder after its rules.
"""
from __future__ import annotations

from dataclasses import replace

import sitesdev

GRID_VALUES = {
    "marker_cost": (4.0, 16.0),
    "first_run_share": (0.2, 0.5),
    "short_line_cost": (6.0, 12.0),
    "prose_words": (8, 16),
    "marker_consistency": (0.6, 0.9),
    "title_skip_lines": (0, 4),
    "landmark_gap_lines": (3, 12),
    "own_list_lines": (12, 40),
    "rule_loss_bound": (0.01, 0.05),
    "listing_words": (15, 60),
    "listing_lower_share": (0.15, 0.45),
    "article_finder": (False,),
}
GRID: list[dict] = [{}] + [{name: v} for name, values in GRID_VALUES.items() for v in values]


def label(point: dict) -> str:
    """A grid point as people read it: "default" or "marker_cost=4.0"."""
    return ", ".join(f"{k}={v}" for k, v in sorted(point.items())) or "default"


def point_params(point: dict):
    """The `LearnParams` of a grid point (the defaults with its fields replaced)."""
    from cleaner.learn.params import DEFAULT_PARAMS

    return replace(DEFAULT_PARAMS, **point)


def grid_scores(pages: list[dict], grid: list[dict]) -> list[dict[str, tuple]]:
    """Per grid point, page id -> (P, R, F1) with the rules learned on its site with those params."""
    out = []
    for point in grid:
        results, _ = sitesdev.learn_and_clean(pages, point_params(point))
        out.append({p["id"]: sitesdev.score_page(results[p["id"]].text, p["gold"]) for p in pages})
    return out


def choose(scores: list[dict[str, tuple]], ids: list[str]) -> int:
    """The grid point with the best macro F1 over `ids`, then the best recall; the first on a tie."""
    macros = [_macro(s, ids) for s in scores]
    return max(range(len(scores)), key=lambda k: (macros[k][2], macros[k][1], -k))


def _macro(scores: dict[str, tuple], ids) -> tuple[float, float, float]:
    return sitesdev.macro(scores[i] for i in ids)


def cross_validate(pages: list[dict], k: int, grid: list[dict] = GRID) -> dict:
    """The folds, what each chose and its in-fold and held-out scores, and every grid point's scores."""
    sites = sitesdev.by_site(pages)
    scores = grid_scores(pages, grid)
    folds = []
    for held in sitesdev.split_sites(sites, k):
        train = [p["id"] for s in sites if s not in held for p in sites[s]]
        test = [p["id"] for s in held for p in sites[s]]
        best = choose(scores, train)
        folds.append({"sites": held, "chosen": best, "train": train, "test": test,
                      "in_fold": _macro(scores[best], train), "held_out": _macro(scores[best], test)})
    return {"grid": grid, "scores": scores, "folds": folds, "sites": sites}


def _held_out(cv: dict) -> dict[str, tuple]:
    """Page id -> its scores with the grid point chosen without its site."""
    return {i: cv["scores"][f["chosen"]][i] for f in cv["folds"] for i in f["test"]}


def _fmt(s: tuple) -> str:
    return "P {:.3f}  R {:.3f}  F1 {:.3f}".format(*s)


def print_folds(cv: dict, per_site: bool = True) -> None:
    """The cross-validation report: the grid on the whole set, each fold, the macro figures, per site."""
    grid, scores, sites = cv["grid"], cv["scores"], cv["sites"]
    everything = [p["id"] for ps in sites.values() for p in ps]
    print(f"\ncross-validation by site: {len(cv['folds'])} folds of {len(sites)} sites; each fold's params "
          f"chosen on the others by macro F1 (then recall) among {len(grid)} grid points")
    print("grid point, on the whole set (in-sample):")
    for point, s in zip(grid, scores):
        print(f"  {label(point):32} {_fmt(_macro(s, everything))}")
    print(f"{'fold':4} {'sites':>5} {'pages':>5}  {'chosen':28} {'in-fold (tuned)':28} held-out")
    for n, f in enumerate(cv["folds"], 1):
        print(f"{n:4} {len(f['sites']):5} {len(f['test']):5}  {label(grid[f['chosen']]):28} "
              f"{_fmt(f['in_fold']):28} {_fmt(f['held_out'])}")
    default = _macro(scores[0], everything)
    held = sitesdev.macro(_held_out(cv).values())
    in_fold = sitesdev.macro(f["in_fold"] for f in cv["folds"])
    print(f"whole set, default params          {_fmt(default)}")
    print(f"in-fold (tuned), mean of folds     {_fmt(in_fold)}")
    print(f"held-out, macro over pages         {_fmt(held)}   held-out - whole set: {held[2] - default[2]:+.3f} "
          f"(target: within 0.02)")
    if per_site:
        _print_sites(cv)


def _print_sites(cv: dict) -> None:
    """Per site: its fold, default F1 (whole set), in-fold F1 (mean over the folds that trained on it) and
    held-out F1."""
    scores, held = cv["scores"], _held_out(cv)
    print(f"\n{'site':34} fold pages  default  in-fold  held-out")
    for n, f in enumerate(cv["folds"], 1):
        for site in f["sites"]:
            ids = [p["id"] for p in cv["sites"][site]]
            trained = [g["chosen"] for g in cv["folds"] if g is not f]
            in_fold = sum(_macro(scores[c], ids)[2] for c in trained) / len(trained)
            print(f"{site:34} {n:4} {len(ids):5}  {_macro(scores[0], ids)[2]:7.3f}  {in_fold:7.3f}  "
                  f"{sitesdev.macro(held[i] for i in ids)[2]:8.3f}")

"""Learned HTML templates on sites-dev's `html` field: F1 and pages/s of three ways to clean HTML.

    python benchmarks/html_learn.py [--rounds 3] [--sites] [--folds 5]

Learns each site from its own pages (the set itself, as `cleaner clean --learn` does), then cleans every
page, one process:

- generic: the shipped rules (trafilatura takes the main content);
- learned text rules: rules learned on the pages' block lines, no template (the pages stay generic);
- learned templates: `html:` sections learned by `cleaner.learn.template` (and text rules on the lines
  they yield); a page no template fits takes the generic path.

Prints bag-of-words P/R/F1 (the set's README metric, macro over pages), pages/s of each (best of
`--rounds`, extraction and rules), how many pages the templates took, and learning pages/s on HTML
(reading + learning every site). Held-out (`--folds K`, cross-validation by site): the template
learner's constants (`GRID`: each tried at a few values around its default) are chosen on K-1 folds of
the sites (by a stable hash of the name) and score the remaining fold; the pooled held-out F1 is
printed beside the whole-set F1 with the defaults.
"""
from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/html.py would shadow the standard library's `html` module for scripts run from here.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.api import default_rules_dir  # noqa: E402
from cleaner.learn import template as tpl  # noqa: E402
from cleaner.learn.induce import learn_site  # noqa: E402
from cleaner.learn.profile import SiteProfile, page_lines  # noqa: E402

_spec = importlib.util.spec_from_file_location("sitesdev", Path(__file__).with_name("sitesdev.py"))
sitesdev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sitesdev)

# The template learner's constants, each tried at these values with the others at their defaults (the
# first value of each is its default); --folds chooses one of these configurations on K-1 folds of sites.
GRID = {"SHORT_COST": (6.0, 3.0, 10.0), "HELD_COST": (0.0, 0.1, 0.2), "TIGHT_SHARE": (0.9, 0.8, 0.95, 2.0),
        "STRIP_LINK_SHARE": (0.5, 0.3, 0.7, 2.0), "MIN_LIST_LINES": (3, 2, 5)}  # (2.0: that rule off)


def profiles_of(pages: list[dict]) -> tuple[dict, dict]:
    """The streaming pass: per site, its profile (block lines) and HTML sample."""
    profiles, samples = {}, {}
    for p in pages:
        site = p["site"]
        sample = samples.setdefault(site, tpl.HtmlSample())
        lines = page_lines("\n".join(tpl.page_lines_sampled(p["html"], sample)))
        profiles.setdefault(site, SiteProfile(site)).add_page(lines)
    return profiles, samples


def learn_dir(profiles: dict, samples: dict | None) -> Path:
    """Learn every site (templates when `samples` is given) into a fresh rules directory beside the
    shipped rules."""
    out = Path(tempfile.mkdtemp(prefix="html-learn-"))
    for f in default_rules_dir().glob("*.yaml"):
        shutil.copy(f, out)
    for site, prof in sorted(profiles.items()):
        if samples is None:
            learned = learn_site(prof)
        else:
            learned, _ = tpl.learn_site_html(prof, samples.get(site))
        if learned.yaml_text:
            (out / f"{site}.yaml").write_text(learned.yaml_text, encoding="utf-8")
    return out


def clean_all(cleaner: Cleaner, pages: list[dict]) -> dict[str, object]:
    return {p["id"]: cleaner.clean(p["html"], url=p["url"], format="html") for p in pages}


def scores(results: dict, pages: list[dict]) -> dict[str, tuple[float, float, float]]:
    return {p["id"]: sitesdev.score_page(results[p["id"]].text, p["gold"]) for p in pages}


def fold_of(site: str, folds: int) -> int:
    return zlib.crc32(site.encode("utf-8")) % folds


def configurations() -> list[tuple[tuple[str, float], ...]]:
    """The defaults, then each constant at each of its other values (the others at their defaults)."""
    configs = [()]
    for name, values in GRID.items():
        configs += [((name, v),) for v in values[1:]]
    return configs


def per_configuration(pages: list[dict], profiles: dict, samples: dict) -> dict:
    """Configuration -> page id -> (P, R, F1) of the learned templates under it."""
    defaults = {name: getattr(tpl, name) for name in GRID}
    assert all(defaults[n] == GRID[n][0] for n in GRID), "GRID's first values must be the defaults"
    per_config = {}
    try:
        for config in configurations():
            for name, value in {**defaults, **dict(config)}.items():
                setattr(tpl, name, value)
            d = learn_dir(profiles, samples)
            per_config[config] = scores(clean_all(Cleaner.from_rules(d), pages), pages)
            shutil.rmtree(d)
    finally:
        for name, value in defaults.items():
            setattr(tpl, name, value)
    return per_config


def held_out(pages: list[dict], profiles: dict, samples: dict, folds: int) -> list[str]:
    """Cross-validation by site: for each of `folds` folds (a stable hash of the site's name), the
    configuration with the best F1 on the other folds' pages is chosen and scores the fold's pages; the
    held-out figure pools every page under the constants chosen without its site."""
    per_config = per_configuration(pages, profiles, samples)

    def f1(config, ids):
        return sitesdev.macro(per_config[config][i] for i in ids)[2]

    fold = {p["id"]: fold_of(p["site"], folds) for p in pages}
    lines, pooled = ["whole set, F1 per configuration: " + ", ".join(
        f"{', '.join(f'{n}={v}' for n, v in c) or 'defaults'} {f1(c, fold):.3f}" for c in per_config)], {}
    for k in sorted(set(fold.values())):
        train = [i for i in fold if fold[i] != k]
        test = [i for i in fold if fold[i] == k]
        best = max(per_config, key=lambda c: (round(f1(c, train), 6), c == ()))
        pooled.update({i: per_config[best][i] for i in test})
        chosen = ", ".join(f"{n}={v}" for n, v in best) or "the defaults"
        lines.append(f"  fold {k}: {len({p['site'] for p in pages if fold[p['id']] == k})} sites, {len(test)} pages: "
                     f"{chosen} (F1 {f1(best, train):.3f} on the other folds) -> F1 {f1(best, test):.3f} held out "
                     f"(defaults {f1((), test):.3f})")
    p, r, f = sitesdev.macro(pooled[q["id"]] for q in pages)
    dp, dr, df = sitesdev.macro(per_config[()].values())
    lines.append(f"held-out ({folds} folds of sites, constants chosen on the other {folds - 1}): P {p:.3f}  R {r:.3f}  "
                 f"F1 {f:.3f}; whole set with the defaults: P {dp:.3f}  R {dr:.3f}  F1 {df:.3f}")
    return lines


def template_pages(pages: list[dict], ways: dict, results: dict, per_page: dict, rounds: int) -> None:
    """How the pages took the templates, and speed and F1 on the pages a template took."""
    reasons = (res.site_reason or "" for res in results["learned templates"].values())
    took = Counter(("template" if "; template " in r else r.split("; ", 1)[1].split(" (", 1)[0]) if "; " in r
                   else "site without a template" for r in reasons)
    print("learned templates: pages " + ", ".join(f"{k} {v}" for k, v in took.most_common()))
    ids = [p["id"] for p in pages if "; template " in (results["learned templates"][p["id"]].site_reason or "")]
    if not ids:
        return
    sub = [p for p in pages if p["id"] in set(ids)]
    took_s = {}
    for name in ("learned templates", "generic (trafilatura)"):
        t0 = time.perf_counter()
        for _ in range(rounds):
            clean_all(ways[name], sub)
        took_s[name] = (time.perf_counter() - t0) / rounds
    f_t, f_g = (sitesdev.macro(per_page[w][i] for i in ids)[2] for w in ("learned templates", "generic (trafilatura)"))
    t_t, t_g = took_s["learned templates"], took_s["generic (trafilatura)"]
    print(f"on the {len(sub)} pages a template took: templates {len(sub) / t_t:.1f} pages/s (F1 {f_t:.3f}), "
          f"generic {len(sub) / t_g:.1f} pages/s (F1 {f_g:.3f}): {t_g / t_t:.1f}x")


def per_site(pages: list[dict], per_page: dict) -> None:
    by_site = defaultdict(list)
    for p in pages:
        by_site[p["site"]].append(p["id"])
    for site, ids in sorted(by_site.items()):
        f = [sitesdev.macro(per_page[w][i] for i in ids)[2] for w in per_page]
        print(f"  {site:32} {len(ids):3} pages  " + "  ".join(f"{x:.3f}" for x in f))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sites", action="store_true", help="per-site F1 of the three ways")
    ap.add_argument("--folds", type=int, default=5, help="folds of sites for the held-out figure (0: skip it)")
    args = ap.parse_args()
    pages = sitesdev.load_pages()

    t0 = time.perf_counter()
    profiles, samples = profiles_of(pages)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    tpl_dir = learn_dir(profiles, samples)
    t_learn = time.perf_counter() - t0
    text_dir = learn_dir(profiles, None)

    ways = {"generic (trafilatura)": Cleaner.from_rules(), "learned text rules": Cleaner.from_rules(text_dir),
            "learned templates": Cleaner.from_rules(tpl_dir)}
    best = dict.fromkeys(ways, float("inf"))
    results = {}
    for _ in range(args.rounds):  # rounds interleaved: the machine's drift hits all alike
        for name, cleaner in ways.items():
            t0 = time.perf_counter()
            results[name] = clean_all(cleaner, pages)
            best[name] = min(best[name], time.perf_counter() - t0)
    per_page = {name: scores(res, pages) for name, res in results.items()}
    n = len(pages)
    print(f"sites-dev html: {n} pages of {len(profiles)} sites, one process")
    for name in ways:
        p, r, f = sitesdev.macro(per_page[name].values())
        print(f"{name:24} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   {n / best[name]:7.1f} pages/s")
    template_pages(pages, ways, results, per_page, args.rounds)
    print(f"learning on HTML: {n / (t_read + t_learn):.1f} pages/s ({t_read:.2f} s reading, {t_learn:.2f} s "
          f"learning {len(profiles)} sites); generic cleaning {n / best['generic (trafilatura)']:.1f} pages/s")
    if args.sites:
        per_site(pages, per_page)
    if args.folds > 1:
        for line in held_out(pages, profiles, samples, args.folds):
            print(line)
    for d in (tpl_dir, text_dir):
        shutil.rmtree(d)


if __name__ == "__main__":
    main()

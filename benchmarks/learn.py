"""Site learning on sites-dev: quality (bag-of-words P/R/F1, macro over pages), speed and memory.

Learns each site's rules from all its pages (the set itself, as `cleaner clean --learn` does), then
cleans every page with the shipped rules plus the learned ones. Prints, for the whole set:

- the untouched dump, `clean` (shipped rules only), `clean` with learned rules, and the two
  cross-document baselines of the set's README (lines seen verbatim on >= 2 other pages of the site
  dropped; the same, then a C4-style filter: terminal punctuation and >= 3 words);
- learning MB/s (page_lines + SiteProfile.add_page: the streaming pass), learn_site seconds per site
  (the merge stage), cleaning MB/s without and with learned rules, peak RSS, the largest pickled profile;
- per site, with --sites: pages learned from, F1 before and after, the rules learned;
- article words the learned rules remove (of what the shipped rules keep, and of what the generic rules
  alone keep), drop literals that are article lines, and the date check
  (`learn_checks.py`: each learned date against the page's date as a person reads it);
- with --folds K: cross-validation by site of the learner's tunables (`learn_folds.py`);
- with --stress: the stress set, sites-dev transformed into the failure classes of unseen sites
  (`learn_stress.py`), each class beside its untransformed pages;
- with --halves: the rules on pages learning did not sample (`learn_halves.py`): each site learned from
  half its pages and scored on the other half.

    python benchmarks/learn.py [--sites] [--html] [--min-pages 3] [--repeat 3] [--out DIR]
                               [--folds 5] [--stress [--seed 17]] [--halves]
"""
from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/html.py would shadow the standard library's `html` module for scripts run from here.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import pickle  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.api import default_rules_dir  # noqa: E402
from cleaner.learn import SiteProfile, learn_site, page_lines  # noqa: E402
from cleaner.learn.profile import templates  # noqa: E402

_spec = importlib.util.spec_from_file_location("sitesdev", Path(__file__).with_name("sitesdev.py"))
sitesdev = sys.modules["sitesdev"] = importlib.util.module_from_spec(_spec)  # (its siblings import it)
_spec.loader.exec_module(sitesdev)
learn_checks, learn_folds, learn_halves, learn_stress = map(
    sitesdev.sibling, ("learn_checks", "learn_folds", "learn_halves", "learn_stress"))

ROOT = Path(__file__).resolve().parents[1]
def verbatim_baseline(pages: list[dict]) -> dict[str, str]:
    """Page id -> its text without the lines seen verbatim on >= 2 other pages of the same site."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for p in pages:
        seen[p["site"]].update({s.strip() for s in p["text"].splitlines() if s.strip()})
    out = {}
    for p in pages:
        own = {s.strip() for s in p["text"].splitlines() if s.strip()}
        site = seen[p["site"]]
        out[p["id"]] = "\n".join(s for s in p["text"].splitlines()
                                 if s.strip() and site[s.strip()] - (s.strip() in own) < 2)
    return out


_VIETNAM_URL = "https://www.vietnam.vn/x/{}"
COMMENT_GOLD_LINES = 5  # gold lines the shipped finder calls a comment thread: the gold holds comments


def vietnam_sources() -> list[tuple[str, str]]:
    """(name, text) of the vietnam.vn text fixtures and seeds."""
    fixtures = ROOT / "tests" / "fixtures" / "vietnam.vn"
    out = [(p.parent.name, p.read_text(encoding="utf-8")) for p in sorted(fixtures.glob("*/input.txt"))
           if not p.parent.name.startswith(("html-", "xx-"))]
    seeds = ROOT.parent / "shared" / "seeds"
    out += [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
    return out


def vietnam_dump(sources, variants: int = 7, seed: int = 1) -> list[str]:
    """A dump of the portal: each source `variants` times. What the hand rules keep (the article) is
    reworded on every copy (words shuffled, one replaced from the page's own words; paragraphs dropped
    or repeated); what they remove stays verbatim where it is a label (at most 4 words, or a line shared
    by sources) and is reworded too where it belongs to the page (titles, captions, bylines, related
    headlines): as on a real site, only chrome repeats."""
    rng = random.Random(seed)
    hand = Cleaner.from_rules()
    shared = Counter(t for _, text in sources for t in set(templates(text)))
    docs = []
    for name, text in sources:
        removed = _removed(hand.clean(text, url=_VIETNAM_URL.format(name)))
        lines = text.split("\n")
        pool = [w for line in lines for w in _tokens(line)]
        for _ in range(variants):
            out = []
            for i, (line, t) in enumerate(zip(lines, templates(text)), 1):
                size = len(line.split()) if len(line.split()) >= 3 else len(line) / 6
                label = size <= 4 and "://" not in line
                if not line.strip() or (i in removed and (label or (shared[t] >= 2 and size <= 10))):
                    out.append(line)
                    continue
                if rng.random() < 0.1:
                    continue  # a paragraph dropped
                label, rest = _split_label(line)
                if label.endswith("/"):  # a URL: another path
                    out.append(label + "".join(rng.sample(rest, len(rest))))
                    continue
                stop = rest[-1] if rest[-1] in ".!?。" else ""  # a sentence still ends as one
                words = _tokens(rest[:len(rest) - len(stop)] or rest)
                rng.shuffle(words)
                words[rng.randrange(len(words))] = rng.choice(pool)
                out.append(label + " ".join(words).rstrip(".!?。") + stop)
                if rng.random() < 0.05:
                    out.append(" ".join(rng.sample(words, len(words))))  # one repeated, reworded
            docs.append("\n".join(out))
    return docs


def _split_label(line: str) -> tuple[str, str]:
    """("Source: https://host/", "path") or ("Tag: ", "a, b, c"): the part a site repeats, and the rest."""
    m = re.match(r"(.{1,24}?: ?(?:https?://[^/]+/)?)(.+)$", line)
    return (m.group(1), m.group(2)) if m else ("", line)


def _tokens(line: str) -> list[str]:
    """Words, or 3-character pieces of a line without spaces (CJK, Thai)."""
    words = line.split()
    return words if len(words) >= 3 else [line[i:i + 3] for i in range(0, len(line), 3)] or [line]


def vietnam(min_pages: int = 3) -> dict:
    """Rules learned from a vietnam.vn dump against the hand rules on the fixtures and seeds: the chrome
    lines the hand rules remove (the title apart: they extract it), and how many of them, and of the
    article lines, the learned rules alone remove."""
    sources = vietnam_sources()
    docs = vietnam_dump(sources)
    profile = SiteProfile("vietnam.vn")
    for text in docs:
        profile.add_page(page_lines(text))
    learned = learn_site(profile, min_pages=min_pages)
    hand = Cleaner.from_rules()
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "vietnam.vn.yaml").write_text(learned.yaml_text or "", encoding="utf-8")
        alone = Cleaner.from_rules(d)
    out = dict(documents=len(docs), sources=len(sources), learned=learned, chrome=0, removed=0, article=0,
               lost=0, titles=0, same_title=0)
    for name, text in sources:
        result = hand.clean(text, url=_VIETNAM_URL.format(name))
        by_hand = _removed(result)
        title = {e.line for e in result.trace if e.rule == "title"}  # metadata, not chrome: compared apart
        mine = alone.clean(text, url=_VIETNAM_URL.format(name))
        by_learned = _removed(mine)
        if title:
            out["titles"] += 1
            out["same_title"] += mine.title == result.title
        for i, line in enumerate(text.split("\n"), 1):
            if not line.strip() or i in title:
                continue
            if i in by_hand:
                out["chrome"] += 1
                out["removed"] += i in by_learned
            else:
                out["article"] += 1
                out["lost"] += i in by_learned
    return out


def print_vietnam(v: dict) -> None:
    print(f"vietnam.vn: {v['documents']} documents from {v['sources']} fixtures and seeds; {v['learned'].reason}")
    print(f"  of {v['chrome']} chrome lines the hand rules remove, the learned rules alone remove {v['removed']} "
          f"({v['removed'] / v['chrome']:.1%}); of {v['article']} article lines they remove {v['lost']}; the title "
          f"(which the hand rules extract) is the same on {v['same_title']} of {v['titles']} documents")


def article_loss(pages: list[dict], plain: dict[str, str], cleaned: dict[str, str]) -> tuple[int, int]:
    """(lost, kept): hand-marked article words (gold tokens, as multisets) that the shipped rules alone
    keep, summed over pages, and how many of them the learned rules remove."""
    lost = kept = 0
    for p in pages:
        gold = Counter(sitesdev.tokens(p["gold"]))
        alone = gold & Counter(sitesdev.tokens(plain[p["id"]]))
        learned = gold & Counter(sitesdev.tokens(cleaned[p["id"]]))
        kept += sum(alone.values())
        lost += sum((alone - learned).values())
    return lost, kept


def article_line_loss(pages: list[dict], reference: dict, learned: dict) -> dict:
    """Article words lost line by line: words of the hand-marked article's lines (`sitesdev.article_lines`)
    that the `reference` results keep and the `learned` results remove (page id -> `Result`). The bag-of-
    words measure (`article_loss`) also charges words a removed comment shares with the gold; this one
    charges only article lines. Pages whose gold holds a comment thread (the README says comments are not
    main content; `COMMENT_GOLD_LINES` of the gold's lines are what the shipped finder calls a comment
    thread) are counted apart: {lost, kept, comment_pages, comment_lost}."""
    shipped = clean_results(Cleaner.from_rules(), pages)
    out = dict(lost=0, kept=0, comment_pages=[], comment_lost=0)
    for p in pages:
        raw = p["text"].split("\n")
        numbers = [i for i, line in enumerate(raw, 1) if line.strip()]  # `sitesdev.lines_of` index -> line
        article = [numbers[t] for t in sitesdev.article_lines(p)]
        threads = {e.line for e in shipped[p["id"]].trace if e.rule == "article-finder: comment thread"}
        in_comments = sum(n in threads for n in article) >= COMMENT_GOLD_LINES
        ref, mine = _removed(reference[p["id"]]), _removed(learned[p["id"]])
        kept = [n for n in article if n not in ref]
        lost = sum(len(sitesdev.tokens(raw[n - 1])) for n in kept if n in mine)
        if in_comments:
            out["comment_pages"].append(p["id"])
            out["comment_lost"] += lost
        else:
            out["kept"] += sum(len(sitesdev.tokens(raw[n - 1])) for n in kept)
            out["lost"] += lost
    return out


def article_drop_literals(pages: list[dict], learned: dict) -> list[tuple[str, str]]:
    """(site, line): literals of learned `drop` rules with five or more words that equal a line of one of
    the site's hand-marked articles."""
    import yaml

    gold: dict[str, set[str]] = defaultdict(set)
    for p in pages:
        gold[p["site"]].update(s.strip() for s in p["gold"].splitlines() if s.strip())
    found = []
    for site, result in sorted(learned.items()):
        for rule in (yaml.safe_load(result.yaml_text)["rules"] if result.yaml_text else []):
            if rule["action"] == "drop" and "side" not in rule:  # (a side-bound drop leaves the title)
                found += [(site, s) for s in rule["match"].get("literal", [])
                          if len(s.split()) >= 5 and s in gold[site]]
    return found


def _removed(result) -> set[int]:
    """The input line numbers a result removed."""
    return {e.line for e in result.trace if e.action in ("drop", "cut", "extract") and e.line}


def clean_results(cleaner, pages: list[dict]) -> dict:
    """Page id -> the `Result` of cleaning its text."""
    return {p["id"]: cleaner.clean(p["text"], url=p["url"]) for p in pages}


def print_generalisation(args, pages: list[dict], cleaned: dict[str, str], learned_cleaner) -> None:
    """With --folds, the cross-validation by site; with --stress, the stress set beside `cleaned`
    (page id -> text cleaned with `learned_cleaner`: the rules learned on the whole set); with --halves,
    the rules on pages learning did not sample."""
    if args.folds:
        learn_folds.print_folds(learn_folds.cross_validate(pages, args.folds))
    if args.stress:
        untransformed = {p["id"]: sitesdev.score_page(cleaned[p["id"]], p["gold"]) for p in pages}
        learn_stress.print_stress(pages, untransformed, seed=args.seed, cleaned=cleaned, before=learned_cleaner)
    if args.halves:
        learn_halves.print_halves(pages)


def best_of(repeat: int, fn):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", action="store_true", help="per site: pages, F1 before/after, rules")
    ap.add_argument("--min-pages", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3, help="timing runs (the best counts)")
    ap.add_argument("--out", type=Path, help="keep the learned rule files here")
    ap.add_argument("--folds", type=int, default=0, metavar="K",
                    help="cross-validation by site: tunables chosen on K-1 folds of sites, scored on the other")
    ap.add_argument("--stress", action="store_true", help="the stress set: sites-dev transformed, per class")
    ap.add_argument("--seed", type=int, default=learn_stress.SEED, help="the stress set's seed")
    ap.add_argument("--halves", action="store_true", help="each site learned from half its pages, scored on the rest")
    ap.add_argument("--html", action="store_true",
                    help="also the `html` field: the HTML path (trafilatura) with and without learned rules")
    args = ap.parse_args()

    pages = sitesdev.load_pages()
    mb = sum(len(p["text"].encode("utf-8")) for p in pages) / 1e6
    by_site: dict[str, list[dict]] = defaultdict(list)
    for p in pages:
        by_site[p["site"]].append(p)

    def build():
        profiles = {}
        for p in pages:
            profiles.setdefault(p["site"], SiteProfile(p["site"])).add_page(page_lines(p["text"]))
        return profiles

    profiles = build()
    t_learn, learned = best_of(args.repeat, lambda: {s: learn_site(pr, min_pages=args.min_pages)
                                                     for s, pr in sorted(profiles.items())})
    largest = max(len(pickle.dumps(pr)) for pr in profiles.values())

    rules_dir = args.out or Path(tempfile.mkdtemp(prefix="learned-"))
    rules_dir.mkdir(parents=True, exist_ok=True)
    for f in default_rules_dir().glob("*.yaml"):
        shutil.copy(f, rules_dir)
    for site, result in learned.items():
        if result.yaml_text:
            (rules_dir / f"{site}.yaml").write_text(result.yaml_text, encoding="utf-8")
    shipped, with_learned = Cleaner.from_rules(), Cleaner.from_rules(rules_dir)

    def clean_all(cleaner):
        return {p["id"]: cleaner.clean(p["text"], url=p["url"]).text for p in pages}

    # Timed in rounds, each round all three, the best of each counts: the machine's drift hits all alike.
    timed = {"profile": build, "shipped": lambda: clean_all(shipped), "learned": lambda: clean_all(with_learned)}
    best = dict.fromkeys(timed, float("inf"))
    for _ in range(args.repeat):
        for name, fn in timed.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    t_profile, t_clean, t_clean_learned = best["profile"], best["shipped"], best["learned"]
    plain, cleaned = clean_all(shipped), clean_all(with_learned)
    verbatim = verbatim_baseline(pages)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    systems = (
        ("the dump unchanged", lambda p: p["text"]),
        ("clean (shipped rules)", lambda p: plain[p["id"]]),
        ("verbatim lines on >= 2 other pages dropped", lambda p: verbatim[p["id"]]),
        ("  the same, then the C4-style filter", lambda p: sitesdev.c4_line_filter(verbatim[p["id"]], banned=())),
        ("clean with learned rules", lambda p: cleaned[p["id"]]),
    )
    print(f"sites-dev: {len(pages)} pages of {len(by_site)} sites, {mb:.1f} MB of text; "
          f"rules learned for {sum(r.yaml_text is not None for r in learned.values())} sites")
    for name, fn in systems:
        print("{:44} P {:.3f}  R {:.3f}  F1 {:.3f}".format(name, *sitesdev.evaluate(pages, fn)))
    lost, kept = article_loss(pages, plain, cleaned)
    generic = clean_all(Cleaner.from_rules(find_article=False))
    g_lost, g_kept = article_loss(pages, generic, cleaned)
    print(f"article words the learned rules remove of those the shipped rules keep: {lost} of {kept} "
          f"({lost / kept:.1%}; of those the generic rules alone keep: {g_lost} of {g_kept}, {g_lost / g_kept:.1%}; "
          f"per rule and site: benchmarks/learn_loss.py); drop literals of >= 5 words that are a line of an "
          f"article: {len(article_drop_literals(pages, learned))}")
    learned_results = clean_results(with_learned, pages)
    for name, ref in (("shipped", shipped), ("generic", Cleaner.from_rules(find_article=False))):
        m = article_line_loss(pages, clean_results(ref, pages), learned_results)
        print(f"  line by line, of what the {name} rules keep: {m['lost']} of {m['kept']} words of article lines "
              f"({m['lost'] / m['kept']:.2%}); pages whose gold holds a comment thread, apart: "
              f"{len(m['comment_pages'])} ({', '.join(m['comment_pages'])}), {m['comment_lost']} words lost there")
    rest = [p for p in pages if p["id"] not in set(m["comment_pages"])]
    r_lost, r_kept = article_loss(rest, generic, cleaned)
    print(f"  bag of words, of what the generic rules keep, those pages apart: {r_lost} of {r_kept} "
          f"({r_lost / r_kept:.2%})")
    learn_checks.print_dates(pages, learned_results, learned)
    print(f"learning (page_lines + add_page)  {mb / t_profile:6.1f} MB/s per core")
    per_site = 1000 * t_learn / len(learned)
    print(f"learn_site (all {len(learned)} sites)       {t_learn:6.2f} s ({per_site:.0f} ms a site)")
    print(f"clean, shipped rules              {mb / t_clean:6.1f} MB/s per core")
    print(f"clean, with learned rules         {mb / t_clean_learned:6.1f} MB/s per core  "
          f"(learning / cleaning: {t_clean_learned / t_profile:.1f}x; / cleaning with shipped rules: "
          f"{t_clean / t_profile:.1f}x)")
    print(f"peak RSS {rss:.0f} MiB; largest pickled profile {largest / 1024:.0f} KiB")
    if args.sites:
        print(f"\n{'site':34} pages  F1 before  F1 after  rules")
        rows = []
        for site, ps in by_site.items():
            before = sitesdev.macro(sitesdev.score_page(plain[p["id"]], p["gold"]) for p in ps)[2]
            after = sitesdev.macro(sitesdev.score_page(cleaned[p["id"]], p["gold"]) for p in ps)[2]
            rows.append((len(ps), site, before, after, learned[site].reason))
        for n, site, before, after, reason in sorted(rows):
            print(f"{site:34} {n:5}  {before:9.3f}  {after:8.3f}  {reason.split('; rules: ')[-1]}")
        for k in sorted({r[0] for r in rows}):
            group = [r for r in rows if r[0] == k]
            mean = sum(r[3] for r in group) / len(group)
            print(f"  sites with {k:2} pages: {len(group):2}, mean F1 after {mean:.3f}")
    if args.html:
        for name, cleaner in (("html: shipped rules (trafilatura)", shipped),
                              ("html: with learned rules", with_learned)):
            scores = sitesdev.evaluate(pages, lambda p: cleaner.clean(p["html"], url=p["url"], format="html").text)
            print("{:44} P {:.3f}  R {:.3f}  F1 {:.3f}".format(name, *scores))
    print()
    print_vietnam(vietnam(args.min_pages))
    print_generalisation(args, pages, cleaned, with_learned)
    if not args.out:
        shutil.rmtree(rules_dir)


if __name__ == "__main__":
    main()

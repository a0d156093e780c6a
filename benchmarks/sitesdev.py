"""The sites-dev set (`../shared/sites-dev/pages.jsonl.gz`) and its metric, shared by the benchmarks.

Metric (the set's README): bag of words, lowercase `\\w+` tokens of the output and of `gold` as
multisets; precision = shared / output tokens, recall = shared / gold tokens, F1 per page, macro average
over pages; an empty output scores F1 0.

    python benchmarks/sitesdev.py            # the untouched dump and `Cleaner.clean` without learning
"""
from __future__ import annotations

import difflib
import functools
import gzip
import importlib.util
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from hashlib import blake2b
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "sites-dev" / "pages.jsonl.gz"
_TOKEN = re.compile(r"\w+")
HEADLINE_WORDS = 20  # a gold article's first line this short is its headline


def load_pages(path: Path = PAGES) -> list[dict]:
    """The pages: dicts with id, url, site, text, gold, html."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def tokens(text: str) -> list[str]:
    """The metric's tokens: lowercase `\\w+`."""
    return _TOKEN.findall(text.lower())


_C4_END = re.compile(r"[.!?\"'”’)]$")


def c4_line_filter(text: str, banned: tuple[str, ...] = ("javascript", "cookie")) -> str:
    """C4's line heuristics: keep lines that end in terminal punctuation, have >= 3 words and do not
    mention any of `banned` (javascript, cookies)."""
    return "\n".join(s for s in text.splitlines() if _C4_END.search(s.strip()) and len(s.split()) >= 3
                     and not any(b in s.lower() for b in banned))


def score_page(output: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of one page's output against its gold text."""
    out, ref = Counter(_TOKEN.findall(output.lower())), Counter(_TOKEN.findall(gold.lower()))
    shared = sum((out & ref).values())
    n_out, n_ref = sum(out.values()), sum(ref.values())
    if not n_out or not shared:
        return (0.0, 0.0 if n_ref else 1.0, 0.0)
    p, r = shared / n_out, shared / n_ref
    return p, r, 2 * p * r / (p + r)


def macro(scores: Iterable[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Macro averages of (P, R, F1) over pages."""
    scores = list(scores)
    return tuple(sum(s[i] for s in scores) / len(scores) for i in range(3))  # type: ignore[return-value]


def evaluate(pages: list[dict], clean: Callable[[dict], str]) -> tuple[float, float, float]:
    """Macro (P, R, F1) of `clean(page) -> text` over `pages`."""
    return macro(score_page(clean(p), p["gold"]) for p in pages)


def sibling(name: str):
    """Another module of benchmarks/ (`sibling("learn_stress")`), loaded by path: benchmarks/html.py would
    shadow the standard library's `html` were the folder on sys.path. Registered in sys.modules, so that
    modules loaded this way share it (and `sitesdev` itself)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def by_site(pages: list[dict]) -> dict[str, list[dict]]:
    """Site -> its pages in input order; sites sorted by name."""
    out: dict[str, list[dict]] = {}
    for p in pages:
        out.setdefault(p["site"], []).append(p)
    return dict(sorted(out.items()))


def stable_hash(text: str) -> int:
    """A 64-bit hash of a string, the same in every process (for deterministic splits and seeds)."""
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def split_sites(sites: dict[str, list], k: int) -> list[list[str]]:
    """`k` folds of site names, deterministic and balanced by pages: sites in order of size (largest
    first, ties by a hash of the name), each into the fold with the fewest pages so far."""
    folds: list[list[str]] = [[] for _ in range(k)]
    sizes = [0] * k
    for site in sorted(sites, key=lambda s: (-len(sites[s]), stable_hash(s))):
        i = min(range(k), key=lambda j: (sizes[j], j))
        folds[i].append(site)
        sizes[i] += len(sites[site])
    return [sorted(f) for f in folds]


def lines_of(text: str) -> list[str]:
    """The stripped non-blank lines of a text."""
    return [s for s in map(str.strip, text.splitlines()) if s]


def align(page: dict) -> list[tuple[int, int]]:
    """(text line, gold line) index pairs, into `lines_of` of each: where the hand-marked article lies in
    the dump, line by line (about 85 % of gold lines are text lines verbatim). In order on both sides
    (difflib's matching blocks), so a headline repeated in a sidebar pairs with its place in the article."""
    text, gold = lines_of(page["text"]), lines_of(page["gold"])
    blocks = difflib.SequenceMatcher(None, text, gold, autojunk=False).get_matching_blocks()
    return [(b.a + k, b.b + k) for b in blocks for k in range(b.size)]


def article_lines(page: dict) -> list[int]:
    """Indices into `lines_of(page["text"])` of the lines of the gold article (`align`)."""
    return [t for t, _ in align(page)]


def headline(page: dict) -> str | None:
    """The page's headline as its dump shows it: the gold's first line, where it is short (2 to
    `HEADLINE_WORDS` words) and a line of the text; else None."""
    gold = lines_of(page["gold"])
    if not gold or not 2 <= len(gold[0].split()) <= HEADLINE_WORDS:
        return None
    return gold[0] if gold[0] in lines_of(page["text"]) else None


def learn(site: str, texts: Iterable[str], *, min_pages: int = 3, params=None):
    """`learn_site` on a site's page texts (the streaming pass, then the merge stage); `params`: a
    `LearnParams`, or None for the learner's defaults."""
    from cleaner.learn import SiteProfile, learn_site, page_lines

    profile = SiteProfile(site)
    for text in texts:
        profile.add_page(page_lines(text))
    if params is None:
        return learn_site(profile, min_pages=min_pages)
    return learn_site(profile, min_pages=min_pages, params=params)


@functools.lru_cache(maxsize=1)
def shipped_rules():
    """(site rule sets, generic rule set) of the shipped rules."""
    from cleaner.api import default_rules_dir
    from cleaner.ruleset.loader import load_dir

    return load_dir(default_rules_dir())


def learned_cleaner(learned):
    """A Cleaner with the shipped rules plus one site's learned file (`LearnedSite`), as
    `clean --learn` cleans that site; the shipped rules alone when nothing was learned."""
    from cleaner import Cleaner
    from cleaner.learn.conflicts import load_learned

    sites, generic = shipped_rules()
    if learned.yaml_text is None:
        return Cleaner(sites, generic)
    mine = load_learned(learned.site, learned.yaml_text)
    return Cleaner([*(s for s in sites if s.name != mine.name), mine], generic)


def learn_and_clean(pages: list[dict], params=None) -> tuple[dict[str, object], dict[str, object]]:
    """Learn each site of `pages` from those pages and clean them: (page id -> `Result`, site ->
    `LearnedSite`)."""
    results, learned = {}, {}
    for site, ps in by_site(pages).items():
        learned[site] = learn(site, (p["text"] for p in ps), params=params)
        cleaner = learned_cleaner(learned[site])
        for p in ps:
            results[p["id"]] = cleaner.clean(p["text"], url=p["url"])
    return results, learned


def date_rules(learned) -> dict[str, tuple]:
    """A learned file's date rules: rule id -> (compiled regex with a `date` group, date order)."""
    import regex
    import yaml

    if learned.yaml_text is None:
        return {}
    rules = yaml.safe_load(learned.yaml_text)["rules"]
    return {r["id"]: (regex.compile(r["match"]["regex"]), r.get("date_order", "dmy")) for r in rules  # (the default)
            if r["action"] == "extract" and "(?P<date>" in r["match"].get("regex", "")}


def extracted_dates(result, rules: dict[str, tuple]) -> list[tuple[str, str, str | None]]:
    """(line, the date as written, the date read: ISO or None) of each line a date rule of `rules`
    (`date_rules`) extracted in a cleaning `Result`."""
    from cleaner.core.dates import to_iso_date

    out = []
    for e in result.trace:
        if e.rule in rules and e.action.startswith("extract"):
            pattern, order = rules[e.rule]
            m = pattern.search(e.text)
            if m:
                out.append((e.text, m.group("date"), to_iso_date(m.group("date"), order)))
    return out


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    from cleaner import Cleaner

    pages = load_pages()
    cleaner = Cleaner.from_rules()
    for name, fn in (("the dump unchanged", lambda p: p["text"]),
                     ("cleaner clean (no learning)", lambda p: cleaner.clean(p["text"], url=p["url"]).text)):
        print("{:32} P {:.3f}  R {:.3f}  F1 {:.3f}".format(name, *evaluate(pages, fn)))

"""HTML path benchmark: quality and speed of the generic path, speed of the selector path.

    .venv/bin/python benchmarks/html.py [--dev ../shared/html-dev] [--rounds 3] [--no-cleaner]

Generic path: word precision / recall / F1 on the dev set exactly as its README describes
(``\\w+`` tokens, 4-word shingles, per-page P/R averaged over pages, F1 from the means), and
pages/s, beside trafilatura default and trafilatura ``favor_precision=True, include_comments=False``
measured in the same run (best of ``--rounds`` interleaved rounds, one process, offline).
Selector path: pages/s vs trafilatura on the vietnam.vn HTML fixtures and on dev pages with
hand-written selectors.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named html.py: keep its folder off sys.path so `import html` finds the stdlib.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner.html import HtmlConfig, decode_html, extract_html  # noqa: E402

_TOKEN_RE = re.compile(r"\w+")

# Dev pages (id prefix) with selectors of our own, for the selector-path speed comparison.
DEV_SELECTORS = {
    "04a6711c": HtmlConfig(body=("[itemprop=articleBody]",), strip=("figure", "aside"), title=("h1",)),
    "05844573": HtmlConfig(body=(".article-body",), strip=("figure", "aside"), title=("h1",)),
    "20b2b649": HtmlConfig(body=(".entry-content",), strip=("figure", "aside"), title=("h1",)),
    "702d1da6": HtmlConfig(body=("[itemprop=articleBody]",), strip=("figure", "aside"), title=("h1",)),
    "7f93c194": HtmlConfig(body=(".article-body",), strip=("figure", "aside"), title=("h1",)),
    "bd673bd7": HtmlConfig(body=("[itemprop=articleBody]",), strip=("figure", "aside"), title=("h1",)),
}


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """Shingle counts normalised by their sum, so long pages weigh no more than short ones."""
    t, p = shingles(true), shingles(pred)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def prf(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(F1, precision, recall): per-page P and R averaged, F1 from the two means."""

    def prec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def rec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean([prec(*r) for r in rows if r[0] + r[1] > 0] or [0.0])
    r = statistics.mean([rec(*r) for r in rows if r[0] + r[2] > 0] or [0.0])
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def load_dev(dev: Path) -> list[tuple[str, str, str, str]]:
    truth = json.loads((dev / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(truth.items()):
        text, _ = decode_html(gzip.decompress((dev / "html" / f"{key}.html.gz").read_bytes()))
        pages.append((key, item.get("url"), text, item.get("articleBody", "")))
    return pages


def timed(fn, pages, rounds: int) -> tuple[list[str], float]:
    """Outputs and best pages/s over rounds."""
    best, outs = float("inf"), []
    for _ in range(rounds):
        t0 = time.perf_counter()
        outs = [fn(html, url) or "" for _, url, html, _ in pages]
        best = min(best, time.perf_counter() - t0)
    return outs, len(pages) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "html-dev")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-cleaner", action="store_true", help="skip scoring through the full Cleaner")
    args = ap.parse_args()
    import trafilatura

    pages = load_dev(args.dev)
    systems = {
        "trafilatura default": lambda h, u: trafilatura.extract(h, url=u),
        "trafilatura precision": lambda h, u: trafilatura.extract(
            h, url=u, favor_precision=True, include_comments=False
        ),
        "extract_html (generic)": lambda h, u: extract_html(h, url=u).text,
    }
    if not args.no_cleaner:
        try:
            from cleaner import Cleaner

            cl = Cleaner.from_rules()
            systems["Cleaner.clean(format=html)"] = lambda h, u: cl.clean(h, url=u, format="html").text
        except Exception as exc:  # the core may not exist yet
            print(f"(Cleaner not scored: {type(exc).__name__}: {exc})")
    for fn in systems.values():  # warm caches and lazy imports (htmldate, justext, tld lists)
        for _, url, html, _ in pages[:3]:
            fn(html, url)
    results = {name: [] for name in systems}
    for _ in range(args.rounds):  # interleaved so machine noise hits every system alike
        for name, fn in systems.items():
            results[name].append(timed(fn, pages, 1))
    print(f"\nGeneric path on {args.dev} ({len(pages)} pages, best of {args.rounds} rounds)")
    print(f"{'system':28s} {'F1':>6s} {'P':>6s} {'R':>6s} {'pages/s':>8s}")
    for name, runs in results.items():
        outs = runs[-1][0]
        f1, p, r = prf([tp_fp_fn(gt, out) for (_, _, _, gt), out in zip(pages, outs)])
        print(f"{name:28s} {f1:6.3f} {p:6.3f} {r:6.3f} {max(s for _, s in runs):8.1f}")
    selector_bench(pages, args.rounds)


def selector_bench(pages, rounds: int) -> None:
    import trafilatura

    cases = []
    for path in sorted((ROOT / "tests" / "fixtures" / "vietnam.vn").glob("html-*/input.html")):
        url = (path.parent / "url.txt").read_text(encoding="utf-8").strip()
        cases.append((path.parent.name, url, path.read_text(encoding="utf-8"), vietnam_config()))
    for key, url, html, _ in pages:
        config = DEV_SELECTORS.get(key[:8])
        if config is not None:
            cases.append((key[:8], url, html, config))
    if not cases:
        return
    print(f"\nSelector path vs trafilatura precision ({len(cases)} pages, ms/page, best of {rounds * 5})")
    print(f"{'page':28s} {'selectors':>9s} {'trafil.':>8s} {'speedup':>8s} {'method':>9s}")
    ratios = []
    for name, url, html, config in cases:
        one = [(name, url, html, "")]
        sel, sel_rate = timed(lambda h, u: extract_html(h, url=u, config=config).text, one, rounds * 5)
        _, tra_rate = timed(
            lambda h, u: trafilatura.extract(h, url=u, favor_precision=True, include_comments=False), one, rounds * 5
        )
        method = extract_html(html, url=url, config=config).method
        ratios.append(sel_rate / tra_rate)
        print(f"{name:28s} {1000 / sel_rate:9.2f} {1000 / tra_rate:8.2f} {sel_rate / tra_rate:7.1f}x {method:>9s}")
    print(f"{'geometric mean speedup':28s} {statistics.geometric_mean(ratios):27.1f}x")


def vietnam_config() -> HtmlConfig:
    """vietnam.vn's html: section."""
    import yaml

    section = yaml.safe_load((ROOT / "rules" / "vietnam.vn.yaml").read_text(encoding="utf-8"))["html"]
    return HtmlConfig(**{k: tuple(v) for k, v in section.items()})


if __name__ == "__main__":
    main()

"""Single-core throughput of `Cleaner.clean` on a synthetic dump built from the fixtures.

Builds N documents (default 20,000) from tests/fixtures/*/*/input.txt: each document is a fixture
with its body paragraphs lightly perturbed (a paragraph duplicated or dropped, numbers changed),
some with CRLF line ends, and a share with mojibake (UTF-8 read as cp1252). Prints MB/s and docs/s.

    python benchmarks/clean.py [--docs 20000] [--mojibake 0.05] [--seed 1] [--source fixtures|seeds|sitesdev]
                               [--repeat 3] [--no-article-finder]

`--source sitesdev`: the whole-page text dumps of ../shared/sites-dev (sites without rules: the article
finder runs on them); `--no-article-finder` turns it off, to measure what it costs.
"""
from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/html.py would shadow the standard library's `html` module for scripts run from here.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from cleaner import Cleaner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def load_inputs(source: str) -> list[str]:
    """Fixture inputs (short synthetic articles, ~2.4 KB), the real vietnam.vn seeds (7-15 KB) or the
    sites-dev text dumps (whole pages of 60 sites without rules, ~10 KB)."""
    if source == "sitesdev":
        import gzip
        import json

        with gzip.open(ROOT.parent / "shared" / "sites-dev" / "pages.jsonl.gz", "rt", encoding="utf-8") as f:
            return [json.loads(line)["text"] for line in f]
    pattern = (ROOT.parent / "shared" / "seeds", "*.txt") if source == "seeds" else \
        (ROOT / "tests" / "fixtures", "*/*/input.txt")
    texts = [p.read_text(encoding="utf-8") for p in sorted(pattern[0].glob(pattern[1]))]
    texts = [t for t in texts if t.strip()]
    if not texts:
        raise SystemExit(f"no inputs under {pattern[0]}")
    return texts


def to_mojibake(text: str) -> str:
    """UTF-8 bytes decoded as cp1252 (bytes cp1252 lacks pass through as latin-1), as careless crawlers do."""
    return "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
                   for b in text.encode("utf-8"))


def perturb(text: str, rng: random.Random, mojibake: float) -> str:
    lines = text.splitlines()
    long_idx = [i for i, line in enumerate(lines) if len(line) > 150]
    if long_idx and rng.random() < 0.5:
        i = rng.choice(long_idx)
        lines.insert(i, lines[i])  # a duplicated paragraph
    if len(long_idx) > 2 and rng.random() < 0.3:
        del lines[rng.choice(long_idx)]
    out = "\n".join(lines).replace("2025", str(rng.randint(2000, 2030)))
    if rng.random() < 0.2:
        out = out.replace("\n", "\r\n")
    if rng.random() < mojibake:
        out = to_mojibake(out)
    return out


def build(n: int, mojibake: float, seed: int, source: str = "fixtures") -> list[str]:
    rng = random.Random(seed)
    inputs = load_inputs(source)
    return [perturb(rng.choice(inputs), rng, mojibake) for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--mojibake", type=float, default=0.05, help="share of documents with mojibake")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    ap.add_argument("--source", choices=("fixtures", "seeds", "sitesdev"), default="fixtures",
                    help="fixtures: tests/fixtures inputs; seeds: the real dumps in ../shared/seeds; "
                         "sitesdev: the text dumps of ../shared/sites-dev")
    ap.add_argument("--no-article-finder", action="store_true", help="Cleaner(find_article=False)")
    args = ap.parse_args()
    docs = build(args.docs, args.mojibake, args.seed, args.source)
    plain = [d for d in docs if "Ã" not in d and "Ä" not in d and "á»" not in d]
    size = sum(len(d.encode("utf-8")) for d in docs)
    plain_size = sum(len(d.encode("utf-8")) for d in plain)
    cleaner = Cleaner.from_rules(find_article=not args.no_article_finder)
    for d in docs[:200]:  # warm up
        cleaner.clean(d)
    runs, plain_runs = [], []
    for _ in range(args.repeat):  # CPU time; the best of several runs, as timeit does, filters out noise
        cpu0 = time.process_time()
        out = sum(len(cleaner.clean(d).text) for d in docs)
        runs.append(time.process_time() - cpu0)
        cpu0 = time.process_time()
        for d in plain:
            cleaner.clean(d)
        plain_runs.append(time.process_time() - cpu0)
    cpu, median = min(runs), statistics.median(runs)
    print(f"documents          {len(docs):>10,}   from {args.source} ({size / 1e6:.1f} MB in, "
          f"{out / 1e6:.1f} M chars out, {size / len(docs) / 1e3:.1f} KB/doc)")
    print(f"clean, one core    {size / 1e6 / cpu:>10.1f} MB/s   {len(docs) / cpu:,.0f} docs/s "
          f"(CPU time, best of {args.repeat}; median {size / 1e6 / median:.1f} MB/s)")
    print(f"  without mojibake {plain_size / 1e6 / min(plain_runs):>10.1f} MB/s   ({len(plain):,} docs)")


if __name__ == "__main__":
    main()

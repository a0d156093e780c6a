"""The sites-dev set (`../shared/sites-dev/pages.jsonl.gz`) and its metric, shared by the benchmarks.

Metric (the set's README): bag of words, lowercase `\\w+` tokens of the output and of `gold` as
multisets; precision = shared / output tokens, recall = shared / gold tokens, F1 per page, macro average
over pages; an empty output scores F1 0.

    python benchmarks/sitesdev.py            # the untouched dump and `Cleaner.clean` without learning
"""
from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "sites-dev" / "pages.jsonl.gz"
_TOKEN = re.compile(r"\w+")


def load_pages(path: Path = PAGES) -> list[dict]:
    """The pages: dicts with id, url, site, text, gold, html."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


_C4_END = re.compile(r"[.!?\"'”’)]$")


def c4_line_filter(text: str) -> str:
    """C4's line heuristics: keep lines that end in terminal punctuation, have >= 3 words and do not
    mention javascript or cookies."""
    return "\n".join(s for s in text.splitlines() if _C4_END.search(s.strip()) and len(s.split()) >= 3
                     and "javascript" not in s.lower() and "cookie" not in s.lower())


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


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    from cleaner import Cleaner

    pages = load_pages()
    cleaner = Cleaner.from_rules()
    for name, fn in (("the dump unchanged", lambda p: p["text"]),
                     ("cleaner clean (no learning)", lambda p: cleaner.clean(p["text"], url=p["url"]).text)):
        print("{:32} P {:.3f}  R {:.3f}  F1 {:.3f}".format(name, *evaluate(pages, fn)))

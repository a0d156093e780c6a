"""Which learned rules lose article words on sites-dev, per rule id and site.

Each site is learned from its own pages (as `clean --learn` does) and its pages cleaned with the shipped
plus learned rules. A hand-marked article word (gold token) is lost where a reference keeps it and the
learned run does not; it is charged to the rule whose removal (the trace) took a line holding it. Two
references: the generic rules alone (`find_article=False`: the issue's measure) and `clean` as shipped
(the article finder on texts of sites without rules).

    python benchmarks/learn_loss.py [--top 30] [--lines]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402

_spec = importlib.util.spec_from_file_location("sitesdev", Path(__file__).with_name("sitesdev.py"))
sitesdev = sys.modules["sitesdev"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sitesdev)

_REMOVED = ("drop", "cut", "extract")


def lost_by_rule(page: dict, reference: str, result) -> tuple[Counter, int, int, list]:
    """(rule -> gold words lost, lost, kept by the reference, [(rule, line)] of the lines that lost them)."""
    gold = Counter(sitesdev.tokens(page["gold"]))
    kept = gold & Counter(sitesdev.tokens(reference))
    lost = kept - (gold & Counter(sitesdev.tokens(result.text)))
    total = sum(lost.values())
    charged: Counter = Counter()
    lines = []
    for e in result.trace:
        if not lost or e.action not in _REMOVED or not e.line:
            continue
        took = lost & Counter(sitesdev.tokens(e.text))
        if took:
            charged[e.rule] += sum(took.values())
            lost -= took
            lines.append((e.rule, e.text))
    if lost:
        charged["(unattributed)"] += sum(lost.values())
    return charged, total, sum(kept.values()), lines


def measure(pages: list[dict], params=None) -> dict:
    """Per reference: total lost and kept, lost per (rule, site), the lines lost per (rule, site)."""
    from cleaner import Cleaner

    results, learned = sitesdev.learn_and_clean(pages, params)
    refs = {"generic": Cleaner.from_rules(find_article=False), "shipped": Cleaner.from_rules()}
    out = {}
    for name, cleaner in refs.items():
        per, lines, lost, kept = Counter(), defaultdict(list), 0, 0
        for p in pages:
            ref = cleaner.clean(p["text"], url=p["url"]).text
            charged, n, k, why = lost_by_rule(p, ref, results[p["id"]])
            lost, kept = lost + n, kept + k
            for rule, w in charged.items():
                per[rule, p["site"]] += w
            for rule, text in why:
                lines[rule, p["site"]].append(text)
        out[name] = {"lost": lost, "kept": kept, "per": per, "lines": lines}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=30, help="(rule, site) pairs shown per reference")
    ap.add_argument("--lines", action="store_true", help="also the lines that lost words (first 3 each)")
    args = ap.parse_args()
    pages = sitesdev.load_pages()
    for name, m in measure(pages).items():
        print(f"against {name}: {m['lost']} of {m['kept']} article words lost ({m['lost'] / max(m['kept'], 1):.2%})")
        by_rule = Counter()
        for (rule, _), w in m["per"].items():
            by_rule[rule] += w
        print("  per rule: " + ", ".join(f"{r} {w}" for r, w in by_rule.most_common()))
        for (rule, site), w in m["per"].most_common(args.top):
            print(f"  {w:6}  {rule:34} {site}")
            if args.lines:
                for text in m["lines"][rule, site][:3]:
                    print(f"            | {text[:150]!r}")


if __name__ == "__main__":
    main()

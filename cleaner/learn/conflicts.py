"""Hand-written rules win: report learned rules that would remove a line the hand rules keep.

Checked at learn time, from nothing but the learned YAML: the site's sample pages are cleaned with the
hand-written rules, then each learned rule runs alone on what they kept; every kept line it removes
or changes is a conflict.
"""
from __future__ import annotations

from collections import Counter

import yaml

from cleaner.core.engine import Document, run_rules
from cleaner.ruleset.loader import FAST_SAFE_LOADER, load_data
from cleaner.ruleset.model import RuleError, RuleSet

EXAMPLES = 3


_Loader = FAST_SAFE_LOADER  # libyaml's parser where PyYAML has it


def load_learned(site: str, yaml_text: str) -> RuleSet:
    """Compile one learned file on its own (raises RuleError)."""
    return load_data(yaml.load(yaml_text, Loader=_Loader), f"{site}.yaml")


def conflicts_with_hand(hand, learned, samples: list[tuple[str, str | None]]) -> list[dict]:
    """Per learned rule that removes lines the hand rules keep on `samples` ((text, url) pairs):
    {"rule", "lines", "pages", "examples"}, sorted by rule id."""
    try:
        rs = load_learned(learned.site, learned.yaml_text)
    except RuleError as exc:
        return [{"rule": None, "error": str(exc)}]
    found: dict[str, dict] = {}
    for text, url in samples:
        kept = [p for p in hand.clean(text, url=url, site=learned.site).text.split("\n\n") if p.strip()]
        if not kept:
            continue
        body = "\n".join(kept)
        for rule in rs.rules:
            out = _apply(rule, body)
            lost = Counter(kept) - Counter(out)
            if not lost:
                continue
            c = found.setdefault(rule.id, {"rule": rule.id, "lines": 0, "pages": 0, "examples": []})
            c["lines"] += sum(lost.values())
            c["pages"] += 1
            for line in sorted(lost):
                if len(c["examples"]) < EXAMPLES and line not in c["examples"]:
                    c["examples"].append(line)
    return [found[k] for k in sorted(found)]


def _apply(rule, body: str) -> list[str]:
    """The lines of `body` one rule keeps, alone (the reference engine, one pass)."""
    doc = Document(body.split("\n"), [], 5.0)
    run_rules((rule,), doc)
    return doc.kept()[0]

"""Learning, last stage: verify and explain a learned file before it is written.

The file is read back as it was dumped, and a rule stays only if

- it compiles on its own;
- its examples hold as `cleaner rules check` runs them (through `Cleaner.clean`, with the file's other
  rules and the shipped generic rules loaded); a rule whose example fails is left out with the example,
  what came out and what was expected;
- with the whole file and the shipped rules applied to the sampled pages, it removes at most
  `LearnParams.rule_loss_bound` of their article words (the article as learning found it on each page,
  its heading included); the worst rule above the bound is left out, and the file is measured again.

What the rules kept then remove inside the articles goes into their descriptions, and the site's
confidence (pages used, share of each page kept, article words lost, rules left out and why) into
`learned.json`.
"""
from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from cleaner.core.cleaner import ARTICLE_FINDER
from cleaner.ruleset.examples import Case, check_example
from cleaner.ruleset.loader import FAST_SAFE_LOADER, RuleError, _compile, validate
from cleaner.ruleset.model import RuleTimeout

_Loader = FAST_SAFE_LOADER  # (reads the same; libyaml is 10 times faster)
_REMOVED = ("drop", "cut", "extract")
SHOWN_CHARS = 300  # an example's text shown in a report, at most


@dataclass
class Sample:
    """A sampled page as verification sees it: its lines and, per line, its article words (0: not article)."""

    lines: list[str]
    article: list[float]


@dataclass
class Verdict:
    """What verification kept and measured."""

    doc: dict
    left_out: list[dict] = field(default_factory=list)  # {"rule", "why"[, "example", "expected", "got"]}
    lost: dict[str, float] = field(default_factory=dict)  # rule id -> article words it removes on the sample
    article_words: float = 0.0  # article words on the sampled pages
    kept_shares: list[float] = field(default_factory=list)  # per sampled page: share of its words kept
    finder_lost: float = 0.0  # article words the article finder removes on the sample (`article_finder: true`)


def verify(text: str | dict, samples: list[Sample], loss_bound: float, cleaner=None, dump=None) -> Verdict:
    """The learned file `text` (its YAML, or the document to dump) with only the rules that compile,
    whose examples hold and whose article loss on `samples` is within `loss_bound` (see the module doc).
    `cleaner`: a `checker` of the same rules (examples and descriptions aside), used for the first pass
    instead of building one. A document is verified as the file `dump(document)` reads back: a copy of
    it where dumping and reading back is the identity (`reads_back_alike`), else read back."""
    doc = _read_back(text, dump)
    site = doc["site"]
    path = Path(f"{site}.yaml")
    plain = {k: v for k, v in doc.items() if k not in ("rules", "signatures", "domains")}
    bare = {k: v for k, v in doc.items() if k not in ("rules", "signatures")}
    if "signatures" in doc and _compiles(path, {**plain, "signatures": doc["signatures"]}, site):
        bare["signatures"] = doc["signatures"]
    verdict = Verdict(bare)
    kept = _each_compiling(verdict, path, plain, doc["rules"])
    while kept:  # leaving a rule out can change what the others do: check again after each
        ruleset = _compile(path, {**plain, "rules": kept}, {}, site)
        cleaner = cleaner if cleaner is not None and len(kept) == len(doc["rules"]) else checker(ruleset)
        bad = failing_examples(ruleset, cleaner)
        if bad:
            verdict.left_out += [{"rule": r["id"], **bad[r["id"]]} for r in kept if r["id"] in bad]
            kept = [r for r in kept if r["id"] not in bad]
            cleaner = None
            continue
        worst = _measure(verdict, cleaner, samples, site)
        if worst is None or verdict.lost[worst] <= loss_bound * max(verdict.article_words, 1.0):
            break
        share = verdict.lost[worst] / max(verdict.article_words, 1.0)
        verdict.left_out.append({"rule": worst, "why": f"removes {verdict.lost[worst]:.0f} of the "
                                 f"{verdict.article_words:.0f} article words on the sampled pages ({share:.1%}), "
                                 f"above the bound of {loss_bound:.0%}"})
        kept = [r for r in kept if r["id"] != worst]
        cleaner = None
    if not kept:
        verdict.lost, verdict.finder_lost = {}, 0.0
        verdict.kept_shares = [1.0] * len(samples)
    verdict.doc["rules"] = kept
    return verdict


# Characters a safe YAML dump writes as they are and reads back alike, in every scalar style (the
# emitter escapes the others, or, like NEL in a literal block, writes a line break that reads back as "\n").
_NOT_PLAIN = regex.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]")


def plain_doc(doc, not_plain: regex.Pattern = _NOT_PLAIN, empty: bool = True) -> bool:
    """Whether `doc` holds only dicts with string keys, lists, ints, bools, None, finite floats (written
    as `repr` writes them: they read back alike) and strings without a character `not_plain` finds (and,
    unless `empty`, none empty): no other type."""
    if isinstance(doc, str):
        return (empty or doc != "") and not_plain.search(doc) is None
    if isinstance(doc, dict):
        return all(isinstance(k, str) and plain_doc(k, not_plain, empty) and plain_doc(v, not_plain, empty)
                   for k, v in doc.items())
    if isinstance(doc, list):
        return all(plain_doc(v, not_plain, empty) for v in doc)
    return doc is None or type(doc) in (int, bool) or type(doc) is float and math.isfinite(doc)


def reads_back_alike(doc) -> bool:
    """Whether dumping `doc` as safe YAML and reading it back gives an equal document (`plain_doc`)."""
    return plain_doc(doc)


def _read_back(text: str | dict, dump) -> dict:
    """The learned file as loading reads it: its YAML parsed, or a copy of the document where the round
    trip through `dump` would give an equal one."""
    if isinstance(text, str):
        return yaml.load(text, Loader=_Loader)
    if reads_back_alike(text):
        return copy.deepcopy(text)
    return yaml.load(dump(text), Loader=_Loader)


def _each_compiling(verdict: Verdict, path: Path, plain: dict, rules: list[dict]) -> list[dict]:
    """The rules that compile on their own; the others left out. (When the whole file passes the schema
    check, each rule does: the schema and `validate`'s own checks look at one rule at a time.)"""
    kept = []
    try:
        validate(path, {**plain, "rules": rules})
        each = False
    except RuleError:
        each = True
    for rule in rules:
        if _compiles(path, {**plain, "rules": [rule]}, plain["site"], check=each):
            kept.append(rule)
        else:
            verdict.left_out.append({"rule": rule["id"], "why": "does not compile"})
    return kept


def _compiles(path: Path, doc: dict, site: str, check: bool = False) -> bool:
    try:
        if check:
            validate(path, doc)
        _compile(path, doc, {}, site)
    except RuleError:
        return False
    return True


def checker(ruleset):
    """A Cleaner with a learned rule set and the shipped generic rules, as `cleaner rules check` runs it."""
    from cleaner.api import Cleaner

    return Cleaner([ruleset], shipped_generic(), regex_timeout=5.0)


def _measure(verdict: Verdict, cleaner, samples: list[Sample], site: str) -> str | None:
    """Clean the samples with the whole file: article words each rule removes, the share of each page
    kept; the rule that removes most article words (None if none removes any)."""
    ids = {r.id for r in cleaner.index.rulesets[0].rules}
    lost = dict.fromkeys(sorted(ids), 0.0)
    finder = 0.0
    verdict.kept_shares, verdict.article_words = [], 0.0
    for s in samples:
        text = "\n".join(s.lines)
        result = cleaner.clean(text, site=site, format="text")
        for e in result.trace:
            if e.action in _REMOVED and e.line and e.line <= len(s.article):
                if e.rule in ids:
                    lost[e.rule] += s.article[e.line - 1]
                elif e.rule.startswith(ARTICLE_FINDER):
                    finder += s.article[e.line - 1]
        verdict.article_words += sum(s.article)
        verdict.kept_shares.append(len(result.text.split()) / max(len(text.split()), 1))
    verdict.lost, verdict.finder_lost = lost, finder
    worst = max(sorted(lost), key=lost.__getitem__, default=None)
    return worst if worst is not None and lost[worst] > 0 else None


def failing_examples(ruleset, cleaner=None) -> dict[str, dict]:
    """Rule id -> why its first failing example fails (`why`, and the example's `example`, `expected`
    and `got`), for the rules of `ruleset` (a regex over its budget fails too), each run by `cleaner`
    (default: `checker(ruleset)`) as `cleaner rules check` runs it."""
    cleaner = cleaner or checker(ruleset)
    bad: dict[str, dict] = {}
    cases = (Case(rule.id, rule, n, ex, cleaner) for rule in ruleset.rules for n, ex in enumerate(rule.examples, 1))
    for case in cases:
        if case.rule.id in bad:
            continue
        try:
            problems = check_example(case)
        except RuleTimeout:
            problems = ["a regex ran over its time budget"]
        if problems:
            got = case.cleaner.clean(case.example.input, site=case.cleaner.sites[0] if case.cleaner.sites else None,
                                     format="text").text
            bad[case.rule.id] = {"why": "its example fails: " + _short(problems[0]),
                                 "example": _short(case.example.input), "expected": _short(case.example.output or ""),
                                 "got": _short(got)}
    return bad


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."


@functools.lru_cache(maxsize=1)
def shipped_generic():
    """The shipped generic rules, which run after a learned file's rules wherever it is used."""
    from cleaner.api import default_rules_dir
    from cleaner.ruleset.loader import load_dir

    return load_dir(default_rules_dir())[1]

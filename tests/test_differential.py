"""The accelerated engine returns exactly what the reference engine returns: body, title, metadata,
trace, warnings and stats, on real fixture lines shuffled and mixed, under random rule sets drawn from
the vocabulary's registry (with and without layouts, the shipped vietnam.vn and generic rules).

CI runs a bounded number of examples; `DIFFERENTIAL_EXAMPLES=10000 pytest tests/test_differential.py`
runs more."""
import dataclasses
import os
from unittest import mock

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from publicsuffixlist import PublicSuffixList

from cleaner.core.cleaner import TextCleaner
from cleaner.ruleset.loader import load_data
from cleaner.ruleset.vocabulary import REGISTRY
from conftest import FIXTURES

_LINES = sorted({line for p in sorted(FIXTURES.glob("*/*/input.txt"))
                 for line in p.read_text(encoding="utf-8").splitlines()})
_SHORT = [line.strip() for line in _LINES if 0 < len(line.strip()) <= 60]
_EXAMPLES = int(os.environ.get("DIFFERENTIAL_EXAMPLES", "200"))
_PSL = PublicSuffixList()  # building one takes 70 ms: each cleaner here borrows this one


def _variant(line: str, kind: int) -> str:
    """A line as crawls and layouts vary it: as is, in table pipes, marked, spaced, or blank."""
    return [line, line, line, f"| {line} |", f"{line} | ||", f"*{line}", f"{line} ,x", "", "|"][kind]


lines = st.builds(_variant, st.sampled_from(_LINES), st.integers(0, 8))
documents = st.lists(lines, min_size=1, max_size=30).map("\n".join)


@st.composite
def matches(draw, wordlists: list[str], extract: bool = False) -> dict:
    line = draw(st.sampled_from(_SHORT))
    k = draw(st.integers(1, max(1, len(line))))
    kind = draw(st.integers(0, 6 if not extract else 1))
    if extract:
        group = draw(st.sampled_from(["title", "author", "publisher", "source_url"]))
        spec = {"regex": [f"^(?P<{group}>{regex.escape(line[:k])}.*)$",
                          r"(?P<date>\d{1,2}[./]\d{1,2}[./]\d{2,4})"][kind]}
    else:
        word = draw(st.sampled_from(line.split() or [line]))
        spec = [{"literal": [line]}, {"regex": "^" + regex.escape(line[:k])},
                {"regex": regex.escape(word), "contains": [word]},
                {"regex": regex.escape(line[-k:]) + "$"},
                {"words": draw(st.sampled_from(wordlists))},
                {"regex": "^(?:{{%s}})" % draw(st.sampled_from(wordlists))},
                {"literal": [line], "regex": regex.escape(word)}][kind]  # words beside a regex nothing narrows
    if draw(st.booleans()):
        spec["max_chars"] = draw(st.integers(1, 300))
    if draw(st.integers(0, 4)) == 0:
        spec["min_chars"] = draw(st.integers(0, 80))
    return spec


@st.composite
def rule_files(draw) -> dict:
    wordlists = {f"list-{i}": draw(st.lists(st.sampled_from(_SHORT), min_size=1, max_size=6, unique=True))
                 for i in range(3)}
    names = list(wordlists)
    rules = []
    for n in range(draw(st.integers(1, 8))):
        action = draw(st.sampled_from(list(REGISTRY)))
        rule = {"id": f"r{n}", "description": "random", "action": action,
                "match": draw(matches(names, extract=action == "extract")),
                "example": {"input": "x", "output": "x"}}
        if action == "rewrite":
            rule["match"] = {"regex": regex.escape(draw(st.sampled_from(_SHORT)).split(" ")[0]) or "x"}
            rule["replace"] = draw(st.sampled_from(["", "X", " "]))
        if action == "drop-block" and draw(st.booleans()):
            rule["followers"] = {"max_lines": draw(st.integers(1, 4))}
            if draw(st.booleans()):
                rule["followers"]["max_chars"] = draw(st.integers(1, 200))
            if draw(st.booleans()):
                rule["followers"]["match"] = draw(matches(names))
        if action == "cut-tail" and draw(st.booleans()):
            rule["guard"] = draw(st.sampled_from([{"max_line_chars": draw(st.integers(1, 300))},
                                                  {"min_chars_before": draw(st.integers(1, 300))},
                                                  {"max_line_chars": draw(st.integers(1, 300)),
                                                   "min_chars_before": draw(st.integers(1, 300))}]))
        if action == "cut-head" and draw(st.booleans()):
            rule["guard"] = {"max_chars_before": draw(st.integers(1, 300))}
        if action == "extract":
            if draw(st.booleans()):
                rule["keep"] = True
            rule["date_order"] = draw(st.sampled_from(["dmy", "mdy", "ymd"]))
        if draw(st.integers(0, 2)) == 0:
            rule["region"] = {draw(st.sampled_from(["head", "tail"])): draw(st.integers(1, 6))}
        if rules and draw(st.integers(0, 3)) == 0:
            rule["requires"] = draw(st.lists(st.sampled_from([r["id"] for r in rules]), min_size=1, max_size=2,
                                             unique=True))
        rules.append(rule)
    data = {"site": "example.org", "description": "random rules", "wordlists": wordlists, "rules": rules}
    if len(rules) > 1 and draw(st.booleans()):
        # two layouts: each a prefix of the rules (so `requires` still names earlier rules), the rest shared
        k = draw(st.integers(1, len(rules) - 1))
        j = draw(st.integers(1, k))
        data["layouts"] = [{"name": "older", "valid_until": "2026-01-31", "rules": rules[:k]},
                           {"name": "newer", "valid_from": "2026-02-01", "rules": rules[:j]}]
        data["rules"] = rules[k:]
    return data


def _outcome(cleaner: TextCleaner, text: str, date: str | None):
    try:
        r = cleaner.clean_text(text, site="example.org", date=date)
    except Exception as e:  # noqa: BLE001 - the same error must come out of both
        return type(e).__name__, str(e)
    return r.text, r.title, r.site, r.metadata, r.trace, r.warnings, r.stats, r.layout


@settings(max_examples=_EXAMPLES, deadline=None, derandomize="DIFFERENTIAL_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=rule_files(), docs=st.lists(documents, min_size=1, max_size=3), with_generic=st.booleans(),
       with_site=st.booleans(), date=st.sampled_from([None, "2026-01-15", "2026-03-01"]))
def test_accelerated_engine_equals_reference(cleaner, data, docs, with_generic, with_site, date):
    site = load_data(data)
    if with_site:  # the real vietnam.vn rules after the random ones: realistic regions, requires, guards
        site = dataclasses.replace(site, rules=(*site.rules, *cleaner.index.by_name("vietnam.vn").rules))
    generic = cleaner.generic if with_generic else None
    with mock.patch("cleaner.core.sites.PublicSuffixList", return_value=_PSL):
        fast = TextCleaner([site], generic, accelerate=True)
        reference = TextCleaner([site], generic, accelerate=False)
    for text in docs:
        assert _outcome(fast, text, date) == _outcome(reference, text, date)


def test_both_engines_agree_on_every_fixture_and_seed(cleaner):
    from cleaner import Cleaner
    from conftest import SEEDS

    reference = Cleaner(cleaner.index.rulesets, cleaner.generic, accelerate=False)
    paths = sorted(FIXTURES.glob("*/*/input.*")) + sorted(SEEDS.glob("*.txt"))
    for path in paths:
        url = path.parent / "url.txt"
        url = url.read_text(encoding="utf-8").strip() if url.exists() and path.parent != SEEDS else None
        fast, ref = cleaner.clean(path.read_bytes(), url=url), reference.clean(path.read_bytes(), url=url)
        assert (fast.text, fast.title, fast.metadata, fast.trace, fast.warnings, fast.stats) == \
            (ref.text, ref.title, ref.metadata, ref.trace, ref.warnings, ref.stats), path.name

"""Run rules' own examples (input -> output) through `Cleaner.clean` itself, with the rule's whole rule
set loaded (a site's rules and the generic rules; the generic rules alone for a generic rule): an example
shows what users get. The test suite and `cleaner rules check` run every example."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from cleaner.ruleset.model import Example, Rule


class Case(NamedTuple):
    """One example of one rule, and the cleaner that runs it."""

    test_id: str
    rule: Rule
    number: int
    example: Example
    cleaner: object  # a cleaner.Cleaner holding the rule's rule set (and the generic rules)
    layout: str | None = None  # the layout the rule belongs to, which its examples run under


def check_example(case: Case) -> list[str]:
    """Problems with one example; empty when it holds."""
    rule, example = case.rule, case.example
    problems = []
    expected = _paragraphs(example.output)
    res = _clean(case, example.input)
    if res.paragraphs != expected:
        problems.append(f"output {res.paragraphs!r} != expected {expected!r}")
    for key, value in (example.metadata or {}).items():
        if res.metadata.get(key) != value:
            problems.append(f"metadata {key}: {res.metadata.get(key)!r} != expected {value!r}")
    if example.title is not None and res.title != example.title:
        problems.append(f"title: {res.title!r} != expected {example.title!r}")
    # A fixed output must itself come out unchanged, except where a rule takes a positional field
    # (the first line as title, the last as byline): there the output's new first line would be taken.
    if rule.action != "extract" and expected:
        again = _clean(case, "\n".join(expected)).paragraphs
        if again != expected:
            problems.append(f"not stable: cleaning the expected output again gives {again!r}")
    return problems


def _clean(case: Case, text: str):
    return case.cleaner.clean(text, site=case.cleaner.sites[0] if case.cleaner.sites else None, format="text",
                              layout=case.layout)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def iter_examples(cleaner) -> Iterator[Case]:
    """Every example of every rule of a cleaner's rule sets, each rule once (an included rule under the
    first site that includes it), each run by a cleaner of the same class holding just its rule set and
    the generic rules (a layout's rule under its layout). Test ids: `<site>[/<layout>]/<rule id>`, then
    `-<n>` or `-<name>` for several."""
    make, generic = type(cleaner), cleaner.generic
    runners = [(rs, make([rs], generic, regex_timeout=5.0)) for rs in cleaner.index.rulesets]
    if generic is not None:
        runners.append((generic, make([], generic, regex_timeout=5.0)))
    seen: set[tuple[str, str, str | None]] = set()
    for rs, runner in runners:
        layouts = [(layout.name, layout.rules) for layout in rs.layouts]
        for layout, rules in [*layouts, (None, rs.rules)]:
            for rule in rules:
                if (rule.source, rule.id, layout) in seen:
                    continue
                seen.add((rule.source, rule.id, layout))
                where = f"{rs.name}/{layout}" if layout else rs.name
                for n, ex in enumerate(rule.examples, 1):
                    suffix = f"-{_slug(ex.name)}" if ex.name else f"-{n}" if len(rule.examples) > 1 else ""
                    yield Case(f"{where}/{rule.id}{suffix}", rule, n, ex, runner, layout)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def html_examples(cleaner) -> Iterator[tuple[str, str, list[str]]]:
    """(test id, file, problems) for each example of a site's `html.evidence` (a learned template): the
    text the site's selectors take from its HTML `input` (a page of the site, `https://<site>/`, before
    any text rule runs) must be its `output`. Test ids: `<site>/html/<key> <selector>`."""
    make = type(cleaner)
    for rs in cleaner.rule_sets():
        notes = [n for n in (rs.html or {}).get("evidence", ()) if n.get("example")]
        if not notes:
            continue
        runner = make([rs], None, regex_timeout=5.0, accelerate=False)
        for note in notes:
            ex = note["example"]
            text, used = runner.extracted_text(ex["input"], url=f"https://{rs.name}/")
            got, want = _paragraphs(text), _paragraphs(ex["output"])
            problems = [] if got == want and used == rs.name else [f"output {got!r} != expected {want!r}"]
            yield f"{rs.name}/html/{note['key']} {note['selector']}", rs.source, problems

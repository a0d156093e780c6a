"""Run a rule's own examples (input -> output): the documentation that the test suite enforces."""
from __future__ import annotations

from collections.abc import Iterator

from cleaner.core.engine import Document, run_rules
from cleaner.core.normalize import finish_lines, prepare_lines
from cleaner.core.repair import repair_text
from cleaner.ruleset.model import Example, Rule, RuleSet

# A fixed output must itself come out unchanged, except where a rule takes a positional field
# (the first line as title, the last as byline) - there the output's new first line would be taken.
_POSITIONAL = ("extract",)


def apply_rule(rule: Rule, text: str) -> tuple[list[str], dict[str, str]]:
    """Run one rule alone (requires ignored) plus repair and normalisation; (body lines, fields)."""
    trace: list = []
    doc = Document(prepare_lines(repair_text(text, trace), trace), trace)
    run_rules([rule], doc, check_requires=False, timeout=5.0)
    kept, numbers = doc.kept()
    return finish_lines(kept, numbers, trace)[0], doc.fields


def check_example(rule: Rule, example: Example) -> list[str]:
    """Problems with one example; empty when it holds."""
    problems = []
    expected = [line.strip() for line in example.output.splitlines() if line.strip()]
    body, fields = apply_rule(rule, example.input)
    if body != expected:
        problems.append(f"output {body!r} != expected {expected!r}")
    for key, value in (example.metadata or {}).items():
        if fields.get(key) != value:
            problems.append(f"metadata {key}: {fields.get(key)!r} != expected {value!r}")
    if example.title is not None and fields.get("title") != example.title:
        problems.append(f"title: {fields.get('title')!r} != expected {example.title!r}")
    if rule.action not in _POSITIONAL and expected:
        again, _ = apply_rule(rule, "\n".join(expected))
        if again != expected:
            problems.append(f"not stable: cleaning the expected output again gives {again!r}")
    return problems


def iter_examples(rulesets: list[RuleSet]) -> Iterator[tuple[str, Rule, int, Example]]:
    """(test id, rule, number, example) for every example of every rule, each rule once."""
    seen: set[tuple[str, str]] = set()
    for rs in rulesets:
        for rule in rs.rules:
            if (rule.source, rule.id) in seen:
                continue
            seen.add((rule.source, rule.id))
            for n, ex in enumerate(rule.examples, 1):
                suffix = f"-{n}" if len(rule.examples) > 1 else ""
                yield f"{rs.name}/{rule.id}{suffix}", rule, n, ex

"""The rule vocabulary (cleaner/ruleset/vocabulary.py): every action documented with a tested example,
the schema, the README table and `cleaner rules docs` generated from it, the `keep` action, and the
text core's imports."""
import os
import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from cleaner.cli.main import app
from cleaner.ruleset.examples import check_example, iter_examples
from cleaner.ruleset.schema import FILE, RULE
from cleaner.ruleset.vocabulary import ACTIONS, MATCH_KEYS, REGISTRY, RULE_KEYS, doc_sections, docs_table
from conftest import ROOT


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_action_is_documented_with_an_example_that_holds(name, cleaner_for):
    cls = REGISTRY[name]
    sections = doc_sections(cls)
    assert set(sections) == {"What", "Why", "Example"}, f"{name}: docstring needs What / Why / Example"
    assert all(sections.values()), name
    assert all(key.doc for key in cls.keys), name
    rules = yaml.safe_load(sections["Example"])
    rules = rules if isinstance(rules, list) else [rules]
    assert name in {r["action"] for r in rules}
    cleaner = cleaner_for("example.org", yaml.safe_dump(
        {"site": "example.org", "description": f"The {name} example.", "rules": rules}, allow_unicode=True))
    cases = list(iter_examples(cleaner))
    assert cases
    for case in cases:
        assert check_example(case) == [], case.test_id


def test_every_key_is_documented():
    assert all(k.doc for k in (*RULE_KEYS, *MATCH_KEYS))


def test_the_schema_is_generated_from_the_registry():
    assert RULE["properties"]["action"]["enum"] == list(ACTIONS) == list(REGISTRY)
    assert FILE["properties"]["rules"]["items"] is RULE
    for cls in REGISTRY.values():
        for key in cls.keys:
            assert key.name in RULE["properties"]


def test_the_readme_table_is_the_generated_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- vocabulary:start")
    table = readme[readme.index("\n", start) + 1: readme.index("<!-- vocabulary:end -->")]
    assert table == docs_table(), "regenerate the README table with `cleaner rules docs`"


def test_rules_docs_prints_the_table():
    res = CliRunner().invoke(app, ["rules", "docs"])
    assert res.exit_code == 0
    assert res.stdout == docs_table()


KEEP = r"""
site: example.org
description: Keep rules and the rules after them.
domains: [example.org]
rules:
  - id: quoted-source
    description: Keeps sentences that only start like a source line.
    action: keep
    match: {regex: '^Source: the '}
    example: {input: "Source: the ministry said so.\n", pass: true}
  - id: source-line
    description: Drops source lines.
    action: drop
    match: {regex: '^Source:'}
    example: {input: "Text.\nSource: AP\n", output: "Text.\n"}
  - id: note
    description: Removes notes.
    action: rewrite
    match: {regex: ' \(note\)'}
    replace: ''
    example: {input: "Text (note).\n", output: "Text.\n"}
  - id: footer
    description: Cuts from the footer.
    action: cut-tail
    match: {literal: [Footer]}
    example: {input: "Text.\nFooter\nMore\n", output: "Text.\n"}
  - id: after-keep
    description: Drops a marker line once a keep rule fired.
    action: drop
    requires: [quoted-source]
    match: {literal: [Marker]}
    example: {input: "Source: the ministry said so.\nMarker\n", output: "Source: the ministry said so.\n"}
"""


def test_keep_protects_lines_from_later_rules(cleaner_for):
    cl = cleaner_for("example.org", KEEP)
    url = "https://example.org/a"
    text = "Body.\nSource: the ministry (note) said so.\nSource: AP\nFooter\nSource: the end (note).\nMore"
    res = cl.clean(text, url=url)
    assert res.paragraphs == ["Body.", "Source: the ministry (note) said so.", "Source: the end (note)."]
    assert cl.clean("Marker\nSource: the x.", url=url).text == "Source: the x."
    assert cl.clean("Marker\nText.", url=url).text == "Marker\n\nText."
    for case in iter_examples(cl):
        assert check_example(case) == [], case.test_id


def test_the_text_core_imports_no_html_charset_or_vocabulary_module():
    banned = ("selectolax", "trafilatura", "htmldate", "charset_normalizer", "chardet", "cchardet", "bs4", "lxml",
              "justext")
    code = ("import sys, cleaner.core, cleaner.core.cleaner, cleaner.core.accelerator; "
            f"bad = [m for m in sys.modules if m.split('.')[0] in {banned!r} or m.startswith(('cleaner.html', "
            "'cleaner.ruleset', 'cleaner.io', 'cleaner.batch', 'cleaner.api'))]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("text,order,iso", [
    ("26/10/2025", "dmy", "2025-10-26"), ("12/31/2025", "mdy", "2025-12-31"), ("2025-10-26", "mdy", "2025-10-26"),
    ("26.10.25", "dmy", "2025-10-26"), ("31/02/2025", "dmy", None),
    ("2025-10-26T08:00:00+07:00", None, "2025-10-26"), ("10/26/2025", None, "2025-10-26"),
    ("26/10/2025", None, "2025-10-26"), ("26/10/25", None, None), ("1850-01-01", None, None)])
def test_one_date_parser_for_rules_and_pages(text, order, iso):
    from cleaner.core.dates import parse_date

    assert parse_date(text, order) == iso


@pytest.mark.parametrize("example,message", [
    ({"input": "a"}, "rule 'a': key 'example': needs exactly one of: output, pass"),
    ({"input": "a", "output": "b", "pass": True}, "needs exactly one of: output, pass"),
    ({"input": "a", "pass": False}, "key 'example.pass': bad value False"),
    ({"input": "a", "output": "a", "name": ""}, "key 'example.name': bad value ''")])
def test_example_errors(example, message):
    from cleaner import RuleError
    from cleaner.ruleset.loader import load_data

    rule = {"id": "a", "description": "d", "action": "drop", "match": {"literal": ["x"]}, "example": example}
    with pytest.raises(RuleError) as info:
        load_data({"site": "example.org", "description": "d", "rules": [rule]})
    assert message in str(info.value)


MIN_BEFORE = r"""
site: example.org
description: A cut-tail marker that also heads the page.
domains: [example.org]
rules:
  - id: related-tail
    description: Cuts from "Related" once article text came before it.
    action: cut-tail
    match: {literal: [Related]}
    guard: {min_chars_before: 80}
    example: {input: "Related\nMenu\n", pass: true}
"""



MAX_BEFORE = r"""
site: example.org
description: A cut-head marker that a page of another kind has below its article.
domains: [example.org]
rules:
  - id: print-head
    description: Cuts up to "Print", unless article text came before it.
    action: cut-head
    match: {literal: [Print]}
    guard: {max_chars_before: 80}
    example: {input: "Menu\nPrint\nBody.\n", output: "Body.\n"}
"""


def test_cut_head_max_chars_before_keeps_an_article_above_its_marker(cleaner_for):
    cl = cleaner_for("example.org", MAX_BEFORE)
    url = "https://example.org/a"
    para = "An article paragraph long enough to count as article text, well past eighty characters."
    assert cl.clean(f"Menu\nPrint\n{para}", url=url).paragraphs == [para]
    assert cl.clean(f"Menu\n{para}\n{para}.\nPrint\nShare", url=url).paragraphs == ["Menu", para, para + ".", "Print", "Share"]
    # one article-sized line before it is no more than 80 characters of article text? it is 88: kept
    assert cl.clean(f"{para}\nPrint\nMore", url=url).paragraphs == [para, "Print", "More"]
    for case in iter_examples(cl):
        assert check_example(case) == [], case.test_id


def test_a_guard_of_the_other_cut_is_an_error_naming_the_key_and_what_is_allowed():
    from cleaner.ruleset.loader import load_data
    from cleaner.ruleset.model import RuleError

    rule = {"id": "print-head", "description": "d", "action": "cut-head", "match": {"literal": ["Print"]},
            "guard": {"min_chars_before": 80}, "example": {"input": "Print\n", "output": ""}}
    with pytest.raises(RuleError) as info:
        load_data({"site": "example.org", "description": "d", "rules": [rule]})
    message = str(info.value)
    assert "print-head" in message and "guard.min_chars_before" in message and "allowed: max_chars_before" in message
    assert "\n" not in message

def test_cut_tail_min_chars_before_skips_a_marker_in_the_page_head(cleaner_for):
    cl = cleaner_for("example.org", MIN_BEFORE)
    url = "https://example.org/a"
    para = "An article paragraph long enough to count as article text, well past eighty characters."
    assert cl.clean(f"Related\n{para}\nRelated\nOther story", url=url).paragraphs == ["Related", para]
    assert cl.clean(f"Related\n{para}", url=url).paragraphs == ["Related", para]  # nothing before it
    # East Asian wide characters count twice: a line of 50 characters, 49 of them wide, is 99 wide
    wide = "市" * 45 + "図書館" + "。" + "x"
    assert cl.clean(f"{wide}\nRelated\nOther story", url=url).paragraphs == [wide]
    for case in iter_examples(cl):
        assert check_example(case) == [], case.test_id

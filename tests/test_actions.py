"""Every action and option of the rule vocabulary, on a small rule file written here."""

import pytest

from cleaner.ruleset.examples import check_example, iter_examples

RULES = r"""
site: example.org
description: Every action once.
domains: [example.org]
wordlists:
  label: [Menu, Navigation]
rules:
  - id: breadcrumb-head
    description: Cuts everything up to and including the breadcrumb line.
    action: cut-head
    match: {regex: '^Home › '}
    region: {head: 5}
    example: {input: "Logo\nHome › News\nBody.\n", output: "Body.\n"}
  - id: updated-date
    description: Takes an American date from the Updated line and keeps the line.
    action: extract
    keep: true
    date_order: mdy
    match: {regex: '^Updated (?P<date>\d{1,2}/\d{1,2}/\d{4})$'}
    example: {input: "Updated 12/31/2025\n", output: "Updated 12/31/2025\n", metadata: {date: "2025-12-31"}}
  - id: image-note
    description: 'Removes "(Image: …)" notes inside kept lines.'
    action: rewrite
    match: {regex: '\s*\(Image: [^)]*\)'}
    replace: ''
    examples:
      - {input: "The bridge opened (Image: city hall) today.\n", output: "The bridge opened today.\n"}
      - {input: "(Image: only a note)\nText.\n", output: "Text.\n"}
  - id: menu-block
    description: Drops a menu label and up to two short items after it.
    action: drop-block
    match: {words: label}
    followers: {max_lines: 2, max_chars: 20}
    example: {input: "Menu\nSports\nWeather\nA long article sentence follows here.\n",
              output: "A long article sentence follows here.\n"}
  - id: footer
    description: Cuts from the footer marker unless article-length text follows.
    action: cut-tail
    match: {literal: [Footer]}
    guard: {max_line_chars: 60}
    example: {input: "Text.\nFooter\nContact\n", output: "Text.\n"}
  - id: signature
    description: Drops a "-- name" signature, only in the last line and only after a footer cut.
    action: drop
    requires: [footer]
    match: {regex: '^-- \w+$'}
    region: {tail: 1}
    examples:
      - {name: after a footer, input: "Text.\n-- anna\nFooter\nContact\n", output: "Text.\n"}
      - {name: no footer, input: "Text.\n-- anna\n", pass: true}
"""


@pytest.fixture(scope="module")
def cleaner(cleaner_for):
    return cleaner_for("example.org", RULES)


def test_examples_of_every_action_hold(cleaner):
    examples = list(iter_examples(cleaner))
    assert {c.rule.action for c in examples} == {"cut-head", "extract", "rewrite", "drop-block", "cut-tail", "drop"}
    for case in examples:
        assert check_example(case) == [], case.test_id


URL = "https://www.example.org/a"


def test_rewrite_traces_the_change(cleaner):
    res = cleaner.clean("A (Image: x) b.", url=URL)
    assert res.text == "A b."
    assert [(t.rule, t.action, t.line, t.text, t.new) for t in res.trace] == [
        ("image-note", "change", 1, "A (Image: x) b.", "A b.")]


def test_later_rules_see_a_rewritten_line_in_the_same_pass(cleaner):
    from cleaner.core.engine import Document, run_rules

    # the rewrite leaves "Menu", which the menu block (a later rule) takes with its item, in one pass
    doc = Document(["Menu (Image: logo)", "Sports", "A long article sentence follows here."], timeout=1.0)
    run_rules(cleaner.index.rulesets[0].rules, doc)
    assert doc.kept()[0] == ["A long article sentence follows here."]
    assert [(t.rule, t.action, t.line) for t in doc.trace] == [
        ("image-note", "change", 1), ("menu-block", "drop", 1), ("menu-block", "drop", 2)]


def test_guard_keeps_the_tail_when_article_text_follows(cleaner):
    text = "Text.\nFooter\n" + "An article paragraph that is clearly longer than sixty characters in total."
    assert "Footer" in cleaner.clean(text, url=URL).text


def test_requires_only_after_the_required_rule_fired(cleaner):
    assert cleaner.clean("Text.\n-- anna", url=URL).text == "Text.\n\n-- anna"
    assert cleaner.clean("Text.\n-- anna\nFooter\nContact", url=URL).text == "Text."


def test_extract_keep_and_mdy_date(cleaner):
    res = cleaner.clean("Updated 12/31/2025\nText.", url=URL)
    assert res.metadata == {"date": "2025-12-31"} and res.text.startswith("Updated 12/31/2025")


def test_invalid_date_is_a_warning_not_a_value(cleaner):
    res = cleaner.clean("Updated 31/12/2025\nText.", url=URL)
    assert "date" not in res.metadata
    assert any("'31/12/2025' is not a valid date" in w for w in res.warnings)


def test_cut_head_only_within_its_region(cleaner):
    lines = [f"Line {i}." for i in range(8)] + ["Home › deep", "End."]
    assert "Line 0." in cleaner.clean("\n".join(lines), url=URL).text


def test_a_word_list_beside_a_regex_nothing_narrows(cleaner_for):
    """The screen crashed (KeyError) on a rule with literals and a regex without needles or edge words."""
    cl = cleaner_for("x.org", """
        site: x.org
        description: d
        domains: [x.org]
        rules:
          - id: menu-lines
            description: Drops menu lines.
            action: drop
            match: {literal: [Menu], regex: '^.*?Home.*$'}
            example: {input: "Menu\\nText.\\n", output: "Text.\\n"}
        """)
    assert cl.clean("Menu\nGo Home now\nText.", url="https://x.org/a").text == "Text."

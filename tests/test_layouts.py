"""Layouts valid by date: a rule file groups rules by layout (`valid_from` / `valid_until`); the document's
date picks one (the `date` argument, or an HTML page's date), else the layout whose rules fit."""
import pytest

from cleaner import RuleError
from cleaner.ruleset.examples import check_example, iter_examples

RULES = r"""
site: example.org
description: A portal that changed its layout on 1 March 2026.
domains: [example.org]
layouts:
  - name: older
    description: Publisher and date on one line, a "Photo" label before captions.
    valid_until: 2026-02-28
    rules:
      - id: photo-label
        description: Drops the caption label and its caption.
        action: drop-block
        match: {literal: [Photo]}
        followers: {max_chars: 12}
        example: {input: "Photo\nA caption\nText.\n", output: "Text.\n"}
      - id: publisher-date
        description: Takes the publisher and date.
        action: extract
        match: {regex: '^(?P<publisher>[A-Z][a-z]+ News) (?P<date>\d\d/\d\d/\d{4})$'}
        example: {input: "Text.\nDaily News 03/02/2026\n", output: "Text.\n",
                  metadata: {publisher: Daily News, date: "2026-02-03"}}
  - name: redesign
    valid_from: "2026-03-01"
    rules:
      - id: publisher-date
        description: Takes the publisher and date from the bullet line.
        action: extract
        match: {regex: '^(?P<publisher>[^•]+)•(?P<date>\d\d/\d\d/\d{4})$'}
        example: {input: "Text.\nDaily News•03/04/2026\n", output: "Text.\n",
                  metadata: {publisher: Daily News, date: "2026-04-03"}}
      - id: follow-us
        description: Drops the follow-us line.
        action: drop
        match: {literal: [Follow us]}
        example: {input: "Text.\nFollow us\n", output: "Text.\n"}
rules:
  - id: comments
    description: Cuts from the comment counter; after either layout's publisher line only.
    action: cut-tail
    requires: [publisher-date]
    match: {regex: '^Comments \(\d+\)$'}
    example: {input: "Daily News•03/04/2026\nText.\nComments (2)\nMore\n", output: "Text.\n"}
"""
URL = "https://example.org/a"
OLDER = "Daily News 03/02/2026\nPhoto\nA caption\nText of the article.\nFollow us\nComments (1)\nMore"
REDESIGN = "Daily News•03/04/2026\nPhoto\nText of the article.\nFollow us\nComments (1)\nMore"


@pytest.fixture(scope="module")
def cleaner(cleaner_for):
    return cleaner_for("example.org", RULES)


def test_the_layout_valid_on_the_date_runs(cleaner):
    res = cleaner.clean(OLDER, url=URL, date="2026-02-10")
    assert (res.layout, res.text) == ("older", "Text of the article.\n\nFollow us")
    assert res.metadata == {"publisher": "Daily News", "date": "2026-02-03"}
    res = cleaner.clean(OLDER, url=URL, date="2026-03-01T09:00:00+07:00")  # the redesign: its rules do not fit
    assert res.layout == "redesign" and res.text.startswith("Daily News 03/02/2026\n\nPhoto")


def test_without_a_date_the_layout_whose_rules_fit(cleaner):
    assert cleaner.clean(OLDER, url=URL).layout == "older"
    res = cleaner.clean(REDESIGN, url=URL)
    assert (res.layout, res.text) == ("redesign", "Photo\n\nText of the article.")
    assert cleaner.clean("Nothing either layout knows.", url=URL).layout == "older"  # ties: the first


def test_a_date_no_layout_covers_falls_back_to_fit(cleaner_for):
    cl = cleaner_for("example.org", RULES.replace("valid_until: 2026-02-28", "valid_until: 2026-01-31"))
    assert cl.clean(OLDER, url=URL, date="2026-02-10").layout == "older"


def test_a_page_date_picks_the_layout(cleaner):
    html = ("<html><head><meta property='article:published_time' content='2026-02-10'></head><body><article>"
            "<p>Daily News•03/04/2026</p><p>Text of the article, long enough to be kept as a paragraph.</p>"
            "</article></body></html>")
    assert cleaner.clean(html, url=URL, format="html").layout == "older"


def test_a_layout_by_name_and_an_unknown_one(cleaner):
    """Issue 18.12: an unknown layout was a warning, and ignored; it is a ValueError that says which
    layouts the site's rule file declares (failed before the fix)."""
    assert cleaner.clean(OLDER, url=URL, layout="redesign").layout == "redesign"
    with pytest.raises(ValueError, match=r"layout='nope': .* has no such layout; allowed: older, redesign"):
        cleaner.clean(OLDER, url=URL, layout="nope")
    with pytest.raises(ValueError, match=r"layout='older': no site's rules apply"):
        cleaner.clean("Text.", layout="older")


def test_sites_without_layouts_report_none(cleaner):
    assert cleaner.clean("Text.", url="https://other.example/a").layout is None


def test_examples_run_under_their_layout(cleaner):
    cases = list(iter_examples(cleaner))
    assert [c.test_id for c in cases] == ["example.org/older/photo-label", "example.org/older/publisher-date",
                                          "example.org/redesign/publisher-date", "example.org/redesign/follow-us",
                                          "example.org/comments"]
    for case in cases:
        assert check_example(case) == [], case.test_id


@pytest.mark.parametrize("old,new,message", [
    ("valid_until: 2026-02-28", "valid_until: 2026-02-30", "layout 'older': key 'valid_until': bad value '2026-02-30'"),
    ('valid_from: "2026-03-01"', 'valid_from: "2026-3-1"', "key 'layouts.1.valid_from': bad value '2026-3-1'"),
    ("valid_until: 2026-02-28", "valid_until: 2026-02-28\n    valid_from: 2026-03-01",
     "layout 'older': key 'valid_until': 2026-02-28 is before valid_from 2026-03-01"),
    ("name: redesign", "name: older", "layout 'older': key 'name': duplicate"),
    ("      - id: follow-us", "      - id: publisher-date", "rule 'publisher-date': key 'id': duplicate in layout"),
    ("  - id: comments", "  - id: follow-us", "rule 'follow-us': key 'id': duplicate; already used in a layout"),
    ("        action: drop\n", "        action: dropp\n", "rule 'follow-us': key 'action': bad value 'dropp'"),
])
def test_layout_errors_name_the_key(cleaner_for, old, new, message):
    assert old in RULES
    with pytest.raises(RuleError) as info:
        cleaner_for("example.org", RULES.replace(old, new, 1))
    assert message in str(info.value)


def test_explain_takes_a_date(tmp_path):
    from typer.testing import CliRunner

    from cleaner.cli.main import app

    (tmp_path / "example.org.yaml").write_text(RULES, encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text(OLDER, encoding="utf-8")
    res = CliRunner().invoke(app, ["explain", str(doc), "--rules", str(tmp_path), "--url", URL, "--date", "2026-03-05"])
    assert res.exit_code == 0
    assert "site: example.org (layout redesign)" in res.output


def test_batch_takes_the_date_from_the_record_or_the_option(tmp_path):
    """`clean` picks a layout by each record's `date` field (`--date-field`), or by `--date` for all."""
    import json
    import textwrap

    from typer.testing import CliRunner

    from cleaner.cli.main import app

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "example.org.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in (
        {"id": "a", "url": URL, "text": OLDER, "published": "2026-03-05"},
        {"id": "b", "url": URL, "text": OLDER})), encoding="utf-8")

    def layouts(*args):
        out = tmp_path / f"out{len(args)}"
        res = CliRunner().invoke(app, ["clean", str(dump), "-o", str(out), "--rules", str(rules), "--workers", "1",
                                       "--no-progress", "--no-summary", *args])
        assert res.exit_code == 0, res.output
        records = [json.loads(x) for f in sorted(out.glob("*.jsonl")) for x in f.read_text().splitlines()]
        return [(r["id"], r["text"].startswith("Daily News")) for r in records], records

    found, records = layouts("--date-field", "published")
    assert found == [("a", True), ("b", False)]  # a: the redesign's rules, by its date; b: the layout that fits
    assert records[0]["published"] == "2026-03-05"  # the date field is carried through
    assert layouts("--date", "2026-03-05", "--date-field", "published", "--text-field", "text")[0] == [
        ("a", True), ("b", True)]

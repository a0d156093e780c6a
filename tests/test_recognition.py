"""Site recognition from content: signatures, then the evidence of a site's own rules (core/sites.py)."""
import gzip
import json

import pytest
from typer.testing import CliRunner

from cleaner.cli.main import app
from cleaner.ruleset.model import RuleError
from cleaner.testing import discover
from cleaner.testing.fixtures import body_file_text
from conftest import FIXTURES, ROOT

SHARED = ROOT.parent / "shared"
_VN = [c for c in discover(FIXTURES, "vietnam.vn") if c.input_path.read_text(encoding="utf-8").strip()]

# Three rules that name nothing of their site: only together do they tell the site.
SITE = r"""
    site: example.org
    description: d
    domains: [example.org]
    {recognition}
    rules:
      - id: kicker
        description: d
        action: drop
        match: {{literal: [EXAMPLE KICKER]}}
        example: {{input: "EXAMPLE KICKER\nText.\n", output: "Text.\n"}}
      - id: byline
        description: d
        action: drop
        match: {{regex: '^By the Example Desk$', contains: [Example Desk]}}
        example: {{input: "By the Example Desk\nText.\n", output: "Text.\n"}}
      - id: footer
        description: d
        action: cut-tail
        match: {{literal: [End of Example]}}
        example: {{input: "Text.\nEnd of Example\nMenu\n", output: "Text.\n"}}
"""
DOC = "EXAMPLE KICKER\nThe council met on Monday.\nBy the Example Desk\nEnd of Example\nMenu\n"


def _site(cleaner_for, recognition="", name="example.org"):
    return cleaner_for(name, SITE.replace("example.org", name).format(recognition=recognition))


@pytest.mark.parametrize("case", _VN, ids=[c.id for c in _VN])
def test_vietnam_fixture_recognised_without_url(cleaner, case):
    """Every vietnam.vn case is recognised from its content alone, and cleaned as with its URL."""
    fmt = "html" if case.input_path.suffix == ".html" else "text"
    result = cleaner.clean(case.input_path.read_bytes(), format=fmt)
    assert result.site == "vietnam.vn", result.site_reason
    assert result.site_reason
    expected = case.read_json("expected.json")
    assert body_file_text(result) == (case.path / "expected.txt").read_text(encoding="utf-8")
    assert (result.title, result.metadata) == (expected["title"], expected["metadata"])


def test_enough_rules_recognise_a_site(cleaner_for):
    result = _site(cleaner_for).clean(DOC)
    assert result.site == "example.org"
    assert result.site_reason == "rules kicker, byline, footer"
    assert result.text == "The council met on Monday."
    assert result.to_record()["site_reason"] == "rules kicker, byline, footer"


def test_too_few_rules_recognise_nothing(cleaner_for):
    result = _site(cleaner_for).clean("EXAMPLE KICKER\nThe council met on Monday.\n")
    assert result.site is None and result.site_reason is None
    assert result.text == "EXAMPLE KICKER\n\nThe council met on Monday."


def test_weights_and_min_score_tune_recognition(cleaner_for):
    heavy = _site(cleaner_for, "recognition: {min_score: 2, weights: {kicker: 2}}")
    assert heavy.clean("EXAMPLE KICKER\nThe council met on Monday.\n").site == "example.org"
    muted = _site(cleaner_for, "recognition: {weights: {footer: 0}}")
    assert muted.clean(DOC).site is None  # footer no longer counts: 2 of 3


def test_url_wins_over_evidence(cleaner_for):
    """A URL names the site, known or not: evidence is for documents without one."""
    cleaner = _site(cleaner_for)
    assert cleaner.clean(DOC, url="https://other.net/a").site is None
    result = cleaner.clean(DOC, url="https://www.example.org/a")
    assert (result.site, result.site_reason) == ("example.org", "url")


def test_signature_is_the_fast_path(cleaner):
    text = (FIXTURES / "vietnam.vn" / "en-flood-relief" / "input.txt").read_text(encoding="utf-8")
    assert cleaner.clean(text).site_reason == "signature 1"
    headless = cleaner.clean(text.split("\n", 2)[2])
    assert headless.site == "vietnam.vn" and headless.site_reason.startswith("rules publisher-date, ")


def test_two_sites_that_fit_are_reported(tmp_path):
    from cleaner import Cleaner

    for name in ("example.org", "example.net"):
        (tmp_path / f"{name}.yaml").write_text(SITE.replace("example.org", name).format(recognition=""),
                                               encoding="utf-8")
    tie = Cleaner.from_rules(tmp_path).clean(DOC)
    assert tie.site is None
    assert any("fits several sites" in w and "a tie" in w for w in tie.warnings)
    lighter = "recognition: {min_score: 2, weights: {kicker: 0.5}}"
    (tmp_path / "example.net.yaml").write_text(
        SITE.replace("example.org", "example.net").format(recognition=lighter), encoding="utf-8")
    chosen = Cleaner.from_rules(tmp_path).clean(DOC)
    assert chosen.site == "example.org"
    assert any("example.net (score 2.5" in w and "chose example.org" in w for w in chosen.warnings)


def test_recognition_errors_name_file_key_and_value(cleaner_for):
    with pytest.raises(RuleError, match=r"recognition.weights': bad value 'nope': no such rule"):
        _site(cleaner_for, "recognition: {weights: {nope: 1}}")
    with pytest.raises(RuleError, match="recognition"):
        _site(cleaner_for, "recognition: {min_rules: 3}")


def test_explain_says_why_the_site_was_chosen():
    res = CliRunner().invoke(app, ["explain", str(FIXTURES / "vietnam.vn" / "de-peacekeeping-tail-dropped" /
                                                  "input.txt")])
    assert res.exit_code == 0, res.output
    assert "site: vietnam.vn" in res.stderr
    assert "by: rules table-cell-caption, comment-counter, trending-list" in res.stderr


def _vn_rules(cleaner):
    return {r.id for r in cleaner.index.by_name("vietnam.vn").rules}


@pytest.mark.skipif(not (SHARED / "html-dev").is_dir(), reason="../shared/html-dev not present")
def test_no_false_recognition_on_html_dev_bodies(cleaner):
    gold = json.loads((SHARED / "html-dev" / "ground-truth.json").read_text(encoding="utf-8"))
    vn = _vn_rules(cleaner)
    for key, page in gold.items():
        result = cleaner.clean(page["articleBody"], format="text")
        assert result.site is None, (key, result.site_reason)
        assert not vn & {t.rule for t in result.trace}, key


@pytest.mark.skipif(not (SHARED / "sites-dev").is_dir(), reason="../shared/sites-dev not present")
def test_no_false_recognition_on_sites_dev_dumps(cleaner):
    vn = _vn_rules(cleaner)
    with gzip.open(SHARED / "sites-dev" / "pages.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            page = json.loads(line)
            result = cleaner.clean(page["text"], format="text")
            assert result.site is None, (page["id"], result.site_reason)
            assert not vn & {t.rule for t in result.trace}, page["id"]

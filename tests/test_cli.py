"""`cleaner explain`, `cleaner test` and `cleaner rules check|list`, as a user runs them."""
import shutil
import textwrap

from typer.testing import CliRunner

from cleaner.cli.explain_cmd import line_statuses
from cleaner.cli.main import app
from conftest import FIXTURES

RUN = CliRunner()
SEED = FIXTURES / "vietnam.vn" / "cs-hanoi-convention"


def test_explain_names_the_rule_of_every_removed_line():
    res = RUN.invoke(app, ["explain", str(SEED / "input.txt"), "--width", "0"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert any("dropped" in l and "site-header" in l and "Vietnam.vn - Nền tảng" in l for l in lines)
    assert any("metadata" in l and "publisher-date" in l for l in lines)
    assert any("cut" in l and "comment-counter" in l and "Komentář (0)" in l for l in lines)
    assert any("changed" in l and "strip-section-marker" in l for l in lines)
    assert "site: vietnam.vn" in res.stderr


def test_explain_html_numbers_the_extracted_lines():
    case = FIXTURES / "vietnam.vn" / "html-en-hanoi-metro"
    url = (case / "url.txt").read_text().strip()
    res = RUN.invoke(app, ["explain", str(case / "input.html"), "--url", url, "--removed"])
    assert res.exit_code == 0, res.output
    assert "publisher-bullet-date" in res.stdout and "kept " not in res.stdout


def test_explain_shows_lines_kept_by_an_extract_rule_as_kept(cleaner, tmp_path):
    (tmp_path / "x.org.yaml").write_text(textwrap.dedent(r"""
        site: x.org
        description: d
        domains: [x.org]
        rules:
          - id: updated
            description: Date from the Updated line, which stays.
            action: extract
            keep: true
            match: {regex: '^Updated (?P<date>\d\d/\d\d/\d{4})$'}
            example: {input: "Updated 01/02/2025\n", output: "Updated 01/02/2025\n"}
        """), encoding="utf-8")
    from cleaner import Cleaner

    res = Cleaner.from_rules(tmp_path).clean("Updated 01/02/2025\nText.", url="http://x.org")
    rows = line_statuses(["Updated 01/02/2025", "Text."], res)
    assert rows[0][1:3] == ("extract-kept", "updated") and res.text.startswith("Updated")


def test_missing_file_is_one_line_and_exit_2():
    res = RUN.invoke(app, ["explain", "no-such-file.txt"])
    assert res.exit_code == 2 and "no-such-file.txt" in res.stderr and "Traceback" not in res.output


def test_test_passes_then_fails_with_a_diff_then_update_fixes_it(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(SEED, fixtures / "vietnam.vn" / "cs-hanoi-convention")
    assert RUN.invoke(app, ["test", "--fixtures", str(fixtures)]).exit_code == 0
    expected = fixtures / "vietnam.vn" / "cs-hanoi-convention" / "expected.txt"
    expected.write_text(expected.read_text(encoding="utf-8").replace("Ráno 26. října", "Ráno 27. října"),
                        encoding="utf-8")
    res = RUN.invoke(app, ["test", "--fixtures", str(fixtures)])
    assert res.exit_code == 1
    assert "FAILED vietnam.vn/cs-hanoi-convention" in res.stdout
    assert "-Ráno 27. října" in res.stdout and "+Ráno 26. října" in res.stdout
    assert "0 passed, 1 failed" in res.stderr
    assert RUN.invoke(app, ["test", "--fixtures", str(fixtures), "--update"]).exit_code == 0
    assert RUN.invoke(app, ["test", "--fixtures", str(fixtures), "--site", "vietnam.vn"]).exit_code == 0


def test_rules_check_and_list():
    res = RUN.invoke(app, ["rules", "check"])
    assert res.exit_code == 0 and " 0 failed" in " ".join(res.stderr.split())  # (wrapped after a long path)
    listing = RUN.invoke(app, ["rules", "list", "--site", "vietnam.vn"]).stdout
    assert "comment-counter" in listing and "advertisement-label" not in listing


def test_rules_check_reports_a_failing_example_and_a_bad_file(tmp_path):
    (tmp_path / "x.org.yaml").write_text(textwrap.dedent("""
        site: x.org
        description: d
        domains: [x.org]
        rules:
          - id: ad
            description: Drops ad lines.
            action: drop
            match: {literal: [Ad]}
            example: {input: "Ad\\nText.\\n", output: "Ad\\nText.\\n"}
        """), encoding="utf-8")
    res = RUN.invoke(app, ["rules", "check", str(tmp_path)])
    assert res.exit_code == 1 and "FAILED x.org/ad" in res.stdout
    (tmp_path / "x.org.yaml").write_text("site: x.org\ndescription: d\nrules: [{id: a, colour: red}]\n")
    res = RUN.invoke(app, ["rules", "check", str(tmp_path)])
    assert res.exit_code == 2 and "x.org.yaml: rule 'a': unknown key 'colour'" in res.stderr

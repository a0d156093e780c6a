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


def test_user_text_is_printed_literally_never_as_markup(tmp_path, monkeypatch):
    """Issue 10.7: "[draft]" vanished from a missing path, "[/x].txt" crashed with a MarkupError, a bad
    regex lost its class, and the missing-extra hint lost "[zstd]"."""
    res = RUN.invoke(app, ["clean", "[draft] article.txt"])
    assert res.exit_code == 2 and "no such file or directory: [draft] article.txt" in res.stderr
    res = RUN.invoke(app, ["clean", "[/x].txt"])
    assert res.exit_code == 2 and "[/x].txt" in res.stderr and "Traceback" not in res.output
    res = RUN.invoke(app, ["explain", "[bold]x[/bold].txt"])
    assert res.exit_code == 2 and "[bold]x[/bold].txt" in res.stderr
    (tmp_path / "x.org.yaml").write_text(textwrap.dedent("""
        site: x.org
        description: d
        domains: [x.org]
        rules:
          - id: ad
            description: Drops ad lines.
            action: drop
            match: {regex: '[abc](unclosed'}
            example: {input: "Ad\\n", output: ""}
        """), encoding="utf-8")
    res = RUN.invoke(app, ["rules", "check", str(tmp_path)])
    assert res.exit_code == 2 and "[abc](unclosed" in res.stderr
    from cleaner.batch import runner
    from cleaner.io import MissingExtra

    def missing(module, what=None):
        raise MissingExtra("zstandard is needed for zstd compression but is not installed: pip install 'cleaner[zstd]'")

    monkeypatch.setattr(runner, "require", missing)
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n')
    res = RUN.invoke(app, ["clean", str(tmp_path / "a.jsonl"), "--compression", "zstd", "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "pip install 'cleaner[zstd]'" in res.stderr


def test_piped_output_is_never_wrapped_whatever_the_path_length(tmp_path):
    """Friction (issue 10): "27 passed, 0 failed" was wrapped at 80 columns after a long checkout path."""
    deep = tmp_path / ("a-rather-long-directory-name-" * 4) / "rules"
    shutil.copytree(FIXTURES.parents[1] / "rules", deep)
    res = RUN.invoke(app, ["rules", "check", str(deep)])
    assert res.exit_code == 0, res.output
    [line] = [l for l in res.stderr.splitlines() if "passed" in l]
    assert line.startswith(str(deep)) and line.endswith(" 0 failed")
    listing = RUN.invoke(app, ["rules", "list", str(deep)]).stdout
    rows = [l for l in listing.splitlines() if "comment-counter" in l]
    assert rows and all(l.rstrip().endswith(".") for l in rows)  # each description whole, on its row


def test_version_rules_option_unknown_site_and_which_rules():
    """Friction (issue 10): --version; `rules check --rules DIR`; `rules list --site unknown` exits 2
    naming the known sites; test/rules say which rules directory they use (./rules in a checkout)."""
    from cleaner import __version__

    res = RUN.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == f"cleaner {__version__}"
    rules = FIXTURES.parents[1] / "rules"
    res = RUN.invoke(app, ["rules", "check", "--rules", str(rules)])
    assert res.exit_code == 0 and f"rules: {rules}" in res.stderr and " 0 failed" in res.stderr
    res = RUN.invoke(app, ["rules", "list", "--site", "no-such.site"])
    assert res.exit_code == 2 and "known sites: generic, vietnam.vn" in res.stderr
    res = RUN.invoke(app, ["test", "--fixtures", str(FIXTURES), "--site", "vietnam.vn"])
    assert res.exit_code == 0 and "rules: " in res.stderr


def test_update_checks_again_and_fails_when_a_check_still_fails(tmp_path):
    """Friction (issue 10): `test --update` exited 0 while checks.json still failed."""
    import json

    case = tmp_path / "fixtures" / "vietnam.vn" / "cs-hanoi-convention"
    shutil.copytree(SEED, case)
    (case / "checks.json").write_text(json.dumps({"chrome": ["Ráno 26. října"]}), encoding="utf-8")
    (case / "expected.txt").write_text("stale\n", encoding="utf-8")
    res = RUN.invoke(app, ["test", "--fixtures", str(tmp_path / "fixtures"), "--update"])
    assert res.exit_code == 1 and "chrome left in the body" in res.stdout and "1 failed, 1 updated" in res.stderr


def test_piped_help_is_plain_and_unwrapped():
    """Friction (issue 10): `--help` piped was boxed and wrapped at 80 columns."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "cleaner.cli.main", "clean", "--help"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and "╭" not in r.stdout
    assert any("--format" in l and "else jsonl." in l for l in r.stdout.splitlines())

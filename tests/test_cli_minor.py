"""The small things a new user trips over (issue 19, item 8): each failed before its fix."""
import gzip
import json
import re

import pytest
from typer.testing import CliRunner

from cleaner.cli.main import app

RUN = CliRunner()
COMMANDS = [["clean"], ["explain"], ["report"], ["learn"], ["test"], ["rules", "list"], ["rules", "check"]]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-45", "2026-02-30", "20260314"])
@pytest.mark.parametrize("cmd", ["clean", "explain"])
def test_a_bad_date_is_one_line_error(tmp_path, cmd, value):
    doc = tmp_path / "a.txt"
    doc.write_text("Some text.", encoding="utf-8")
    res = RUN.invoke(app, [cmd, str(doc), "--date", value])
    assert res.exit_code == 2 and res.output.count("\n") == 1 and f"--date {value!r}: not a date" in res.output


def test_clean_takes_the_url_of_documents_without_one():
    res = RUN.invoke(app, ["clean", "-", "-f", "jsonl", "--url", "https://vietnam.vn/a"], input="Some text of the page.\n")
    rec = json.loads(res.stdout)
    assert res.exit_code == 0 and rec["url"] == "https://vietnam.vn/a" and rec["site"] == "vietnam.vn"


def test_rules_list_piped_has_no_trailing_spaces():
    res = RUN.invoke(app, ["rules", "list"])
    lines = res.stdout.splitlines()
    assert res.exit_code == 0 and len(lines) > 10 and lines[0].split() == ["site", "id", "action", "description"]
    assert not [line for line in lines if line != line.rstrip()]


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_help_shows_no_python_type_names(cmd):
    res = RUN.invoke(app, [*cmd, "--help"])
    assert res.exit_code == 0
    assert not re.search(r"<(?:list\[|str|int|float|path|Path|bool)|\{[A-Z]", res.output), res.output


def test_explain_prints_metadata_as_json(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("Title line\nBy Jane Doe\nBody of the article.", encoding="utf-8")
    res = RUN.invoke(app, ["explain", str(doc)])
    meta = re.search(r"metadata: (\{.*\})", res.output).group(1)
    assert res.exit_code == 0 and isinstance(json.loads(meta), dict) and "'" not in meta


def test_wet_output_is_not_named_warc(tmp_path):
    pytest.importorskip("fastwarc")
    body = b"A page of text that is long enough to keep."
    head = (f"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://a.com/\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sites.warc.wet.gz").write_bytes(gzip.compress(head + body + b"\r\n\r\n"))
    res = RUN.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix == ".jsonl" and p.name != "rejects.jsonl") == ["sites.wet.jsonl"]


def test_the_summary_says_no_site(tmp_path):
    doc = tmp_path / "in" / "a.txt"
    doc.parent.mkdir()
    doc.write_text("A page of some unknown site with a body.", encoding="utf-8")
    res = RUN.invoke(app, ["clean", str(doc.parent), "-o", str(tmp_path / "out"), "--summary"])
    assert res.exit_code == 0 and re.search(r"sites\s+no site 1", res.output), res.output


@pytest.mark.parametrize("label, shown", [
    ("<list[Path]>", "PATH"), ("<int range>", "INTEGER"), ("<str>", "TEXT"), ("<float>", "NUMBER"),
    ("<bool>", None), ("<text|html|auto>", "[text|html|auto]"), ("<Date>", "DATE"), ("PATH", "PATH"),
    ("", ""), (None, None)])
def test_help_shows_click_names_for_python_types(label, shown):
    from cleaner.cli.help import plain_type

    assert plain_type(label) == shown

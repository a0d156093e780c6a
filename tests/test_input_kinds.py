"""How an input's kind is decided: a JSONL `text` field, a WET record and a .txt file are text; sniffing
(for inputs of unknown kind only) does not take prose with a line of tags for HTML."""
import gzip
import json

import pytest

from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli.main import app
from cleaner.decode import looks_like_html
from cleaner.io import Fields, read_records
from cleaner.io.records import record_from_mapping

RUN = CliRunner()
WORDPRESS = "You may use these HTML tags and attributes: <a href=\"\" title=\"\"> <abbr title=\"\"> <acronym title=\"\"> " \
            "<b> <blockquote cite=\"\"> <cite> <code> <del datetime=\"\"> <em> <i> <q cite=\"\"> <s> <strike> <strong>"
PROSE = "\n".join(f"Paragraph {i} of the article says something worth keeping about the city." for i in range(12))
PAGE = f"{PROSE}\nLeave a Reply\n{WORDPRESS}\nPost Comment"


def test_prose_with_a_line_of_tags_is_not_html():
    assert not looks_like_html(PAGE)
    assert not looks_like_html(f"Short intro.\n{WORDPRESS}\nMore prose here.\nAnd more prose.")
    assert looks_like_html("<div><p>a</p><p>b</p></div>") and looks_like_html("Intro <b>bold</b> <i>it</i> <a href=x>y</a>")
    assert looks_like_html("<p>One</p>\n<p>Two</p>\n<p>Three</p>") and looks_like_html("<!doctype html><p>x")


def test_a_text_field_is_text_even_when_it_looks_like_html():
    rec = record_from_mapping({"text": "<p>a</p><p>b</p><p>c</p>"}, "x", 1, "line", Fields())
    assert rec.format == "text"
    assert record_from_mapping({"html": "<p>a</p>"}, "x", 1, "line", Fields()).format == "html"


def test_text_file_and_jsonl_text_keep_every_prose_line(tmp_path):
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    with gzip.open(tmp_path / "d.jsonl.gz", "wt") as f:
        f.write(json.dumps({"id": "a", "text": PAGE}) + "\n")
    for name in ("page.txt", "d.jsonl.gz"):
        rec = next(read_records(tmp_path / name))
        assert rec.format == "text", name
        res = Cleaner.from_rules().clean(rec.data, format=rec.format)
        assert all(f"Paragraph {i} " in res.text for i in range(12)), name
    res = RUN.invoke(app, ["clean", str(tmp_path / "page.txt")])
    assert res.exit_code == 0 and res.stdout.count("Paragraph ") == 12


def test_a_wrong_text_field_is_one_early_error_naming_the_fields_there(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps({"id": str(i), "url": "u", "body": "text"}) + "\n" for i in range(50)))
    for cmd in (["clean", str(dump), "-o", str(tmp_path / "out")], ["report", str(dump), "-f", "text"],
                ["learn", str(dump), "-o", str(tmp_path / "learned")]):
        res = RUN.invoke(app, [*cmd, "--text-field", "content"])
        assert res.exit_code == 2, (cmd, res.output)
        assert res.output.count("\n") == 1 and "'content'" in res.output and "body, id, url" in res.output, res.output
    assert RUN.invoke(app, ["clean", str(dump), "--text-field", "body", "-q"]).exit_code == 0


def _warc_record(kind: str, uri: str, body: bytes, ctype: str | None, rid: str) -> bytes:
    if kind == "response":
        body = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        ctype = "application/http; msgtype=response"
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Date: 2024-01-01T00:00:00Z\r\n" + (f"Content-Type: {ctype}\r\n" if ctype else "")
            + f"Content-Length: {len(body)}\r\n\r\n").encode()
    return gzip.compress(head + body + b"\r\n\r\n")


def test_a_gzipped_warc_on_stdin_is_read_as_warc(tmp_path):
    import subprocess
    import sys

    pytest.importorskip("fastwarc")
    html = b"<html><body><article><p>" + b"The tram line opens next spring after three years of work. " * 3 + b"</p></article></body></html>"
    warc = b"".join(_warc_record("response", f"http://a.com/{i}", html, "text/html", str(i)) for i in range(3))
    run = subprocess.run([sys.executable, "-m", "cleaner.cli.main", "clean", "-", "-f", "jsonl"], input=warc,
                         capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["url"] for r in out] == [f"http://a.com/{i}" for i in range(3)] and "tram line" in out[0]["text"]
    assert b"malformed" not in run.stderr


def test_warc_resource_records_are_read_or_said_not_text(tmp_path):
    pytest.importorskip("fastwarc")
    p = tmp_path / "r.warc.gz"
    p.write_bytes(_warc_record("resource", "http://a.com/page", b"<html><body><p>A page.</p></body></html>", "text/html", "1")
                  + _warc_record("resource", "http://a.com/notes.txt", b"Plain notes <b> here.", "text/plain; charset=utf-8", "2")
                  + _warc_record("resource", "http://a.com/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", "3"))
    out = list(read_records(p))
    assert [(getattr(r, "format", None), getattr(r, "kind", None)) for r in out] == \
        [("html", None), ("text", None), (None, "bad_warc_record")]
    assert "image/png" in out[2].reason and out[1].url == "http://a.com/notes.txt"
    res = RUN.invoke(app, ["clean", str(p), "-o", str(tmp_path / "out"), "--max-reject-rate", "1"])
    assert res.exit_code == 0 and "documents in" in res.output and "3" in res.output


def test_explain_picks_a_record_of_a_dump_by_id_or_line(tmp_path):
    dump = tmp_path / "d.jsonl.gz"
    with gzip.open(dump, "wt") as f:
        for i in range(3):
            f.write(json.dumps({"id": f"doc-{i}", "url": f"https://x{i}.com/a", "text": f"Body of document {i}."}) + "\n")
    by_id = RUN.invoke(app, ["explain", str(dump), "--id", "doc-1"])
    assert by_id.exit_code == 0 and "Body of document 1." in by_id.output and "document 0" not in by_id.output
    by_line = RUN.invoke(app, ["explain", str(dump), "--line", "3"])
    assert by_line.exit_code == 0 and "Body of document 2." in by_line.output
    several = RUN.invoke(app, ["explain", str(dump)])
    assert several.exit_code == 2 and "--id" in several.output and "doc-0, doc-1" in several.output
    missing = RUN.invoke(app, ["explain", str(dump), "--id", "nope"])
    assert missing.exit_code == 2 and "no record with id 'nope' (3 record(s) read)" in missing.output

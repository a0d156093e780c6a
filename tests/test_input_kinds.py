"""How an input's kind is decided: a JSONL `text` field, a WET record and a .txt file are text; sniffing
(for inputs of unknown kind only) does not take prose with a line of tags for HTML."""
import gzip
import json

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

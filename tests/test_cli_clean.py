"""`cleaner clean`: stdout and directory output, stdin, summary and --stats, exit codes, no tracebacks."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = "A first paragraph of the article body.\n\nShare on Facebook\n\nA second paragraph of the body.\n"


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, ["clean", *map(str, args)], input=input)

    return invoke


def test_file_to_stdout_prints_the_body(tmp_path, cli):
    (tmp_path / "a.txt").write_text(ARTICLE)
    r = cli(tmp_path / "a.txt")
    assert r.exit_code == 0, r.output
    assert r.stdout == "A first paragraph of the article body.\n\nA second paragraph of the body.\n"


def test_jsonl_format_and_trace(tmp_path, cli):
    (tmp_path / "a.txt").write_text(ARTICLE)
    r = cli(tmp_path / "a.txt", "--format", "jsonl", "--trace")
    rec = json.loads(r.stdout)
    assert list(rec) == ["id", "source", "url", "site", "title", "text", "metadata", "stats", "warnings",
                         "site_reason", "trace"]
    assert rec["id"] == rec["source"] == str(tmp_path / "a.txt") and rec["trace"]


def test_stdin_text_and_jsonl(cli):
    r = cli("-", input=ARTICLE)
    assert r.exit_code == 0 and r.stdout.startswith("A first paragraph") and "Share" not in r.stdout
    lines = "".join(json.dumps({"text": ARTICLE, "id": f"x{i}"}) + "\n" for i in range(3))
    r = cli("-", input=lines)
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["x0", "x1", "x2"]


def test_directory_to_out_with_summary_and_stats(tmp_path, cli):
    src = tmp_path / "dump"
    src.mkdir()
    with gzip.open(src / "a.jsonl.gz", "wt") as f:
        for i, p in enumerate(sorted(FIXTURES.glob("*/*/input.txt"))[:20]):
            f.write(json.dumps({"text": p.read_text(), "id": str(i)}) + "\n")
    (src / "notes.bin").write_bytes(b"\x00")
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    r = cli(src, "-o", out, "--stats", stats, "--workers", "2", "--compression", "gzip")
    assert r.exit_code == 0, r.output
    assert "documents in" in r.stderr and "skipped 1 file(s) of unknown format" in r.stderr
    s = json.loads(stats.read_text())
    assert s["docs_in"] == 20 == s["written"] and s["rejected"] == 0 and s["rules"]
    assert len(gzip.decompress((out / "a.jsonl.gz").read_bytes()).splitlines()) == 20
    r = cli(src, "-o", out, "--stats", stats, "--workers", "2", "--compression", "gzip")
    assert r.exit_code == 0 and json.loads(stats.read_text())["shards_done_earlier"] == 1


def test_reject_rate_sets_exit_code_1(tmp_path, cli):
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": ARTICLE}) + "\n{broken\n")
    r = cli(tmp_path / "a.jsonl", "-o", tmp_path / "out")
    assert r.exit_code == 1 and "above --max-reject-rate" in r.stderr
    assert json.loads((tmp_path / "out/rejects.jsonl").read_text())["line"] == 2
    r = cli(tmp_path / "a.jsonl", "-o", tmp_path / "out", "--max-reject-rate", "0.5")
    assert r.exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["/no/such/dir"], "no such file or directory"),
        (["{a}", "--format", "xml"], "--format 'xml'"),
        (["{a}", "--compression", "lz4"], "--compression 'lz4'"),
        (["{a}", "--input-format", "pdf"], "--input-format 'pdf'"),
        (["{a}", "--rules", "/no/such/rules"], "not a directory of rule files"),
        (["{a}", "--format", "parquet"], "Parquet output needs an output directory"),
        (["{a}", "--format", "text", "--compression", "gzip", "-o", "{out}"], "--compression applies to jsonl"),
        (["{tmp}/README"], "cannot tell the format"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, cli, args, message):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "README").write_text(ARTICLE)
    args = [a.format(a=tmp_path / "a.txt", out=tmp_path / "out", tmp=tmp_path) for a in args]
    r = cli(*args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1


def test_changed_options_need_restart(tmp_path, cli):
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": ARTICLE}) + "\n")
    assert cli(tmp_path / "a.jsonl", "-o", tmp_path / "out").exit_code == 0
    r = cli(tmp_path / "a.jsonl", "-o", tmp_path / "out", "--format", "text")
    assert r.exit_code == 2 and "--restart" in r.stderr
    assert cli(tmp_path / "a.jsonl", "-o", tmp_path / "out", "--format", "text", "--restart").exit_code == 0


def test_console_script_on_stdin_is_light(tmp_path):
    """The real entry point: one document through a pipe, no worker pool, exit 0."""
    code = "import sys; from cleaner.cli.main import app; sys.argv = ['cleaner', 'clean', '-']; app()"
    r = subprocess.run([sys.executable, "-c", code], input=ARTICLE, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "A first paragraph of the article body.\n\nA second paragraph of the body.\n"
    assert r.stderr == ""


def test_compressed_document_files_are_read_and_mirrored(tmp_path):
    """A crawl directory of .html.gz / .txt.zst pages: decompressed, cleaned, mirrored as .txt;
    a corrupt one is a reject."""
    import gzip

    zstandard = pytest.importorskip("zstandard")
    src = tmp_path / "in"
    (src / "a").mkdir(parents=True)
    (src / "a" / "page.html.gz").write_bytes(gzip.compress(
        b"<html><body><article><p>First paragraph of the page.</p><p>Second one.</p></article></body></html>"))
    (src / "a" / "note.txt.zst").write_bytes(zstandard.ZstdCompressor().compress("Plain text note.".encode()))
    (src / "a" / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00not gzip at all")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["clean", str(src), "-o", str(out), "--no-progress", "--no-summary",
                                   "--max-reject-rate", "1"])
    assert res.exit_code == 0, res.output
    assert (out / "a" / "page.txt").read_text(encoding="utf-8").startswith("First paragraph of the page.")
    assert (out / "a" / "note.txt").read_text(encoding="utf-8").strip() == "Plain text note."
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert [r["kind"] for r in rejects] == ["corrupt_input"] and "broken.txt.gz" in rejects[0]["source"]


def test_a_second_run_into_the_same_out_is_refused_in_one_line(tmp_path, cli):
    """Issue 10.8: two runs into one OUT at once swept each other's temporaries; the first died."""
    import os

    from cleaner.batch.resume import RunLock

    (tmp_path / "a.jsonl").write_text(json.dumps({"text": ARTICLE}) + "\n")
    out = tmp_path / "out"
    out.mkdir()
    lock = RunLock(out)  # what a running `cleaner clean ... -o out` holds
    try:
        r = cli(tmp_path / "a.jsonl", "-o", out)
        assert r.exit_code == 2 and "in use by another cleaner run" in r.stderr
        assert f"PID {os.getpid()}" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    finally:
        lock.release()
    assert cli(tmp_path / "a.jsonl", "-o", out).exit_code == 0  # released: and never stale after a kill


def test_fifo_input_is_exit_2_and_unreadable_entries_of_a_directory_are_each_reported(tmp_path, cli):
    """Issue 10.10: a FIFO given as input was exit 3 "Not a directory"; inside a directory, FIFOs and
    dangling symlinks were skipped with no reject and no warning."""
    import os

    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    r = cli(fifo)
    assert r.exit_code == 2 and "FIFO" in r.stderr and "cleaner clean - <" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE)
    os.mkfifo(src / "pipe.txt")
    (src / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    r = cli(src, "-o", tmp_path / "out", "--no-summary")
    assert r.exit_code == 0, r.output
    assert "pipe.txt: a FIFO" in r.stderr and "gone.txt: dangling symbolic link" in r.stderr
    rejects = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert sorted(Path(x["source"]).name for x in rejects) == ["gone.txt", "pipe.txt"]
    assert all(x["kind"] == "read_error" for x in rejects) and (tmp_path / "out" / "a.txt").exists()
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    r = cli(tmp_path / "dangling")
    assert r.exit_code == 2 and "dangling symbolic link" in r.stderr


def test_several_documents_to_stdout_are_told_apart(tmp_path, cli):
    """Friction (issue 10): `clean dir/` to stdout joined documents like paragraphs; now a `==> name <==`
    header each, as `head` does (one document alone stays bare)."""
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text("Only one paragraph in this one.\n")
    r = cli(tmp_path, "--workers", "1")
    assert r.exit_code == 0, r.output
    assert r.stdout == (f"==> {tmp_path / 'a.txt'} <==\nA first paragraph of the article body.\n\n"
                        f"A second paragraph of the body.\n\n==> {tmp_path / 'b.txt'} <==\n"
                        "Only one paragraph in this one.\n")
    assert not cli(tmp_path / "a.txt").stdout.startswith("==>")


def test_max_doc_bytes_option_and_null_messages(tmp_path, cli):
    """Friction (issue 10): the 64 MiB limit is an option; "JSON null, not an object"; a null text
    field is reported as null, not as missing."""
    lines = [json.dumps({"text": "x" * 300}), "null", json.dumps({"text": None}), json.dumps({"text": "ok here"})]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    r = cli(tmp_path / "a.jsonl", "-o", tmp_path / "out", "--max-doc-bytes", "200", "--max-reject-rate", "1")
    assert r.exit_code == 0, r.output
    rejects = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert [(x["line"], x["kind"]) for x in rejects] == [(1, "too_large"), (2, "malformed_json"), (3, "missing_field")]
    assert rejects[1]["reason"] == "JSON null, not an object"
    assert rejects[2]["reason"] == "field 'text' is null, not a string"
    assert "cleaned inline" in r.stderr and "no workers" not in r.stderr


def test_plain_progress_lines_when_stderr_is_no_terminal(tmp_path):
    from cleaner.batch.report import PlainProgress
    from cleaner.batch.stats import Stats
    from rich.console import Console
    import io as _io

    buf = _io.StringIO()
    p = PlainProgress(Console(file=buf, width=40), interval=0.0)
    p.start(1000, 1, 0)
    p.advance(500, Stats(docs_in=12, bytes_in=34_567))
    [line] = buf.getvalue().splitlines()
    assert line.startswith("cleaning: 12 docs") and "MB/s" in line and "50%" in line


def test_stdout_headers_show_no_terminal_escapes(tmp_path):
    """Issue 18.9: `==> id <==` headers printed ids raw: ESC sequences reached the terminal (failed before
    the fix). The one `printable` of cleaner.core.cleaner shows them as \\x1b, lone surrogates as U+FFFD."""
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "a\x1b]0;PWNED\x07\ud800", "text": "A paragraph of the article body."}) + "\n",
                    encoding="ascii")
    r = subprocess.run([sys.executable, "-m", "cleaner.cli.main", "clean", str(dump), "--format", "text"],
                       capture_output=True, timeout=120)
    assert r.returncode == 0 and r.stdout.decode("utf-8").startswith("==> a\\x1b]0;PWNED\\x07\ufffd <==\n")

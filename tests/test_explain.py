"""`cleaner explain` takes a file the way `cleaner clean` does (issue 10, item 12): read and decompressed
by the batch reader, decoded by the one decoder, HTML extracted; it shows the same body and warnings."""
import codecs
import gzip
import re

import pytest
from typer.testing import CliRunner

from cleaner.cli.main import app
from conftest import FIXTURES

RUN = CliRunner()
_TEXT = ("Il était très fatigué après le voyage à Paris.\nLa forêt est magnifique en automne ; les enfants "
         "ramassent des châtaignes près du château.\n")
_PAGE = FIXTURES / "vietnam.vn" / "html-en-hanoi-metro"
_ROW = re.compile(r"^ *\d+ (kept|changed|kept\+meta) ")  # a row of a line in the body


def _inputs():
    return {
        "binary.txt": bytes(range(256)) * 30,
        "latin1.txt": _TEXT.encode("latin-1"),
        "utf16.txt": codecs.BOM_UTF16_LE + _TEXT.encode("utf-16-le"),
        "page.html.gz": gzip.compress((_PAGE / "input.html").read_bytes()),
    }


@pytest.mark.parametrize("name", ["binary.txt", "latin1.txt", "utf16.txt", "page.html.gz"])
def test_explain_shows_what_clean_keeps_and_its_warnings(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(_inputs()[name])
    explained = RUN.invoke(app, ["explain", str(path), "--width", "0"])
    cleaned = RUN.invoke(app, ["clean", str(path), "-q"])
    assert explained.exit_code == 0 and cleaned.exit_code == 0, explained.output + cleaned.output
    shown = [line[44:] for line in explained.stdout.splitlines() if _ROW.match(line)]  # the text column
    body = [p for p in cleaned.stdout.strip().split("\n\n") if p]
    assert shown == body
    assert "\ufffd" not in explained.stdout
    warnings = [line.removeprefix("warning: ") for line in explained.stderr.splitlines() if line.startswith("warning:")]
    expected = {"binary.txt": ["binary input: not text, nothing cleaned"],
                "latin1.txt": ["input is not valid UTF-8 (byte 3); decoded as cp1252"]}.get(name, [])
    assert warnings == expected
    if name == "page.html.gz":
        assert "Tunnel boring to start in June" in explained.stdout


def test_explain_reports_an_unreadable_file_in_one_line(tmp_path):
    path = tmp_path / "broken.html.gz"
    path.write_bytes(b"\x1f\x8b not gzip at all")
    res = RUN.invoke(app, ["explain", str(path)])
    assert res.exit_code == 2 and "broken.html.gz" in res.stderr and "Traceback" not in res.output

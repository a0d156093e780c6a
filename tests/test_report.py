"""`cleaner report`: the data it collects, the text summary, the impact of a rule change, and the HTML page
as headless Chromium renders it."""
import base64
import gzip
import json
import re
import shutil
import subprocess
import textwrap

import pytest
from typer.testing import CliRunner

from cleaner.cli.main import app
from cleaner.report.collect import Options, Rules, collect, reservoir
from cleaner.report.rulesets import load_rules
from conftest import FIXTURES

RUN = CliRunner()
INPUTS = sorted(str(p) for p in FIXTURES.glob("*/*/input.*"))
RULE = "vietnam.vn/comment-counter"


def _rules(specs=None) -> Rules:
    cleaner, sets = load_rules(specs)
    return Rules(cleaner, sets, " + ".join(specs or ["shipped"]))


@pytest.fixture(scope="module")
def data():
    return collect(INPUTS, _rules(), Options())


def _page_data(html: str) -> dict:
    packed = re.search(r'<script id="data" type="application/octet-stream">([^<]*)</script>', html).group(1)
    return json.loads(gzip.decompress(base64.b64decode(packed)))


def test_reservoir_is_deterministic_and_keeps_input_order():
    a, n = reservoir(range(1000), 10, seed=1)
    b, _ = reservoir(range(1000), 10, seed=1)
    c, _ = reservoir(range(1000), 10, seed=2)
    assert n == 1000 and a == b and a != c and len(a) == 10
    assert [i for i, _ in a] == sorted(i for i, _ in a) and all(i == x for i, x in a)
    assert reservoir(range(3), 10, seed=0)[0] == [(0, 0), (1, 1), (2, 2)]


def test_per_rule_counts_examples_and_rules_that_never_fired(data):
    s = data["summary"]
    assert s["docs"] == s["read"] > 40 and s["sites"] == 2 and 0 < s["chars_out"] < s["chars_in"]
    assert s["empty"] >= 1  # en-chrome-only is all chrome
    rules = {r["key"]: r for r in data["rules"]}
    cc = rules[RULE]
    assert cc["hits"]["new"] >= cc["docs"]["new"] > 5 and cc["source"].endswith("vietnam.vn.yaml")
    di, n, text = cc["examples"][0]
    row = next(r for r in data["docs"][di]["rows"] if r[0] == n)
    assert row[1] == "x" and row[3] == text and data["rules"][row[2]]["key"] == RULE
    assert {x["name"]: x["kind"] for x in data["sets"]} == {"vietnam.vn": "shipped", "generic": "shipped"}
    assert all("new" in r["in"] for r in rules.values() if r["site"] not in ("step", "html"))


def test_every_input_line_appears_once_with_its_status(data):
    doc = next(d for d in data["docs"] if d["id"].endswith("cs-hanoi-convention/input.txt"))
    src = (FIXTURES / "vietnam.vn" / "cs-hanoi-convention" / "input.txt").read_text(encoding="utf-8")
    assert [r[0] for r in doc["rows"]] == [i for i, line in enumerate(src.split("\n"), 1) if line.strip()]
    statuses = {r[1] for r in doc["rows"]}
    assert {"k", "d", "x", "m", "c"} <= statuses and doc["meta"]["publisher"]


def test_text_format_for_ci_logs():
    res = RUN.invoke(app, ["report", *INPUTS, "--format", "text"])
    assert res.exit_code == 0, res.output
    assert re.search(rf"^{re.escape(RULE)} +cut-tail +\d+ +\d+$", res.stdout, re.M)
    assert "never fired on the sample" in res.stdout and "documents (sample of" in res.stdout
    top = RUN.invoke(app, ["report", *INPUTS, "--format", "text", "--top", "2", "--sample", "5", "--seed", "3"])
    assert top.exit_code == 0 and "5 documents (sample of" in top.stdout


def test_impact_against_no_rules_gains_every_hit(tmp_path):
    res = RUN.invoke(app, ["report", *INPUTS, "--against", "none", "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    data = _page_data((tmp_path / "r.html").read_text(encoding="utf-8"))
    cc = next(r for r in data["rules"] if r["key"] == RULE)
    assert cc["gained"] == cc["hits"]["new"] and not cc.get("lost") and cc["in"] == ["new"]
    changed = [data["docs"][i]["score"] for i in data["changed"]]
    assert changed == sorted(changed, reverse=True) and len(changed) > 10
    top = data["docs"][data["changed"][0]]
    assert any(op == "-" for op, _ in top["diff"]) and top["old_rows"]


def test_several_rule_dirs_are_layered_as_clean_layers_them(tmp_path):
    """Issue 19 item 2: `report --rules A --rules B` is `clean --rules A --rules B` (a later directory's
    site file adds its rules after the earlier one's). Failed before: the later file replaced the shipped
    one, so every shipped rule of the site showed as lost."""
    (tmp_path / "vietnam.vn.yaml").write_text(textwrap.dedent(r"""
        site: vietnam.vn
        description: Learned from 3 pages of vietnam.vn.
        domains: [vietnam.vn]
        signatures: [{description: the header, regex: 'Vietnam\.vn', contains: [Vietnam.vn]}]
        rules:
          - id: learned-boilerplate
            description: Drops 1 lines seen on at least 50% of 3 pages.
            action: drop
            match: {literal: [No data]}
            example: {input: "No data\nText.\n", output: "Text.\n"}
        """), encoding="utf-8")
    res = RUN.invoke(app, ["report", *INPUTS, "--rules", "shipped", "--rules", str(tmp_path),
                           "--against", "shipped", "--format", "text"])
    assert res.exit_code == 0, res.output
    assert "replaces" not in res.stderr and "vietnam.vn (shipped, 25 rules" in res.stdout
    assert "vietnam.vn/learned-boilerplate" in res.stdout
    assert re.search(rf"^{re.escape(RULE)} +cut-tail +(\d+) +\d+ +\1 +0 +0$", res.stdout, re.M)


def test_usage_errors_are_one_line(tmp_path):
    for args, needle in ((["report", INPUTS[0]], "-o FILE"),
                         (["report", "nope.jsonl", "-o", "x.html"], "nope.jsonl"),
                         (["report", INPUTS[0], "--format", "text", "--rules", str(tmp_path / "no")], "not a directory")):
        res = RUN.invoke(app, args)
        assert res.exit_code == 2 and needle in res.stderr and "Traceback" not in res.output, res.output


def test_jsonl_input_with_fields_and_rejects(tmp_path):
    dump = tmp_path / "d.jsonl"
    src = (FIXTURES / "vietnam.vn" / "cs-hanoi-convention" / "input.txt").read_text(encoding="utf-8")
    dump.write_text(json.dumps({"doc_id": "a", "body": src}) + "\n{bad json\n", encoding="utf-8")
    data = collect([str(dump)], _rules(), Options(fields=__import__("cleaner.io").io.Fields(text="body", id="doc_id")))
    assert [d["id"] for d in data["docs"]] == ["a"] and data["summary"]["rejected"] == 1


# ---- the page in a browser

CHROMIUM = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)


def _chromium(tmp_path, *args) -> str:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
           "--virtual-time-budget=10000", "--window-size=1400,900", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium)")
def test_the_page_renders_rules_a_document_and_filters_by_rule(tmp_path):
    page = tmp_path / "report.html"
    res = RUN.invoke(app, ["report", *INPUTS, "-o", str(page)])
    assert res.exit_code == 0, res.output
    data = _page_data(page.read_text(encoding="utf-8"))
    ri = next(i for i, r in enumerate(data["rules"]) if r["key"] == RULE)
    hit = [i for i, d in enumerate(data["docs"])
           if any(ri == r[2] or (isinstance(r[2], list) and ri in r[2]) for r in d["rows"])]

    dom = _chromium(tmp_path, "--dump-dom", f"{page.as_uri()}#rule={RULE}")
    assert re.search(r'<body[^>]* data-ready="\d+"', dom), dom[-2000:]
    rows = re.findall(r'<tr class="rule( on)?" data-rule="([^"]+)"', dom)
    assert len(rows) > 10 and (" on", RULE) in rows  # the rule table, the chosen rule marked
    assert f'data-count="{len(hit)}"' in dom and 0 < len(hit) < len(data["docs"])
    listed = [int(i) for i in re.findall(r'<div class="doc[^"]*" data-doc="(\d+)"', dom)]
    assert listed == hit  # filtering by the rule: exactly the documents it hit
    view = dom[dom.index('id="doc-view"'):]
    assert re.search(r'class="ln s-x hit"', view) and "comment-counter" in view and 'class="ln s-k' in view

    shot = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={shot}", f"{page.as_uri()}#rule={RULE}&doc={hit[0]}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


HOSTILE_ID = "x\x1b]0;PWNED\x07\x1b[2J\ud800"
HOSTILE_URL = "https://example.com/a\x1b[31m\udc80"


def _hostile_dump(tmp_path):
    dump = tmp_path / "hostile.jsonl"
    dump.write_text("".join(json.dumps({"id": f"{HOSTILE_ID}{i}", "url": f"{HOSTILE_URL}{i}",
                                        "text": f"Article {i} holds a sentence long enough to be kept.\nShare"}) + "\n"
                            for i in range(3)), encoding="ascii")  # JSON escapes: the lone surrogates survive
    return dump


def _cli(*args):
    import sys

    return subprocess.run([sys.executable, "-m", "cleaner.cli.main", *map(str, args)], capture_output=True,
                          timeout=120)


def test_report_with_lone_surrogates_writes_valid_utf8(tmp_path):
    """Issue 18.2: an id or URL holding a lone surrogate ended `report` in a UnicodeEncodeError traceback
    (failed before the fix)."""
    r = _cli("report", _hostile_dump(tmp_path), "-o", tmp_path / "r.html")
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    data = _page_data((tmp_path / "r.html").read_bytes().decode("utf-8"))
    assert data["docs"][0]["id"] == "x\x1b]0;PWNED\x07\x1b[2J\ufffd0"  # the page shows them (as text)


def test_report_text_shows_no_terminal_escapes(tmp_path):
    """Issue 18.9: ids and URLs reached the terminal raw in `report --format text` (failed before the fix)."""
    r = _cli("report", _hostile_dump(tmp_path), "--format", "text", "--against", "none")
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    assert "\x1b" not in out and "\x07" not in out and "x\\x1b]0;PWNED\\x07\\x1b[2J\ufffd0" in out


def test_report_refuses_to_overwrite_its_input(tmp_path):
    """Issue 18.11: `report f.jsonl -o f.jsonl` overwrote the input dump (failed before the fix); now the
    check `clean` and `learn` use refuses it, as it refuses a directory."""
    dump = _hostile_dump(tmp_path)
    before = dump.read_bytes()
    r = RUN.invoke(app, ["report", str(dump), "-o", str(dump)])
    assert r.exit_code == 2 and "is one of the inputs" in r.stderr and dump.read_bytes() == before
    r = RUN.invoke(app, ["report", str(dump), "-o", str(tmp_path)])
    assert r.exit_code == 2 and "is a directory" in r.stderr


def test_what_the_report_keeps_of_a_document_is_bounded(tmp_path, monkeypatch):
    """Issue 18.8: report memory grew with document size (20 records of 50 MB took 4.2 GB): every line of
    every sampled document was kept. Now a document is summarised as soon as it is cleaned, the page keeps
    its lines up to DOC_CHARS, and documents over --max-doc-bytes are rejects, as in `clean` (failed
    before the fix)."""
    from cleaner.report import collect as collect_mod

    monkeypatch.setattr(collect_mod, "DOC_CHARS", 2_000)
    line = "A sentence of the article that is long enough to be kept as it is. "
    body = "\n".join(f"{i} {line}" for i in range(400))
    dump = tmp_path / "big.jsonl"
    dump.write_text(json.dumps({"id": "big", "text": body}) + "\n" + json.dumps({"id": "huge", "text": body * 20})
                    + "\n", encoding="utf-8")
    data = collect([str(dump)], _rules(), Options(max_doc_bytes=200_000))
    (doc,) = data["docs"]
    assert sum(len(r[3]) for r in doc["rows"]) <= 2_100 and doc["rows_cut"] == 400 - len(doc["rows"]) > 300
    assert doc["in"] > 20_000  # the counts are of the whole document
    assert [(r["kind"], r["source"]) for r in data["rejects"]] == [("too_large", str(dump))]

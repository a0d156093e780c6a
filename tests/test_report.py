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
    cleaner, sets, _ = load_rules(specs)
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


def test_several_rule_dirs_a_later_site_file_replaces_an_earlier_one(tmp_path):
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
    assert "replaces" in res.stderr and "vietnam.vn (learned, 1 rules" in res.stdout and "2 (1 learned, 1 shipped)" in res.stdout
    assert re.search(r"^vietnam.vn/learned-boilerplate +drop +(\d+) +\d+ +0 +\+\1 +0$", res.stdout, re.M)
    assert re.search(rf"^{re.escape(RULE)} +cut-tail +0 +0 +(\d+) +0 +-\1$", res.stdout, re.M)


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

"""`report` runs exactly `clean`'s path: its removed-character totals equal `clean`'s on the same dump and
options, for text and for HTML (where most of what goes is what the selectors or the extractor drop).

A case is one entry of CASES: a function that writes a dump under a directory and returns (the dump,
the options both commands get).
"""
import gzip
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli.main import app
from conftest import FIXTURES, ROOT

RUN = CliRunner()
SITES_DEV = ROOT.parent / "shared" / "sites-dev" / "pages.jsonl.gz"
PAGE = ("<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<header><p>Subscribe to our newsletter</p></header><article><h1>{title}</h1>{paras}</article>"
        "<aside><p>Most read today</p><ul><li>Another story</li></ul></aside>"
        "<footer><p>© 2024 Example Media. All rights reserved.</p></footer></body></html>")


def _write(path: Path, records: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def text_dump(d: Path):
    texts = sorted(FIXTURES.glob("*/*/input.txt"))
    return _write(d / "text.jsonl.gz", [{"id": p.parent.name, "text": p.read_text(encoding="utf-8")} for p in texts]), []


def html_dump(d: Path):
    pages = [{"id": p.parent.name, "html": p.read_text(encoding="utf-8"),
              "url": (p.parent / "url.txt").read_text().strip() if (p.parent / "url.txt").exists() else None}
             for p in sorted(FIXTURES.glob("*/*/input.html"))]
    for i, p in enumerate(sorted(FIXTURES.glob("generic/*/input.txt"))[:12]):
        paras = "".join(f"<p>{line}</p>" for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
        pages.append({"id": f"page-{i}", "url": f"https://news{i}.example.com/a/{i}",
                      "html": PAGE.format(title=f"Story {i}", paras=paras)})
    return _write(d / "html.jsonl.gz", pages), ["--workers", "2"]


def sites_dev_html(d: Path):
    if not SITES_DEV.exists():
        pytest.skip("sites-dev is not here")
    with gzip.open(SITES_DEV, "rt", encoding="utf-8") as f:
        recs = [json.loads(line) for line in f][::46]
    return _write(d / "sites.jsonl.gz", [{"id": r["id"], "url": r["url"], "html": r["html"]} for r in recs]), []


def learned_rules(d: Path):
    """A dump of three sites' text pages, cleaned with the rules learned from it (`--rules` of a learned
    directory: layered on the shipped rules by the one loader, in `report` as in `clean`)."""
    if not SITES_DEV.exists():
        pytest.skip("sites-dev is not here")
    with gzip.open(SITES_DEV, "rt", encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    sites = sorted({r["site"] for r in recs})[:3]
    dump = _write(d / "three.jsonl.gz", [{"id": r["id"], "url": r["url"], "text": r["text"]}
                                         for r in recs if r["site"] in sites])
    res = RUN.invoke(app, ["learn", str(dump), "-o", str(d / "learned"), "--html-field", "", "-q"])
    assert res.exit_code == 0 and list((d / "learned").glob("*.yaml")), res.output
    return dump, ["--rules", str(d / "learned"), "--html-field", ""]


CASES = {"text dump": text_dump, "html dump": html_dump, "sites-dev html": sites_dev_html,
         "learned directory": learned_rules}


def _clean_totals(dump: Path, opts: list[str], out: Path) -> tuple[int, int]:
    stats = out.parent / "stats.json"
    res = RUN.invoke(app, ["clean", str(dump), "-o", str(out), "--stats", str(stats), "-q", *opts])
    assert res.exit_code == 0, res.output
    s = json.loads(stats.read_text())
    return s["chars_in"], s["chars_out"]


def _report_totals(dump: Path, opts: list[str]) -> tuple[int, int]:
    res = RUN.invoke(app, ["report", str(dump), "-f", "text", "--no-progress", *opts])
    assert res.exit_code == 0, res.output
    m = re.search(r"characters removed: ([\d,]+) of ([\d,]+)", res.output)
    removed, chars_in = (int(g.replace(",", "")) for g in m.groups())
    return chars_in, chars_in - removed


@pytest.mark.parametrize("case", CASES)
def test_report_removes_what_clean_removes(case, tmp_path):
    dump, opts = CASES[case](tmp_path)
    clean_in, clean_out = _clean_totals(dump, [o for o in opts if o != "--workers" and not o.isdigit()], tmp_path / "out")
    report_in, report_out = _report_totals(dump, opts)
    assert (report_in, report_out) == (clean_in, clean_out)
    assert clean_out < clean_in


def test_html_report_shows_the_dropped_blocks_and_who_dropped_them(tmp_path):
    dump, _ = html_dump(tmp_path)
    page = tmp_path / "r.html"
    res = RUN.invoke(app, ["report", str(dump), "-o", str(page), "--no-progress", "--workers", "1"])
    assert res.exit_code == 0, res.output
    from test_report import _page_data

    data = _page_data(page.read_text(encoding="utf-8"))
    doc = next(d for d in data["docs"] if d["id"] == "page-0")
    dropped = [(data["rules"][r[2]]["key"], r[3]) for r in doc["rows"] if r[0] < 0]
    assert ("html/html: nav", "Home News") in dropped and ("html/html: footer", "© 2024 Example Media. All rights reserved.") in dropped
    assert doc["how"].startswith("extractor") and all(r[1] == "d" for r in doc["rows"] if r[0] < 0)


def test_the_report_page_shows_dropped_blocks_and_says_when_a_linked_document_is_outside_the_filter(tmp_path):
    from urllib.parse import quote

    from test_report import CHROMIUM, _chromium, _page_data

    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    dump, _ = html_dump(tmp_path)
    page = tmp_path / "r.html"
    assert RUN.invoke(app, ["report", str(dump), "-o", str(page), "--no-progress", "--workers", "1"]).exit_code == 0
    data = _page_data(page.read_text(encoding="utf-8"))
    i = next(i for i, d in enumerate(data["docs"]) if d["id"] == "page-0")
    view = _chromium(tmp_path, "--dump-dom", f"{page.as_uri()}#doc={i}")
    view = view[view.index('id="doc-view"'):]
    dropped = re.findall(r'<div class="ln s-d"[^>]*><span class="no"[^>]*>html</span><span class="st">dropped</span>'
                         r'<span class="ru"><span class="ru-k"[^>]*>([^<]+)</span></span><span class="tx">([^<]*)</span>', view)
    assert ("html: nav", "Home News") in dropped and ("extractor: outside main content", "Subscribe to our newsletter") in dropped
    assert re.search(r"<dt>extraction</dt><dd>extractor trafilatura", view)

    nav = next(r for r in data["rules"] if r["key"] == "html/html: nav")
    other = next(j for j, d in enumerate(data["docs"]) if not any(data["rules"][r[2]] is nav for r in d["rows"] if r[0] < 0))
    dom = _chromium(tmp_path, "--dump-dom", f"{page.as_uri()}#rule={quote(nav['key'])}&doc={other}")
    view = dom[dom.index('id="doc-view"'):]
    assert "outside the current filters" in view and f'data-doc="{other}"' not in dom
    assert f"<h3>{data['docs'][other]['title']}" in view  # the linked document, not the filter's first


def test_explain_lists_the_blocks_the_selectors_dropped_and_the_body_selector():
    case = FIXTURES / "vietnam.vn" / "html-en-hanoi-metro"
    res = RUN.invoke(app, ["explain", str(case / "input.html"), "--url", (case / "url.txt").read_text().strip(),
                           "--width", "0"])
    assert res.exit_code == 0, res.output
    dropped = [line.split(None, 2)[2] for line in res.output.splitlines() if line.lstrip().startswith("html dropped")]
    assert any(d.startswith("html-strip .comment-box") and d.endswith("Comment (0)") for d in dropped)
    assert any(d.startswith("html-body .detail-page") and d.endswith("© Vietnam.vn") for d in dropped)
    assert "extraction: body selector '.detail-page'" in res.output and "page blocks left out" in res.output


def test_the_worker_pool_explains_as_the_parent_does(tmp_path):
    from cleaner import Cleaner
    from cleaner.io import read_records
    from cleaner.report.collect import Options
    from cleaner.report.work import explain_all

    dump, _ = html_dump(tmp_path)
    recs = list(read_records(dump))
    cleaner = Cleaner.from_rules()
    inline = explain_all(recs, cleaner, None, Options(), workers=1)
    pooled = explain_all(recs, cleaner, cleaner, Options(), workers=2, light_bytes=0)
    assert len(inline) == len(pooled) == len(recs) > 4
    for (a, _), (b, old) in zip(inline, pooled):
        assert (a.lines, a.result.text, a.result.stats, a.result.extraction) == \
            (b.lines, b.result.text, b.result.stats, b.result.extraction) and old.result.text == b.result.text

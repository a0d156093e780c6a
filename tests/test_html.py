"""HTML path: selector path, generic fallback, metadata, decoding, hostile input, vietnam.vn fixtures."""

import os
import time
from pathlib import Path

import pytest
import yaml

from cleaner.html import HtmlConfig, decode_html, extract_html, looks_like_html, page_url

ROOT = Path(__file__).resolve().parents[1]
VN = ROOT / "tests" / "fixtures" / "vietnam.vn"
HTML_CASES = sorted(p.parent.name for p in VN.glob("html-*/input.html"))

PAGE = """<!doctype html><html><head><title>Doc title | Site</title>
<meta property="og:site_name" content="Example News"><meta name="author" content="By Jane Roe">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="/news/a-1"><script>var s = "<p>leak</p>";</script><style>p{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/x">World</a></nav>
<div class="story"><h1>Big <em>news</em> today</h1>
<p>generálního tajemníka
<a href="/to-lam">To Lama</a> (tehdejšího) and <b>W</b>ord<!-- ad slot -->s stay whole.<br>After a break.</p>
<table><tr><th>Team</th><th>Score</th></tr><tr><td><b>Red</b> side</td><td>3</td></tr></table>
<ul><li>first item</li><li>second <i>item</i></li></ul>
<noscript>enable js</noscript><template><p>tpl</p></template><div class="ad">Buy now</div>
<pre>line one
line two</pre></div></body></html>"""


def test_selector_path_blocks_inline_tables_breaks():
    cfg = HtmlConfig(body=("div.missing", "div.story"), strip=(".ad",), title=("h1",))
    ext = extract_html(PAGE, url="https://example.com/news/a-1?x", config=cfg)
    assert ext.method == "selectors" and ext.warnings == []
    assert ext.text.splitlines() == [
        "Big news today",
        "generálního tajemníka To Lama (tehdejšího) and Words stay whole.",
        "After a break.",
        "Team Score",
        "Red side 3",
        "first item",
        "second item",
        "line one",
        "line two",
    ]
    assert ext.metadata["title"] == "Big news today"


def test_metadata_from_page():
    ext = extract_html(PAGE, url="https://example.com/news/a-1", config=HtmlConfig(body=("div.story",)))
    assert ext.metadata == {
        "title": "Big news today",
        "author": "Jane Roe",
        "date": "2024-03-05",
        "canonical_url": "https://example.com/news/a-1",
        "publisher": "Example News",
    }
    assert page_url(PAGE) is None  # relative canonical: not usable for site detection
    assert page_url('<link href="https://vietnam.vn/en/x" rel="canonical">') == "https://vietnam.vn/en/x"
    assert page_url('<meta property="og:url" content="https://a.b/c">') == "https://a.b/c"


def test_selector_metadata_and_dates():
    html = '<div class="d">Báo X • 26/10/2025</div><span class="a">By Viet Anh</span><div class="b"><p>x</p></div>'
    cfg = HtmlConfig(body=(".b",), date=(".d",), author=(".a",), title=("h1",))
    ext = extract_html(html, config=cfg)
    assert ext.metadata["date"] == "2025-10-26" and ext.metadata["author"] == "Viet Anh"
    assert "title" not in ext.metadata


def test_no_body_match_falls_back_with_warning():
    cfg = HtmlConfig(body=("div.nope", "#gone"))
    ext = extract_html(PAGE, url="https://example.com/news/a-1", config=cfg)
    assert ext.method == "generic" and ext.text
    assert ext.warnings[0] == "html: body selector(s) 'div.nope', '#gone' matched nothing; used generic extraction"


def test_invalid_selector_warns():
    ext = extract_html(PAGE, config=HtmlConfig(body=("div[", "div.story")))
    assert ext.method == "selectors" and any("invalid CSS selector 'div['" in w for w in ext.warnings)


def test_generic_path_never_leaks_code():
    ext = extract_html(PAGE)
    assert ext.method == "generic"
    for bad in ("leak", "color:red", "enable js", "tpl", "var s"):
        assert bad not in ext.text
    assert all(not line.startswith(("- ", "|")) for line in ext.text.splitlines())


def test_generic_tables_without_pipes():
    rows = "".join(f"<tr><td>Row {i} name</td><td>value {i}</td></tr>" for i in range(8))
    para = "<p>" + "This is a long enough paragraph of article text to be kept by the extractor. " * 4 + "</p>"
    ext = extract_html(f"<html><body><article>{para}<table>{rows}</table>{para}</article></body></html>")
    assert "|" not in ext.text


def test_looks_like_html():
    assert looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert looks_like_html("  <div><p>a</p><p>b</p></div>")
    assert not looks_like_html("Plain text with a < b and x > y.\nSecond line.")
    assert not looks_like_html("")


@pytest.mark.parametrize(
    "data,content_type,text,encoding",
    [
        ("\ufeff<p>Příliš žluťoučký</p>".encode("utf-8"), "text/html; charset=windows-1252", "<p>Příliš žluťoučký</p>", "utf-8"),
        ("<p>Привет</p>".encode("utf-16-le").join([b"\xff\xfe", b""]), None, "<p>Привет</p>", "utf-16-le"),
        ("<p>Привет, мир</p>".encode("cp1251"), "text/html; charset=windows-1251", "<p>Привет, мир</p>", "cp1251"),
        ('<meta charset="shift_jis"><p>日本語のテキスト</p>'.encode("cp932"), None, "日本語のテキスト", "cp932"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1258"><p>Vi\u00ea\u0323t Nam</p>'.encode("cp1258"),
         None, "Vi\u00ea\u0323t Nam", "cp1258"),
        ("<p>Café crème déjà vu</p>".encode("utf-8"), "text/html; charset=iso-8859-1", "Café crème déjà vu", "utf-8"),
    ],
)
def test_decode_html(data, content_type, text, encoding):
    got, used = decode_html(data, content_type)
    assert text in got and used == encoding


def test_decode_detector_and_garbage():
    body = ("<html><body><p>" + "Съешь же ещё этих мягких французских булок, да выпей чаю. " * 20 + "</p></body></html>")
    got, used = decode_html(body.encode("cp1251"))
    assert "французских" in got and used in ("cp1251", "windows-1251")
    got, used = decode_html(b"\x81\xfe\x00\xff" * 1000)  # never raises
    assert isinstance(got, str)
    got, _ = decode_html(b'<meta charset="base64"><p>ok</p>')
    assert "ok" in got


@pytest.mark.parametrize(
    "name,html",
    [
        ("empty", ""),
        ("whitespace", "  \n\t "),
        ("no body", "<p>just a paragraph</p>"),
        ("broken", "<html><body><p>Unclosed <b>bold <i>it</p><div>text</span></table><p>more</body></head>"),
        ("nested divs", "<html><body>" + "<div>" * 100_000 + "deep text" + "</div>" * 100_000 + "</body></html>"),
        ("unclosed divs", "<div>" * 100_000 + "deep text"),
        ("interleaved", "<body>" + '<div class="c"><p>Some text here, ' * 60_000),
        ("nested spans", "<p>" + "<span>" * 100_000 + "x"),
        ("nested tables", "<table><tr><td>" * 20_000 + "x"),
        ("binary", os.urandom(300_000).decode("latin-1")),
        ("nul bytes", "<p>a\x00b</p>"),
    ],
)
def test_hostile_input_is_fast(name, html):
    for cfg in (None, HtmlConfig(body=("div.c",))):
        start = time.perf_counter()
        ext = extract_html(html, config=cfg)
        assert time.perf_counter() - start < 5, name
        assert isinstance(ext.text, str)
        if not html.strip():
            assert ext.text == "" and ext.warnings == ["html: empty document"]


def test_large_page_is_fast():
    html = "<html><body>" + '<div class="c"><p>Paragraph text with <b>some</b> words.</p></div>\n' * 250_000 + "</body></html>"
    assert len(html) > 15_000_000
    for cfg in (None, HtmlConfig(body=("body",))):
        start = time.perf_counter()
        ext = extract_html(html, config=cfg)
        assert time.perf_counter() - start < 8
        assert ext.text.startswith("Paragraph text with some words.")


def _vietnam_config() -> HtmlConfig:
    section = yaml.safe_load((ROOT / "rules" / "vietnam.vn.yaml").read_text(encoding="utf-8"))["html"]
    return HtmlConfig(**{k: tuple(v) for k, v in section.items()})


@pytest.mark.parametrize("case", HTML_CASES)
def test_vietnam_selectors_match_fixture(case):
    d = VN / case
    ext = extract_html((d / "input.html").read_text(encoding="utf-8"), url=(d / "url.txt").read_text().strip(),
                       config=_vietnam_config())
    assert ext.method == "selectors" and ext.warnings == []
    for chrome in ("Popisek fotografie", "Komentář", "You may be interested", "Follow", "Trending", "Tag:", "Previous"):
        assert chrome not in ext.text
    assert "tajemníkaTo" not in ext.text


@pytest.fixture(scope="module")
def html_cleaner():
    from cleaner import Cleaner

    return Cleaner.from_rules()


@pytest.mark.parametrize("case", HTML_CASES)
def test_vietnam_html_and_text_forms_agree(html_cleaner, case):
    d = VN / case
    res = html_cleaner.clean((d / "input.html").read_bytes(), url=(d / "url.txt").read_text().strip())
    expected = yaml.safe_load((d / "expected.json").read_text(encoding="utf-8"))
    assert res.site == "vietnam.vn"
    assert res.text.strip() == (d / "expected.txt").read_text(encoding="utf-8").strip()
    assert res.title == expected["title"]
    for key, value in expected["metadata"].items():
        assert res.metadata[key] == value


def test_cleaner_html_without_url_uses_canonical(html_cleaner):
    d = VN / "html-en-hanoi-metro"
    res = html_cleaner.clean((d / "input.html").read_text(encoding="utf-8"), format="auto")
    assert res.site == "vietnam.vn" and res.metadata["publisher"] == "VietnamPlus"

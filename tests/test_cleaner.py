"""The library API: site detection, metadata, bad input, pickling, threads, idempotence."""
import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Result
from conftest import FIXTURES

SEED_CS = (FIXTURES / "vietnam.vn" / "cs-hanoi-convention" / "input.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("url,site", [
    ("https://www.vietnam.vn/en/some-article", "vietnam.vn"),
    ("https://en.vietnam.vn/a", "vietnam.vn"),
    ("vietnam.vn/a", "vietnam.vn"),
    ("https://notvietnam.vn/a", None),
    ("https://example.com/a", None),
    ("not a url", None),
])
def test_site_from_url(cleaner, url, site):
    assert cleaner.clean("Some text of an article.", url=url).site == site


def test_site_from_content_signature(cleaner):
    assert cleaner.clean(SEED_CS).site == "vietnam.vn"


def test_site_option_is_the_fallback(cleaner):
    assert cleaner.clean("Plain text.", site="vietnam.vn").site == "vietnam.vn"
    res = cleaner.clean("Plain text.", site="nowhere.example")
    assert res.site is None and "unknown site 'nowhere.example'" in res.warnings[0]


def test_result_shape_and_record(cleaner):
    res = cleaner.clean(SEED_CS)
    assert isinstance(res, Result)
    assert res.title.startswith("Hanojská úmluva")
    assert res.metadata == {"publisher": "Báo Tin Tức", "date": "2025-10-26",
                            "source_url": res.metadata["source_url"]}
    assert "\n\n\n" not in res.text and not res.text.endswith("\n")
    assert res.stats["lines_removed"] > 20 and res.stats["chars_out"] == len(res.text)
    drops = [t for t in res.trace if t.rule == "site-header"]
    assert drops[0].line == 1 and drops[0].text.startswith("Vietnam.vn")
    record = res.to_record(id="x", source="f.txt", url=None, trace=True)
    assert set(record) == {"id", "source", "url", "site", "title", "text", "metadata", "stats", "warnings",
                           "site_reason", "trace"}
    assert record["trace"][0]["rule"]


@pytest.mark.parametrize("data,warning", [
    ("", "empty input"),
    ("  \n\t\n ", "empty input"),
    (b"\x00\x01\x02binary\x00" * 100, "binary input"),
    ("Komentář (0)\nNo data\n", "all chrome"),
])
def test_bad_input_gives_empty_body_and_a_warning(cleaner, data, warning):
    res = cleaner.clean(data, site="vietnam.vn")
    assert res.text == ""
    assert any(warning in w for w in res.warnings)


def test_invalid_utf8_is_decoded_with_a_warning(cleaner):
    res = cleaner.clean("Příliš žluťoučký kůň úpěl ďábelské ódy. " .encode("cp1250") * 20)
    assert "žluťoučký" in res.text
    assert any("not valid UTF-8" in w for w in res.warnings)


def test_crlf_bom_nbsp_entities(cleaner):
    res = cleaner.clean("\ufeffFirst&nbsp;line &amp; more.\r\n\r\nSecond\u00a0line\u200b.\r\n".encode())
    assert res.text == "First line & more.\n\nSecond line."


def test_huge_single_line(cleaner):
    line = ("Một câu tiếng Việt dài, có dấu. " * 160_000).strip()  # about 5 MB
    res = cleaner.clean(line)
    assert res.text == line


def test_cjk_and_full_width_survive(cleaner):
    text = "「東京」では、ＡＢＣ１２３と全角\u3000スペースを使う。"
    assert cleaner.clean(text).text == text


def test_picklable_and_equivalent(cleaner):
    clone = pickle.loads(pickle.dumps(cleaner))
    assert clone.clean(SEED_CS).text == cleaner.clean(SEED_CS).text


def test_thread_safe(cleaner):
    docs = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*/*/input.txt"))]
    expected = [cleaner.clean(d).text for d in docs]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            assert list(pool.map(lambda d: cleaner.clean(d).text, docs)) == expected


_CHROME = ["Vietnam.vn - Nền tảng quảng bá Việt Nam", "Popisek fotografie", "Komentář (0)", "Kommentar (12)",
           "| ||", "|", "Quelle", "No data", "Heritage", "Báo Tin TứcBáo Tin Tức26/10/2025",
           "Source: https://example.vn/a", "Tag: a, b", "You may be interested", "Follow Vietnam.vn on",
           "Google", "News", "0", "Previous", "Viet Anh - Portal", "*Komentář (0)", "Foto: Pham Kien/VNA"]
# Real lines of the fixtures, shuffled: chrome lands where positional rules do not expect it.
_FIXTURE_LINES = sorted({line for p in FIXTURES.glob("*/*/input.txt")
                         for line in p.read_text(encoding="utf-8").splitlines() if line.strip()})
_LINE = st.one_of(
    st.sampled_from(_CHROME),
    st.sampled_from(_FIXTURE_LINES),
    st.text(alphabet=st.sampled_from(list("abcXYZ čřž日本。、 ,.|*()0123&;#\u00a0\u200b")), max_size=60),
    st.text(max_size=40),
)


# derandomize: CI runs the same examples every time (a bug found is reproducible, never flaky)
@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_LINE, max_size=25), site=st.sampled_from([None, "vietnam.vn"]))
def test_idempotent(cleaner, lines, site):
    first = cleaner.clean("\n".join(lines), site=site)
    second = cleaner.clean(first.text, site=first.site or site)
    assert second.text == first.text


def test_http_charset_decodes_html_bytes(cleaner):
    page = "<html><body><article><p>Привет, мир! Это статья о погоде в Москве.</p></article></body></html>"
    data = page.encode("windows-1251")
    res = cleaner.clean(data, format="html", content_type="text/html; charset=windows-1251")
    assert "Привет, мир!" in res.text
    bom = cleaner.clean(b"\xef\xbb\xbf" + page.encode("utf-8"), format="html",
                        content_type="text/html; charset=windows-1251")  # a BOM wins over the header
    assert "Привет, мир!" in bom.text

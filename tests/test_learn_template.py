"""Learning a site's HTML template (`cleaner.learn.template`) on synthetic pages, and cleaning with it."""
from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli.main import app
from cleaner.html import extract_html
from cleaner.learn import driver
from cleaner.learn.driver import LearnOptions, build_profiles, learn_to_dir
from cleaner.learn.profile import SiteProfile, page_lines
from cleaner.learn.template import HtmlSample, learn_site_html, page_lines_sampled, stable_name

ROOT = Path(__file__).resolve().parents[1]
SITE = "three.example"
_WORDS = ("council library budget river bridge mayor harbour school museum garden railway station market "
          "festival election committee report survey residents evening morning winter summer plans debate").split()


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize() + "."


def article(i: int, paragraphs: int = 4) -> list[str]:
    rng = random.Random(i)
    return [f"{sentence(rng, 12)} {sentence(rng, 10)} Story {i} part {k}." for k in range(paragraphs)]


CHROME = ("<header><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav></header>"
          "<div id='sidebar'><p>Most read this week</p><p>Follow us everywhere</p></div>")
FOOTER = "<footer><p>Copyright Three Example Media</p><p>Contact the newsroom</p></footer>"
SHARE = "<div class='share-tools'><p>Share this story</p><p>Email a friend</p></div>"


def page(i: int, kind: str) -> str:
    """A page of one of the site's three templates (post, gallery, live), or a page of none."""
    paras = "".join(f"<p>{p}</p>" for p in article(i))
    if kind == "post":
        main = f"<div class='css-1x2y3z post-body'>{paras}{SHARE}</div>"
    elif kind == "gallery":
        main = f"<section id='gallery-text'><figure><p>Photo {i}</p></figure>{paras}</section>"
    elif kind == "live":
        main = f"<div class='live-feed'>{paras}</div>"
    else:  # a page type nobody learned
        main = f"<div class='other-layout'>{paras}</div>"
    rng = random.Random(1000 + i)  # headlines of other stories: page-specific, but no article
    more = "".join(f"<li><a href='/{k}'>{sentence(rng, 3)}</a></li>" for k in range(8))
    return (f"<html><head><title>Story {i}</title><meta property='og:title' content='Story {i}'></head>"
            f"<body><div class='wrap'>{CHROME}<h1>Story {i}</h1>{main}<ul class='more'>{more}</ul></div>"
            f"{FOOTER}</body></html>")


KINDS = ("post", "gallery", "live")
PAGES = [(i, KINDS[i % 3]) for i in range(12)]


def learn(pages=PAGES):
    profile, sample = SiteProfile(SITE), HtmlSample()
    for i, kind in pages:
        profile.add_page(page_lines("\n".join(page_lines_sampled(page(i, kind), sample))))
    return learn_site_html(profile, sample)


@pytest.fixture(scope="module")
def learned(tmp_path_factory):
    site, template = learn()
    out = tmp_path_factory.mktemp("learned")
    (out / f"{SITE}.yaml").write_text(site.yaml_text, encoding="utf-8")
    return site, template, out


def test_a_three_template_site_learns_one_body_selector_per_page_type(learned):
    site, template, _ = learned
    section = yaml.safe_load(site.yaml_text)["html"]
    assert sorted(section["body"]) == ["#gallery-text", ".live-feed", ".post-body"]
    assert template["sampled_pages"] == {"#gallery-text": 4, ".live-feed": 4, ".post-body": 4}
    assert ".share-tools" in section.get("strip", [])  # a share bar inside the post body
    notes = {(n["key"], n["selector"]): n for n in section["evidence"]}
    body = notes["body", ".post-body"]
    assert "on 4 of 12 sampled pages" in body["description"] and "page-specific words kept" in body["description"]
    assert body["example"]["input"].startswith("<html><body><div class=\"post-body\">")


def test_a_template_site_says_how_far_to_trust_its_text_rules(learned):
    """learned.json's confidence of a template site is that of its text rules on the template's lines
    (it was empty, so a weak template site was never flagged); no text rule is no weakness there."""
    site, _, _ = learned
    c = site.confidence
    assert c["verified"] >= 3 and c["kept_share"]["min"] > 0 and "no rule holds" not in c["weak"]
    assert c["article_words_lost"] <= c["article_words"]


def test_cleaning_with_the_template_takes_each_page_type_by_its_selector(learned):
    _, _, out = learned
    cleaner = Cleaner.from_rules([str(ROOT / "rules"), str(out)])
    for i, kind in [(20, "post"), (21, "gallery"), (22, "live")]:
        res = cleaner.clean(page(i, kind), url=f"https://{SITE}/{i}")
        # the headline (the learned title element, outside the body) opens the article
        assert res.text.split("\n\n") == [f"Story {i}", *article(i)], kind
        assert res.site_reason.startswith("url; template ")


def test_a_page_that_fits_no_template_takes_the_generic_path_exactly(learned):
    _, _, out = learned
    cleaner = Cleaner.from_rules([str(ROOT / "rules"), str(out)])
    other = page(30, "other")
    res = cleaner.clean(other, url=f"https://{SITE}/30")
    assert res.site_reason == "url; generic: no body selector matches"
    assert cleaner.extracted_text(other, url=f"https://{SITE}/30")[0] == extract_html(other).text
    short = page(31, "post").replace("".join(f"<p>{p}</p>" for p in article(31)), "<p>Just a line.</p>")
    res = cleaner.clean(short, url=f"https://{SITE}/31")
    assert res.site_reason.startswith("url; generic: too few words ('.post-body' holds 3, fewer than ")
    assert cleaner.extracted_text(short, url=f"https://{SITE}/31")[0] == extract_html(short).text


def test_a_generated_class_name_is_never_chosen(learned):
    site, _, _ = learned
    assert "css-1x2y3z" not in site.yaml_text
    assert not any(stable_name(n) for n in ("css-1x2y3z", "sc-bdVaJa", "post-12345", "a8f3e2b1", "jsx-2912"))
    assert all(stable_name(n) for n in ("entry-content", "post_body", "storyBody", "col-md-8", "h-entry"))


def test_a_learned_section_passes_rules_check(learned, tmp_path):
    _, _, out = learned
    res = CliRunner().invoke(app, ["rules", "check", str(out)])
    assert res.exit_code == 0, res.output
    doc = yaml.safe_load((out / f"{SITE}.yaml").read_text(encoding="utf-8"))
    doc["html"]["evidence"][0]["example"]["output"] = "Not what the selector takes\n"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / f"{SITE}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    res = CliRunner().invoke(app, ["rules", "check", str(bad)])
    assert res.exit_code != 0 and f"{SITE}/html/body" in res.output


def test_learned_template_files_are_byte_identical_across_runs_orders_and_workers(tmp_path, monkeypatch):
    recs = [{"url": f"https://{SITE}/{i}", "html": page(i, kind)} for i, kind in PAGES]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    learn_to_dir(build_profiles([str(dump)], LearnOptions(), workers=1), tmp_path / "a")
    monkeypatch.setattr(driver, "POOL_BYTES", 0)  # a pool of 2 workers, 3 records a chunk
    run = build_profiles([str(dump)], LearnOptions(chunk_docs=3), workers=2)
    assert run.workers == 2
    learn_to_dir(run, tmp_path / "b")
    for name in (f"{SITE}.yaml", "learned.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert learn(list(reversed(PAGES)))[0].yaml_text == (tmp_path / "a" / f"{SITE}.yaml").read_text(encoding="utf-8")
    report = json.loads((tmp_path / "a" / "learned.json").read_text(encoding="utf-8"))
    assert report["sites"][0]["template"]["sampled_pages"] == {"#gallery-text": 4, ".live-feed": 4, ".post-body": 4}


HIDDEN_SITE = "hidden.example"


def hidden_page(i: int) -> str:
    """A story whose body also holds a gallery the page's own style hides and a pop-up hidden inline:
    page-specific sentences no reader sees."""
    rng = random.Random(500 + i)
    slides = "".join(f"<div class='slide'><p>{sentence(rng)}</p></div>" for _ in range(6))
    paras = "".join(f"<p>{p}</p>" for p in article(i))
    return (f"<html><head><style>.slides-box {{ display: none; }} @media print {{ .story-text {{ display:none }} }}"
            f"</style></head><body>{CHROME}<h1>Story {i}</h1><div class='story-text'>{paras}"
            f"<div class='slides-box'>{slides}</div><div style='display: none'><p>{sentence(rng)}</p></div>"
            f"</div>{FOOTER}</body></html>")


def test_hidden_blocks_inside_the_body_are_learned_as_strip_selectors(tmp_path):
    """Gallery slides hidden by the page's own stylesheet and an inline-hidden block are page-specific
    text no reader sees: stripped (not the body itself, which only a print style hides)."""
    profile, sample = SiteProfile(HIDDEN_SITE), HtmlSample()
    for i in range(6):
        profile.add_page(page_lines("\n".join(page_lines_sampled(hidden_page(i), sample))))
    site, _ = learn_site_html(profile, sample)
    section = yaml.safe_load(site.yaml_text)["html"]
    assert section["body"] == [".story-text"]
    assert {".slides-box", '[style*="display: none" i]'} <= set(section["strip"])
    notes = {n["selector"]: n for n in section["evidence"] if n["key"] == "strip"}
    assert "hidden" in notes[".slides-box"]["description"]
    (tmp_path / f"{HIDDEN_SITE}.yaml").write_text(site.yaml_text, encoding="utf-8")
    res = Cleaner.from_rules([str(ROOT / "rules"), str(tmp_path)]).clean(hidden_page(9), url=f"https://{HIDDEN_SITE}/9")
    assert res.text.split("\n\n") == ["Story 9", *article(9)]
    check = CliRunner().invoke(app, ["rules", "check", str(tmp_path)])
    assert check.exit_code == 0, check.output


def test_the_site_name_that_opens_every_declared_title_is_no_headline(tmp_path):
    """Blogs declare "<blog name>: <post title>": an <h1> holding the blog's name agrees with that title's
    start on every page, but the same text on every page is no headline. The post's own <h2> is learned,
    and cleaning opens the article with it."""
    def blog_page(i: int) -> str:
        paras = "".join(f"<p>{p}</p>" for p in article(i))
        return (f"<html><head><meta property='og:title' content='Life of a Doctor: Post {i} about rivers'>"
                f"</head><body>{CHROME}"
                f"<h1 class='blog-title'>Life of a Doctor</h1><h2 class='post-title'>Post {i} about rivers</h2>"
                f"<div class='post-text'>{paras}</div>{FOOTER}</body></html>")

    profile, sample = SiteProfile("blog.example"), HtmlSample()
    for i in range(6):
        profile.add_page(page_lines("\n".join(page_lines_sampled(blog_page(i), sample))))
    site, _ = learn_site_html(profile, sample)
    section = yaml.safe_load(site.yaml_text)["html"]
    assert section["title"] == ["h2.post-title"]
    (tmp_path / "blog.example.yaml").write_text(site.yaml_text, encoding="utf-8")
    res = Cleaner.from_rules([str(ROOT / "rules"), str(tmp_path)]).clean(blog_page(9), url="https://blog.example/9")
    assert res.text.split("\n\n") == ["Post 9 about rivers", *article(9)]


def teaser_page(i: int, standfirst: bool = False, side_class: str = "side-post") -> str:
    """A story inside a wrapper that also holds other stories' teasers after it (page-specific
    sentences, no article), optionally a standfirst before it, and a sidebar of posts."""
    rng = random.Random(700 + i)
    teasers = "".join(f"<li><h3>{sentence(rng, 4)}</h3><p>{sentence(rng, 12)}</p></li>" for _ in range(2))
    lead = f"<p class='standfirst'>{sentence(rng, 16)}</p>" if standfirst else ""
    paras = "".join(f"<p>{p}</p>" for p in article(i, 8))
    side = "".join(f"<div class='{side_class}'><p>{sentence(rng, 9)}</p></div>" for _ in range(3))
    return (f"<html><head><meta property='og:title' content='Story {i}'></head><body>{CHROME}"
            f"<h1>Story {i}</h1><div class='main-col'>{lead}<div class='entry'>{paras}</div>"
            f"<ul class='more-stories-list'>{teasers}</ul></div><div class='sidebar'>{side}</div>{FOOTER}"
            f"</body></html>")


def learn_pages(site: str, pages: list[str]) -> dict:
    profile, sample = SiteProfile(site), HtmlSample()
    for html in pages:
        profile.add_page(page_lines("\n".join(page_lines_sampled(html, sample))))
    return yaml.safe_load(learn_site_html(profile, sample)[0].yaml_text)["html"]


def test_the_tighter_element_is_preferred_where_the_wrapper_adds_only_what_follows_the_article():
    """Other stories' teasers after the article are page-specific, so the wrapper scores a little more;
    the element inside it that holds the article is taken. Where the wrapper also holds the article's
    standfirst before that element, the wrapper stays."""
    assert learn_pages("teasers.example", [teaser_page(i) for i in range(6)])["body"][0] == ".entry"
    assert learn_pages("lead.example", [teaser_page(i, standfirst=True) for i in range(6)])["body"][0] == ".main-col"


def test_a_body_class_also_used_inside_chrome_is_no_body():
    """`.entry` also names the sidebar's posts: the sidebar is removed when bodies are measured, but
    cleaning strips inside the body only, so `.entry` as a body would take the sidebar's posts too."""
    section = learn_pages("side.example", [teaser_page(i, side_class="entry") for i in range(6)])
    assert ".entry" not in section["body"]


def test_a_list_of_links_inside_the_body_is_stripped_a_linked_headline_is_not():
    """A block of page-specific links with a plain name ("picks") is a list of other pages, learned as
    a strip selector; the headline, a link too but one line, stays."""
    def links_page(i: int) -> str:
        rng = random.Random(900 + i)
        picks = "".join(f"<p><a href='/{k}'>{sentence(rng, 7)}</a></p>" for k in range(4))
        paras = "".join(f"<p>{p}</p>" for p in article(i, 6))
        return (f"<html><head><meta property='og:title' content='Story {i} of the day'></head><body>{CHROME}"
                f"<div class='story'><h2 class='head'><a href='/s/{i}'>Story {i} of the day</a></h2>{paras}"
                f"<div class='picks'>{picks}</div></div>{FOOTER}</body></html>")

    section = learn_pages("links.example", [links_page(i) for i in range(6)])
    assert section["body"] == [".story"] and ".picks" in section["strip"] and ".head" not in section["strip"]
    note = next(n for n in section["evidence"] if n["selector"] == ".picks")
    assert "a list of links" in note["description"]


def _records(out: Path) -> dict[str, dict]:
    recs = [json.loads(line) for f in sorted(out.glob("*.jsonl")) if f.name != "rejects.jsonl"
            for line in f.read_text(encoding="utf-8").splitlines()]
    return {r["url"]: r for r in recs}


def test_the_learned_template_is_the_same_everywhere(tmp_path):
    """`learn` then `clean --rules`, `clean --learn`, the same pages as WARC responses, and `explain`: each
    page takes the template by the same selector and gives the same text; explain names the selector
    and what the strip selector removed."""
    from tests.test_input_kinds import _warc_record

    pages = [(i, kind) for i, kind in PAGES] + [(30, "other")]
    recs = [{"url": f"https://{SITE}/{i}", "html": page(i, kind)} for i, kind in pages]
    dump = tmp_path / "in" / "dump.jsonl"
    dump.parent.mkdir()
    dump.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    run = CliRunner()
    assert run.invoke(app, ["learn", str(dump), "-o", str(tmp_path / "learned"), "-q"]).exit_code == 0
    res = run.invoke(app, ["clean", str(dump), "-o", str(tmp_path / "a"), "--rules", str(tmp_path / "learned"), "-q"])
    assert res.exit_code == 0, res.output
    assert run.invoke(app, ["clean", str(dump), "-o", str(tmp_path / "b"), "--learn", "-q"]).exit_code == 0
    a, b = _records(tmp_path / "a"), _records(tmp_path / "b")
    assert {u: r["text"] for u, r in a.items()} == {u: r["text"] for u, r in b.items()}
    reasons = {u: r.get("site_reason") for u, r in a.items()}
    assert reasons[f"https://{SITE}/0"] == "url; template .post-body"
    assert reasons[f"https://{SITE}/30"] == "url; generic: no body selector matches"
    assert a[f"https://{SITE}/0"]["text"].split("\n\n") == ["Story 0", *article(0)]
    if importlib.util.find_spec("fastwarc"):
        warc = tmp_path / "in2" / "dump.warc.gz"
        warc.parent.mkdir()
        warc.write_bytes(b"".join(_warc_record("response", r["url"], r["html"].encode(), "text/html", str(k))
                                  for k, r in enumerate(recs)))
        res = run.invoke(app, ["clean", str(warc), "-o", str(tmp_path / "w"), "-f", "jsonl", "--rules",
                               str(tmp_path / "learned"), "-q"])
        assert res.exit_code == 0, res.output
        assert {u: r["text"] for u, r in _records(tmp_path / "w").items()} == {u: r["text"] for u, r in a.items()}
    one = tmp_path / "page.html"
    one.write_text(page(0, "post"), encoding="utf-8")
    res = run.invoke(app, ["explain", str(one), "--url", f"https://{SITE}/0", "--rules", str(tmp_path / "learned"),
                           "--width", "0"])
    assert res.exit_code == 0, res.output
    assert "'.post-body'" in res.output and "html-strip .share-tools" in res.output and "Share this story" in res.output


def test_a_block_hidden_on_some_pages_and_shown_on_others_is_measured_without_error():
    """`.aside-box` is hidden by the page's style on some pages and a list of links on the others:
    both kinds of evidence for one selector (this crashed the learner once)."""
    def mixed_page(i: int) -> str:
        style = "<style>.aside-box { display: none }</style>" if i % 4 == 0 else ""
        rng = random.Random(40 + i)
        box = "".join(f"<p><a href='/{k}'>{sentence(rng, 6)}</a></p>" for k in range(5))
        paras = "".join(f"<p>{p}</p>" for p in article(i, 6))
        return (f"<html><head>{style}</head><body>{CHROME}<div class='story'>{paras}<div class='aside-box'>{box}"
                f"</div></div>{FOOTER}</body></html>")

    section = learn_pages("mixed.example", [mixed_page(i) for i in range(6)])
    assert section["body"] == [".story"] and ".aside-box" in section["strip"]


def test_a_headline_stripped_inside_the_body_is_not_replaced_by_another_match():
    """The title element lies inside the body, in a block a strip selector removes: no headline is added
    (before the fix the next <h1>, the footer's site name, opened the article)."""
    from cleaner.html.model import HtmlConfig

    config = HtmlConfig(body=(".story",), strip=(".head-box",), title=("h1",), min_words=5)
    html = ("<html><body><div class='story'><div class='head-box'><h1>Story of the day</h1></div>"
            "<p>The council met on Monday to discuss the budget for the new library.</p></div>"
            "<footer><h1>Example Site</h1></footer></body></html>")
    ext = extract_html(html, config=config)
    assert ext.selector == ".story" and ext.text == "The council met on Monday to discuss the budget for the new library."


def test_the_summary_counts_pages_per_template_and_each_fallback_reason(learned, tmp_path):
    """Each HTML page of a site with a learned template is counted in the batch summary under the body
    selector that took it, or the reason it took the generic path; the per-site counts reach the
    summary's JSON and its text."""
    from cleaner.batch import BatchConfig, run_batch
    from cleaner.batch.report import summary_rows

    _, _, out = learned
    dump = tmp_path / "pages.jsonl"
    rows = [{"id": str(i), "url": f"https://{SITE}/{i}", "html": page(i, kind)}
            for i, kind in [*PAGES[:6], (30, "other"), (32, "other")]]
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cleaner = Cleaner.from_rules([str(ROOT / "rules"), str(out)])
    report = run_batch(BatchConfig([str(dump)], out=tmp_path / "out", workers=1, out_format="jsonl"), cleaner)
    counts = report.this_run.templates
    assert counts[f"{SITE}: generic: no body selector matches"] == 2
    assert sum(v for k, v in counts.items() if k.startswith(f"{SITE}: template ")) == 6
    assert report.this_run.to_dict()["templates"] == dict(sorted(counts.items()))
    assert f"{SITE}: generic: no body selector matches 2" in dict(summary_rows(report))["learned templates"]

"""Site learning on small synthetic sites: what is learned, what is never learned, and the profile's bounds."""
import importlib.util
import pickle
import random
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml

from cleaner import Cleaner
from cleaner.api import default_rules_dir
from cleaner.learn import SiteProfile, learn_site, page_lines
from cleaner.learn.profile import template
from cleaner.ruleset.examples import check_example, iter_examples
from cleaner.ruleset.loader import load_dir

WORDS = ("river harbour council budget school winter market railway museum doctor farmer bridge election "
         "festival village library storm vaccine teacher orchestra garden tunnel airport factory").split()
SYNDICATED = ("This report was produced in partnership with the Regional News Exchange, which shares "
              "reporting among local newspapers across the valley and the coast.")


def sentence(rng: random.Random, words: int = 18) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def page(i: int, *, syndicated: bool = False, comments: int = 3) -> str:
    """One page of a small news site: menu, title, byline, article, share bar, comments, footer."""
    rng = random.Random(i)
    body = [sentence(rng) for _ in range(6)]
    if syndicated:
        body.insert(3, SYNDICATED)
    lines = ["Home", "News", "Sport", "Weather", "Contact us",
             f"What the {rng.choice(WORDS)} told the {rng.choice(WORDS)} {rng.choice(WORDS)}",
             f"Posted on {1 + 3 * i % 27:02d}/0{1 + i % 9}/2021 by Anna Berg",
             *body,
             "Share this story", f"Comments ({comments})"]
    for k in range(comments):
        lines += [f"{rng.choice(['Ola', 'Kari', 'Per'])} on 0{1 + k}/05/2021 at {k + 1}:15 pm. Reply",
                  sentence(rng, 12)]
    lines += ["Leave a comment", "Most read", f"The {rng.choice(WORDS)} story everyone read",
              "© 2021 Valley Gazette. All rights reserved."]
    return "\n".join(lines) + "\n"


def profile(texts, site="valleygazette.example") -> SiteProfile:
    p = SiteProfile(site)
    for text in texts:
        p.add_page(page_lines(text))
    return p


def learned_cleaner(tmp_path, learned) -> Cleaner:
    for f in default_rules_dir().glob("*.yaml"):
        shutil.copy(f, tmp_path)
    (tmp_path / f"{learned.site}.yaml").write_text(learned.yaml_text, encoding="utf-8")
    return Cleaner.from_rules(tmp_path)


@pytest.fixture(scope="module")
def site():
    texts = [page(i, syndicated=i % 10 < 3) for i in range(10)]  # the paragraph on 30 % of pages
    return texts, learn_site(profile(texts))


def test_learned_rules_remove_chrome_comments_and_footer(site, tmp_path):
    texts, learned = site
    assert learned.yaml_text is not None and learned.pages == 10
    cleaner = learned_cleaner(tmp_path, learned)
    out = cleaner.clean(texts[5], url="https://www.valleygazette.example/a/5").text
    body = [s for s in texts[5].splitlines() if s.endswith(".") and len(s.split()) >= 12]
    assert [s for s in out.splitlines() if s][-6:] == body[:6]  # the article, in full
    for chrome in ("Home", "Share this story", "Comments (3)", "Leave a comment", "Reply", "All rights"):
        assert chrome not in out


def test_syndicated_paragraph_on_30_percent_of_pages_stays(site, tmp_path):
    texts, learned = site
    assert SYNDICATED not in learned.yaml_text
    cleaner = learned_cleaner(tmp_path, learned)
    for text in texts[:3]:
        assert SYNDICATED in cleaner.clean(text, url="https://valleygazette.example/x").text


def test_copies_of_one_article_do_not_make_it_chrome(tmp_path):
    """The same article under five URLs (only its comment count differs) among five other pages: its
    paragraphs are on half the pages, but all on copies of one page: they stay."""
    copies = [page(99).replace("Comments (3)", f"Comments ({n})") for n in range(3, 8)]
    learned = learn_site(profile(copies + [page(i) for i in range(5)]))
    cleaner = learned_cleaner(tmp_path, learned)
    body = [s for s in copies[0].splitlines() if s.endswith(".") and len(s.split()) >= 12][:6]
    out = cleaner.clean(copies[0], url="https://valleygazette.example/copy").text
    assert all(s in out for s in body)


def test_a_site_with_two_pages_learns_nothing():
    learned = learn_site(profile([page(1), page(2)]))
    assert learned.yaml_text is None and learned.rules == 0 and "fewer than 3" in learned.reason


def test_identical_pages_count_once_in_the_sample():
    learned = learn_site(profile([page(1)] * 5))
    assert learned.yaml_text is None and "distinct pages" in learned.reason


def test_learning_is_deterministic_whatever_the_page_order(site):
    texts, learned = site
    again = learn_site(profile(texts))
    shuffled = learn_site(profile(texts[::-1]))
    assert learned.yaml_text == again.yaml_text == shuffled.yaml_text


def test_learned_file_passes_rules_check(site, tmp_path):
    _, learned = site
    (tmp_path / f"{learned.site}.yaml").write_text(learned.yaml_text, encoding="utf-8")
    examples = _learned_examples(tmp_path)
    assert len(examples) >= 4
    assert {case.rule.action for case in examples} >= {"drop", "cut-tail", "extract"}
    for case in examples:
        assert check_example(case) == [], case.test_id
    data = yaml.safe_load(learned.yaml_text)
    for rule in data["rules"]:  # the evidence: on how many pages
        assert re.search(r"\b\d+ of 10\b.* pages|sampled pages of 10", rule["description"]), rule["description"]


def test_learned_signature_recognises_a_page_without_url(site, tmp_path):
    texts, learned = site
    assert "signatures" in yaml.safe_load(learned.yaml_text)
    result = learned_cleaner(tmp_path, learned).clean(texts[7])  # no URL
    assert result.site == "valleygazette.example" and "Leave a comment" not in result.text


def test_learned_date_is_extracted(site, tmp_path):
    """Days above 12 on some pages say the order (day first); without them no date would be learned."""
    texts, learned = site
    result = learned_cleaner(tmp_path, learned).clean(texts[4], url="https://valleygazette.example/a")
    assert result.metadata.get("date") == "2021-05-13"


def test_merged_profiles_equal_one_profile(site):
    texts, learned = site
    a, b = profile(texts[:4]), profile(texts[4:])
    merged = pickle.loads(pickle.dumps(a)).merge(pickle.loads(pickle.dumps(b)))
    whole = profile(texts)
    assert (merged.pages, merged.counts, merged.sample) == (whole.pages, whole.counts, whole.sample)
    assert learn_site(merged).yaml_text == learned.yaml_text


def test_a_one_page_site_holds_no_table_of_templates(site):
    """A crawl's one-page sites learn nothing: their first page is counted only when a second comes (or a
    merge, or a question), and the outcome is the same as counting it at once."""
    texts, learned = site
    ones = [profile(texts[i:i + 1]) for i in range(len(texts))]
    assert all(not p._counts and p._first is not None for p in ones)
    assert ones[0].template_keys() == set(profile(texts[:1]).counts)  # (asking does not count it for good)
    assert ones[0]._first is not None
    merged = pickle.loads(pickle.dumps(ones[0]))
    for p in ones[1:]:
        merged.merge(pickle.loads(pickle.dumps(p)))
    whole = profile(texts)
    assert (merged.pages, merged.counts, merged.sample) == (whole.pages, whole.counts, whole.sample)
    assert learn_site(merged).yaml_text == learn_site(whole).yaml_text == learned.yaml_text


def test_profile_memory_is_bounded_by_its_caps():
    p = SiteProfile("big.example", max_templates=200, max_sample=5)
    for i in range(400):
        tag = "".join(chr(97 + (i >> 4 * k) % 16) for k in range(3))  # digits would fold into one template
        p.add_page(["Home", "Subscribe to our newsletter", *(f"unique line {tag} {w}" for w in WORDS)])
    assert p.pages == 400
    assert len(p.counts) <= 200 and len(p.sample) == 5 and p.sketch is not None
    assert p.count(template("Home")) == 400  # frequent lines stay exact
    assert p.count(template("unique line bcd river")) <= 5  # rare ones are estimated, never under-counted
    other = SiteProfile("big.example", max_templates=200, max_sample=5)
    other.add_page(["Home"])
    p.merge(other)
    assert p.count(template("Home")) == 401 and len(p.counts) <= 200 and len(p.sample) == 5
    assert len(pickle.dumps(p)) < 200_000


def test_clean_articles_keep_their_words(site, tmp_path):
    """Articles of the site without its chrome: learned rules take nothing from them."""
    texts, learned = site
    cleaner = learned_cleaner(tmp_path, learned)
    for i in range(20, 30):
        rng = random.Random(i)
        article = "\n".join(sentence(rng) for _ in range(8)) + "\n"
        out = cleaner.clean(article, url="https://valleygazette.example/b").text
        assert out.split() == article.split()


JUNK = ["a", "b", "Z", " ", "  ", "\t", "0", "7", ".", ":", "|", "»", "&amp;", "ß", "İ", "日本", "\u200b", "\u00a0",
        "Ã©", "\ufeff", "'", '"', "\\", "#", "*", "- ", "(", ")", "[", "{{", "}}", "^", "$", "?", "+",
        "https://x.y/z", "\x85", "\u2028", "\r", "%", "—"]


def test_learned_files_hold_on_junk_text(tmp_path):
    """Odd characters, regex syntax, table pipes, URLs, line separators: what is learned loads and its
    examples hold (rules whose examples would fail are left out and named in the reason)."""
    rng = random.Random(0)

    def junk(n):
        return "".join(rng.choice(JUNK) for _ in range(n))

    for trial in range(25):
        chrome = [junk(rng.randint(1, 30)) for _ in range(rng.randint(1, 8))]
        texts = []
        for _ in range(rng.randint(3, 10)):
            body = [junk(rng.randint(1, 300)) for _ in range(rng.randint(0, 12))]
            k = rng.randint(0, len(chrome))
            texts.append("\n".join(chrome[:k] + body + chrome[k:]))
        learned = learn_site(pickle.loads(pickle.dumps(profile(texts, "junk.example"))))
        if learned.yaml_text is None:
            continue
        (tmp_path / "junk.example.yaml").write_text(learned.yaml_text, encoding="utf-8")
        for case in _learned_examples(tmp_path):
            assert check_example(case) == [], (trial, case.test_id)
        cleaner = Cleaner.from_rules(tmp_path)
        for text in texts:
            cleaner.clean(text, url="https://junk.example/a")


def _learned_examples(directory):
    """The examples of a learned directory's rules, run as `cleaner rules check` runs them: with the
    shipped generic rules loaded."""
    sites, _ = load_dir(directory)
    cleaner = Cleaner(sites, load_dir(default_rules_dir())[1])
    return [case for case in iter_examples(cleaner) if case.rule.source.startswith(str(directory))]


# --- on the real data beside the repo (skipped where ../shared is absent) ---------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _benchmark():
    spec = importlib.util.spec_from_file_location("learn_benchmark", ROOT / "benchmarks" / "learn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def vietnam():
    if not (ROOT.parent / "shared" / "seeds").is_dir():
        pytest.skip("../shared/seeds absent")
    return _benchmark().vietnam()


def test_vietnam_dump_learns_the_hand_rules_chrome_and_no_article_line(vietnam):
    v = vietnam
    assert v["documents"] >= 200
    assert v["removed"] >= 0.9 * v["chrome"] and v["lost"] == 0
    learned = v["learned"]
    with tempfile.TemporaryDirectory() as d:
        Path(d, "vietnam.vn.yaml").write_text(learned.yaml_text, encoding="utf-8")
        for case in _learned_examples(Path(d)):
            assert check_example(case) == [], case.test_id


def _clean_articles() -> list[Path]:
    """The no-loss articles (generic/chrome-* are the generic rules' fixtures: articles wrapped in chrome)."""
    return [p for p in sorted((ROOT / "tests" / "fixtures" / "generic").glob("*/input.txt"))
            if not p.parent.name.startswith("chrome-")]


def test_clean_articles_keep_their_words_under_learned_rules(vietnam, tmp_path):
    """The no-loss articles, with the rules learned for vietnam.vn forced on them."""
    for f in default_rules_dir().glob("*.yaml"):
        shutil.copy(f, tmp_path)
    (tmp_path / "vietnam.vn.yaml").write_text(vietnam["learned"].yaml_text, encoding="utf-8")
    cleaner = Cleaner.from_rules(tmp_path)
    total = kept = 0
    for path in _clean_articles():
        text = path.read_text(encoding="utf-8")
        out = cleaner.clean(text, site="vietnam.vn").text
        words_in, words_out = re.findall(r"\w+", text), set(re.findall(r"\w+", out))
        total += len(words_in)
        kept += sum(w in words_out for w in words_in)
    assert total > 1000 and kept / total >= 0.998


@pytest.mark.skipif(not (ROOT.parent / "shared" / "sites-dev").is_dir(), reason="../shared/sites-dev absent")
def test_sites_dev_with_learned_rules(tmp_path):
    bench = _benchmark()
    pages = bench.sitesdev.load_pages()
    profiles: dict[str, SiteProfile] = {}
    for p in pages:
        profiles.setdefault(p["site"], SiteProfile(p["site"])).add_page(page_lines(p["text"]))
    for f in default_rules_dir().glob("*.yaml"):
        shutil.copy(f, tmp_path)
    for site, profile in profiles.items():
        learned = learn_site(profile)
        if learned.yaml_text:
            (tmp_path / f"{site}.yaml").write_text(learned.yaml_text, encoding="utf-8")
    cleaner = Cleaner.from_rules(tmp_path)
    precision, recall, f1 = bench.sitesdev.evaluate(pages, lambda p: cleaner.clean(p["text"], url=p["url"]).text)
    assert f1 >= 0.90 and recall >= 0.93
    # No loss: every site's learned rules forced on the clean articles keep >= 99.8 % of their words.
    total = kept = 0
    for path in _clean_articles():
        text = path.read_text(encoding="utf-8")
        words_in = re.findall(r"\w+", text)
        for site in profiles:
            words_out = set(re.findall(r"\w+", cleaner.clean(text, site=site).text))
            total += len(words_in)
            kept += sum(w in words_out for w in words_in)
    assert kept / total >= 0.998

"""The learning benchmark's stress transforms and date check, on a synthetic site (no shared data)."""
import importlib.util
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("river harbour council budget school winter market railway museum doctor farmer bridge election "
         "festival village library storm vaccine teacher orchestra garden tunnel airport factory").split()


def _load(name: str):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def stress():
    _load("sitesdev")
    return _load("learn_stress")


@pytest.fixture(scope="module")
def checks():
    _load("sitesdev")
    return _load("learn_checks")


def sentence(rng: random.Random, words: int = 20) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def site(name: str = "example.org", pages: int = 5) -> list[dict]:
    """A small site: menu, headline, byline, four paragraphs, a related list, a footer; gold: the headline,
    byline and paragraphs."""
    out = []
    for i in range(pages):
        rng = random.Random(f"{name}{i}")
        head = f"The {rng.choice(WORDS)} and the {rng.choice(WORDS)} of page {i}"
        article = [head, "By Anna Berg", *(sentence(rng, 30) for _ in range(4))]
        text = ["Home", "News", "Sport", *article, "Related stories", sentence(rng, 9), "Copyright 2012 Example"]
        out.append({"id": f"{name}-{i}", "url": f"https://{name}/2012/0{1 + i}/story-{i}/", "site": name,
                    "text": "\n".join(text), "gold": "\n".join(article)})
    return out


def lines(text: str) -> list[str]:
    return text.split("\n")


def test_cut_articles_keeps_the_heading_and_one_or_two_paragraphs_in_text_and_gold(stress):
    for before, after in zip(site(), stress.cut_articles(site(), random.Random(1))):
        gold = lines(after["gold"])
        assert gold[:2] == lines(before["gold"])[:2] and len(gold) in (3, 4)
        assert lines(after["text"])[-3:] == lines(before["text"])[-3:]  # what follows the article stays
        assert set(gold) <= set(lines(after["text"]))
        assert set(lines(before["gold"])) - set(gold) and not (set(lines(before["gold"])) - set(gold)) & set(
            lines(after["text"]))


def test_headline_sidebar_lists_the_sites_headlines_at_the_end_of_each_page_gold_unchanged(stress):
    pages = site()
    heads = [lines(p["gold"])[0] for p in pages]
    for before, after in zip(pages, stress.headline_sidebar(pages, random.Random(1))):
        assert lines(after["text"]) == lines(before["text"]) + ["Recent Posts", *heads]
        assert after["gold"] == before["gold"]


def test_article_widget_puts_the_first_pages_headline_inside_the_other_articles(stress):
    pages = site()
    widget = lines(pages[0]["gold"])[0]
    out = stress.article_widget(pages, random.Random(1))
    assert out[0] == pages[0]
    for before, after in zip(pages[1:], out[1:]):
        text, gold = lines(after["text"]), lines(before["gold"])
        assert text[text.index(gold[3]) + 1] == widget  # after the second paragraph
        assert after["gold"] == before["gold"]


@pytest.mark.parametrize("name, order", [("us_dates", "mdy"), ("day_first_dates", "dmy")])
def test_datelines_sit_under_the_headline_and_record_the_date_they_state(stress, name, order):
    from cleaner.core.dates import to_iso_date

    for before, after in zip(site(), getattr(stress, name)(site(), random.Random(3))):
        text = lines(after["text"])
        head = text.index(lines(before["gold"])[0])
        assert text[head + 1].startswith("Posted on ")
        assert to_iso_date(text[head + 1], order) == after["date"]
        assert after["gold"] == before["gold"]


def test_recipe_lists_go_into_text_and_gold_after_the_first_paragraph(stress):
    for before, after in zip(site(), stress.recipe_lists(site(), random.Random(1))):
        gold, text = lines(after["gold"]), lines(after["text"])
        assert gold[:3] == lines(before["gold"])[:3] and gold[3] == "Ingredients:"
        assert "Directions:" in gold and "Step 1" in gold and gold[-3:] == lines(before["gold"])[-3:]
        start = text.index("Ingredients:")
        assert text[start:start + len(gold) - 6] == gold[3:-3]


def test_giant_footer_is_one_line_of_3000_characters_the_same_on_every_page(stress):
    out = stress.giant_footer(site(), random.Random(1))
    footers = {lines(p["text"])[-1] for p in out}
    assert len(footers) == 1 and len(footers.pop()) == stress.FOOTER_CHARS
    assert all(a["gold"] == b["gold"] for a, b in zip(out, site()))


def test_near_copies_put_each_page_under_more_urls_with_its_gold(stress):
    pages = site()
    out = stress.near_copies(pages, random.Random(1))
    assert len(out) == len(pages) * (1 + stress.COPIES) and len({p["url"] for p in out}) == len(out)
    for copy in out:
        original = next(p for p in pages if copy["id"].startswith(p["id"]))
        assert copy["gold"] == original["gold"] and set(lines(copy["gold"])) <= set(lines(copy["text"]))


def test_chrome_dwarfs_site_shares_its_prose_chrome_around_short_articles(stress):
    others = [{"id": f"o{i}", "site": "other.org", "url": "", "text": "",
               "gold": sentence(random.Random(i), 25)} for i in range(200)]
    pages = site(pages=6)
    out = stress.chrome_dwarfs_site(pages, pages + others, random.Random(1))
    assert len(out) == stress.DWARF_PAGES
    shared = set.intersection(*(set(lines(p["text"])) for p in out))
    assert len(shared) == stress.DWARF_CHROME + len(stress.DWARF_MENU)
    for p in out:
        body = lines(p["gold"])
        assert 145 <= len(lines(p["text"])) <= 160 and set(body) <= set(lines(p["text"])) - shared
        assert len(" ".join(body[1:]).split()) == stress.DWARF_ARTICLE_WORDS


def test_stress_sets_are_deterministic(stress):
    pages = site("a.org") + site("b.org", 6)
    assert stress.stress_sets(pages, seed=5) == stress.stress_sets(pages, seed=5)
    assert stress.stress_sets(pages, seed=5) != stress.stress_sets(pages, seed=6)


@pytest.mark.parametrize("iso, text, url, verdict", [
    ("2012-11-07", "Posted at 11/07/2012\nUpdated November 7, 2012", "https://a.org/x", "agrees"),
    ("2012-07-11", "Posted at 11/07/2012\nUpdated November 7, 2012", "https://a.org/x", "contradicted"),
    ("2012-07-11", "Posted at 11/07/2012\nAs of closing November 05, 2012", "https://a.org/x", "contradicted"),
    ("2012-11-07", "Posted at 11/07/2012\nAs of closing November 05, 2012", "https://a.org/x", "agrees"),
    ("2012-12-11", "11.12.12", "https://a.org/2012/11/12/daily-edit/", "contradicted"),
    ("2008-07-28", "Posted on: 07-28-2008", "https://a.org/2012/08/story/", "contradicted"),
    ("2012-11-06", "Posted 06/11/2012", "https://a.org/2012/11/05/story/", "agrees"),
    ("2012-07-11", "Posted at 11/07/2012", "https://a.org/x", "unverifiable"),
])
def test_date_check_reads_the_pages_date_from_month_names_and_the_url(checks, iso, text, url, verdict):
    page = {"text": text, "url": url}
    assert checks.judge(iso, page, text.split("\n")[0])[0] == verdict

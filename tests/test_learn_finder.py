"""A learned file runs the article finder after its rules (`article_finder: true`): it drops what the
learned rules left around the article; a hand-written file never runs it unless it says so."""
import random
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli.main import app
from cleaner.learn import learn_site
from cleaner.learn.params import DEFAULT_PARAMS
from cleaner.ruleset.loader import RuleError, load_dir
from tests import test_learn
from tests.test_learn_safety import WORDS, headline, sentence

FINDER = "article-finder"


def sidebar_page(i: int) -> str:
    """A page: menu, headline, byline, the article, then a column of readers' remarks that changes on every
    page (names and words of its own: nothing of it repeats, so nothing of it is learned), then a footer."""
    rng = random.Random(500 + i)
    remarks = [line for _ in range(5)
               for line in (f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} says:", sentence(rng, 16))]
    return "\n".join(["Home", "News", "Sport", "Weather", headline(i), f"By Anna Berg, day {i}",
                      *(sentence(rng, 30) for _ in range(6)), *remarks,
                      "Copyright Example News. All rights reserved."]) + "\n"


def finder_drops(result) -> list[int]:
    return [t.line for t in result.trace if t.rule.startswith(FINDER)]


@pytest.fixture(scope="module")
def pages():
    return [sidebar_page(i) for i in range(6)]


def test_a_sidebar_the_learned_rules_missed_is_removed_by_the_finder(pages, tmp_path):
    learned = learn_site(test_learn.profile(pages, "example.org"))
    assert learned.yaml_text is not None and "article_finder: true" in learned.yaml_text
    assert learned.confidence["article_finder"] is True
    without = learn_site(test_learn.profile(pages, "example.org"),
                         params=replace(DEFAULT_PARAMS, article_finder=False))
    assert "article_finder" not in without.yaml_text
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    with_finder = test_learn.learned_cleaner(tmp_path / "on", learned)
    rules_only = test_learn.learned_cleaner(tmp_path / "off", without)
    for i, text in enumerate(pages):
        lines = text.splitlines()
        article, sidebar = [lines[4], *lines[6:12]], lines[12:-1]  # (the byline is learned chrome)
        kept = rules_only.clean(text, url=f"https://example.org/{i}")
        assert all(s in kept.text for s in sidebar)  # the learned rules alone miss it
        out = with_finder.clean(text, url=f"https://example.org/{i}")
        assert all(s in out.text or s == out.title for s in article), (i, out.text)
        assert not any(s in out.text for s in sidebar), (i, out.text)
        assert set(finder_drops(out)) == set(range(13, 13 + len(sidebar)))  # traced: `explain` shows them
        assert with_finder.clean(out.text, url=f"https://example.org/{i}").text == out.text  # idempotent
    page = tmp_path / "page.txt"
    page.write_text(pages[0], encoding="utf-8")
    shown = CliRunner().invoke(app, ["explain", str(page), "--rules", str(tmp_path / "on"), "--url",
                                     "https://example.org/0", "--removed", "--width", "0"])
    assert shown.exit_code == 0 and "article-finder: comment thread" in shown.stdout


def test_a_hand_written_site_never_runs_the_finder(tmp_path):
    page = sidebar_page(1)
    assert not finder_drops(Cleaner.from_rules().clean(page, site="vietnam.vn"))
    # A learned layer that asks for it does not change a site whose hand-written file owns it.
    (tmp_path / "vietnam.vn.yaml").write_text(
        "site: vietnam.vn\ndescription: learned\narticle_finder: true\nrules: []\n", encoding="utf-8")
    (tmp_path / "learned.json").write_text('{"sites": []}', encoding="utf-8")
    layered = Cleaner.from_rules(tmp_path)
    assert not finder_drops(layered.clean(page, site="vietnam.vn"))
    # A file of its own that asks for it runs it.
    alone = Cleaner(load_dir(tmp_path)[0], Cleaner.from_rules().generic)
    assert finder_drops(alone.clean(page, site="vietnam.vn"))
    assert not finder_drops(Cleaner(load_dir(tmp_path)[0], None, find_article=False).clean(page, site="vietnam.vn"))


@pytest.mark.parametrize("name", ["generic", "_shared"])
def test_the_key_is_a_site_files_own(tmp_path, name):
    (tmp_path / f"{name}.yaml").write_text("description: x\narticle_finder: true\nrules: []\n", encoding="utf-8")
    with pytest.raises(RuleError, match="article_finder"):
        load_dir(tmp_path)


def test_after_a_sites_rules_the_finder_leaves_what_lies_above_the_article(tmp_path):
    """Above the article the site's rules judged already (a title, a lead, the first lines of a list-heavy
    article that the finder takes for chrome: the stress set's recipes lost 18 % of their recall to it);
    the finder takes comment threads and what lies after the article."""
    from tests.test_article import ARTICLE, FOOTER, MENU, PAGE, THREAD

    (tmp_path / "example.org.yaml").write_text(
        "site: example.org\ndescription: x\narticle_finder: true\nrules: []\n", encoding="utf-8")
    generic = Cleaner.from_rules().generic
    out = Cleaner(load_dir(tmp_path)[0], generic).clean(PAGE, site="example.org", format="text")
    assert out.paragraphs == MENU[1:] + ARTICLE  # ("Home" is the generic rules')
    dropped = {t.text: t.rule for t in out.trace if t.rule.startswith(FINDER)}
    assert set(THREAD) <= set(dropped) <= set(THREAD + FOOTER)  # (the generic rules take some of the footer)
    alone = Cleaner([], generic).clean(PAGE, format="text")  # a site without rules: the whole page judged
    assert alone.paragraphs == ARTICLE

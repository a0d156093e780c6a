"""The article finder (cleaner/core/article.py): one page of text of a site without rules -> its article."""
import pytest
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli.main import app
from cleaner.core.article import COMMENTS, OUTSIDE, find_article, slug_words

MENU = ["Home", "News", "World", "Politics", "Business", "Technology", "Science", "Health", "Sports", "Opinion"]
TITLE = "City opens its first floating solar farm on the old quarry lake"
ARTICLE = [
    TITLE,
    "By Anna Berg",
    "The city switched on its first floating solar farm on Tuesday, covering a third of the old quarry lake with "
    "more than eleven thousand panels that will supply power to about four thousand homes.",
    "Engineers chose the lake because the water keeps the panels cool, which raises their output by several per "
    "cent, and because the quarry had been closed to swimmers for years.",
    "How it works",
    "The panels sit on plastic floats anchored to the bottom of the lake, and a cable along the old conveyor track "
    "carries the power to a substation at the edge of the town.",
    "The project cost 14 million euros, half of it paid by a regional fund for clean energy, and the council "
    "expects to earn the money back within twelve years.",
    "What residents say",
    "Some residents worried that the floats would harm the birds that nest on the lake, but an ecologist hired by "
    "the council found no sign of that during the first months of testing.",
    "The council will hold an open day at the lake in May, when visitors can take a boat out to see the panels.",
]
THREAD = [
    "John Peters says:", "March 3, 2024 at 10:15 pm",
    "Great news for the town, and about time too. I hope they build a second one on the other lake as well.",
    "Maria K. says:", "March 4, 2024 at 8:02 am",
    "I was worried about the birds, so it is good to read that the ecologist found no problem at all.",
    "Tom says:", "March 4, 2024 at 9:40 am",
    "Does anyone know whether the open day needs a booking, or can we just turn up?",
]
FOOTER = ["Weather", "Crosswords", "Newsletters", "Archive", "Site map", "Jobs at the paper", "Events"]
PAGE = "\n".join(MENU + ARTICLE + THREAD + FOOTER)


@pytest.fixture(scope="module")
def plain():
    return Cleaner.from_rules(find_article=False)


def test_page_keeps_exactly_the_article_with_title_and_subheadings(cleaner):
    res = cleaner.clean(PAGE, format="text")
    assert res.paragraphs == ARTICLE
    finder = {t.line: t.rule for t in res.trace if t.rule.startswith("article-finder")}
    assert finder[2] == f"article-finder: {OUTSIDE}"  # a menu entry
    assert finder[len(MENU) + len(ARTICLE) + 1] == f"article-finder: {COMMENTS}"  # "John Peters says:"
    assert all(t.action == "drop" for t in res.trace if t.rule.startswith("article-finder"))


def test_the_output_is_clean_already(cleaner):
    text = cleaner.clean(PAGE, format="text").text
    assert cleaner.clean(text, format="text").text == text


def test_short_paragraphs_and_a_list_are_all_kept(cleaner, plain):
    lines = ["Five things to pack for a day in the mountains",
             "A day in the hills needs less than you think.",
             "But a few things matter.",
             "Water",
             "A warm layer",
             "A map and a charged phone",
             "Sun cream",
             "Something to eat",
             "Tell someone where you are going.",
             "And turn back when the weather turns."]
    assert cleaner.clean("\n".join(lines), format="text").paragraphs == lines
    long_lines = MENU + ARTICLE[:4] + ["- water", "- a warm layer", "- a map", "- sun cream"] + ARTICLE[4:] + FOOTER
    assert cleaner.clean("\n".join(long_lines), format="text").paragraphs == \
        ARTICLE[:4] + ["- water", "- a warm layer", "- a map", "- sun cream"] + ARTICLE[4:]


def test_a_clean_article_is_unchanged(cleaner, plain):
    text = "\n".join(ARTICLE)
    assert cleaner.clean(text, format="text").paragraphs == ARTICLE
    assert not [t for t in cleaner.clean(text, format="text").trace if t.rule.startswith("article-finder")]


JA_MENU = ["ホーム", "ニュース", "経済", "政治", "国際", "スポーツ", "エンタメ", "天気", "ランキング", "ログイン"]
JA_ARTICLE = [
    "湖に浮かぶ太陽光発電所が稼働",
    "市は火曜日、古い採石場の湖に初めての水上太陽光発電所を稼働させた。一万一千枚以上のパネルが湖面の三分の一を覆い、約四千世帯に電力を供給する。",
    "技術者たちがこの湖を選んだのは、水がパネルを冷やして発電量を数パーセント高めるからであり、また採石場が長年遊泳禁止だったからでもある。",
    "パネルは湖底に固定された浮きの上に設置され、古いベルトコンベアの跡に沿ったケーブルで町の変電所に電力が送られる。",
    "市は五月に湖で見学会を開き、訪問者はボートでパネルを間近に見ることができる。",
]
JA_FOOTER = ["関連記事", "太陽光パネルの価格が下落", "湖の水質調査の結果", "週末の天気", "人気の記事", "読者の声"]

CS_MENU = ["Domů", "Zprávy", "Domácí", "Zahraniční", "Ekonomika", "Sport", "Kultura", "Věda", "Počasí", "Názory"]
CS_ARTICLE = [
    "Město spustilo první plovoucí solární elektrárnu na jezeře v lomu",
    "Město v úterý spustilo svou první plovoucí solární elektrárnu, která pokrývá třetinu starého jezera v lomu a "
    "bude dodávat elektřinu asi čtyřem tisícům domácností.",
    "Inženýři vybrali jezero proto, že voda panely chladí, což zvyšuje jejich výkon o několik procent, a protože "
    "lom byl pro plavce uzavřen už léta.",
    "Panely stojí na plovácích ukotvených ke dnu jezera a kabel podél staré dopravníkové dráhy vede elektřinu do "
    "rozvodny na okraji města.",
    "Radnice v květnu uspořádá u jezera den otevřených dveří, kdy si návštěvníci mohou panely prohlédnout z lodi.",
]
CS_FOOTER = ["Další zprávy", "Ceny solárních panelů klesají", "Výsledky rozboru vody v jezeře", "Počasí na víkend",
             "Nejčtenější", "Dopisy čtenářů"]


@pytest.mark.parametrize("menu, article, footer", [(JA_MENU, JA_ARTICLE, JA_FOOTER), (CS_MENU, CS_ARTICLE, CS_FOOTER)],
                         ids=["ja", "cs"])
def test_pages_in_other_languages(cleaner, menu, article, footer):
    res = cleaner.clean("\n".join(menu + article + footer), format="text")
    assert res.paragraphs == article
    assert cleaner.clean("\n".join(article), format="text").paragraphs == article


def test_the_option_turns_it_off(plain, tmp_path):
    assert plain.clean(PAGE, format="text").paragraphs[:3] == MENU[1:4]  # "Home" is the generic rules'
    assert Cleaner(find_article=False).clean(PAGE, format="text").text.count("\n\n") == PAGE.count("\n")
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    on = CliRunner().invoke(app, ["clean", str(path)])
    off = CliRunner().invoke(app, ["clean", str(path), "--no-article-finder"])
    assert on.exit_code == off.exit_code == 0
    assert "Politics" not in on.stdout and "Politics" in off.stdout
    shown = CliRunner().invoke(app, ["explain", str(path), "--width", "0"])
    assert "article-finder: comment thread" in shown.stdout
    shown = CliRunner().invoke(app, ["explain", str(path), "--no-article-finder"])
    assert "article-finder" not in shown.stdout


def test_it_runs_only_on_text_of_sites_without_rules(cleaner):
    assert not [t for t in cleaner.clean(PAGE, site="vietnam.vn").trace if t.rule.startswith("article-finder")]
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in MENU + ARTICLE) + "</body></html>"
    assert not [t for t in cleaner.clean(html, format="html").trace if t.rule.startswith("article-finder")]


def test_decisions_are_per_line_and_pure():
    lines = MENU + ARTICLE + THREAD + FOOTER
    first = find_article(lines)
    assert len(first) == len(lines) and find_article(lines) == first
    assert find_article([]) == [] and find_article(["Home", "News"]) == [None, None]  # no article: kept whole


def test_the_option_reaches_batch_and_datatrove():
    from cleaner.batch import BatchConfig

    assert "find_article" not in BatchConfig().output_config()  # an OUT made before the option still matches
    assert BatchConfig(find_article=False).output_config()["find_article"] is False
    pytest.importorskip("datatrove")
    from cleaner.integrations.datatrove import CleanerStep

    assert CleanerStep().cleaner.find_article and not CleanerStep(find_article=False).cleaner.find_article


def test_a_page_made_of_some_lines_is_described_as_afresh():
    """`Page.within` takes over what belongs to each line; its decisions equal a fresh page's."""
    import random

    from cleaner.core.article import Page, decide

    lines = (MENU + [TITLE] + BETWEEN + ARTICLE[1:] + THREAD + FOOTER)
    slug = slug_words(TITLE_URL)
    for url in (None, TITLE_URL):
        page = Page(lines)
        decide(page, slug=slug_words(url))  # fills the page's caches (function words, comments, titles)
        rng = random.Random(7)
        for _ in range(40):
            a = rng.randrange(len(lines))
            keep = sorted(rng.sample(range(len(lines)), rng.randrange(len(lines) + 1))) if a % 3 else \
                list(range(a, len(lines)))
            assert decide(page.within(keep), slug=slug_words(url)) == find_article([lines[k] for k in keep], url=url)
    assert slug and decide(Page(lines), slug=slug) != decide(Page(lines))  # (the title counts here)


def test_function_word_shares_of_lines():
    from cleaner.core.article import _shares_of

    words = frozenset({"the", "of", "a"}).__contains__
    parts = ["The cat of the house", "", "no such words", "a a", "odd \x00 the separator", "  "]
    one_by_one = [sum(map(words, p.lower().split())) / len(p.split()) if p.split() else 0.0 for p in parts]
    assert _shares_of(words, parts) == one_by_one
    assert _shares_of(words, [p for p in parts if "\x00" not in p]) == [s for p, s in zip(parts, one_by_one)
                                                                        if "\x00" not in p]


def test_function_words_are_counted_only_where_the_verdicts_read_them(monkeypatch):
    """Candidates' function words are counted in order until an article's worth of prose is sure, then up to
    the comment thread: the thread's own lines (nothing reads their scores) are not counted, and the
    verdicts are those of every line scored (`line_scores`)."""
    from bisect import bisect_left
    from itertools import accumulate

    from cleaner.core import article
    from cleaner.core.article import Page, decide, line_scores

    lines = PAGE.split("\n")
    page = Page(lines)
    verdicts = decide(page)
    last = len(MENU) + len(ARTICLE) + len(THREAD) - 1  # the last comment, a prose candidate
    assert verdicts[last] == COMMENTS and last not in page._function

    def every_line(page, params):
        scores, candidates = line_scores(page, params), article._scores_before_function_words(page, params)[1]
        prose = list(accumulate([s if s > 0 else 0.0 for s in scores], initial=0.0))
        return scores, prose, bisect_left(prose, params.min_article_words), len(candidates), candidates

    monkeypatch.setattr(article, "_article_prose", every_line)
    assert decide(Page(lines)) == verdicts


TITLE_URL = "https://example.org/news/2024/03/05/city-opens-first-floating-solar-farm.html"
# a photo credit, its caption and a row of buttons between the title and the text (the buttons end the heading)
BETWEEN = ["Photo: Jan Novak / City Press", "The old quarry lake from the conveyor track", "Listen", "Save", "Gift"]


def test_the_title_the_url_names_is_kept_however_far_above(cleaner):
    page = "\n".join(MENU + [TITLE] + BETWEEN + ARTICLE[1:] + FOOTER)
    alone = cleaner.clean(page, format="text")
    assert alone.paragraphs == ARTICLE[1:] and alone.title is None  # no URL: the title is not told apart
    res = cleaner.clean(page, format="text", url=TITLE_URL)
    assert res.paragraphs == ARTICLE  # the title, without what lies between it and the text
    assert res.title == TITLE  # and the result's title
    assert cleaner.clean(res.text, format="text", url=TITLE_URL).text == res.text
    assert cleaner.clean(res.text, format="text").text == res.text


def test_a_title_with_accents_and_a_slug_without(cleaner):
    between = ["Foto: Jan Novák / ČTK", "Jezero z dopravníkové dráhy", "Poslech", "Uložit", "Darovat"]
    page = "\n".join(CS_MENU + CS_ARTICLE[:1] + between + CS_ARTICLE[1:] + CS_FOOTER)
    url = "https://example.cz/zpravy/mesto-spustilo-prvni-plovouci-solarni-elektrarnu-na-jezere-v-lomu"
    assert cleaner.clean(page, format="text", url=url).paragraphs == CS_ARTICLE


def test_a_title_kept_already_is_not_looked_for_above(cleaner):
    sidebar = ["Top stories", TITLE, "Bridge repairs start in May", "Library extends its opening hours"]
    page = "\n".join(sidebar + MENU + ARTICLE + FOOTER)
    assert cleaner.clean(page, format="text", url=TITLE_URL).paragraphs == ARTICLE


@pytest.mark.parametrize("url, words", [
    ("http://www.example.com/2012/07/24/qpr-consider-joey-barton-loan.html",
     ("qpr", "consider", "joey", "barton", "loan")),
    ("https://example.cz/clanek/hanojsk%C3%A1-%C3%BAmluva-podeps%C3%A1na?utm=x#top",
     ("hanojska", "umluva", "podepsana")),
    ("example.org/blog/Some_Title+Here.php", ("some", "title", "here")),
    ("http://www.bbc.co.uk/news/uk-18971248", ()),  # an id, no slug
    # an id with more separators than the slug is no slug
    ("http://www.example.com/world/europe/monitors-decry-ukraine-election/2012/10/29/"
     "6a5049e6-21d3-11e2-8448-81b1ce7d6978_story.html", ("monitors", "decry", "ukraine", "election")),
    ("https://example.org/about-us", ()),  # too few words to name a title
    ("", ()), (None, ()), ("not a url", ()),
])
def test_slug_words(url, words):
    assert slug_words(url) == words


TEASERS = ("You might also like: How the town paid for its new library and what it will cost to run it, "
           "Why the old bridge is closed for the summer and where to cross the river in the meantime, "
           "The ten best walks around the quarry lake for a day out with the children in the spring, "
           "What the council plans to do with the empty school on the hill after the last pupils leave, "
           "How a local baker turned an old bus into the most popular cafe in the whole of the valley")


def test_the_article_follows_the_title_the_url_names(cleaner):
    # a short article, then far below it a flattened block of teasers that outweighs it
    sidebar = [f"{topic} news" for topic in ("Local", "Regional", "Business", "School", "Sports", "Culture", "Traffic",
                                             "Weather", "Council", "Harbour", "Farming", "Health", "Science")] * 2
    lines = MENU + [TITLE, ARTICLE[2], ARTICLE[3]] + sidebar + [TEASERS] + FOOTER
    page = "\n".join(lines)
    alone = cleaner.clean(page, format="text").paragraphs  # no URL: the heaviest run, with its "heading"
    assert alone[-1] == TEASERS and ARTICLE[2] not in alone
    res = cleaner.clean(page, format="text", url=TITLE_URL)
    assert res.paragraphs == [TITLE, ARTICLE[2], ARTICLE[3]]
    assert cleaner.clean(res.text, format="text", url=TITLE_URL).text == res.text


def test_the_result_title_is_the_shortest_heading_line_the_url_names(cleaner):
    from cleaner.core.article import named_title

    slug = slug_words(TITLE_URL)
    assert named_title([f"Home / News / {TITLE}", TITLE, ARTICLE[2]], slug) == TITLE  # not the breadcrumb
    assert named_title([ARTICLE[2], ARTICLE[3]], slug) is None
    assert named_title([TITLE], ()) is None
    # a site with rules of its own (no title rule here) gets the title its URL names too
    res = cleaner.clean("\n".join([TITLE] + ARTICLE[1:]), format="text", url=TITLE_URL, site="vietnam.vn")
    assert res.site == "vietnam.vn" and res.title == TITLE


def test_a_rule_title_that_is_not_the_one_the_url_names_gives_way(tmp_path):
    from cleaner.api import default_rules_dir

    (tmp_path / "example.org.yaml").write_text("""site: example.org
description: a site whose title rule takes the first line left (as a learned one does)
domains: [example.org]
rules:
- id: first-line-title
  description: Takes the first line as the title and keeps it.
  action: extract
  match:
    regex: ^(?P<title>.+)$
  region:
    head: 1
  keep: true
  examples:
  - input: |
      A title
      A line of text.
    output: |
      A title
      A line of text.
    title: A title
""", encoding="utf-8")
    cleaner = Cleaner.from_rules([default_rules_dir(), tmp_path])
    text = "\n".join(["Bridge repairs start in May"] + ARTICLE)  # a sidebar's headline, then the article
    assert cleaner.clean(text, format="text", site="example.org").title == "Bridge repairs start in May"  # no URL
    assert cleaner.clean(text, format="text", url=TITLE_URL).title == TITLE
    other = "https://example.org/news/2024/03/05/bridge-repairs-start-in-may"  # the rule's line is the title
    assert cleaner.clean(text, format="text", url=other).title == "Bridge repairs start in May"


def test_a_copyright_footer_is_no_article():
    # the page's footer (a copyright line, then a long "best viewed with..." notice) outscores a short article:
    # the article lies above the footer
    article = ["Couple film their trip to the Games",
               "People from all over the world are coming to the city to see the Games this summer, and the "
               "hotels say they are full.",
               "A couple from a small town in the mountains are among the thousands who are making the trip, "
               "with their two children.",
               "They made a home-made film about their preparations for the visit, which their neighbours helped with."]
    footer = ["Privacy", "Help", "Cookies",
              "Example © 2012 Example News is not responsible for the content of external sites. Read more.",
              "This page is best viewed in an up-to-date web browser with style sheets (CSS) enabled. While you "
              "will be able to view the content of this page in your current browser, you will not be able to get "
              "the full visual experience. Please consider upgrading your browser software or enabling style "
              "sheets (CSS) if you are able to do so."]
    lines = MENU + article + ["Play " + m for m in MENU] + footer
    verdicts = find_article(lines)
    assert [line for line, why in zip(lines, verdicts) if why is None] == article


def test_the_lead_under_the_title_the_url_names_is_kept():
    # title, byline, date and first paragraph, then a photo, its caption and a box of links, then the body:
    # the lead goes with the title, what parts it from the body does not
    lead = [TITLE, "By Anna Berg", "Published: March 5, 2024", ARTICLE[2]]
    widget = ["Enlarge This Image", "Photo: Jan Novak / City Press", "More on energy", "• Wind farm plans",
              "• Solar subsidies cut", "• Heat pumps in schools", "• Tidal power trial", "• All energy news"]
    lines = MENU + lead + widget + ARTICLE[3:] + FOOTER
    kept = [line for line, why in zip(lines, find_article(lines, url=TITLE_URL)) if why is None]
    assert kept == lead + ARTICLE[3:]

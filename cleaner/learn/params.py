"""Every tunable of the learner, in one place: `LearnParams` (frozen), `DEFAULT_PARAMS` its defaults.

`learn_site(profile, params=...)` reads nothing else: a benchmark can choose these on some sites and
measure them on others (cross-validation by site). Counts of words are `induce.weight`s (words, or
characters / 6 for text without spaces).
"""
from __future__ import annotations

from dataclasses import dataclass

MIN_PAGES = 3  # a site with fewer pages learns nothing (`learn_site`'s `min_pages`)


@dataclass(frozen=True)
class LearnParams:
    """The learner's thresholds and weights, named for what they mean."""

    # --- chrome: which line templates repeat ---
    chrome_min_share: float = 0.02  # chrome: on at least this share of the site's pages (and `min_pages` pages)
    copy_share: float = 0.7  # pages sharing this share (Jaccard) of their prose lines are copies of one page
    prose_words: int = 12  # a line this long (in words) is prose: chrome only if it lies outside the article
    article_prose_share: float = 0.5  # repeated prose stays where it lies inside the article on this share of pages
    structure_share: float = 0.75  # a list label ("Ingredients:", "Step 1") inside the article before page-specific
    #   lines on this share of its occurrences is article structure, not chrome
    item_lines: int = 2  # ... or with this many list items of its page's own right after it (`Page.is_item`),
    #   which differ from page to page, on that share of its occurrences (a recipe ending with its lists)
    item_max_words: int = 6  # a list item: a line this short ("2 cups flour"), a sentence or a list label
    own_list_lines: int = 25  # ... or with the page's own prose this close after it (the article going on after
    #   its list) on that share of its occurrences
    shared_prose_share: float = 0.8  # prose on this share of sampled pages is shared: copies are judged without it
    title_window: int = 3  # headline-size lines above the article (short chrome passed over): title, byline, date
    headline_words: int = 4  # a line this long (in words) seen in an article or its heading is never a global drop
    title_skip_lines: int = 2  # a headline above the article whose nearest line, past this many short chrome
    #   lines (a date, a count), is page-specific is that page's own title (bound to an article)
    within_line_words: int = 5  # a chrome line this long (in words) that stands between two of the page's own
    #   lines inside the article on `article_prose_share` of its occurrences is no global drop (an in-article
    #   link the hand marks keep); shorter ones are labels, share bars, buttons ("Show full PR text")
    own_page_share: float = 0.5  # ... where it lies there on fewer than this share of its pages (a site's tagline
    #   above every article is chrome; a headline is the title of one page, a sidebar item on the others)
    # --- the article on each sampled page ---
    short_line_cost: float = 9.0  # subtracted from every page-specific line: short lines (menus) score < 0
    chrome_line_cost: float = 20.0  # a chrome line weighs at least this against the article
    listing_words: int = 30  # a page-specific line this long that is no prose (a flattened list) weighs against
    #   the article like a chrome line: few function words (the one-page finder's prose test) ...
    listing_lower_share: float = 0.3  # ... or fewer than this share of its cased words in lower case ("Archive
    #   October 2012 (8) September 2012 (13)", "Adam DuVander Adam Messinger")
    first_run_share: float = 0.3  # the article is the first run scoring this share of the best one
    gap_lines: int = 6  # an insert this short between two heavy runs leaves them one article
    gallery_lines: int = 15  # so does a list (a gallery) this short before text half as heavy as the article
    list_shape_chars: int = 10  # list item headers: short lines whose last characters repeat on the page ...
    list_shape_repeats: int = 3  # ... this many times (and chrome repeated this often on a page ends a run)
    lead_lines: int = 6  # prose this close above the article is its lead
    landmark_gap_lines: int = 6  # a chrome line this close after the article on most other pages it is on
    #   ends it on this one too: an article found below or across it, a list below it (comments outweighing
    #   a short article), is found again above it
    heading_lines: int = 2  # short lines just above the article count as its heading (a cut must not take them)
    # --- cut-head / cut-tail markers ---
    marker_consistency: float = 0.75  # a marker lies on the same side of the article on this share of its pages
    marker_cost: float = 8.0  # a marker's article words lost weigh this many times the other words it removes
    marker_min_gain: float = 2.0  # a cut is learned where its gain is this many times its weighted cost
    marker_min_words: int = 2  # a marker has this many words (a single common word may be anywhere) ...
    single_word_marker_share: float = 0.5  # ... unless it is on this share of the pages, always on its side
    tail_guard_chars: int = 600  # a marker that is also above the article (a share bar at both ends) cuts the
    #   tail where this many more characters of article-sized lines lie before it than before any of its lines
    #   above an article on the sampled pages (`cut-tail` guard `min_chars_before`)
    head_guard_chars: int = 80  # a cut-head cuts only where at most this many more characters of article-sized
    #   lines lie above its marker than on any sampled page it cuts (`cut-head` guard `max_chars_before`): on a
    #   page of another kind, where the marker lies below the article, it cuts nothing
    # --- labels, blocks, metadata ---
    label_consistency: float = 0.9  # a label line lies outside the article on this share of its occurrences
    label_max_words: int = 3  # a label ("Tag:", "Source:") has at most this many words
    block_max_followers: int = 8  # lines of an insert block after its label
    block_headline_words: int = 18  # a block's lines (headlines) are shorter than this
    block_end_share: float = 0.6  # a block's lines end alike where this share of them ends in the same character
    title_share: float = 0.6  # the first line is a title on this share of sampled pages (it stays in the text)
    date_line_share: float = 0.3  # a date line is on at least this share of the site's pages
    date_line_chars: int = 120  # and at most this long
    date_agree_share: float = 0.5  # dates with month names on this share of a date line's pages agree with one
    #   day/month order, and on none with the other (a date elsewhere on a page matches one reading by chance)
    signature_share: float = 0.8  # a signature line is on at least this share of the site's pages
    # --- the article finder ---
    article_finder: bool = True  # the learned file runs the article finder (core/article.py) after its rules:
    #   it drops the comment threads and what lies after the article (a sidebar) that they leave
    # --- verification ---
    rule_loss_bound: float = 0.02  # a rule removing more than this share of the sample's article words is left out
    #   (0.05 before: the folds score 0.01 to 0.1 within 0.001 of F1; 0.02 loses fewer article words)
    verify_pages: int = 40  # sampled pages cleaned with the whole file to measure each rule's article loss
    example_line_chars: int = 300  # an example's article line is shorter than this where one exists
    example_tries: int = 20  # article lines tried for one the whole file keeps, for the examples
    weak_kept_share: float = 0.05  # learning is weak where the learned file keeps less than this of a page ...
    weak_loss_share: float = 0.005  # ... or loses more than this share of the sample's article words
    # --- size limits of a learned file ---
    max_list: int = 400  # literal/regex entries per rule
    max_rule_line: int = 2000  # longest line a rule spells out; a longer one (a page flattened to a line) is
    giant_prefix_chars: int = 120  # ... matched by its first this many characters (and an example shows those),
    giant_slack_chars: int = 200  # ... and at most this much longer than the longest seen (a page flattened whole,
    #   its article in the same line, is longer)


DEFAULT_PARAMS = LearnParams()

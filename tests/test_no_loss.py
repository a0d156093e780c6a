"""Clean text in, nothing lost: articles without portal chrome keep >= 99.8% of their words."""
import json
from collections import Counter

import pytest
import regex

from cleaner.testing import discover
from conftest import FIXTURES, ROOT

_WORDS = regex.compile(r"\w+")
# generic/chrome-*: articles wrapped in portal chrome (the generic rules' own fixtures), not clean text
_CLEAN = [c for c in discover(FIXTURES, "generic") if not c.name.startswith("chrome-")]


def test_clean_articles_keep_their_words(cleaner):
    total = kept = 0
    for case in _CLEAN:
        text = case.input_path.read_text(encoding="utf-8")
        words_in = _WORDS.findall(text)
        words_out = set(_WORDS.findall(cleaner.clean(text).text))
        total += len(words_in)
        kept += sum(1 for w in words_in if w in words_out)
    assert total > 1000
    assert kept / total >= 0.998, f"kept {kept}/{total} words"


def test_clean_articles_under_site_rules_keep_their_words(cleaner):
    """Even with vietnam.vn's rules forced on, clean articles lose nothing."""
    for case in _CLEAN:
        text = case.input_path.read_text(encoding="utf-8")
        out = cleaner.clean(text, site="vietnam.vn").text
        words_in, words_out = _WORDS.findall(text), set(_WORDS.findall(out))
        lost = [w for w in words_in if w not in words_out]
        assert len(lost) <= len(words_in) * 0.002, (case.id, lost[:20])


_HTML_DEV = ROOT.parent / "shared" / "html-dev" / "ground-truth.json"


@pytest.mark.skipif(not _HTML_DEV.is_file(), reason="../shared/html-dev not present")
def test_real_article_bodies_keep_their_words(cleaner):
    """The hand-checked bodies of 60 real pages, cleaned as text, lose < 0.2 % of their words."""
    gold = json.loads(_HTML_DEV.read_text(encoding="utf-8"))
    total = lost = 0
    for page in gold.values():
        body = page["articleBody"]
        words_in = Counter(_WORDS.findall(body.lower()))
        words_out = Counter(_WORDS.findall(cleaner.clean(body, format="text").text.lower()))
        total += sum(words_in.values())
        lost += sum((words_in - words_out).values())
    assert len(gold) >= 60 and total > 10000
    assert lost / total < 0.002, f"lost {lost}/{total} words"

"""The screen of a site's plan merges the site's rules into the memoised part of the generic rules; it
must be exactly the screen built over the whole list at once."""
from cleaner.core import screen
from conftest import FIXTURES


def _tries(by_char: dict) -> dict:
    return {c: [(p, trie.pattern) for p, trie in v] for c, v in by_char.items()}


def _first_keys(keys):
    return None if keys is None else ({c: t.pattern for c, t in keys[0].items()}, keys[1])


def test_site_screen_equals_the_screen_built_at_once(cleaner):
    site = cleaner.index.rulesets[0]
    lines = [line for p in sorted(FIXTURES.glob("*/*/input.txt"))[:40]
             for line in p.read_text(encoding="utf-8").splitlines()]
    lists = [(*site.rules, *cleaner.generic.rules), cleaner.generic.rules,
             *((*layout.rules, *site.rules, *cleaner.generic.rules) for layout in site.layouts)]
    for rules in lists:
        merged, whole = screen.Screen(rules), screen._Part(rules, 0)
        assert merged.words == whole.words and merged.short == whole.short
        assert merged.needles == whole.needles and merged.bare == whole.bare and merged.plans == whole.plans
        assert _tries(merged.firsts) == _tries(whole.firsts) and _tries(merged.lasts) == _tries(whole.lasts)
        assert _first_keys(merged.first_keys) == _first_keys(whole.first_keys)
        assert getattr(merged.last_keys, "pattern", None) == getattr(whole.last_keys, "pattern", None)
        reference = screen.Screen.__new__(screen.Screen)  # the part's fields, as one screen
        for name in screen.Screen.__slots__:
            setattr(reference, name, rules if name == "rules" else getattr(whole, name))
        for k in range(0, len(lines), 50):
            assert merged.candidates(lines[k:k + 50]) == reference.candidates(lines[k:k + 50])

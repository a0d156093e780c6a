"""A second pass runs exactly when it could change something: the shortcut must never skip one that would.

Each case builds a document where the first pass leaves work for a second one; the output must be what
a fresh cleaning of it gives (idempotence), and the untouched case must not need a second pass.
"""
import copy
import pickle

import pytest


RULES = r"""
site: example.net
description: Rules whose effect on a line depends on other lines.
domains: [example.net]
rules:
  - id: kicker
    description: Drops a "Target" kicker, but only among the first two lines.
    action: drop
    match: {literal: [Target]}
    region: {head: 2}
    example: {input: "Target\nBody.\n", output: "Body.\n"}
  - id: chrome
    description: Drops chrome lines anywhere.
    action: drop
    match: {literal: [Chrome]}
    example: {input: "Chrome\nBody.\n", output: "Body.\n"}
  - id: footer
    description: Cuts from the footer unless a long line follows.
    action: cut-tail
    match: {literal: [Footer]}
    guard: {max_line_chars: 40}
    example: {input: "Body.\nFooter\nLinks\n", output: "Body.\n"}
  - id: print-head
    description: Cuts up to "Print" unless article text lies above it.
    action: cut-head
    match: {literal: [Print]}
    guard: {max_chars_before: 40}
    example: {input: "Menu\nPrint\nBody.\n", output: "Body.\n"}
  - id: long-ad
    description: Drops a long advertisement line (after the footer rule has looked).
    action: drop
    match: {regex: '^AD: '}
    example: {input: "AD: buy now\nBody.\n", output: "Body.\n"}
  - id: unwrap
    description: Removes "[wrapped]" marks, which can leave a line that earlier rules drop.
    action: rewrite
    match: {regex: '\s*\[wrapped\]'}
    replace: ''
    example: {input: "Body [wrapped] text.\n", output: "Body text.\n"}
"""


@pytest.fixture(scope="module")
def cleaner(cleaner_for):
    return cleaner_for("example.net", RULES)


CASES = {
    # chrome goes after the kicker rule looked at the first two lines: "Target" moves into its region
    "region-shift": ("Chrome\nChrome\nTarget\nBody of the article.", "Body of the article."),
    # the guard kept the footer because of the long ad line, which a later rule removes
    "guard": ("Body of the article.\nFooter\nAD: " + "x" * 60 + "\nLinks", "Body of the article."),
    # the head guard kept "Print" because of the long ad line above it, which a later rule removes
    "head-guard": ("AD: " + "x" * 90 + "\nPrint\nBody of the article.", "Body of the article."),
    # the rewrite leaves "Chrome", which the earlier chrome rule drops on a fresh cleaning
    "rewrite": ("Body of the article.\nChrome [wrapped]", "Body of the article."),
    # finishing strips the table pipes, which leaves "Chrome"
    "finish": ("Body of the article.\n| Chrome |", "Body of the article."),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_second_pass_runs_where_it_changes_something(cleaner, name):
    text, expected = CASES[name]
    res = cleaner.clean(text, url="https://example.net/a")
    assert res.text == expected
    assert cleaner.clean(res.text, url="https://example.net/a").text == res.text


@pytest.mark.parametrize("copy", [False, True], ids=["cleaner", "unpickled"])
def test_no_second_pass_where_nothing_can_change(cleaner, monkeypatch, copy):
    if copy:  # the shortcut keys its records by rule identity, which a worker's copy must keep
        cleaner = pickle.loads(pickle.dumps(cleaner))
    import cleaner.core.accelerator as core

    calls = []
    original = core.settle
    monkeypatch.setattr(core, "settle", lambda *a, **k: calls.append(1) or original(*a, **k))
    res = cleaner.clean("Target\nChrome\nBody of the article.\n| A table cell of the article. |",
                        url="https://example.net/a")
    assert res.text == "Body of the article.\n\nA table cell of the article."
    assert calls == []


def test_no_second_pass_where_a_guard_still_keeps_its_marker(cleaner, monkeypatch):
    """The footer's guard kept it because of a long line after it, which stays: a fresh cleaning keeps the
    footer again, so the proof needs no second pass (it tests the guard among the body's lines)."""
    import cleaner.core.accelerator as core

    calls = []
    original = core.settle
    monkeypatch.setattr(core, "settle", lambda *a, **k: calls.append(1) or original(*a, **k))
    text = "Chrome\nBody of the article.\nFooter\nA long line of the article that goes on after the footer.\nLinks"
    res = cleaner.clean(text, url="https://example.net/a")
    assert res.text == "Body of the article.\n\nFooter\n\nA long line of the article that goes on after the footer." \
        "\n\nLinks"
    assert calls == []
    assert cleaner.clean(res.text, url="https://example.net/a").text == res.text
    reference = copy.copy(cleaner)
    reference.accelerate = False  # the reference engine: rules, then settle until nothing changes
    assert reference.clean(text, url="https://example.net/a").text == res.text

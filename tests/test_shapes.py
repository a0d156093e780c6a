"""Line shapes: learned whole-line regexes matched by their keys, exactly as the regex would match."""
from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import regex
from cleaner.learn.rules import _shape
from cleaner.ruleset.loader import load_data
from cleaner.ruleset.shapes import CASE_TWINS, LazyPattern, is_line_shape, line_shape

PIECES = ["a", "B", "z", "0", "12", " ", "-", ".", "(", ")", "|", "é", "*", "\\", "$", "^", "[", "9", "\n", "İ",
          "ı", "ſ", "\u212a", "k", "S", "I", "i", "’", "ß", "Ω"]


def line_regex(lines: list[str], ignorecase: bool) -> str:
    """A drop rule's shape as `cleaner learn` writes it (`learned-shapes-*`): lines with digits as runs."""
    body = "|".join(_shape(line) for line in lines)
    return f"^(?i:{body})$" if ignorecase else f"^{body}$" if len(lines) == 1 else f"^(?:{body})$"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=8).map("".join), min_size=1, max_size=3),
       st.booleans(), st.lists(st.sampled_from(PIECES + ["7", "345"]), max_size=8).map("".join),
       st.sampled_from(["same", "upper", "lower", "digits", "other"]))
def test_a_shape_matches_exactly_where_its_regex_matches(lines, ignorecase, other, how):
    source = line_regex(lines, ignorecase)
    shape = line_shape(source)
    pattern = regex.compile(source)
    base = lines[0]
    probe = {"same": base, "upper": base.upper(), "lower": base.lower(), "other": other,
             "digits": regex.sub("[0-9]+", "4096", base)}[how]
    for candidate in (probe, base, other, probe + "\n"):
        expected = bool(pattern.match(candidate))
        if shape is None:
            assert not is_line_shape(source) or ignorecase or any(c in "0123456789" for c in "".join(lines))
            continue
        assert bool(shape.match(candidate)) == expected, (source, candidate)


def test_which_regexes_are_shapes():
    assert line_shape(r"^(?i:Comments \([0-9]+\)|Story [0-9]+ of X)$").keys == {"comments (0)", "story 0 of x"}
    assert line_shape(r"^Copyright [0-9]+ X$").keys == {"Copyright 0 X"}
    assert line_shape(r"^(?:a\|b|c)$").keys == {"a|b", "c"}
    for not_a_shape in (r"Vietnam\.vn", r"^a|b$", r"^a.b$", r"^(?i:a)(?i:b)$", r"^Top 10$", r"^a[0-9]+[0-9]+b$",
                        r"^(?i:café)$", r"^a\d$", r"^(?s:a)$"):
        assert line_shape(not_a_shape) is None, not_a_shape
    assert is_line_shape(r"^Top 10$") and not is_line_shape(r"^a.b$")


def test_only_the_case_twins_match_an_ascii_character_case_insensitively():
    """CASE_TWINS is every non-ASCII character the `regex` module matches to an ASCII one under (?i)."""
    ascii_class = regex.compile(r"(?i)[\x00-\x7f]")
    found = {chr(cp) for cp in range(0x80, 0x110000) if not 0xD800 <= cp < 0xE000 and ascii_class.fullmatch(chr(cp))}
    assert found == CASE_TWINS


def test_a_shape_rule_is_never_compiled_unless_asked():
    rs = load_data({"site": "x.example", "description": "d", "signatures": [{"description": "d", "regex": "^Copyright [0-9]+ X$"}],
                    "rules": [{"id": "footer", "description": "d", "action": "drop",
                               "match": {"regex": r"^(?i:Comments \([0-9]+\))$"},
                               "example": {"input": "A.\nComments (3)\n", "output": "A.\n"}}]})
    m = rs.rules[0].match
    assert isinstance(m.pattern, LazyPattern) and m.pattern._compiled is None
    assert m.match("COMMENTS (12)", None) and not m.match("Comments 12", None)
    assert m.pattern._compiled is None and rs.signatures[0].pattern._compiled is None
    assert rs.signatures[0].search("a\nCopyright 2026 X\nb", None)  # compiled now, on first use
    again = pickle.loads(pickle.dumps(rs))
    assert again.rules[0].match.match("comments (0)", None) and again.signatures[0].pattern == rs.signatures[0].pattern


@pytest.mark.parametrize("line", ["ſtory 5", "STORY 5\n", "İ"])
def test_lines_only_the_regex_can_judge_go_to_it(line):
    shape = line_shape(r"^(?i:story [0-9]+|i)$")
    assert bool(shape.match(line)) == bool(regex.match(shape.source, line))

"""Rule files: invalid ones fail at load with one line naming file, rule id, key, value and what is allowed."""
import textwrap

import pytest

from cleaner import Cleaner, RuleError, RuleTimeout

GOOD_RULE = """
  - id: comment-counter
    description: Cuts from the comment counter.
    action: cut-tail
    match: {regex: '^Comment \\(\\d+\\)$'}
    example: {input: "Text.\\nComment (0)\\n", output: "Text.\\n"}
"""


def write(tmp_path, body: str, name: str = "example.com.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return tmp_path


def site_file(rules: str = GOOD_RULE, extra: str = "") -> str:
    return f"site: example.com\ndescription: Test site.\ndomains: [example.com]\n{extra}rules:{rules}"


def test_good_file_loads(tmp_path):
    cl = Cleaner.from_rules(write(tmp_path, site_file()))
    assert cl.sites == ["example.com"]
    assert cl.clean("Text.\nComment (3)\nRelated", url="https://www.example.com/a").text == "Text."


@pytest.mark.parametrize("body,expected", [
    (site_file(GOOD_RULE.replace("action: cut-tail", "action: cut-tail\n    colour: red")),
     "rule 'comment-counter': unknown key 'colour'; allowed: action, date_order, description"),
    (site_file(GOOD_RULE.replace("cut-tail", "cut-tails")),
     "rule 'comment-counter': key 'action': bad value 'cut-tails'; allowed: drop, drop-block, cut-tail"),
    (site_file(GOOD_RULE.replace("'^Comment \\(\\d+\\)$'", "'^Comment ((\\d+$'")),
     "rule 'comment-counter': key 'match.regex': bad regex"),
    (site_file(GOOD_RULE.replace("    example: {input: \"Text.\\nComment (0)\\n\", output: \"Text.\\n\"}\n", "")),
     "rule 'comment-counter': missing required key: 'example'"),
    (site_file(GOOD_RULE.replace("'^Comment \\(\\d+\\)$'", "'^{{comments}} \\(\\d+\\)$'")),
     "rule 'comment-counter': key 'match.regex': unknown word list 'comments'"),
    (site_file(GOOD_RULE + GOOD_RULE), "rule 'comment-counter': key 'id': duplicate"),
    (site_file(GOOD_RULE.replace("match: {regex", "requires: [title]\n    match: {regex")),
     "rule 'comment-counter': key 'requires'"),
    (site_file(GOOD_RULE.replace("cut-tail", "extract")),
     "rule 'comment-counter': key 'match.regex': named groups"),
    (site_file(GOOD_RULE.replace("match: {regex: '^Comment \\(\\d+\\)$'}", "match: {}")),
     "key 'match': needs one of: regex, literal, words"),
    (site_file(GOOD_RULE.replace("action: cut-tail", "action: cut-tail\n    followers: {max_lines: 2}")),
     "key 'followers' is only allowed with action drop-block"),
    (site_file().replace("domains: [example.com]", "domains: [co.uk]"), "a public suffix"),
    (site_file().replace("site: example.com", "site: other.com"), "must be named after its site"),
    (site_file() + "\nsite: again.com\n", "duplicate key 'site'"),
    ("site: [unclosed\n", "invalid YAML at line"),
    (site_file().replace("rules:", "include: [_missing]\nrules:"), "key 'include': bad value '_missing'"),
    (site_file().replace("rules:", "html: {body: ['div[']}\nrules:"), "key 'html.body': bad CSS selector 'div['"),
])
def test_invalid_rule_file_is_one_clear_line(tmp_path, body, expected):
    path = write(tmp_path, body)
    with pytest.raises(RuleError) as info:
        Cleaner.from_rules(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(tmp_path / "example.com.yaml") in message
    assert expected in message


def test_catastrophic_regex_is_bounded_and_names_the_rule(tmp_path):
    rule = GOOD_RULE.replace("'^Comment \\(\\d+\\)$'", "'^(a|aa)+$'").replace("cut-tail", "drop")
    cl = Cleaner.from_rules(write(tmp_path, site_file(rule)), regex_timeout=0.2)
    with pytest.raises(RuleTimeout) as info:
        cl.clean("a" * 40 + "!", url="http://example.com")
    assert "comment-counter" in str(info.value) and "line 1" in str(info.value)


def test_word_lists_and_includes(tmp_path):
    write(tmp_path, "wordlists:\n  comment: [Comment, Kommentar]\n", "_labels.yaml")
    rule = GOOD_RULE.replace("'^Comment \\(\\d+\\)$'", "'^(?:{{comment}}) \\(\\d+\\)$'")
    cl = Cleaner.from_rules(write(tmp_path, site_file(rule, "include: [_labels]\n")))
    assert cl.clean("Text.\nKommentar (2)\nMore", site="example.com").text == "Text."


def test_shipped_rules_load_and_every_site_has_a_domain():
    cl = Cleaner.from_rules()
    assert "vietnam.vn" in cl.sites
    assert all(rs.domains for rs in cl.index.rulesets)

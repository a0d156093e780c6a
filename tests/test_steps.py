"""The small text->text steps: repair (before rules) and normalisers, as data."""
import pytest

from cleaner.core import normalize, repair

CASES = [
    # (step function, input, expected)
    (repair.strip_bom, "\ufeffText", "Text"),
    (repair.normalize_newlines, "a\r\nb\rc\u2028d", "a\nb\nc\nd"),
    (repair.fix_mojibake, "Viá»‡t Nam", "Việt Nam"),
    (repair.fix_mojibake, "Ð¡Ð¾Ð²ÐµÑ‚", "Совет"),
    (repair.fix_mojibake, "æ—¥æœ¬èªž", "日本語"),
    (repair.fix_mojibake, "„Zitat“ – „quote“ ＡＢＣ１２３ 「かぎ」、。", "„Zitat“ – „quote“ ＡＢＣ１２３ 「かぎ」、。"),
    (repair.unescape_entities, "AT&amp;T &lt;b&gt; &#x1F600;", "AT&T <b> 😀"),
    (repair.unescape_entities, "double &amp;amp; escaped", "double & escaped"),
    (repair.normalize_spaces, "a\u00a0b\u2009c\td", "a b c d"),
    (repair.normalize_spaces, "全角\u3000スペース", "全角\u3000スペース"),
    (repair.remove_invisibles, "zero\u200bwidth soft\u00adhyphen ctl\x07", "zerowidth softhyphen ctl"),
    (repair.remove_invisibles, "می\u200cخواهم", "می\u200cخواهم"),  # ZWNJ inside a Persian word stays
    (normalize.strip_table_pipes, "Caption text. |", "Caption text."),
    (normalize.strip_table_pipes, "Caption text. | ||", "Caption text."),
    (normalize.strip_table_pipes, "| Wrapped cell |", "Wrapped cell"),
    (normalize.strip_table_pipes, "|", ""),
    (normalize.strip_table_pipes, "a | b inside", "a | b inside"),
    (normalize.strip_section_marker, "*Zuvor hatten", "Zuvor hatten"),
    (normalize.strip_section_marker, "**bold**", "**bold**"),
    (normalize.strip_section_marker, "* list item", "* list item"),
    (normalize.fix_space_before_punct, "Lacroix , Jean . End .", "Lacroix, Jean. End."),
    (normalize.fix_space_before_punct, "version .NET and 3 .5", "version .NET and 3 .5"),
    (normalize.fix_space_after_cjk_punct, "国土安全保障省、 外交保安局。 次", "国土安全保障省、外交保安局。次"),
    (normalize.fix_space_after_cjk_punct, "東京、 Tokyo", "東京、 Tokyo"),
    (normalize.collapse_spaces, "  a   b  ", "a b"),
]


@pytest.mark.parametrize("fn,text,expected", CASES, ids=[f"{fn.__name__}-{i}" for i, (fn, *_) in enumerate(CASES)])
def test_step(fn, text, expected):
    assert fn(text) == expected
    assert fn(expected) == expected  # every step is idempotent


def test_steps_are_guarded_so_clean_text_is_untouched():
    trace = []
    lines = repair.repair_text("Plain ASCII line.\nAnother one.", trace)
    assert lines == ["Plain ASCII line.", "Another one."] and trace == []


def test_repair_traces_each_change_with_its_line():
    trace = []
    repair.repair_text("ok\nVi\u00e1\u00bb\u2021t&amp;", trace)
    assert [(t.rule, t.line) for t in trace] == [("fix-mojibake", 2), ("decode-entities", 2)]


@pytest.mark.parametrize("line", [
    "Hanojská úmluva: Ministerstvo veřejné bezpečnosti",
    "Nền tảng quảng bá Việt Nam — “trích dẫn”",
    "日本の半導体人材、ベトナムで育成。",
])
def test_mojibake_fast_path_agrees_with_ftfy(line):
    from cleaner.core.repair import _FTFY_CONFIG, decode_whole_line, fix_mojibake

    import ftfy

    broken = line.encode("utf-8").decode("sloppy-windows-1252")
    assert decode_whole_line(broken) == line
    assert fix_mojibake(broken) == line == ftfy.fix_text(broken, _FTFY_CONFIG)


def test_mixed_mojibake_falls_back_to_ftfy():
    from cleaner.core.repair import decode_whole_line, fix_mojibake

    mixed = "Việt Nam: HanojskÃ¡ Ãºmluva"  # legitimate text beside mojibake: no whole-line round trip
    assert decode_whole_line(mixed) is None
    assert fix_mojibake(mixed) == "Việt Nam: Hanojská úmluva"


def test_lossy_mojibake_keeps_one_replacement_character_per_lost_character():
    from cleaner.core.repair import fix_mojibake

    # cp1252 decoded with errors="replace": bytes cp1252 lacks are lost (0x81 of "Á", 0x8D of "Í" and "č")
    broken = "Vietnam: Hanojská úmluva Á Í žluťoučký".encode("utf-8").decode("cp1252", errors="replace")
    assert "\ufffd" in broken
    fixed = fix_mojibake(broken)
    assert fixed == "Vietnam: Hanojská úmluva \ufffd \ufffd žluťou\ufffdký"
    assert fix_mojibake(fixed) == fixed

"""The one decoder (`cleaner.decode`): BOM, declared charset, UTF-8, UTF-16, detector — for text, HTML and
`Cleaner.clean`; lone surrogates; bad argument types; a fuzz run over all of them."""
from __future__ import annotations

import codecs
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.decode import decode_bytes, replace_surrogates
from cleaner.html import decode_html

# Real sentences, a dozen per legacy encoding the web still serves (issue 10, item 6): each must come
# back exactly from its bytes alone, with no declaration. "latin-1" samples have no cp1252-only bytes.
SAMPLES = {
    "cp1252": [
        ("fr", "L’été dernier, nous avons visité le marché couvert de Lyon ; les prix étaient «très» élevés."),
        ("fr", "Le maire a annoncé qu’une nouvelle bibliothèque ouvrira ses portes à la rentrée – enfin !"),
        ("es", "El Ayuntamiento aprobó ayer el presupuesto: “una inversión histórica”, según la alcaldesa."),
        ("es", "¿Dónde está la estación? Los niños esperan el tren de las ocho con sus mochilas."),
        ("de", "Die Straßenbahn fährt künftig auch am Wochenende – das freut die Pendler in München."),
        ("de", "„Wir müssen schneller handeln“, sagte die Ministerin bei der Pressekonferenz in Köln."),
        ("pt", "A região enfrentou a pior seca em décadas; os agricultores pedem ajuda ao governo…"),
        ("it", "L’università ha inaugurato un nuovo laboratorio: è costato 2 milioni di €."),
        ("nl", "De gemeente investeert € 3 miljoen in fietspaden en een nieuw café aan het plein."),
        ("sv", "Företaget öppnar en ny fabrik i Göteborg och anställer tvåhundra personer nästa år."),
        ("da", "Børnene går i skole på cykel, og forældrene håber på flere sikre veje i år."),
        ("en", "The café’s owner said “we’re proud” of the award — the third one this decade."),
    ],
    "latin-1": [
        ("fr", "Il était très fatigué après le voyage à Paris, mais il a continué à travailler."),
        ("fr", "La forêt est magnifique en automne ; les enfants ramassent des châtaignes près du château."),
        ("fr", "Après la réunion, le député a déclaré que la réforme serait votée en décembre."),
        ("fr", "Ce naïf garçon croyait que le Père Noël apportait des cadeaux à tout le monde."),
        ("es", "El señor García compró un coche pequeño y viajó con su familia a Andalucía."),
        ("es", "La campaña de vacunación comenzó en enero y ya alcanzó a la mitad de la población."),
        ("de", "Der Bürgermeister eröffnete gestern die neue Brücke über den Fluss in Düsseldorf."),
        ("de", "Im Frühling blühen die Gärten, und die Bäckerei verkauft frische Brötchen."),
        ("pt", "O município inaugurou uma escola técnica com capacidade para mil alunos em São Paulo."),
        ("it", "Il comune ha deciso di chiudere il centro storico al traffico più volte la settimana."),
        ("is", "Ríkisstjórnin kynnti í dag nýja áætlun um húsnæðismál fyrir ungt fólk á Íslandi."),
        ("ca", "La població de la ciutat ha crescut molt durant els darrers anys, segons l'informe."),
    ],
    "cp1250": [
        ("cs", "Příliš žluťoučký kůň úpěl ďábelské ódy a vesnice se probudila do mrazivého rána."),
        ("cs", "Ministerstvo dopravy oznámilo, že nová tramvajová trať bude hotová do konce příštího roku."),
        ("cs", "Město Brno otevřelo novou knihovnu, kde si děti mohou půjčit knihy zdarma."),
        ("pl", "Zażółć gęślą jaźń, powiedział nauczyciel i uśmiechnął się do swoich uczniów."),
        ("pl", "Rząd przyjął nowy budżet, który przewiduje większe wydatki na szpitale i szkoły."),
        ("pl", "Wczoraj w Krakowie odbył się koncert muzyki klasycznej, na który przyszło tysiące osób."),
        ("sk", "Na Slovensku sa dnes začína zber úrody a poľnohospodári očakávajú dobrú sezónu."),
        ("hu", "A főváros új hidat épít a Dunán, amely a tervek szerint két év múlva készül el."),
        ("hu", "Árvíztűrő tükörfúrógép: a mérnökök szerint a gép hamarosan működni fog."),
        ("hr", "Vlada je najavila da će se plaće u javnom sektoru povećati od siječnja iduće godine."),
        ("sl", "Učenci so v šoli pripravili razstavo o zgodovini mesta in povabili starše."),
        ("ro", "Primăria a anunţat că lucrările la pod vor începe în primăvară."),
    ],
    "cp1251": [
        ("ru", "Вчера в Москве прошёл большой фестиваль, на который пришли тысячи горожан."),
        ("ru", "Правительство утвердило новую программу поддержки молодых семей на пять лет."),
        ("ru", "Съешь же ещё этих мягких французских булок, да выпей чаю."),
        ("ru", "Учёные обнаружили в Сибири новый вид растений, который цветёт только зимой."),
        ("uk", "Уряд України ухвалив рішення про будівництво нової лікарні у Львові."),
        ("uk", "Діти повернулися до школи після довгих канікул і зустрілися з друзями."),
        ("bg", "Общината обяви, че ремонтът на централния площад ще приключи през лятото."),
        ("bg", "Българските учени представиха нов проект за опазване на природата в планините."),
        ("sr", "Влада Србије најавила је изградњу новог аутопута до краја следеће године."),
        ("be", "Беларускія навукоўцы правялі даследаванне рэк і азёр краіны."),
        ("mk", "Градот Скопје ќе добие нов парк со детски игралишта и велосипедски патеки."),
        ("ru", "«Мы рады, что проект завершён в срок», — сказал директор компании."),
    ],
    "shift_jis": [
        ("ja", "昨日、東京で大きな祭りが開かれ、多くの人が集まりました。"),
        ("ja", "政府は新しい経済対策を発表し、来年から実施する予定です。"),
        ("ja", "この町の商店街では、無料のインターネット接続が利用できるようになりました。"),
        ("ja", "科学者たちは、北海道で珍しい鳥を発見したと発表した。"),
        ("ja", "図書館は月曜日から金曜日まで、午前九時から午後八時まで開いています。"),
        ("ja", "台風の影響で、新幹線は一部の区間で運転を見合わせています。"),
        ("ja", "子どもたちは夏休みに祖父母の家で過ごすのを楽しみにしている。"),
        ("ja", "市は来月から、ごみの分別方法を変更すると発表しました。"),
        ("ja", "彼女は大学で日本の歴史を研究しており、来年留学する予定だ。"),
        ("ja", "駅前に新しい病院が完成し、地域の住民から喜びの声が上がった。"),
        ("ja", "今年の桜は例年より早く咲き、公園は花見客でにぎわった。"),
        ("ja", "この会社は環境に優しい製品の開発に力を入れている。"),
    ],
    "gb18030": [
        ("zh", "昨天，北京举行了一场盛大的文化节，吸引了成千上万的市民参加。"),
        ("zh", "政府宣布将在明年投资建设新的高速铁路，连接主要城市。"),
        ("zh", "社区食堂为老年人提供价格实惠、营养均衡的午餐。"),
        ("zh", "科学家们在南方的森林里发现了一种新的植物。"),
        ("zh", "学校图书馆从下周一开始延长开放时间，方便学生学习。"),
        ("zh", "受台风影响，部分航班被取消，旅客需要改签。"),
        ("zh", "这家公司致力于开发环保产品，受到消费者的欢迎。"),
        ("zh", "今年春天，公园里的樱花比往年开得更早。"),
        ("zh", "市政府决定从下个月起实行新的垃圾分类办法。"),
        ("zh", "孩子们在暑假期间参加了各种有趣的夏令营活动。"),
        ("zh", "医院新建的门诊大楼已经正式投入使用。"),
        ("zh", "专家表示，经济将在明年下半年逐步恢复增长。"),
    ],
    "euc-kr": [
        ("ko", "어제 서울에서 큰 축제가 열려 많은 시민들이 참여했습니다."),
        ("ko", "정부는 내년부터 새로운 경제 정책을 시행할 예정이라고 밝혔다."),
        ("ko", "한강 공원에 새로운 자전거 도로가 만들어졌습니다."),
        ("ko", "과학자들은 제주도에서 희귀한 새를 발견했다고 발표했다."),
        ("ko", "도서관은 월요일부터 금요일까지 오전 아홉 시부터 문을 엽니다."),
        ("ko", "태풍의 영향으로 일부 항공편이 취소되었습니다."),
        ("ko", "아이들은 여름 방학에 할머니 댁에 가는 것을 기다리고 있다."),
        ("ko", "시는 다음 달부터 쓰레기 분리수거 방법을 바꾼다고 발표했다."),
        ("ko", "그녀는 대학에서 한국 역사를 공부하고 있으며 내년에 유학을 갈 예정이다."),
        ("ko", "역 앞에 새 병원이 문을 열어 주민들이 기뻐하고 있다."),
        ("ko", "올해 벚꽃은 예년보다 일찍 피어 공원이 사람들로 붐볐다."),
        ("ko", "이 회사는 환경 친화적인 제품 개발에 힘쓰고 있다."),
    ],
    "koi8-r": [
        ("ru", "Вчера в Москве прошёл большой фестиваль, на который пришли тысячи горожан."),
        ("ru", "Правительство утвердило новую программу поддержки молодых семей на пять лет."),
        ("ru", "Съешь же ещё этих мягких французских булок, да выпей чаю."),
        ("ru", "Учёные обнаружили в Сибири новый вид растений, который цветёт только зимой."),
        ("ru", "Городская библиотека теперь работает по выходным до восьми часов вечера."),
        ("ru", "Из-за сильного снегопада в аэропорту задержали несколько рейсов."),
        ("ru", "Дети с нетерпением ждут летних каникул, чтобы поехать к бабушке в деревню."),
        ("ru", "Новый мост через реку откроют для движения уже в следующем месяце."),
        ("ru", "Врачи советуют больше гулять на свежем воздухе и пить достаточно воды."),
        ("ru", "Местные жители собрали деньги на ремонт старой церкви."),
        ("ru", "Зимой в Петербурге рано темнеет, но город очень красив в огнях."),
        ("ru", "Студенты университета выиграли международную олимпиаду по программированию."),
    ],
}


@pytest.mark.parametrize("encoding,lang,sentence", [
    pytest.param(enc, lang, s, id=f"{enc}-{lang}-{i}") for enc, rows in SAMPLES.items()
    for i, (lang, s) in enumerate(rows)
])
def test_legacy_encodings_are_detected(encoding, lang, sentence):
    decoded = decode_bytes(sentence.encode(encoding))
    assert decoded.text == sentence, decoded.encoding
    assert len(decoded.warnings) == 1 and "decoded as" in decoded.warnings[0]


@pytest.mark.parametrize("line", ["- du mardi au samedi, de 7 h à 13 h", "- nocturne le vendredi jusqu'à 21 h",
                                  "Il était très fatigué", "A região enfrentou a pior seca em décadas"])
def test_short_western_lines_the_detector_is_unsure_of_are_cp1252(line):
    # chardet's first guesses: cp1251 (Macedonian), cp1250 (Hungarian, Romanian), cp1252 a close second.
    assert decode_bytes(line.encode("cp1252")).text == line


def test_latin1_french_is_not_read_as_cp1250(cleaner):
    text = "Il était très fatigué, señor.\nUne idée naïve à Paris."
    res = cleaner.clean(text.encode("latin-1"))
    assert res.text == "Il était très fatigué, señor.\n\nUne idée naïve à Paris."
    assert res.warnings == ["input is not valid UTF-8 (byte 3); decoded as cp1252"]


_CYRILLIC = "Съешь же ещё этих мягких французских булок, да выпей чаю. Вчера в Москве прошёл фестиваль."


@pytest.mark.parametrize("content_type", [None, "text/html; charset=utf-8"])
def test_html_whose_declared_utf8_lies_is_detected(cleaner, content_type):
    page = f'<html><head><meta charset="utf-8"><title>Новости</title></head><body><article><p>{_CYRILLIC}</p>' \
           f'<p>{_CYRILLIC}</p></article></body></html>'
    data = page.encode("cp1251")
    text, used = decode_html(data, content_type)
    assert used == "cp1251" and "\ufffd" not in text and "французских" in text
    res = cleaner.clean(data, content_type=content_type)
    assert "французских булок" in res.text and "\ufffd" not in res.text
    assert any("declared charset utf-8 does not fit the bytes" in w and "decoded as cp1251" in w
               for w in res.warnings)


def test_declared_charset_that_does_not_fit():
    # A stray byte cp1252 lacks keeps the declaration (one U+FFFD); a page labelled Shift-JIS that is EUC-JP
    # goes to detection.
    body = "Le café est très bon à Paris, l’été. " * 20
    page = f"<meta charset='windows-1252'><p>{body}</p>".encode("cp1252") + b"\x9d"
    decoded = decode_bytes(page, html=True)
    assert decoded.text.endswith(f"{body}</p>\ufffd") and decoded.encoding == "cp1252"
    assert decoded.warnings == ("declared charset cp1252 does not fit the bytes (byte 776); undecodable bytes replaced",)
    body = "昨日、東京で大きな祭りが開かれ、多くの人が集まりました。" * 5
    decoded = decode_bytes(f"<meta charset='shift_jis'><p>{body}</p>".encode("euc-jp"), html=True)
    assert body in decoded.text and decoded.encoding == "euc_jp"


@pytest.mark.parametrize("label", ["unicode_escape", "raw-unicode-escape", "punycode", "idna", "utf-7", "base64",
                                   "no-such-charset"])
def test_a_python_only_or_unknown_codec_is_no_declaration(label):
    page = f'<meta charset="{label}"><p>caf\\u00e9 +AGE- xn--caf-dma</p>'.encode()
    assert decode_bytes(page, html=True) == (page.decode(), "utf-8", (), False)


def test_mostly_utf8_keeps_utf8():
    # One stray byte in a UTF-8 page: the page stays UTF-8, the byte becomes U+FFFD (no detector guess).
    text = "Příliš žluťoučký kůň úpěl ďábelské ódy. " * 5
    decoded = decode_bytes(text.encode() + b"\xff" + text.encode())
    assert decoded.text == text + "\ufffd" + text
    assert decoded.warnings == (f"input is not valid UTF-8 (byte {len(text.encode())}); undecodable bytes replaced",)
    # Three valid characters outweigh one bad byte: no "â€ś" from a detector's guess.
    text = "The mayor said “we are proud” of the city’s new library. "
    assert decode_bytes(text.encode() + b"\xff").text == text + "\ufffd"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_text_with_a_bom(cleaner, codec):
    text = "Der Bürgermeister eröffnete gestern die neue Brücke.\nВчера в Москве прошёл фестиваль.\n東京で祭り。"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-be": codecs.BOM_UTF32_BE}
    data = bom.get(codec, b"") + text.encode(codec)
    res = cleaner.clean(data)
    assert res.text == text.replace("\n", "\n\n") and res.warnings == []


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_ascii_utf16_without_a_bom(cleaner, codec):
    text = "The city library reopens on Monday.\nOpening hours: 9 am to 8 pm, Monday to Saturday."
    res = cleaner.clean(text.encode(codec))  # valid UTF-8 too: every other byte is NUL
    assert res.text == text.replace("\n", "\n\n")
    assert res.warnings == [f"decoded as {codec} (no byte-order mark)"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom(cleaner, codec):
    text = "Il était très fatigué après le voyage.\nВчера в Москве прошёл большой фестиваль."
    res = cleaner.clean(text.encode(codec))
    assert res.text == text.replace("\n", "\n\n")
    assert len(res.warnings) == 1 and res.warnings[0].startswith("input is not valid UTF-8 (byte ")
    assert res.warnings[0].endswith(f"; decoded as {codec} (no byte-order mark)")


def test_binary_stays_binary(cleaner):
    for data in (b"\x00\x01\x02binary\x00" * 100, bytes(range(256)) * 40, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50):
        res = cleaner.clean(data)
        assert res.text == "" and res.warnings == ["binary input: not text, nothing cleaned"]
    for data in (bytes(range(256)) * 40, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff" * 50):  # not UTF-8 either
        assert decode_bytes(data).binary and decode_html(data)[1] == "binary"


def test_literal_replacement_character_is_no_decoding_warning(cleaner):
    page = "<html><body><article><p>Valid UTF-8 that contains \ufffd itself, as pages do.</p></article></body></html>"
    res = cleaner.clean(page.encode(), format="html")
    assert not any("undecodable" in w or "not valid" in w for w in res.warnings)


def test_declared_charset_of_text_bytes(cleaner):
    data = "Příliš žluťoučký kůň.".encode("cp1250")
    res = cleaner.clean(data, content_type="text/plain; charset=windows-1250")
    assert res.text == "Příliš žluťoučký kůň." and res.warnings == []


@pytest.mark.parametrize("data", [None, 42, ["text"], {"text": "x"}])
def test_clean_rejects_what_is_no_document(cleaner, data):
    with pytest.raises(TypeError, match=r"str or bytes .* not "):
        cleaner.clean(data)


@pytest.mark.parametrize("arg", ["url", "site", "date", "layout", "content_type"])
def test_clean_names_an_argument_of_the_wrong_type(cleaner, arg):
    """Issue 18.12: url=5 gave a confusing TypeError, site=5 an AttributeError, date=5 was ignored
    (failed before the fix)."""
    with pytest.raises(TypeError, match=rf"^{arg}=5: allowed: a str or None, not int$"):
        cleaner.clean("Some text of an article.", **{arg: 5})


def test_short_latin1_text_is_not_read_as_greek():
    """Issue 18.12: the 17 bytes of "café résumé naïve" in Latin-1 decoded as cp1253 ("cafι rιsumι naοve"),
    the detector's first guess (failed before the fix)."""
    assert decode_bytes("café résumé naïve".encode("latin-1")).text == "café résumé naïve"
    greek = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία και την απασχόληση των νέων."
    assert decode_bytes(greek.encode("cp1253")).text == greek


def test_lone_surrogates_are_replaced_with_a_warning(cleaner):
    res = cleaner.clean('Un caf\ud800 au lait, "\udfff" et un th\u00e9.\nSecond paragraph \ud83d here.')
    assert res.text == 'Un caf\ufffd au lait, "\ufffd" et un thé.\n\nSecond paragraph \ufffd here.'
    assert "3 lone surrogate(s) (no UTF-8 encodes them) replaced by U+FFFD" in res.warnings
    html = cleaner.clean("<html><head><title>T\ud800</title></head><body><article><p>Ein Caf\udc00 hier, "
                         "ein langer Satz über das Wetter in Berlin.</p></article></body></html>")
    for value in (html.text, html.title or "", *html.metadata.values(), *html.warnings):
        value.encode("utf-8")
    assert replace_surrogates("a\ud800b") == ("a\ufffdb", 1)
    # A valid surrogate pair (astral character) is no surrogate in a Python str: kept as it is.
    assert cleaner.clean("Emoji \U0001F600 here.").text == "Emoji \U0001F600 here."


def test_core_imports_no_detector_or_html_library():
    code = ("import sys, cleaner.core; print(sorted(m for m in ('chardet', 'charset_normalizer', 'cleaner.decode',"
            " 'selectolax', 'trafilatura') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.strip() == "[]"


# Fuzz: random bytes, and random bytes behind a BOM or a charset declaration. CI runs a bounded,
# derandomised number; CLEANER_FUZZ_EXAMPLES=10000 runs more locally.
_EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "200"))
_PREFIXES = st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                             b'<meta charset="utf-8">', b'<meta charset="shift_jis"><p>', b"<html><body><p>",
                             b'<meta http-equiv="Content-Type" content="text/html; charset=utf-7">'])
_BYTES = st.one_of(
    st.binary(max_size=600),
    st.lists(st.sampled_from([b"a", b" ", b"\n", b"\xc3\xa9", b"\xe9", b"\xd0", b"\xff\xfe", b"\x00", b"\xed\xa0\x80",
                              b"\x82\xa0", b"<p>", b"&amp;", b"\r\n"]), max_size=200).map(b"".join),
)
_FUZZ = settings(max_examples=_EXAMPLES, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_FUZZ
@given(prefix=_PREFIXES, data=_BYTES, content_type=st.sampled_from([None, "text/html; charset=koi8-r",
                                                                    "text/plain; charset=bogus", "charset=utf-16"]))
def test_fuzz_decoders(prefix, data, content_type):
    for html in (False, True):
        decoded = decode_bytes(prefix + data, content_type=content_type, html=html)
        decoded.text.encode("utf-8")
        assert all(isinstance(w, str) for w in decoded.warnings)
    decode_html(prefix + data, content_type)[0].encode("utf-8")


@_FUZZ
@given(prefix=_PREFIXES, data=_BYTES, fmt=st.sampled_from(["auto", "text", "html"]))
def test_fuzz_clean_bytes(cleaner, prefix, data, fmt):
    res = cleaner.clean(prefix + data, format=fmt)
    for value in (res.text, res.title or "", *res.metadata.values(), *res.warnings):
        value.encode("utf-8")


@_FUZZ
@given(text=st.text(max_size=300))
def test_fuzz_clean_str(cleaner, text):
    res = cleaner.clean(text)
    for value in (res.text, res.title or "", *res.metadata.values(), *res.warnings):
        value.encode("utf-8")


def test_utf16_html_is_sniffed_as_html(cleaner):
    page = "<html><body><article><p>Der Bürgermeister eröffnete gestern die neue Brücke über den Fluss.</p>" \
           "</article></body></html>"
    for data in (codecs.BOM_UTF16_LE + page.encode("utf-16-le"), page.encode("utf-16-be")):
        res = cleaner.clean(data)
        assert res.text == "Der Bürgermeister eröffnete gestern die neue Brücke über den Fluss."

"""Bytes that declare no encoding: damaged UTF-8 stays UTF-8, legacy code pages are read by their words."""
from __future__ import annotations

import random

import pytest

import declutter
from declutter import charsets
from declutter.charsets import _byte_classes, _plausible, decode_undeclared, guess, letter_pair_fit
from declutter.reading import declared_charset, decode_bytes, decode_html_bytes, utf16_without_bom

TEXTS = {
    "ru": "Это было очень интересно, и мы не знали, что он сказал нам об этом вчера вечером.",
    "pl": "Nie wiem, czy już się dowiedział, że to było dla niej bardzo ważne, ale tak jest.",
    "el": "Αυτό είναι ένα πολύ καλό παράδειγμα για το πώς και γιατί οι άνθρωποι γράφουν.",
    "tr": "Bu konuda daha çok şey söylemek için bir sonraki toplantıyı beklememiz gerekiyor.",
    "fr": "Il était déjà là quand nous sommes arrivés, et ça nous a fait très plaisir à tous.",
    "ja": "今日はとても良い天気ですね。私たちは公園に行きました。子供たちも喜んでいました。",
    "zh": "我们今天去了公园，天气非常好，大家都很高兴。这是一个美好的日子，我们会记住它。",
    "zh-tw": "我們今天去了公園，天氣非常好，大家都很高興。這是一個美好的日子，我們會記住它。",
    "ko": "오늘은 날씨가 정말 좋았습니다. 우리는 공원에 가서 친구들과 함께 이야기를 나누었습니다.",
}
CASES = [("ru", "cp1251"), ("ru", "koi8_r"), ("pl", "cp1250"), ("el", "cp1253"), ("tr", "cp1254"), ("fr", "cp1252"),
         ("ja", "shift_jis"), ("ja", "euc_jp"), ("zh", "gb18030"), ("zh-tw", "big5"), ("ko", "euc_kr")]


def page(lang: str) -> str:
    body = "".join(f"<p>{TEXTS[lang]} ({i})</p>" for i in range(8))
    return f"<html><head><title>t</title></head><body>{body}</body></html>"


@pytest.mark.parametrize("lang, encoding", CASES)
def test_an_undeclared_legacy_page_is_decoded_by_its_words(lang, encoding):
    html = page(lang)
    assert decode_html_bytes(html.encode(encoding)) == html
    text = "\n\n".join([TEXTS[lang]] * 6)
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("lang, encoding", [("ru", "cp1251"), ("ja", "shift_jis"), ("zh", "gb18030")])
def test_clean_keeps_the_text_of_a_legacy_page(lang, encoding):
    assert TEXTS[lang] in declutter.clean(page(lang).encode(encoding))


def test_utf8_with_one_stray_byte_stays_utf8():
    html = page("fr")
    data = html.encode("utf-8")
    middle = len(data) // 2
    decoded = decode_html_bytes(data[:middle] + b"\xff" + data[middle:])
    assert decoded.replace("\ufffd", "", 1) == html
    assert decode_bytes(TEXTS["ru"].encode() + b"\x80") == TEXTS["ru"] + "\ufffd"


def test_utf8_cut_inside_a_character_stays_utf8():
    data = ("x" * 200 + "déjà").encode("utf-8")[:-1]  # the final "à" cut after its lead byte
    assert decode_html_bytes(data) == "x" * 200 + "déj\ufffd"


def test_a_declared_legacy_charset_yields_to_mostly_valid_utf8():
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>' + TEXTS["fr"] + "</p></body></html>"
    data = html.encode("utf-8").replace(b"<p>", b"<p>\xff")
    assert decode_html_bytes(data) == html.replace("<p>", "<p>\ufffd")


def test_a_few_curly_quotes_and_accents_read_as_cp1252_not_replacement_characters():
    # No stopword in any code page: before 2026-12-06 text lost every one of these characters to U+FFFD.
    text = "\u201cIt\u2019s a long road,\u201d she said \u2014 and the caf\u00e9 was closed\u2026for good."
    data = text.encode("cp1252")
    assert decode_bytes(data) == text
    assert decode_html_bytes(b"<p>" + data + b"</p>") == "<p>" + text + "</p>"
    assert text in declutter.clean(data + b"\n")


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_a_few_cyrillic_names_on_an_english_page_read_in_their_code_page(encoding):
    text = "Buy the \u041c\u043e\u0441\u043a\u0432\u0430 lamp and the \u0421\u0438\u0431\u0438\u0440\u044c chair."
    assert decode_bytes(text.encode(encoding)) == text
    assert decode_html_bytes(("<p>" + text + "</p>").encode(encoding)) == "<p>" + text + "</p>"


@pytest.mark.parametrize("word, written_in, read_as", [
    ("\u041f\u0440\u0438\u0432\u0435\u0442", "cp1251", "cp1252"),   # "Привет" -> "Ïðèâåò": Latin accents only
    ("caf\u00e9", "cp1252", "cp1251"),                                  # "café" -> "cafй": two scripts
    ("\u041c\u043e\u0441\u043a\u0432\u0430", "koi8_r", "cp1251"),     # "Москва" -> "нПУЛЧБ": case flips
    ("\u3053\u3093\u306b\u3061\u306f", "shift_jis", "cp1252"),       # "こんにちは" -> "‚±‚ñ‚É‚¿‚Í"
    ("ju\u017c", "cp1250", "cp1252"),                                   # "już" -> "ju¿": "¿" only opens a word
])
def test_mojibake_words_are_not_plausible_in_the_wrong_code_page(word, written_in, read_as):
    data = word.encode(written_in)
    assert not _plausible(data, _byte_classes(read_as))
    if written_in != "shift_jis":
        assert _plausible(data, _byte_classes(written_in))


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_a_few_lower_case_russian_words_read_in_either_cyrillic_code_page(encoding):
    # The two code pages swap the cases: lower-case KOI8-R read as cp1251 is all capitals ("РТЙЧЕФ НЙТ").
    text = "\u043f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440"  # "привет мир"
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("text, encoding", [
    ("Hava \u00e7ok so\u011fuk", "cp1254"),                        # "Hava çok soğuk", not "soðuk" (cp1252)
    ("T\u00fcrkiye'nin ba\u015fkenti Ankara'd\u0131r.", "cp1254"),  # not "baþkenti", "Ankara'dýr"
    ("\u0413\u041b\u0410\u0412\u041d\u0410\u042f \u0421\u0422\u0420\u0410\u041d\u0418\u0426\u0410", "cp1251"),  # "ГЛАВНАЯ СТРАНИЦА", not "цкюбмюъ"
    ("\u0413\u041b\u0410\u0412\u041d\u0410\u042f \u0421\u0422\u0420\u0410\u041d\u0418\u0426\u0410", "koi8_r"),
    ("\u041f\u0420\u0418\u0412\u0415\u0422 \u041c\u0418\u0420", "cp1251"),  # "ПРИВЕТ МИР", not "опхбер лхп"
    ("Gda\u0144sk i Krak\u00f3w", "cp1250"),                      # not "Gdañsk" (cp1252)
])
def test_short_text_goes_to_the_code_page_whose_letter_pairs_are_a_languages(text, encoding):
    # Each reading is plausible letter by letter; only the letters' pairs tell the code pages apart.
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_short_russian_is_not_read_as_a_few_common_han_characters(encoding):
    # Lower-case KOI8-R letters are GB2312's commonest characters: this read as "靤夫都, 冒� 津盟?".
    text = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430?"  # "Привет, как дела?"
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("text, encoding", [("\u5173\u4e8e\u6211\u4eec \u8054\u7cfb\u6211\u4eec", "gb18030"),  # "关于我们 联系我们"
                                            ("\u304a\u554f\u3044\u5408\u308f\u305b", "shift_jis")])  # "お問い合わせ"
def test_short_cjk_stays_cjk(text, encoding):
    assert decode_bytes(text.encode(encoding)) == text


def test_letter_pairs_fit_the_language_of_the_right_reading():
    data = "T\u00fcrkiye'nin ba\u015fkenti Ankara'd\u0131r".encode("cp1254")
    words = [(w, 1) for w in data.split()]
    assert letter_pair_fit(words, "cp1254") == 1.0
    assert letter_pair_fit(words, "cp1252") < 0.9
    assert letter_pair_fit([(b"K\xfd\xfe", 5)], "cp1254") is None  # one word, however often: no evidence


@pytest.mark.parametrize("text, encoding", [
    ("T\u00fcm haklar\u0131 sakl\u0131d\u0131r.", "cp1254"),     # "Tüm haklarý" in cp1252 is Turkmen's pairs
    ("V\u0103 mul\u0163umim pentru comand\u0103.", "cp1250"),   # Romanian's cedilla, not the stoplist's comma
])
def test_only_the_languages_a_code_page_is_made_for_judge_its_reading(text, encoding):
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("text", ["Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144.",  # "Zażółć gęślą jaźń."
                                  "\u017b\u00f3\u0142w przeszed\u0142 przez ulic\u0119 bardzo powoli."])  # "Żółw ..."
def test_polish_words_of_mostly_accented_letters_read_in_cp1250(text):
    # Until 2026-12-07 "Żółw" (more accented letters than plain ones) was mojibake in every code page,
    # and the text lost its Polish letters to U+FFFD.
    assert decode_bytes(text.encode("cp1250")) == text


def test_cyrillic_read_as_latin_accents_stays_implausible_when_words_may_be_dense():
    data = "\u041f\u0440\u0438\u0432\u0435\u0442 \u0434\u0440\u0443\u0437\u044c\u044f".encode("cp1251")
    words = [(w, 1) for w in data.split()]
    assert _plausible(words[0][0], _byte_classes("cp1252"), dense=True)  # "Ïðèâåò": letters alone pass
    assert letter_pair_fit(words, "cp1252") < charsets.DENSE_FIT        # their pairs are no language's
    assert decode_bytes(data) == data.decode("cp1251")


def test_a_few_stopwords_do_not_decide_for_a_reading_that_garbles_the_other_words():
    # In cp1256 "ş" is a right-to-left mark and "İ" an Arabic letter; "çok" and "bugün" are stopwords in both.
    text = "Bug\u00fcn hava \u00e7ok g\u00fczel ve g\u00fcne\u015fli. \u0130stanbul'da ya\u015f\u0131yorum."
    assert decode_bytes(text.encode("cp1254")) == text


def test_one_trailing_lead_byte_after_ascii_is_a_code_page_letter_not_a_cut():
    assert decode_bytes(b"caf\xe9") == "caf\u00e9"
    assert decode_bytes(b"price 5 \xe2\x82") == "price 5 \ufffd"  # lead and continuation byte: UTF-8 cut short


def test_an_english_page_with_apostrophes_is_not_read_as_shift_jis():
    # 0x92 ("\u2019" in cp1252) before an ASCII letter is a valid Shift_JIS kanji: "it’s" read as Japanese.
    text = " ".join(["It\u2019s what we don\u2019t say, and they\u2019re sure we\u2019ll see it\u2019s true."] * 5)
    assert guess(text.encode("cp1252")) == "cp1252"


def test_without_evidence_html_falls_back_to_cp1252_and_text_to_utf8_with_replacement():
    # Control bytes beside the high ones: not text in any code page.
    data = b"plain ascii words \x93quoted\x94 and \x01\x02 nothing else"
    assert guess(data) is None
    assert decode_html_bytes(b"<p>" + data + b"</p>") == "<p>" + data.decode("cp1252") + "</p>"
    assert decode_bytes(data) == data.decode("utf-8", errors="replace")


def test_binary_bytes_are_not_read_as_a_code_page():
    noise = bytes(range(256)) * 64
    assert guess(noise) is None
    assert decode_undeclared(noise, fallback=None) == noise.decode("utf-8", errors="replace")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_as_utf16_text_or_html(encoding):
    # Read as UTF-8 these bytes were half NULs: a binary warning, and HTML not recognised as HTML.
    html = page("fr")
    assert utf16_without_bom(html.encode(encoding)) == encoding
    assert TEXTS["fr"] in declutter.clean(html.encode(encoding))
    text = "\n\n".join([TEXTS["fr"]] * 3)
    assert declutter.clean(text.encode(encoding)[:-1]).startswith(TEXTS["fr"])  # a cut-off last byte too


@pytest.mark.parametrize("lang", ["zh", "zh-tw", "ja", "ko"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_cjk_text_in_utf16_without_a_bom_is_read_by_its_characters(lang, encoding):
    # No ASCII, so no NULs to see: before, this was read as legacy bytes and came out as mojibake.
    data = TEXTS[lang].encode(encoding)
    assert utf16_without_bom(data) == encoding
    assert declutter.clean(data) == TEXTS[lang]


@pytest.mark.parametrize("lang, encoding", [(lang, enc) for lang, enc in CASES if lang in ("zh", "zh-tw", "ja", "ko")])
def test_legacy_cjk_and_utf8_bytes_are_not_utf16(lang, encoding):
    assert utf16_without_bom(TEXTS[lang].encode(encoding)) is None
    assert utf16_without_bom(TEXTS[lang].encode("utf-8")) is None


def test_random_bytes_are_not_cjk_utf16():
    rng = random.Random(0)
    samples = [bytes(rng.randrange(256) for _ in range(rng.choice((32, 64, 512)))) for _ in range(2000)]
    assert sum(utf16_without_bom(data) is not None for data in samples) == 0


def test_nuls_on_both_byte_positions_are_not_utf16():
    assert utf16_without_bom(b"\x00" * 64) is None
    assert utf16_without_bom("text".encode("utf-32-le") * 16) is None
    assert utf16_without_bom(page("ru").encode("cp1251")) is None


@pytest.mark.parametrize("label, codec", [
    ("iso-8859-1", "cp1252"), (" ISO-8859-1 ", "cp1252"), ("latin1", "cp1252"), ("latin_1", "cp1252"), ("us-ascii", "cp1252"),
    ("iso-8859-9", "cp1254"), ("tis-620", "cp874"), ("x-mac-roman", "mac-roman"), ("gb2312", "gb18030"),
    ("x-sjis", "cp932"), ("euc_kr", "cp949"), ("big5", "big5hkscs"), ("utf8", "utf-8"), ("koi8-r", "koi8-r"),
    ("iso-2022-kr", None), ("x-user-defined", None), ("no-such-charset", None),
])
def test_a_declared_label_means_what_it_means_to_browsers(label, codec):
    assert charsets.codec_for_label(label) == codec


SENTENCE = "\u201cQuoted\u201d caf\u00e9 \u2014 the council voted on Tuesday to approve the new budget for parks and schools."


@pytest.mark.parametrize("label, encoding", [("iso-8859-1", "cp1252"), ("ascii", "cp1252"), ("iso-8859-9", "cp1254"),
                                             ("x-mac-roman", "mac_roman")])
def test_pages_declaring_latin1_keep_their_curly_quotes_and_dashes(label, encoding):
    """Pages labelled iso-8859-1 are written in windows-1252: read as Latin-1, their quotes and dashes were
    control characters and vanished (47 of 289 labelled pages declaring it, re-encoded)."""
    html = f'<html><head><meta charset="{label}"></head><body><p>{SENTENCE}</p></body></html>'.encode(encoding)
    assert declutter.clean(html) == SENTENCE


def test_a_charset_declared_after_a_long_inline_style_is_still_read():
    """Browsers honour a <meta> charset past their first look by parsing again; detection alone reads
    Polish in ISO-8859-2 as cp1250, whose bytes for "ś" and "ą" differ."""
    text = "Zażółć gęślą jaźń. Rada miasta przyjęła we wtorek nowy budżet, który obejmuje środki na parki i szkoły."
    html = ("<html><head><style>" + "body{margin:0}\n" * 300 + "</style><meta http-equiv='Content-Type' "
            f"content='text/html; charset=iso-8859-2'></head><body><p>{text}</p></body></html>").encode("iso-8859-2")
    assert declutter.clean(html) == text
    in_body = b"<html><head><title>x</title></head><body>" + b"<p>filler</p>" * 300 + b"<meta charset='koi8-r'></body></html>"
    assert declared_charset(html) == "iso8859-2" and declared_charset(in_body) is None  # the head only

"""Bytes that declare no encoding: damaged UTF-8 stays UTF-8, legacy code pages are read by their words."""
from __future__ import annotations

import pytest

import declutter
from declutter.charsets import decode_undeclared, guess
from declutter.reading import decode_bytes, decode_html_bytes

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


def test_without_evidence_html_falls_back_to_cp1252_and_text_to_utf8_with_replacement():
    data = b"plain ascii words \x93quoted\x94 and nothing else"
    assert decode_html_bytes(b"<p>" + data + b"</p>") == "<p>" + data.decode("cp1252") + "</p>"
    assert decode_bytes(data) == data.decode("utf-8", errors="replace")
    assert guess(data) is None


def test_binary_bytes_are_not_read_as_a_code_page():
    noise = bytes(range(256)) * 64
    assert guess(noise) is None
    assert decode_undeclared(noise, fallback=None) == noise.decode("utf-8", errors="replace")

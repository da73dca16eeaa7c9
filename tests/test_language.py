"""Languages: detection is deterministic, stoplists are jusText's own, and a fixed language is read as a code.

Detection: the same page gets the same language in every process.

jusText lists its stoplists as a frozenset, whose order follows the process's hash seed; a tie between
two stoplists (German and Luxembourgish share "unter") once went to whichever came first, so the same
page could get different stopword features, and different decisions, from one run to the next.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

import declutter
from declutter import chars, language

_PROBE = "from declutter import language; print(language.detect(['unter unter unter unter']), language.detect(['drie drie drie']))"


def test_ties_do_not_depend_on_the_hash_seed():
    seen = set()
    for seed in range(6):
        env = {"PYTHONHASHSEED": str(seed), "PATH": ""}
        out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
        seen.add(out.stdout.strip())
    assert len(seen) == 1, seen


def test_common_languages_are_recognised():
    assert language.detect(["The cat sat on the mat and it was not happy about the weather at all."]) == "en"
    assert language.detect(["Die Katze saß auf der Matte und sie war nicht glücklich über das Wetter."]) == "de"
    assert language.detect(["Le chat était assis sur le tapis et il n'était pas content du temps qu'il fait."]) == "fr"
    assert language.detect(["El gato estaba sentado en la alfombra y no estaba contento con el tiempo que hace."]) == "es"


@pytest.mark.parametrize("code,sentence", [
    ("hi", "हिन्दी भारत की सबसे अधिक बोली जाने वाली भाषा है और इसे करोड़ों लोग अपनी मातृभाषा के रूप में बोलते हैं।"),
    ("mr", "मराठी ही महाराष्ट्राची राजभाषा आहे आणि ती कोट्यवधी लोक आपली मातृभाषा म्हणून बोलतात."),
    ("bn", "বাংলা ভাষা পৃথিবীর অন্যতম প্রধান ভাষা এবং প্রায় তেইশ কোটি মানুষ এই ভাষায় কথা বলেন।"),
    ("ta", "தமிழ் உலகின் மிகப் பழமையான மொழிகளில் ஒன்றாகும், இன்றும் கோடிக்கணக்கான மக்கள் இதைப் பேசுகிறார்கள்."),
])
def test_scripts_with_vowel_signs_are_read_as_whole_words(code, sentence):
    """Vowel signs are combining marks, not letters to ``re``: split at each of them, no Hindi stopword
    ("की", "है", "में") could match and Hindi pages were read as Nepali."""
    assert language.detect([sentence]) == code



def test_persian_words_joined_by_a_zwnj_are_one_word_and_match_the_stoplist():
    """Persian writes a zero-width non-joiner inside words ("می‌گوید", "کتاب‌های"); 19 words of jusText's
    Persian stoplist hold one. Read as a break, "می‌شود" was two words and never matched its stopword."""
    sentence = "سال‌های زیادی می‌شود که آن‌ها این کار را می‌کنند و کتاب‌های او را می‌خوانند."
    words = chars.letter_runs(sentence)
    assert words == chars.word_re().findall(sentence)
    assert {"سال‌های", "می‌شود", "آن‌ها", "می‌کنند", "کتاب‌های"} <= set(words)
    assert {"می‌شود", "آن‌ها", "می‌کنند"} <= language.stopwords("fa")
    assert len(words) == 14
    assert language.detect([sentence]) == "fa"


@pytest.mark.parametrize("text,words", [
    ("I ❤️ this ☺︎ place", ["I", "this", "place"]),           # emoji variation selectors are marks
    ("Now £̶2̶,̶5̶0̶0̶ s̶a̶l̶e̶", ["Now", "s̶a̶l̶e̶"]),    # strikethrough marks after digits, then after letters
    ("👩\u200d💻 coder", ["coder"]),                         # a ZWJ between emoji joins no word
    ("क्\u200dष", ["क्\u200dष"]),                              # a ZWJ inside a Devanagari conjunct does
    ("word\u200c next", ["word", "next"]),                 # a joiner at a word's end is not part of it
])
def test_a_word_starts_with_a_letter(text, words):
    """Marks and joiners after a symbol, a digit or an emoji belong to no word; before, each emoji's
    variation selector counted as a word of its own."""
    assert chars.word_re().findall(text) == words
    assert chars.letter_runs(text) == words

def test_thai_is_read_by_its_script():
    """jusText has no Thai stoplist, so Thai is told by its script, as Chinese, Japanese and Korean are;
    before, a Thai page had no language, and so no Thai rules."""
    assert language.detect(["ภาษาไทยเป็นภาษาราชการของประเทศไทย และมีผู้พูดเป็นภาษาแม่มากกว่ายี่สิบล้านคน"]) == "th"
    assert language.stopwords("th") == frozenset()
    assert language.normalized_language("Thai") == "th"


def test_english_thin_in_stopwords_is_not_taken_for_a_language_whose_stoplist_holds_english_words():
    # Finnish's stoplist holds "nokia", "windows", "brian" and many English words: on a product list it
    # out-scored English's own list, and the page was judged with Finnish stopwords.
    page = ["Nokia N95 8GB Navigator Edition firmware v21.0.016 for Nokia N95, Nokia E71 and Nokia E90 Communicator",
            "Posted by Brian, Mike, Jon and Adam in Firmware Updates, Nokia Beta Labs, Windows Phone, Xbox Live",
            "Nokia has just released the latest software update: get it on Nokia Software Updater."]
    assert language.detect(page) == "en"
    finnish = ["Koira juoksee nopeasti kadulla, ja kissa nukkuu talon sohvalla koko päivän, koska se on väsynyt.",
               "Nokia julkaisi uuden päivityksen, mutta se ei vielä toimi kaikissa puhelimissa."]
    assert language.detect(finnish) == "fi"


def test_too_little_text_is_unknown():
    assert language.detect([]) is None
    assert language.detect(["", "  "]) is None


def test_stoplists_read_from_justexts_folder_are_justexts_own(monkeypatch):
    # declutter reads jusText's files without importing jusText (its import is most of ours); both ways of
    # reading, and the fallback through jusText's functions, must give the same lists.
    import justext

    names = justext.get_stoplists()
    assert language._stoplist_folder() is not None
    assert set(language._names().values()) == set(names)
    assert all(language._stoplist(name) == justext.get_stoplist(name) for name in names)
    direct = language.all_stoplists()
    for fn in (language._names, language._stoplist, language._stoplist_folder):
        fn.cache_clear()
    monkeypatch.setattr(language, "_stoplist_folder", lambda: None)
    try:
        assert language.all_stoplists() == direct
    finally:
        language._names.cache_clear()
        language._stoplist.cache_clear()


def test_import_declutter_does_not_import_justext():
    code = "import sys, declutter; declutter.clean('Hello there, this is a sentence.'); print('justext' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("given, code", [("EN", "en"), (" de ", "de"), ("en-US", "en"), ("pt_BR", "pt"),
                                         ("German", "de"), ("Norwegian_Bokmal", "nb"), ("zh-Hant", "zh"),
                                         ("AUTO", "auto"), ("Aragonese", "aragonese"),
                                         # three-letter codes, as Common Crawl's language header gives them
                                         ("deu", "de"), ("ZHO", "zh"), ("ger", "de"), ("tha", "th")])
def test_a_fixed_language_is_read_as_the_code_stoplists_and_rules_use(given, code):
    from declutter import Cleaner, Config

    assert Config(language=given).language == code
    page = "Das ist ein Satz mit einigen Wörtern, die nicht in der Liste stehen.\nTeilen"
    assert Cleaner(language=given).analyze(page).lang == ("de" if code == "auto" else code)  # auto: detected


def test_a_language_with_no_stoplist_and_no_rules_is_refused_unless_rules_bring_it():
    from declutter import Cleaner

    with pytest.raises(ValueError, match="'xx' has no stoplist and no rules"):
        Cleaner(language="xx")
    with pytest.raises(TypeError, match="language must be a str"):
        Cleaner(language=5)
    own = {"language": "TLH", "rules": [{"name": "tlh-greeting", "certain": True, "patterns": ["qapla'"]}]}
    cleaner = Cleaner(language="tlh", extra_rules=[own])
    assert [d.rule for d in cleaner.analyze("Qapla'\nA long line of body text for the page to keep, surely.").lines][0] == "tlh-greeting"


ENGLISH = ["The committee met on Tuesday to discuss the budget, and most of its members agreed that the plan "
           "should be published before the end of the month, when the council will vote on it."]


@pytest.mark.parametrize("declared,lines,expected", [
    ("de", ENGLISH, "en"),                      # a template's lang="de" over an English article
    ("ja", ENGLISH, "en"),
    ("de", ["Die Katze saß auf der Matte und sie war nicht glücklich über das Wetter, das in diesem Winter "
            "so kalt war wie seit Jahren nicht mehr."], "de"),
    ("en", ["北京市气象台消息，十二日凌晨北京迎来今年冬季的首场降雪，城区平均降雪量达到三毫米，部分山区超过五毫米。"], "zh"),
    ("ja", ["東京都は十二日、新しい交通計画を発表した。"], "ja"),  # kanji alone would say Chinese; the page says Japanese
    ("fr", ["Home", "News"], "fr"),              # too little text to overrule anything
])
def test_a_declared_language_stands_unless_the_text_plainly_says_another(declared, lines, expected):
    assert language.check_declared(declared, lines) == expected


def test_an_html_page_under_a_wrong_lang_attribute_is_read_in_its_own_language():
    from declutter import Cleaner

    html = ('<html lang="ru"><head><title>Budget</title></head><body><nav><a href="/">Home</a></nav>'
            f"<article><p>{ENGLISH[0]}</p><p>{ENGLISH[0]}</p></article></body></html>")
    assert Cleaner(input_format="html").analyze(html).lang == "en"
    assert Cleaner(input_format="html", language="ru").analyze(html).lang == "ru"  # a fixed language is obeyed


GERMAN = ("Die Katze saß auf der Matte und sie war nicht glücklich über das Wetter, das in diesem Winter so kalt "
          "war wie seit Jahren nicht mehr.")


@pytest.mark.parametrize("given,text,expected", [
    ("deu", GERMAN, "de"),         # Common Crawl's three-letter codes
    ("de", ENGLISH[0], "en"),      # a source's language, overruled by plainly English text
    ("xx", GERMAN, "de"),          # a code with no stoplist and no rules is ignored: detected instead
    ("auto", GERMAN, "de"),
])
def test_a_language_the_source_gives_is_a_declaration(given, text, expected):
    import declutter

    assert declutter.analyze(text, lang=given).lang == expected
    assert declutter.clean(text, lang=given, output="json").count(f'"lang": "{expected}"') == 1


def test_a_source_language_outranks_the_pages_own_and_yields_to_a_fixed_one():
    from declutter import Cleaner

    html = f'<html lang="en"><body><article><p>{GERMAN}</p><p>{GERMAN}</p></article></body></html>'
    assert Cleaner(input_format="html").analyze(html, lang="de").lang == "de"
    assert Cleaner(input_format="html", language="fr").analyze(html, lang="de").lang == "fr"
    with pytest.raises(TypeError, match="must be a str"):
        Cleaner().analyze(GERMAN, lang=5)


@pytest.mark.parametrize("code, expected", [("iw", "he"), ("iw-IL", "he"), ("in_ID", "id"), ("no", "nb"), ("no-NO", "nb"),
                                            ("mo", "ro"), ("fil", "tl"), ("nn", "nn"), ("en", "en")])
def test_old_and_group_codes_read_as_todays(code, expected):
    assert language.normalized_language(code) == expected


HEBREW = "<p>שלום עולם, זהו טקסט ארוך מספיק בעברית כדי להיות גוף המאמר של הדף הזה, והוא ממשיך עוד ועוד כמו שצריך.</p>" * 3


@pytest.mark.parametrize("declared", ["iw", "zz", "he"])
def test_an_old_or_unknown_html_lang_does_not_leave_a_page_without_stopwords(declared):
    """Java's Locale still writes Hebrew as "iw"; "zz" is no language. Either used to stay the page's language,
    with no stoplist: every stopword feature at zero."""
    analysis = declutter.Cleaner(input_format="html").analyze(f'<html lang="{declared}"><body>{HEBREW}</body></html>')
    assert analysis.lang == "he"


def test_a_three_letter_html_lang_is_read_and_mapped():
    from declutter.html import normalise_lang

    assert [normalise_lang(v) for v in ("fil-PH", "haw", "en-US", "e", "english")] == ["fil", "haw", "en", None, None]
    tagalog = "<p>Ang konseho ng lungsod ay bumoto noong Martes upang aprubahan ang bagong badyet para sa mga parke.</p>" * 3
    analysis = declutter.Cleaner(input_format="html").analyze(f'<html lang="fil-PH"><body>{tagalog}</body></html>')
    assert analysis.lang == "tl"

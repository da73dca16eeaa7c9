"""Language detection and stopword lists, both from jusText's stoplists (about 100 languages).

Stopword density is the strongest single signal that a line is prose rather than navigation, and it only
works with the right language's list. We pick the list that covers the most words of the page, which is
also a usable language guess. CJK scripts are detected by character class instead (no spaces, no lists).
"""
from __future__ import annotations

import importlib.util
import re
from collections import Counter
from functools import lru_cache
from itertools import chain, count, repeat
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np

from . import chars

# jusText names its stoplists in English; we speak ISO 639-1 where one exists.
ISO_BY_NAME = {
    "Afrikaans": "af", "Albanian": "sq", "Arabic": "ar", "Armenian": "hy", "Azerbaijani": "az", "Basque": "eu",
    "Belarusian": "be", "Bengali": "bn", "Bosnian": "bs", "Breton": "br", "Bulgarian": "bg", "Catalan": "ca",
    "Croatian": "hr", "Czech": "cs", "Danish": "da", "Dutch": "nl", "English": "en", "Esperanto": "eo",
    "Estonian": "et", "Finnish": "fi", "French": "fr", "Galician": "gl", "Georgian": "ka", "German": "de",
    "Greek": "el", "Gujarati": "gu", "Hebrew": "he", "Hindi": "hi", "Hungarian": "hu", "Icelandic": "is",
    "Indonesian": "id", "Irish": "ga", "Italian": "it", "Kannada": "kn", "Korean": "ko", "Latin": "la",
    "Latvian": "lv", "Lithuanian": "lt", "Macedonian": "mk", "Malay": "ms", "Malayalam": "ml", "Marathi": "mr",
    "Nepali": "ne", "Norwegian_Bokmal": "nb", "Norwegian_Nynorsk": "nn", "Occitan": "oc", "Persian": "fa",
    "Polish": "pl", "Portuguese": "pt", "Romanian": "ro", "Russian": "ru", "Serbian": "sr", "Slovak": "sk",
    "Slovenian": "sl", "Spanish": "es", "Swahili": "sw", "Swedish": "sv", "Tagalog": "tl", "Tamil": "ta",
    "Telugu": "te", "Thai": "th", "Turkish": "tr", "Ukrainian": "uk", "Urdu": "ur", "Vietnamese": "vi",
    "Welsh": "cy",
}
# Three-letter codes (ISO 639-3, and 639-2/B where it differs) of the languages above and of CJK, for
# sources that name languages that way: Common Crawl's WARC-Identified-Content-Language says "deu", "zho".
ISO1_BY_ISO3 = {
    "afr": "af", "sqi": "sq", "alb": "sq", "ara": "ar", "hye": "hy", "arm": "hy", "aze": "az", "eus": "eu",
    "baq": "eu", "bel": "be", "ben": "bn", "bos": "bs", "bre": "br", "bul": "bg", "cat": "ca", "hrv": "hr",
    "ces": "cs", "cze": "cs", "dan": "da", "nld": "nl", "dut": "nl", "eng": "en", "epo": "eo", "est": "et",
    "fin": "fi", "fra": "fr", "fre": "fr", "glg": "gl", "kat": "ka", "geo": "ka", "deu": "de", "ger": "de",
    "ell": "el", "gre": "el", "guj": "gu", "heb": "he", "hin": "hi", "hun": "hu", "isl": "is", "ice": "is",
    "ind": "id", "gle": "ga", "ita": "it", "kan": "kn", "lat": "la", "lav": "lv", "lit": "lt", "mkd": "mk",
    "mac": "mk", "msa": "ms", "may": "ms", "zsm": "ms", "mal": "ml", "mar": "mr", "nep": "ne", "nob": "nb",
    "nor": "nb", "nno": "nn", "oci": "oc", "fas": "fa", "per": "fa", "pes": "fa", "pol": "pl", "por": "pt",
    "ron": "ro", "rum": "ro", "rus": "ru", "srp": "sr", "slk": "sk", "slo": "sk", "slv": "sl", "spa": "es",
    "swa": "sw", "swh": "sw", "swe": "sv", "tgl": "tl", "tam": "ta", "tel": "te", "tha": "th", "tur": "tr",
    "ukr": "uk", "urd": "ur", "vie": "vi", "cym": "cy", "wel": "cy", "zho": "zh", "chi": "zh", "cmn": "zh",
    "jpn": "ja", "kor": "ko",
}
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF))
_KANA_RE = re.compile(r"[\u3040-\u30ff]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]")
CJK_LANGS = ("zh", "ja", "ko")
# Languages read by their script because jusText has no stoplist for them: Thai, which like Chinese writes
# no space between words. The metric, the rules and the lexicon read its spaces as word breaks.
SCRIPT_LANGS = {"th": (0x0E00, 0x0E7F)}
# Languages whose line features count characters as words (features._count_words): CJK, as the metric
# counts them, and Thai, whose space-separated runs are phrases, so that a one-word menu item and a
# paragraph of one phrase per sentence otherwise look alike (both a few "words" long).
CHARACTER_WORD_LANGS = frozenset((*CJK_LANGS, *SCRIPT_LANGS))
_SCRIPTS_FROM = min(lo for lo, _ in (*_CJK_RANGES, *SCRIPT_LANGS.values()))  # the lowest codepoint they count
# Another language must have this many times English's stopword hits to win over English (see detect).
ENGLISH_MARGIN = 2.0


@lru_cache(maxsize=1)
def _stoplist_folder() -> Optional[Path]:
    """jusText's folder of stoplists (``<name>.txt``), found without importing jusText.

    Importing it costs about 65 ms (its extractor pulls in ``urllib.request``, ``http.client`` and
    ``email``), more than half of ``import declutter``, and declutter reads only its word lists. Where the
    files are not plain files (a zipped install, another layout), None: then jusText's own functions read
    them.
    """
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "stoplists"
    return folder if (folder / "English.txt").is_file() else None


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Language code (jusText's name, lower-cased, where we know no ISO code) -> jusText's stoplist name."""
    folder = _stoplist_folder()
    if folder is None:
        import justext
        names = set(justext.get_stoplists())
    else:
        names = {f.name[:-4] for f in folder.iterdir() if f.name.endswith(".txt")}
    return {ISO_BY_NAME.get(name, name.lower()): name for name in sorted(names)}


@lru_cache(maxsize=None)
def _stoplist(name: str) -> frozenset[str]:
    """One stoplist's words, read as ``justext.get_stoplist`` reads them (UTF-8 lines, lower-cased)."""
    folder = _stoplist_folder()
    if folder is None:
        import justext
        return frozenset(justext.get_stoplist(name))
    return frozenset(w.decode("utf8").lower() for w in (folder / f"{name}.txt").read_bytes().splitlines())


def all_stoplists() -> dict[str, frozenset[str]]:
    """All jusText stoplists keyed by language code, in code order (the same winner whatever the hash seed).

    Reading all hundred takes about 70 ms, so only detection beyond the English fast path and charset
    guessing read them all; a page's own list is read alone (:func:`stopwords`).
    """
    return {code: _stoplist(name) for code, name in sorted(_names().items())}


@lru_cache(maxsize=1)
def _word_index() -> tuple[dict[str, int], np.ndarray, np.ndarray, list[str]]:
    """Which languages' stoplists hold each word, as a table: ``(row of word, starts, languages, codes)``.

    The languages of the word at row ``r`` are ``codes[i]`` for ``i`` in ``languages[starts[r]:starts[r + 1]]``.
    Built with C-speed steps over the 190,000 (word, language) entries: a dict of word -> tuple of languages,
    filled in a Python loop, took a quarter of a second, paid on the first page not in English.
    """
    lists = all_stoplists()
    codes = list(lists)
    words = list(chain.from_iterable(lists.values()))
    rows = dict(zip(dict.fromkeys(words), count()))
    row = np.fromiter(map(rows.__getitem__, words), dtype=np.int64, count=len(words))
    lang = np.repeat(np.arange(len(codes)), [len(ws) for ws in lists.values()])
    order = np.argsort(row, kind="stable")
    starts = np.searchsorted(row[order], np.arange(len(rows) + 1))
    return rows, starts, lang[order], codes


def _scores(words: list[str]) -> np.ndarray:
    """Per language (``_word_index``'s codes): how many of ``words`` its stoplist holds."""
    rows, starts, lang, codes = _word_index()
    counts = Counter(words)
    row = np.fromiter(map(rows.get, counts, repeat(-1)), dtype=np.int64, count=len(counts))
    have = row >= 0
    row, times = row[have], np.fromiter(counts.values(), dtype=np.int64, count=len(counts))[have]
    lo, n = starts[row], starts[row + 1] - starts[row]
    at = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(n.sum())  # every entry of every known word
    return np.bincount(lang[at], weights=np.repeat(times, n), minlength=len(codes))


def stopwords(lang: Optional[str]) -> frozenset[str]:
    """The stoplist for ``lang`` (ISO code), or an empty set for unknown/CJK languages."""
    name = _names().get(lang) if lang else None
    return _stoplist(name) if name else frozenset()


def warm_up(codes: Iterable[str], detection: bool) -> None:
    """Read the stoplists of ``codes`` now, and with ``detection`` every list and the table detection reads
    (:meth:`declutter.Cleaner.warm_up`)."""
    for code in codes:
        stopwords(code)
    if detection:
        _word_index()


def in_any_stoplist(word: str) -> bool:
    """Whether some language's stoplist holds ``word`` (lower-case): evidence that a decoding made real words."""
    return word in _word_index()[0]


def known_languages() -> list[str]:
    return sorted(_names())


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every code declutter has a stoplist for, and the CJK and other codes read by script instead."""
    return frozenset(_names()) | frozenset(CJK_LANGS) | frozenset(SCRIPT_LANGS)


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    return {name.lower(): iso for name, iso in ISO_BY_NAME.items()}


# Codes pages still declare for languages whose code changed or that name a group: Java's Locale writes
# Hebrew as "iw", Indonesian as "in" and Yiddish as "ji" to this day; "no" (Norwegian) is written as Bokmål
# by most pages; "mo" (Moldavian) is Romanian; "fil" (Filipino) is Tagalog, jusText's list.
CODE_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "no": "nb", "mo": "ro", "fil": "tl"}


def normalized_language(value: object) -> str:
    """``value`` as the code the pipeline looks stoplists and rules up by: "EN", "en-US", "en_GB", "eng" and
    "English" all read "en", and an old code reads as today's ("iw" is "he", :data:`CODE_ALIASES`). Without
    this, "EN" found no stoplist and no rules, and a page was judged with its stopword features at zero,
    with no error."""
    if value == "auto":
        return value  # the default, on every Config
    if not isinstance(value, str):
        raise TypeError(f"language must be a str ('auto' or a code such as 'en'), got {type(value).__name__}")
    raw = value.strip().lower()
    if not raw:
        raise ValueError("language must be 'auto' or a code such as 'en', got ''")
    known = known_codes()
    code = raw.replace("_", "-")
    primary = code.split("-")[0]
    primary = CODE_ALIASES.get(primary, primary)
    if raw == "auto" or raw in known:  # jusText's names without an ISO code are codes too ("aragonese")
        return raw
    named = _codes_by_name().get(raw) or ISO1_BY_ISO3.get(primary)  # "german", "deu", "deu-DE" -> "de"
    if named is not None:
        return named
    return primary if primary in known else code


def _script_language(text: str) -> Optional[str]:
    """The language ``text`` is in by its script, where a fifth of its characters are kana, Han or Hangul
    (Japanese, Chinese, Korean) or in a script of SCRIPT_LANGS; None otherwise. Counted on codepoints,
    not by a regex scan."""
    cp = chars.codepoints(text)
    cp = cp[cp >= _SCRIPTS_FROM]  # usually empty: nothing to count
    if not len(cp):
        return None
    if sum(((cp >= lo) & (cp <= hi)).sum() for lo, hi in _CJK_RANGES) > 0.2 * len(text):
        return "ja" if _KANA_RE.search(text) else "ko" if _HANGUL_RE.search(text) else "zh"
    for code, (lo, hi) in SCRIPT_LANGS.items():
        if ((cp >= lo) & (cp <= hi)).sum() > 0.2 * len(text):
            return code
    return None


def check_declared(declared: str, lines: Sequence[str]) -> str:
    """The language a page declares (``<html lang>``, Content-Language), unless its text plainly says another.

    Templates carry a language their pages do not always have: English articles under ``lang="de"``,
    ``"ru"`` or ``"fa"`` were judged with that language's stoplist (few stopwords on any line) and rules.
    Only two kinds of evidence overrule a declaration. Text written in a script :func:`detect` reads by
    script (Chinese, Japanese, Korean, Thai), where the declared language is not one of those. English,
    where :func:`detect` finds it and it has ENGLISH_MARGIN times the declared language's stopword hits
    (and at least 3). Detection is not trusted further: on the labelled pages it would have overruled 13
    pages that declare English, 12 of them rightly English (shop and listing pages thin in prose read as
    Estonian, Finnish or Malayalam; lorem ipsum as Latin). docs/model.md, "Language detection".
    """
    text = sample_text(lines)
    by_script = _script_language(text[:5000])
    if by_script is not None:
        return declared if declared in (*CJK_LANGS, *SCRIPT_LANGS) else by_script
    if declared == "en":
        return declared
    words = chars.letter_runs(text.lower(), limit=400)  # the words detect() reads, read once for both tests
    if _by_stopwords(words) != "en":
        return declared
    english, own = (sum(map(stopwords(code).__contains__, words)) for code in ("en", declared))
    return "en" if english >= max(3, ENGLISH_MARGIN * own) else declared


def sample_text(lines: Iterable[str]) -> str:
    """What :func:`detect` reads: the 20 longest of the first 400 lines (prose, where stopwords live), joined."""
    return " ".join(sorted(list(lines)[:400], key=len, reverse=True)[:20])


def detect(lines: Iterable[str], max_words: int = 400) -> Optional[str]:
    """Guess the page language from its stopwords (or script for CJK and Thai); None when there is too little text.

    Runs on every page, so it is built for speed: a sample of the longest lines (prose, where stopwords
    live), an English fast path (one set lookup per word), and otherwise one dict lookup per distinct word
    and a count of their languages in numpy.
    """
    text = sample_text(lines)
    by_script = _script_language(text[:5000])
    if by_script is not None:
        return by_script
    return _by_stopwords(chars.letter_runs(text.lower(), limit=max_words))  # the first max_words words, at numpy speed


def _by_stopwords(words: list[str]) -> Optional[str]:
    """The language whose stoplist holds most of ``words`` (English unless another has ENGLISH_MARGIN times its
    hits); None when no language has 3."""
    if not words:
        return None
    english = stopwords("en")
    if sum(map(english.__contains__, words)) >= 0.3 * len(words):
        return "en"
    scores = _scores(words)
    top = scores.max()
    codes = _word_index()[3]
    # Many of jusText's stoplists were built from Wikipedias and hold English words, names and single
    # letters (Finnish's has 6,813 words, 100 of them English stopwords; "my", "love", "nokia", "brian"):
    # on English text whose longest lines are thin in stopwords (menus, lists, markup) they tied with
    # English or beat it by a few hits: 101 text fields of the labelled pages the data calls English were
    # judged with a Finnish, Sundanese, Marathi or Uzbek stoplist (16 now). Text in another language gives
    # English at most a third of its own hits there (docs/model.md, "Language detection"), so English keeps
    # the page unless another language has ENGLISH_MARGIN times its hits. Other ties go to the
    # alphabetically first code (codes are in that order), never to a set's order, which follows the hash seed.
    if scores[codes.index("en")] * ENGLISH_MARGIN >= top:
        best = "en"
    else:
        best = codes[int(np.flatnonzero(scores == top)[0])]
    return best if top >= 3 else None

"""Language detection and stopword lists, both from jusText's stoplists (about 100 languages).

Stopword density is the strongest single signal that a line is prose rather than navigation, and it only
works with the right language's list. We pick the list that covers the most words of the page, which is
also a usable language guess. CJK scripts are detected by character class instead (no spaces, no lists).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Optional

import justext

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
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF))
_KANA_RE = re.compile(r"[\u3040-\u30ff]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]")
CJK_LANGS = ("zh", "ja", "ko")


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    """All jusText stoplists keyed by language code (jusText's name where we know no ISO code)."""
    out: dict[str, frozenset[str]] = {}
    for name in sorted(justext.get_stoplists()):  # sorted: the same winner whatever the hash seed
        out[ISO_BY_NAME.get(name, name.lower())] = frozenset(justext.get_stoplist(name))
    return out


@lru_cache(maxsize=1)
def _word_index() -> dict[str, tuple[str, ...]]:
    """word -> languages whose stoplist contains it; one dict lookup per word during detection."""
    index: dict[str, list[str]] = {}
    for lang, words in _stoplists().items():
        for w in words:
            index.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}


def stopwords(lang: Optional[str]) -> frozenset[str]:
    """The stoplist for ``lang`` (ISO code), or an empty set for unknown/CJK languages."""
    if not lang:
        return frozenset()
    return _stoplists().get(lang, frozenset())


def in_any_stoplist(word: str) -> bool:
    """Whether some language's stoplist holds ``word`` (lower-case): evidence that a decoding made real words."""
    return word in _word_index()


def known_languages() -> list[str]:
    return sorted(_stoplists())


def _cjk_count(text: str) -> int:
    """Characters of ``text`` in the kana, CJK and Hangul ranges, counted on codepoints, not by a regex scan."""
    cp = chars.codepoints(text)
    cp = cp[cp >= _CJK_RANGES[0][0]]  # usually empty: nothing to count
    return int(sum(((cp >= lo) & (cp <= hi)).sum() for lo, hi in _CJK_RANGES)) if len(cp) else 0


def detect(lines: Iterable[str], max_words: int = 400) -> Optional[str]:
    """Guess the page language from its stopwords (or script for CJK); None when there is too little text.

    Runs on every page, so it is built for speed: a sample of the longest lines (prose, where stopwords
    live), an English fast path (one set lookup per word), and otherwise one dict lookup per distinct word.
    """
    lines = list(lines)
    sample = sorted(lines[:400], key=len, reverse=True)[:20]
    text = " ".join(sample)
    if not text:
        return None
    head = text[:5000]
    if _cjk_count(head) > 0.2 * len(head):
        if _KANA_RE.search(head):
            return "ja"
        if _HANGUL_RE.search(head):
            return "ko"
        return "zh"
    words = chars.letter_runs(text.lower(), limit=max_words)  # _WORD_RE.findall(...)[:max_words], at numpy speed
    if not words:
        return None
    english = _stoplists()["en"]
    if sum(map(english.__contains__, words)) >= 0.3 * len(words):
        return "en"
    index = _word_index()
    scores: dict[str, int] = {}
    for w, c in Counter(words).items():
        for lang in index.get(w, ()):
            scores[lang] = scores.get(lang, 0) + c
    if not scores:
        return None
    # Ties go to English, then to the alphabetically first code: never to dict order, which follows
    # justext's frozenset of stoplist names and so changes with the process's hash seed.
    best = min(scores, key=lambda k: (-scores[k], k != "en", k))
    return best if scores[best] >= 3 else None

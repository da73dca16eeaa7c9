"""Language detection and stopword lists, both from jusText's stoplists (about 100 languages).

Stopword density is the strongest single signal that a line is prose rather than navigation, and it only
works with the right language's list. We pick the list that covers the most words of the page, which is
also a usable language guess. CJK scripts are detected by character class instead (no spaces, no lists).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

import justext

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
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_KANA_RE = re.compile(r"[\u3040-\u30ff]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]")
_WORD_RE = re.compile(r"[^\W\d_]+")
CJK_LANGS = ("zh", "ja", "ko")


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    """All jusText stoplists keyed by language code (jusText's name where we know no ISO code)."""
    out: dict[str, frozenset[str]] = {}
    for name in justext.get_stoplists():
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


def known_languages() -> list[str]:
    return sorted(_stoplists())


def detect(lines: Iterable[str], max_words: int = 3000) -> Optional[str]:
    """Guess the page language from its stopwords (or script for CJK); None when there is too little text."""
    sample: list[str] = []
    count = 0
    for line in lines:
        sample.append(line)
        count += line.count(" ") + 1
        if count >= max_words:
            break
    text = " ".join(sample)
    if not text:
        return None
    cjk = len(_CJK_RE.findall(text[:20000]))
    if cjk > 0.2 * min(len(text), 20000):
        if _KANA_RE.search(text[:20000]):
            return "ja"
        if _HANGUL_RE.search(text[:20000]):
            return "ko"
        return "zh"
    index = _word_index()
    scores: dict[str, int] = {}
    words = _WORD_RE.findall(text.lower())
    for w in words[:max_words]:
        for lang in index.get(w, ()):
            scores[lang] = scores.get(lang, 0) + 1
    if not scores:
        return None
    best = max(scores, key=lambda k: (scores[k], k == "en"))
    return best if scores[best] >= 3 else None

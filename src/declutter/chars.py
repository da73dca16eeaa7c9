"""Character classes of a whole page at once: codepoint arrays and one lookup table for every codepoint.

A regex scan costs about 25 ns per character in CPython's ``re``, so a page of 17,000 characters pays
0.4 ms per pass, and per-line feature extraction used to make a dozen passes. Here a page is turned into a
numpy array of codepoints once (a C-speed encode), and "is this a letter / word character / digit / space"
becomes one table lookup for all characters. The table is built from the very regexes and ``str`` methods
the per-line code used (``[^\\W\\d_]``, ``\\w``, ``\\d``, ``str.isspace``), so counts agree exactly.

A word is a letter followed by letters, combining marks and the joiners ZWNJ and ZWJ (:func:`word_re`).
``re``'s ``\\w`` leaves marks out, so ``[^\\W\\d_]+`` cut Devanagari, Bengali or Tamil words at every vowel
sign ("हिन्दी" became "ह", "न", "द") and no stopword of those languages could match; Latin text with
decomposed accents lost the accents. Persian writes a ZWNJ inside many words ("می‌شود", 19 words of its
stoplist), and Indic scripts a ZWJ or ZWNJ inside conjuncts, so a joiner between letters is part of the
word too. A word starts with a letter: a mark or joiner after a symbol or a digit belongs to no word. The
variation selector that follows many emoji ("❤️") is a combining mark, and was counted as a word of its own
until that rule.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

# Bit flags in the table.
WORD = 1       # \w (letters, digits, underscore, as re sees them)
LETTER = 2     # [^\W\d_] and combining marks (word_re): what declutter counts as word characters
DIGIT = 4      # \d
CAP = 8        # a capital that starts a word: Latin, Greek, Cyrillic (features._CAP)
SPACE = 16     # str.isspace(): what str.split() splits on
SPECIAL = 32   # a newline other than \n or a control character: reading.normalize_text has work to do
W_FOLD = 64    # matches "w" case-insensitively (features._URLISH's "www.")
TLD_FOLD = 128 # matches "c", "o", "n" or "h" case-insensitively (the first letter of ".com", ".html", ...)
SENTENCE_END = 256    # a character features._SENTENCE_END ends a sentence with
QUOTE_OR_PAREN = 512  # may start a line without making it start with a symbol (features._SYMBOL_START)
SEPARATOR = 1024      # may be part of a features._SEPARATORS match
MARK = 2048           # sentence punctuation features count when a space follows: . ? !
COMBINING = 4096      # a combining mark (marks()): part of a word after a letter, though not of [^\W\d_]
JOINER = 8192         # ZWNJ or ZWJ: part of a word between letters (word_mask())
_LITERALS = ((SENTENCE_END, '.!?"”’\'):;'), (QUOTE_OR_PAREN, '"“‘\'('), (SEPARATOR, "|»›/·•>"), (MARK, ".?!"))

_CLASSES = ((WORD, r"\w+"), (LETTER, r"[^\W\d_]+"), (DIGIT, r"\d+"), (CAP, r"[A-ZÀ-ÖØ-ÞΑ-ΩА-ЯЁ]+"))
_SPECIALS = r"[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]+"


JOINERS = "\u200c\u200d"  # zero-width non-joiner and joiner: inside Persian words and Indic conjuncts

# Planes 4 to 16 hold no letter, digit or space in any Unicode version so far (unassigned, tags, variation
# selectors, private use); table() checks that with one scan instead of scanning them once per class.
_QUIET_FROM = 0x40000


@lru_cache(maxsize=1)
def table() -> np.ndarray:
    """uint16 flags for every codepoint (2.2 MB, built once per process in about 50 ms)."""
    every = from_codepoints(np.arange(0x110000, dtype=np.uint32))  # no per-character objects: 4 MB, not 60
    if re.search(r"[\w\s]", every[_QUIET_FROM:]) is None:  # the other classes are sets of BMP characters
        every = every[:_QUIET_FROM]
    flags = np.zeros(0x110000, dtype=np.uint16)
    for flag, pattern in (*_CLASSES, (SPECIAL, _SPECIALS), (W_FOLD, "(?i)w+"), (TLD_FOLD, "(?i)[conh]+")):
        for m in re.finditer(pattern, every):
            flags[m.start():m.end()] |= flag
    for flag, members in _LITERALS:
        flags[[ord(c) for c in members]] |= flag
    flags[[ord(c) for c in marks()]] |= LETTER | COMBINING
    flags[[ord(c) for c in JOINERS]] |= JOINER
    # Runs of whitespace are few; str.isspace is the definition str.split() uses.
    for m in re.finditer(r"\s+", every):
        for i in range(m.start(), m.end()):
            if chr(i).isspace():
                flags[i] |= SPACE
    return flags


@lru_cache(maxsize=1)
def marks() -> str:
    """Every combining mark (Unicode categories Mn, Mc, Me) below plane 4, as one string (about 20 ms, once).

    Built from ``unicodedata`` rather than written out, so it follows the running Python's Unicode version
    as ``\\w`` does. Planes 4 and up hold only variation selectors among the marks, which join no word.
    """
    return "".join(chr(i) for i in range(_QUIET_FROM) if unicodedata.category(chr(i))[0] == "M")


@lru_cache(maxsize=1)
def _mark_class() -> str:
    """:func:`marks` as one regex character class of ranges."""
    cps = [ord(c) for c in marks()]
    starts = [i for i in range(len(cps)) if i == 0 or cps[i] != cps[i - 1] + 1]
    ends = starts[1:] + [len(cps)]
    return "[%s]" % "".join(re.escape(chr(cps[a])) + ("-" + re.escape(chr(cps[b - 1])) if b - a > 1 else "")
                            for a, b in zip(starts, ends))


@lru_cache(maxsize=1)
def word_re() -> re.Pattern[str]:
    r"""A word: a letter (``[^\W\d_]``), then letters, combining marks (:func:`marks`) and joiners that a
    letter or mark follows.

    The same words as :func:`word_mask` finds in the array paths. Written as letters with runs of marks
    between them, not as one class of both: ``re`` tests a class of 2,000 ranges far slower than its own
    ``\w``, and most words hold no mark.
    """
    m, letters = _mark_class(), r"[^\W\d_]"
    joiner = rf"[{JOINERS}](?={letters}|{m})"
    return re.compile(rf"{letters}+(?:(?:{m}|{joiner})+{letters}*)*")


_LETTER_RUNS = re.compile(r"[^\W\d_]+")


# What a full-line rule allows around its pattern: symbols, spaces and underscores (FRAME), and in rule sets
# whose patterns hold combining marks, the same without the marks (mark_frame()).
FRAME = r"[\W_]*"


@lru_cache(maxsize=1)
def mark_frame() -> str:
    r"""FRAME without the combining marks, which ``\W`` holds: with FRAME, "शेयर" (share) fully matched the
    line "शेयरों" (shares), its trailing vowel sign and nasal mark passing for punctuation. Only rule sets
    that need it use it: ``re`` tests a class of 300 ranges far slower than ``\W``."""
    return r"(?:[^\w%s]|_)*" % _mark_class()[1:-1]


def _holds(text: str, flags: int) -> bool:
    """Does ``text`` hold a character with any of ``flags`` in the table?"""
    return bool((flags_of(codepoints(text)) & flags).any())


def holds_mark(text: str) -> bool:
    """Does ``text`` hold a combining mark (the table's COMBINING flag)?"""
    return _holds(text, COMBINING)


def word_re_for(text: str) -> re.Pattern[str]:
    """:func:`word_re`, or where ``text`` holds no combining mark or joiner the plain letter runs, which find
    the same words there about three times faster (the per-line loop of CJK pages reads every line with it)."""
    return word_re() if _holds(text, COMBINING | JOINER) else _LETTER_RUNS


def word_mask(flags: np.ndarray) -> np.ndarray:
    """Which characters belong to a word (:func:`word_re`), from their table flags.

    Where no character is a mark or a joiner, that is the LETTER flag, read as before. Otherwise a joiner
    counts when a letter or mark follows it, and a run of such characters counts from its first letter on:
    the marks and joiners before it (after a symbol, a digit or an emoji) belong to no word.
    """
    letter = (flags & LETTER).astype(bool)
    if not (flags & (COMBINING | JOINER)).any():
        return letter
    joins = (flags & JOINER).astype(bool) & np.concatenate([letter[1:], [False]])
    member = letter | joins
    base = letter & ~(flags & COMBINING).astype(bool)  # letters proper
    opens = member & ~np.concatenate([[False], member[:-1]])
    seen = np.cumsum(base)  # letters up to and including each character
    before = (seen - base)[opens]  # letters before each run
    run = np.maximum(np.cumsum(opens) - 1, 0)  # each character's run (read on members only)
    return member & (seen > before[run]) if len(before) else member


def codepoints(text: str) -> np.ndarray:
    """The text as uint32 codepoints (lone surrogates included, so any ``str`` works)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def from_codepoints(cp: np.ndarray) -> str:
    return cp.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def flags_of(cp: np.ndarray) -> np.ndarray:
    """Table flags of each codepoint."""
    return np.take(table(), cp)


def letter_runs(text: str, cp: np.ndarray | None = None, limit: int | None = None) -> list[str]:
    r"""``word_re().findall(text)[:limit]``, without a regex scan: non-letters become spaces, then split.

    With a ``limit``, only the text up to the start of run number ``limit + 1`` is split.
    """
    cp = codepoints(text) if cp is None else cp
    letters = word_mask(flags_of(cp))
    if limit is not None:
        starts = np.flatnonzero(letters & ~np.concatenate([[False], letters[:-1]]))
        if len(starts) > limit:
            cp, letters = cp[: starts[limit]], letters[: starts[limit]]
    return from_codepoints(np.where(letters, cp, 32)).split()

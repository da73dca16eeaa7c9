"""Which encoding bytes are in when nothing says so: UTF-8 (even when damaged), else the code page that makes words.

Two failures this prevents. A UTF-8 page with one bad byte (a crawler's payload cut mid-character, a stray
Latin-1 byte in a template) is not legacy text: decoding all of it as cp1252 turns every accented letter and
dash of the page into mojibake ("cafÃ©"). And a page in a legacy code page (Russian in cp1251, Japanese in
Shift_JIS, Chinese in GBK) read as cp1252 loses all of its text to mojibake, silently.

So bytes that are *mostly* valid UTF-8 (at least as many valid multi-byte characters as damaged sequences)
stay UTF-8, with U+FFFD where the damage is. Otherwise each candidate
encoding of ``data/charsets.toml`` is scored by the evidence its reading gives: for one-byte code pages, how
many of the page's words with non-ASCII letters it makes into words of some jusText stoplist (mojibake
words never are);
for CJK encodings, how many decoded characters are kana, common Han characters or common Hangul syllables,
counted only when they are a fair share of all non-ASCII characters decoded (a wrong CJK reading gives rare
characters). The best reading with enough evidence wins.

A short text, or an English page whose only high bytes are curly quotes, dashes and a "café", has no such
evidence. Its bytes are still read in one code page rather than the caller's fallback when one reading makes
(nearly) every word with a high byte plausible text (:func:`plausible_reading`): letters of one script, a
Latin word mostly of ASCII letters, case that does not flip inside a word, punctuation only around or between
words. Mojibake breaks those ("Ïðèâåò" is Russian in the wrong code page), and so do binary bytes. Between
code pages that make the same letters plausible (Turkish read as cp1252's Icelandic letters, Russian capitals
read as KOI8-R's lower case), the reading whose letter pairs are those of a language the code page is made
for wins (:func:`letter_pair_fit`); Polish words of mostly accented letters ("Żółw") are believed on those
pairs alone. A few stopwords do not decide for a reading that garbles the page's other words with a high
byte. Only with neither kind of evidence does the caller's fallback decide.
"""
from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from importlib import resources
from typing import NamedTuple, Optional

from . import language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SAMPLE_BYTES = 1 << 16          # evidence is read from 64 KiB of text: a page's language does not change after it
MIN_EVIDENCE = 3                # words or characters a reading must show before it is believed
MIN_WORD_SHARE = 0.1            # of the words with non-ASCII letters a code page reading makes
MIN_DISTINCT = 3                # different stopwords a code page reading must make
MAX_WORDS = 20000               # words with a high byte read from anywhere in the page
MIN_CJK_SHARE = 0.15            # of the non-ASCII characters a CJK reading decodes
MIN_PLAUSIBLE_SHARE = 0.9      # of the words with a high byte a one-byte reading must make plausible
MAX_PLAUSIBLE_WORDS = 500      # distinct such words judged, the most frequent first
MIN_FIT_WORDS = 2              # different words with a non-ASCII letter a reading needs before their fit counts
MIN_FIT = 0.8                  # letter-pair fit the best reading needs before it can overrule the order
FEW_WORDS = 20                 # stopwords or common CJK characters that decide whatever else a reading makes;
                               # below it a plausible one-byte reading can win (one that fits a language, for CJK)
STRONG_FIT = 0.9               # letter-pair fit that makes such a reading clearly some language's words
DENSE_FIT = 0.6                # letter-pair fit a reading of words mostly of accented letters needs ("żółć")
FIT_MARGIN = 0.1               # letter-pair fit (of one language) a plausible reading may lack against the best
MIN_UTF16_CJK_UNITS = 16       # code units such bytes need before their characters are judged
MIN_UTF16_CJK_SHARE = 0.3      # of the code units of UTF-16 without a BOM that are kana or common Han/Hangul
MAX_CONTROL_SHARE = 0.001      # C0 control bytes (not tab, newline, form feed, carriage return) text can hold
UTF8_MAJORITY = 1               # valid multi-byte characters per damaged sequence for bytes to stay UTF-8
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# Runs of letters in any code page holding a high byte; tried only where a run starts (the lookbehind), else
# every letter of a long ASCII run would start a scan to its end.
_HIGH_WORDS = re.compile(rb"(?<![A-Za-z\x80-\xff])[A-Za-z\x80-\xff]*[\x80-\xff][A-Za-z\x80-\xff]*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTER_RUNS = re.compile(r"[^\W\d_]{2,}")
_KANA = re.compile(r"[\u3041-\u30ff]")
_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")
_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC"})  # the scripts the code pages are made for
_JOINERS = frozenset({"Pd", "Pi", "Pf", "Zs"})  # dashes, quotes, no-break space: also between two words
_JOINER_MARKS = frozenset("…·\xad")            # "word…word", "l·l", a soft hyphen
_EDGE_SYMBOLS = frozenset("©®°±×÷§¶™¬")        # symbols text puts next to a word, unlike box drawing
_LEADING_MARKS = frozenset("¿¡")               # only ever open a word: "ju¿" is Polish "już" read as cp1252
_LEGACY_LETTERS = str.maketrans("șțȘȚ", "şţŞŢ")  # comma below (Unicode's Romanian) -> cedilla (code pages')


@dataclass(frozen=True)
class _Candidates:
    single_byte: tuple[str, ...]
    multi_byte: tuple[str, ...]
    common_cjk: frozenset[str]
    languages: dict[str, frozenset[str]]  # one-byte code page -> the stoplist codes of the languages it is made for


@lru_cache(maxsize=1)
def _candidates() -> _Candidates:
    data = tomllib.loads((resources.files("declutter") / "data" / "charsets.toml").read_text(encoding="utf-8"))
    common = set("".join(data["common_han"].split())) | set(data["common_hangul"])
    languages = {enc: frozenset(codes) for enc, codes in data.get("languages", {}).items()}
    return _Candidates(tuple(data["single_byte"]), tuple(data["multi_byte"]), frozenset(common), languages)


@lru_cache(maxsize=1)
def _label_table() -> tuple[dict[str, str], frozenset[str]]:
    data = tomllib.loads((resources.files("declutter") / "data" / "charset_labels.toml").read_text(encoding="utf-8"))
    table = {label: codecs.lookup(codec).name for codec, labels in data["labels"].items() for label in labels}
    return table, frozenset(data["ignored"])


@lru_cache(maxsize=256)
def codec_for_label(label: str) -> Optional[str]:
    """The Python codec that decodes what a browser decodes for the declared charset ``label``; None when
    the label means nothing to a browser or to Python, or is one browsers refuse (``data/charset_labels.toml``).

    Python's codec of the same name is not always it: a page labelled "iso-8859-1" is windows-1252 to every
    browser and is written so (its curly quotes and dashes are bytes 0x91-0x97, which Latin-1 makes control
    characters, and those are then removed). A name only Python knows ("latin_1", "euc_kr") is mapped through
    Python's canonical name, so it too means what the standard's label of that encoding means.
    """
    key = label.strip().lower()
    table, ignored = _label_table()
    if key in ignored:
        return None
    if key in table:
        return table[key]
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    return table.get(name) or table.get(name.replace("_", "-")) or name


def decode_undeclared(data: bytes, fallback: Optional[str]) -> str:
    """``data`` decoded by the evidence above; ``fallback`` (or UTF-8 with U+FFFD when None) without any."""
    text = data.decode("utf-8", errors="replace")
    if mostly_utf8(data, text) or (_cut_utf8(data) and data[-2] >= 0x80):
        return text  # a cut with no valid character before it must keep a continuation byte: "caf\xe9" is cp1252
    encoding = guess(data) or fallback
    return data.decode(encoding, errors="replace") if encoding else text


def mostly_utf8(data: bytes, text: str) -> bool:
    """At least UTF8_MAJORITY valid multi-byte characters for every damaged sequence (U+FFFD already in the
    bytes does not count as damage). Legacy text almost never forms valid multi-byte UTF-8 by accident: where
    half its high bytes do, it is UTF-8 that was mis-decoded once already."""
    damaged = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - text.count("\ufffd")
    return valid > 0 and valid >= UTF8_MAJORITY * damaged


def _cut_utf8(data: bytes) -> bool:
    """Valid UTF-8 up to a character cut short at the very end: a payload truncated at a size limit."""
    for k in (1, 2, 3):
        if len(data) > k and data[-k] >= 0xC2:  # the cut character's lead byte
            try:
                data[:-k].decode("utf-8")
            except UnicodeDecodeError:
                return False
            return all(0x80 <= b < 0xC0 for b in data[len(data) - k + 1:])
    return False


def guess(data: bytes) -> Optional[str]:
    """The candidate encoding whose reading of ``data`` shows the most evidence, or None without enough."""
    sample = _sample(data)
    if sample.count(b"\x00") > len(sample) // 100:
        return None  # binary, or UTF-16 without a BOM: no code page reading is text
    cands = _candidates()
    found = [m.group() for m in islice(_HIGH_WORDS.finditer(data), MAX_WORDS)]
    words = b" ".join(found)
    scores = {enc: _word_evidence(words, enc) for enc in cands.single_byte}
    scores.update({enc: _cjk_evidence(sample, enc, cands.common_cjk) for enc in cands.multi_byte})
    order = cands.single_byte + cands.multi_byte
    best = max(order, key=lambda enc: (scores[enc], -order.index(enc)))
    if scores[best] >= FEW_WORDS:
        return best
    counted = Counter(found).most_common(MAX_PLAUSIBLE_WORDS)  # once, for every judgement below
    if scores[best] >= MIN_EVIDENCE and best in cands.single_byte and _plausible_bytes(counted, best):
        return best
    single = plausible_reading(sample, counted, cands.single_byte)
    if scores[best] < MIN_EVIDENCE:
        return single
    if best in cands.single_byte:
        return single or best  # a few stopwords among words the reading garbles ("güne\u200fli" in cp1256)
    return single if single and _fits_a_language(counted, single) else best


def _plausible_bytes(words: list[tuple[bytes, int]], encoding: str) -> bool:
    """Whether ``encoding`` reads at least MIN_PLAUSIBLE_SHARE of the words with a high byte as text."""
    total = sum(n for _, n in words)
    return _plausible_share(words, total, _byte_classes(encoding)) >= MIN_PLAUSIBLE_SHARE


def _fits_a_language(words: list[tuple[bytes, int]], encoding: str) -> bool:
    """Whether the words with a high byte, read in ``encoding``, are clearly words of some language (STRONG_FIT).

    A few common Han characters are weak evidence on a short text: lower-case KOI8-R letters are lead and
    trail bytes of GB2312's commonest characters, so "Привет, как дела?" reads as four of them. Read in
    KOI8-R its letter pairs are Russian's, which a short CJK text read in a one-byte code page never gives.
    """
    fit = letter_pair_fit(words, encoding)
    return fit is not None and fit >= STRONG_FIT


def plausible_reading(sample: bytes, words: list[tuple[bytes, int]], encodings: tuple[str, ...]) -> Optional[str]:
    """The first of ``encodings`` (one byte per character) that reads the most words with a high byte as
    plausible text, when that is at least MIN_PLAUSIBLE_SHARE of them; None for bytes with C0 controls in
    them (binary) or no reading that good.

    The weak evidence a few words give: it tells a code page from mojibake and binary, not which of the
    code pages of one script is right. Among equally plausible readings, those whose letter pairs fit a
    language clearly worse than the best one's drop out (:func:`_best_fitting`), then fewer words in capitals
    and the earlier encoding (cp1252 for Latin text) win.
    ``sample``: :func:`_sample` of the bytes; ``words``: their words with a high byte (``_HIGH_WORDS``) and
    how often each occurs, the MAX_PLAUSIBLE_WORDS commonest.
    """
    if len(_CONTROLS.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        return None
    total = sum(n for _, n in words)
    if not total:
        return None
    ranked = _plausible_readings(words, total, encodings, dense=False)
    if not ranked:
        ranked = {enc: key for enc, key in _plausible_readings(words, total, encodings, dense=True).items()
                  if (letter_pair_fit(words, enc) or 0.0) >= DENSE_FIT}
    if not ranked:
        return None
    best_share = max(key[0] for key in ranked.values())
    ranked = {enc: key for enc, key in ranked.items() if key[0] == best_share}
    if len(ranked) > 1:
        ranked = _best_fitting(ranked, words)
    return max(ranked, key=ranked.__getitem__)


def _plausible_readings(words: list[tuple[bytes, int]], total: int, encodings: tuple[str, ...],
                        dense: bool) -> dict[str, tuple]:
    """The readings that make at least MIN_PLAUSIBLE_SHARE of the words plausible, each with its sort key
    (that share, fewer words in capitals, the earlier encoding). ``dense``: words may be mostly accented
    letters (:func:`_plausible`)."""
    ranked = {}
    for i, enc in enumerate(encodings):
        classes = _byte_classes(enc)
        share = _plausible_share(words, total, classes, dense)
        if share >= MIN_PLAUSIBLE_SHARE:
            shouted = sum(n for word, n in words if _all_capitals(word, classes))
            ranked[enc] = (share, -shouted, -i)
    return ranked


def _best_fitting(ranked: dict[str, tuple], words: list[tuple[bytes, int]]) -> dict[str, tuple]:
    """The readings of ``ranked`` whose letter pairs fit a language nearly as well as the best one's, when every
    reading has words to judge and the best fits well; else all of them (the order decides)."""
    fits = {enc: letter_pair_fit(words, enc) for enc in ranked}
    known = [fit for fit in fits.values() if fit is not None]
    if len(known) < len(fits) or max(known) < MIN_FIT:
        return ranked  # a reading that makes no words of the high bytes (symbols) cannot be judged this way
    best = max(known)
    return {enc: key for enc, key in ranked.items() if (fits[enc] or 0.0) >= best - FIT_MARGIN}


def letter_pair_fit(words: list[tuple[bytes, int]], encoding: str) -> Optional[float]:
    """How well the words' letter pairs with a non-ASCII letter in them, read in ``encoding``, fit one language:
    the largest share of those pairs (word starts and ends count as letters) that occur in the words of a single
    jusText stoplist, among the languages ``encoding`` is made for (``data/charsets.toml``; all of them for an
    encoding it does not list).

    What tells apart code pages that give one script the same bytes. Turkish in cp1252 reads as Icelandic
    letters ("Kýþ" for "Kış", "soðuk" for "soğuk"), Russian capitals in cp1251 read as KOI8-R's lower case
    ("мнбнярх" for "НОВОСТИ"): every such letter is plausible alone, but their pairs are not the pairs of any
    language, while the right reading's pairs are those of its language's commonest words. Only the code page's
    own languages count: "Tüm hakları" read as cp1252 ("Tüm haklarý") has the letter pairs of Turkmen, whose
    letters cp1252 cannot all write.
    """
    runs = {run for word, _ in words for run in _letter_runs(word.decode(encoding, errors="replace").lower())
            if not run.isascii()}
    if len(runs) < MIN_FIT_WORDS:
        return None  # one accented name, one word of mojibake, however often repeated: no evidence of a language
    pairs = Counter(pair for run in runs for pair in _letter_pairs(run))
    total = sum(pairs.values())
    table, codes = _pair_table()
    per_language = [0] * len(codes)
    for pair, n in pairs.items():
        for k in table.get(pair, ()):
            per_language[k] += n
    own = _candidates().languages.get(encoding)
    return max((n for n, code in zip(per_language, codes) if own is None or code in own), default=0) / total


def _letter_runs(text: str) -> list[str]:
    """Runs of two or more letters proper: unlike ``\\w``, "²" and "½" end a run ("m²" is no word)."""
    return [run for run in "".join(c if c.isalpha() else " " for c in text).split() if len(run) > 1]


def _letter_pairs(run: str) -> list[str]:
    """The pairs of neighbouring letters of ``run`` (with ``^`` and ``$`` for its ends) that hold a non-ASCII one."""
    padded = "^" + run + "$"
    return [padded[i:i + 2] for i in range(len(padded) - 1)
            if not padded[i].isascii() or not padded[i + 1].isascii()]


@lru_cache(maxsize=1)
def _pair_table() -> tuple[dict[str, tuple[int, ...]], list[str]]:
    """Letter pair -> indices of the languages whose stoplist words hold it, and those languages' codes.

    Each word also counts in its legacy spelling (``_LEGACY_LETTERS``): the Romanian stoplist writes "ș" and
    "ț" with a comma below, which no code page has; Romanian in cp1250 writes them with a cedilla.
    """
    lists = language.all_stoplists()
    codes = list(lists)
    holders: dict[str, list[int]] = {}
    for k, words in enumerate(lists.values()):
        spellings = {w for word in words if not word.isascii() for w in (word, word.translate(_LEGACY_LETTERS))}
        pairs = {pair for word in spellings for run in _letter_runs(word) for pair in _letter_pairs(run)}
        for pair in pairs:
            holders.setdefault(pair, []).append(k)
    return {pair: tuple(ks) for pair, ks in holders.items()}, codes


def _all_capitals(word: bytes, classes: tuple[_ByteClass, ...]) -> bool:
    """A word of two or more non-ASCII letters, all capitals. Text is mostly lower case, and the two Cyrillic
    code pages swap the cases: lower-case KOI8-R read as cp1251 is all capitals ("привет" -> "РТЙЧЕФ"), so
    between readings equally plausible the one with fewer such words wins."""
    letters = [classes[b] for b in word if classes[b].kind == "letter" and not classes[b].ascii]
    return len(letters) >= 2 and all(c.upper for c in letters)


def _plausible_share(words: list[tuple[bytes, int]], total: int, classes: tuple[_ByteClass, ...],
                     dense: bool = False) -> float:
    """Share of the words' occurrences that read as text, or 0 as soon as it cannot reach MIN_PLAUSIBLE_SHARE
    (a wrong code page usually fails within its first few words, so most readings stop early)."""
    allowed = (1 - MIN_PLAUSIBLE_SHARE) * total
    failed = 0
    for word, n in words:
        if not _plausible(word, classes, dense):
            failed += n
            if failed > allowed:
                return 0.0
    return 1 - failed / total


class _ByteClass(NamedTuple):
    """What one byte reads as in a one-byte code page."""

    kind: str                # "letter", "joiner" (inside or around a word), "edge" (around one only),
                             # "lead" (before one only), "bad"
    script: Optional[str]    # a letter's script, when it is one the code pages are made for
    upper: bool              # an upper-case letter
    ascii: bool              # the byte is ASCII


@lru_cache(maxsize=None)
def _byte_classes(encoding: str) -> tuple[_ByteClass, ...]:
    out = []
    for b in range(256):
        ch = bytes([b]).decode(encoding, errors="replace")
        if ch.isalpha():
            first_word = unicodedata.name(ch, "").split(" ", 1)[0]  # "CYRILLIC SMALL LETTER A" -> "CYRILLIC"
            script = first_word if first_word in _SCRIPTS else None
            out.append(_ByteClass("letter", script, ch.isupper(), b < 0x80))
            continue
        cat = unicodedata.category(ch)
        if ch in _LEADING_MARKS:
            kind = "lead"
        elif cat in _JOINERS or ch in _JOINER_MARKS:
            kind = "joiner"
        elif ch != "\ufffd" and (cat[0] == "P" or cat in ("Sc", "Sk", "No") or ch in _EDGE_SYMBOLS):
            kind = "edge"
        else:
            kind = "bad"  # box drawing, math, controls, bytes the code page leaves undefined
        out.append(_ByteClass(kind, None, False, b < 0x80))
    return tuple(out)


def _plausible(word: bytes, classes: tuple[_ByteClass, ...], dense: bool = False) -> bool:
    """Whether ``word`` (a run of ASCII letters and high bytes with at least one high byte) reads as text.

    ``dense`` lets a Latin word hold more accented letters than plain ones ("Żółw", "żółć"), which Polish and
    Czech do and Cyrillic read as Latin accents ("Ïðèâåò") does too: only a reading whose letter pairs
    are clearly its language's is then believed (:func:`plausible_reading`).
    """
    seq = [classes[b] for b in word]
    if any(c.kind == "bad" for c in seq):
        return False
    letters = [i for i, c in enumerate(seq) if c.kind == "letter"]
    if not letters:
        return True  # punctuation alone: a quote or a dash between words
    core = seq[letters[0]:letters[-1] + 1]
    if any(c.kind in ("edge", "lead") for c in core) or any(c.kind == "lead" for c in seq[letters[-1]:]):
        return False  # "‚±‚ñ‚É" is Shift_JIS read as cp1252, not words; "ju¿" is Polish
    scripts = {c.script for c in core if c.script}
    if len(scripts) > 1:
        return False  # "cafй": Latin read in a Cyrillic code page
    if scripts == {"LATIN"} and not dense:
        accented = sum(1 for c in core if c.kind == "letter" and not c.ascii)
        if accented >= sum(1 for c in core if c.ascii) + 2:
            return False  # "Ïðèâåò": Cyrillic read as Latin accents
    lower_seen = False
    for c in core:
        if c.kind != "letter":
            continue
        if c.upper and lower_seen and not c.ascii:
            return False  # "пЯИВЕР": the case of a Cyrillic code page read in the other one
        lower_seen = lower_seen or not c.upper
    return True


def _sample(data: bytes) -> bytes:
    """SAMPLE_BYTES from just before the first non-ASCII byte: a page's head of scripts and styles says nothing."""
    first = _HIGH_BYTE.search(data)
    start = max(0, first.start() - 64) if first else 0
    return data[start:start + SAMPLE_BYTES]


def _word_evidence(words: bytes, encoding: str) -> int:
    """Occurrences of stopwords (of any language jusText knows) among the words with non-ASCII letters, or 0
    when they are under MIN_WORD_SHARE of those words (noise read in any code page makes a few) or fewer than
    MIN_DISTINCT different words (one name that happens to be a stopword somewhere is not a language)."""
    counts = Counter(w for w in _LETTER_RUNS.findall(words.decode(encoding, errors="replace").lower())
                     if not w.isascii())
    hits = {w: n for w, n in counts.items() if language.in_any_stoplist(w)}
    score = sum(hits.values())
    return score if len(hits) >= MIN_DISTINCT and score >= MIN_WORD_SHARE * sum(counts.values()) else 0


def _cjk_evidence(sample: bytes, encoding: str, common: frozenset[str]) -> int:
    """Kana and common Han/Hangul characters in the reading, or 0 when they are under MIN_CJK_SHARE of it.

    Only characters whose bytes are all high count: in Shift_JIS and Big5 a lead byte takes an ASCII letter
    as its second byte, so an English cp1252 page's curly apostrophes ("it’s", "don’t") read as a few
    kanji, again and again. Hiragana, Hangul and the common Han of GB2312 are high-byte pairs in every one of
    these encodings, so real CJK text keeps most of its evidence.
    """
    text = sample.decode(encoding, errors="replace")
    non_ascii = _NON_ASCII.findall(text)
    if not non_ascii or text.count("\ufffd") > 0.01 * len(non_ascii) + 2:
        return 0
    evidence = sum(1 for c in non_ascii if (c in common or _KANA.match(c)) and _high_bytes_only(c, encoding))
    return evidence if evidence >= MIN_CJK_SHARE * len(non_ascii) else 0


def cjk_utf16(head: bytes) -> Optional[str]:
    """"utf-16-le" or "utf-16-be" for the head of bytes that are CJK text in UTF-16 without a BOM, else None.

    Text that is mostly ASCII shows UTF-16 by its NULs (:func:`declutter.reading.utf16_without_bom`); Chinese,
    Japanese or Korean has none. Its code units are kana and common Han and Hangul characters instead, at
    least MIN_UTF16_CJK_SHARE of them, in one byte order. Random bytes make such a unit about one time in
    sixty, and the legacy CJK encodings, read as UTF-16, make Hangul syllables and private-use characters
    outside the common set; bytes that are UTF-8 (CJK included) are never UTF-16 here.
    """
    units = len(head) // 2
    if units < MIN_UTF16_CJK_UNITS:
        return None  # eight random units make three common characters about one time in a thousand
    try:
        head.decode("utf-8")
        return None
    except UnicodeDecodeError as err:
        if err.start >= len(head) - 3 and _cut_utf8(head):
            return None
    common = _candidates().common_cjk
    for encoding in ("utf-16-le", "utf-16-be"):
        text = head[:2 * units].decode(encoding, errors="replace")
        evidence = sum(1 for c in text if c in common or _KANA.match(c))
        if evidence >= MIN_UTF16_CJK_SHARE * units:
            return encoding
    return None


@lru_cache(maxsize=16384)
def _high_bytes_only(ch: str, encoding: str) -> bool:
    """Does ``encoding`` write ``ch`` with high bytes only? (Cached: a page repeats its characters.)"""
    return all(b >= 0x80 for b in ch.encode(encoding, errors="replace"))

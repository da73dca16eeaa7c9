"""The raw per-line counts of :func:`declutter.features.line_stats`, for all lines of a page at once.

The page is joined into one text and read as a numpy array of codepoints (:mod:`declutter.chars`); a
count per line is then a table lookup, a mask and one ``np.add.reduceat`` over the line starts, instead of
a dozen regex calls per line. Words are the letter runs of the lowercased text, found the same way, and the
vocabulary statistics behind the topic features are sorts and bincounts over (line, word) pairs. Regexes
still run, but only on the few lines that can match them (a line without "@", "://" or a dot next to a
URL-ish letter cannot be URL-ish).

Every column equals what the per-line reference loop in :mod:`declutter.features` computes for the same
page; ``benchmarks/check_identical.py`` checks that on the labelled pages.
"""
from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from typing import Callable, Optional, Sequence

import numpy as np

from . import chars

# A word, for every feature and the lexicon, is a letter followed by letters, combining marks and joiners:
# chars.word_re() in the reference loop of features and lexicon.page_tokens' fallback, chars.word_mask() on the
# table's flags in the array path here.

_DOT, _ELLIPSIS, _OPEN, _CLOSE, _AT, _COLON, _SLASH = (ord(c) for c in ".…[]@:/")


class PageText:
    """A page's lines joined by newlines, with the codepoints, table flags and line bounds of that text.

    The rule gates and the feature counts both read it, so :class:`~declutter.Cleaner` builds it once per
    page (:meth:`of`) and hands it to both.
    """

    def __init__(self, text: str, lens: np.ndarray, lines: Optional[list[str]] = None):
        self.n = len(lens)
        self.text = text
        self.lines = lines
        self.cp = chars.codepoints(text)
        self.flags = chars.flags_of(self.cp)
        self.lens = lens
        self.ends = np.cumsum(self.lens + 1) - 1  # the newline after each line (the text's end for the last)
        self.starts = self.ends - self.lens
        self._lowered: Optional[PageText] = None

    @classmethod
    def of(cls, lines: list[str]) -> Optional["PageText"]:
        """The view of ``lines``; None where it does not apply: no lines, an empty line or one with a newline."""
        text = "\n".join(lines)
        if not lines or not all(lines) or text.count("\n") != len(lines) - 1:
            return None
        return cls(text, np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)), lines)

    def lowered(self) -> "PageText":
        """The same view of the lowercased lines (built once)."""
        if self._lowered is None:
            low = self.text.lower()
            # str.lower never shrinks a character, so equal totals mean equal lengths line by line; the
            # newline between lines is neither cased nor case-ignorable, so it also stops the final-sigma rule.
            if len(low) == len(self.text):
                self._lowered = PageText(low, self.lens)
            else:
                lows = list(map(str.lower, self.lines if self.lines is not None else self.text.split("\n")))
                self._lowered = PageText("\n".join(lows), np.fromiter(map(len, lows), dtype=np.int64, count=len(lows)))
        return self._lowered

    def per_line(self, mask: np.ndarray) -> np.ndarray:
        """How many characters of each line ``mask`` holds for (the newlines must be False)."""
        return np.add.reduceat(mask, self.starts, dtype=np.int64)

    def line_of(self, positions: np.ndarray) -> np.ndarray:
        """The line holding each character position."""
        return np.searchsorted(self.ends, positions)

    def tail(self, k: int) -> np.ndarray:
        """The k-th last codepoint of every line (0 where the line is shorter)."""
        return np.where(self.lens >= k, self.cp[np.maximum(self.ends - k, 0)], 0)

    def followed_by(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` shifted one character back: does the next character hold?"""
        return np.concatenate([mask[1:], [False]])

    def preceded_by(self, mask: np.ndarray) -> np.ndarray:
        return np.concatenate([[False], mask[:-1]])


class Tokens:
    """The words (letter runs) of the lowercased page, with the line each one is on.

    ``first_at`` is the position of each word's first occurrence on the page: a page repeats its words
    (about 28% of wcxb-dev's are distinct), so per-word lookups (stopwords here, the lexicon's word ids)
    are made once per distinct word and spread back through it.
    """

    def __init__(self, page: PageText, stops: frozenset[str]):
        lp = page.lowered()
        letter = chars.word_mask(lp.flags)
        begin = np.flatnonzero(letter & ~lp.preceded_by(letter))
        end = np.flatnonzero(letter & ~lp.followed_by(letter))
        self.words = chars.from_codepoints(np.where(letter, lp.cp, 32)).split()
        self.line = lp.line_of(begin)
        self.length = end - begin + 1
        self.letters = lp.per_line(letter)
        self.first_at = first_occurrence(self.words)
        if stops:
            self.stop = spread(self.words, self.first_at, stops.__contains__, bool)
        else:
            self.stop = np.zeros(len(self.words), dtype=bool)


def first_occurrence(words: Sequence[str]) -> np.ndarray:
    """For each word, the position of its first occurrence in ``words``."""
    seen: dict[str, int] = {}
    return np.fromiter(map(seen.setdefault, words, itertools.count()), dtype=np.int64, count=len(words))


def spread(words: Sequence[str], first_at: np.ndarray, lookup: Callable, dtype, *default) -> np.ndarray:
    """``lookup(word, *default)`` for every word, called once per distinct word (``first_at``:
    :func:`first_occurrence`) and spread back to every occurrence."""
    at = np.flatnonzero(first_at == np.arange(len(first_at)))
    values = map(lookup, map(words.__getitem__, at.tolist()), *(itertools.repeat(d) for d in default))
    out = np.zeros(len(first_at), dtype=dtype)
    out[at] = np.fromiter(values, dtype=dtype, count=len(at))
    return out[first_at]


def _ends_ellipsis(page: PageText) -> np.ndarray:
    """``line.endswith(("...", "…", "[…]", "[...]", ".."))``; "..." ends with ".." too."""
    e1, e2, e3, e4, e5 = (page.tail(k) for k in range(1, 6))
    bracketed = (e1 == _CLOSE) & (((e2 == _ELLIPSIS) & (e3 == _OPEN)) | ((e2 == _DOT) & (e3 == _DOT) & (e4 == _DOT) & (e5 == _OPEN)))
    return (e1 == _ELLIPSIS) | ((e1 == _DOT) & (e2 == _DOT)) | bracketed


def _lines_where(page: PageText, mask: np.ndarray) -> np.ndarray:
    return np.unique(page.line_of(np.flatnonzero(mask)))


def _separators(page: PageText, lines: list[str], pattern: re.Pattern[str]) -> np.ndarray:
    """``len(pattern.findall(line))`` for features._SEPARATORS, run only on lines where it can match.

    Every alternative of the pattern is a separator character with whitespace on at least one side.
    """
    out = np.zeros(page.n, dtype=np.int64)
    space = (page.flags & chars.SPACE).astype(bool)
    beside_space = page.preceded_by(space) | page.followed_by(space)
    for i in _lines_where(page, (page.flags & chars.SEPARATOR).astype(bool) & beside_space).tolist():
        out[i] = len(pattern.findall(lines[i]))
    return out


def _urlish(page: PageText, lines: list[str], pattern: re.Pattern[str]) -> np.ndarray:
    """``pattern.search(line) is not None`` for features._URLISH, run only where a match can start.

    Each alternative needs a mark: "://" (https?://), "@" (\\S@\\S), a dot after a w ("www.") or a dot
    before c, o, n or h (".com", ".org", ".net", ".html"), letters compared case-insensitively as re does.
    """
    cp, fl = page.cp, page.flags
    dot = cp == _DOT
    slash = cp == _SLASH
    marks = (cp == _AT) | ((cp == _COLON) & page.followed_by(slash) & page.followed_by(page.followed_by(slash)))
    marks |= dot & page.preceded_by((fl & chars.W_FOLD).astype(bool))
    marks |= dot & page.followed_by((fl & chars.TLD_FOLD).astype(bool))
    out = np.zeros(page.n, dtype=bool)
    for i in _lines_where(page, marks).tolist():
        out[i] = pattern.search(lines[i]) is not None
    return out


def columns(lines: list[str], stops: frozenset[str], separators: re.Pattern[str], urlish: re.Pattern[str],
            view: Optional[PageText] = None) -> Optional[tuple[dict[str, np.ndarray], Tokens]]:
    """The per-line count columns of ``features.LineStats`` (float32) and the page's tokens.

    None when the whole-page view does not apply (:meth:`PageText.of`). ``view``: that view, if built.
    """
    page = view if view is not None else PageText.of(lines)
    if page is None:
        return None
    tok = Tokens(page, stops)
    n, cp, fl = page.n, page.cp, page.flags
    words = np.bincount(tok.line, minlength=n)
    word = (fl & chars.WORD).astype(bool)
    caps = page.per_line((fl & chars.CAP).astype(bool) & ~page.preceded_by(word)) * (words > 0)
    ellipsis = _ends_ellipsis(page)
    first = cp[page.starts]
    cols = {
        "chars": page.lens,
        "words": words,
        "stops": np.bincount(tok.line, weights=tok.stop, minlength=n),
        "caps": caps,
        "digits": page.per_line((fl & chars.DIGIT).astype(bool)),
        "commas": page.per_line(cp == 44),
        "marks": page.per_line((fl & chars.MARK).astype(bool) & page.followed_by(cp == 32)),
        "ends_sentence": (chars.flags_of(page.tail(1)) & chars.SENTENCE_END).astype(bool) & ~ellipsis,
        "ends_ellipsis": ellipsis,
        "starts_symbol": ~(chars.flags_of(first) & (chars.WORD | chars.QUOTE_OR_PAREN)).astype(bool),
        "separators": _separators(page, lines, separators),
        "urlish": _urlish(page, lines, urlish),
        "word_len": np.divide(tok.letters, words, out=np.zeros(n), where=words > 0),
    }
    return {k: v.astype(np.float32) for k, v in cols.items()}, tok


def topic(tok: Tokens, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``features._topic`` from the tokens: (line, content word) pairs, sorted and counted.

    A content word is a non-stopword longer than two letters; each line counts a word once.
    """
    content = ~tok.stop & (tok.length > 2)
    ids = tok.first_at[content]  # a word's id: where it first occurs on the page
    m = len(tok.words) + 1
    pairs = _distinct(tok.line[content] * m + ids)
    line, word = pairs // m, pairs % m
    others = np.bincount(word, minlength=m)[word] - 1
    k = np.bincount(line, minlength=n)
    has = k > 0
    log1p = np.array(list(map(math.log1p, range(int(others.max(initial=0)) + 1))))

    def mean(weights: np.ndarray) -> np.ndarray:
        return np.divide(np.bincount(line, weights=weights, minlength=n), k, out=np.zeros(n), where=has)

    share, strength = mean((others > 0).astype(np.float64)), mean(log1p[others])
    title = np.zeros(n)
    heads = np.flatnonzero(k[:5] >= 2)
    if len(heads):
        h = int(heads[0])
        in_head = np.zeros(m, dtype=bool)
        in_head[word[line == h]] = True
        title = mean(in_head[word].astype(np.float64))
        title[h] = 0.0
    return share.astype(np.float32), strength.astype(np.float32), title.astype(np.float32)


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for int64 keys; sort-based, several times faster than unique's hash path here."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values


def duplicated(lines: list[str]) -> np.ndarray:
    counts = Counter(lines)
    return np.fromiter(map(counts.__getitem__, lines), dtype=np.int64, count=len(lines)) > 1

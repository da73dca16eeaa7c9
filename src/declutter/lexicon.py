"""Which words mark a line as body or as boilerplate, learned from labelled pages.

The other features describe a line's shape (length, punctuation, stopwords, position); none of them knows
that "cart", "login", "cookies", "sign in", "reply" or "newsletter" lean one way, in any language. The
lexicon does: for every term (a word, or two neighbouring words of one line) seen on pages of at least
``MIN_DOMAINS`` web sites, the log-ratio between the share of pages where it occurs in a body line and
the share where it occurs in a boilerplate line. A line's columns are the mean, minimum and maximum
weight of its known terms and the share of its terms that are known. Counting pages and sites, not
lines, keeps one large site's menu from defining a term.

Training computes the columns of every page from a lexicon built without that page's site (out of fold,
like stage two's inputs), so the model learns how far to trust the lexicon on sites it has not seen;
the shipped lexicon is built from all pages and stored in the model file.

Cleaning a page in a language the lexicon was not learned in, it does not read its boilerplate terms
written in other letters than its own. Those were learned from other languages' words on its pages,
nearly all in language menus: "español", "tiếng việt", "українська", "한국어" and the letters of "हिन्दी"
weigh -3 to -4.3, which on a page in that language marked ordinary body lines. "login" or "newsletter"
mean there what they mean on an English page, and a foreign word that leans to body ("très", "même") was
learned from pages in its own language, so both are still read. Which languages and letters are its own
is read off the lexicon itself (:meth:`Lexicon.covers`, :meth:`Lexicon.alphabet`): no retraining.
"""
from __future__ import annotations

import math
from collections import Counter
from itertools import chain, compress, islice, repeat
from typing import Iterable, Optional, Sequence

import numpy as np

from . import chars, language, linecounts

MIN_DOMAINS = 5         # a token enters the lexicon only when pages of this many sites use it
# Training learns a lexicon only from pages of at least this many sites. With fewer, the out-of-fold
# lexicons the model trains on are nearly empty while the final one is not, so the model would meet
# columns at inference it never learnt to weigh (a 9-page fixture set scored 0.83 with one, 0.87 without).
MIN_SITES = 50
COLUMNS = ("lex_mean", "lex_known", "lex_min", "lex_max")
# A page language is the lexicon's own when it knows this share of the language's stoplist (the shipped one,
# learned from English pages: 97% of English's, then French 47% and Spanish 45%) ...
OWN_LANGUAGE_SHARE = 0.8
# ... and its alphabet is the letters of at least this share of its words (shipped: a-z, 1.3% for "q"; then
# "é" in 0.09%).
ALPHABET_SHARE = 0.01


def page_tokens(lines: Sequence[str], view: Optional[linecounts.PageText] = None) -> tuple[list[str], np.ndarray]:
    """The page's words (lowercased letter runs, as the other features count them) and each one's line.

    The feature pass computes the same tokens (``features.LineStats.tokens``); training calls this.
    """
    page = view if view is not None else linecounts.PageText.of(list(lines))
    if page is not None:
        tok = linecounts.Tokens(page, frozenset())
        return tok.words, tok.line
    words: list[str] = []
    line: list[int] = []
    for i, text in enumerate(lines):
        found = chars.word_re().findall(text.lower())
        words += found
        line += [i] * len(found)
    return words, np.asarray(line, dtype=np.int64)


def terms(words: Sequence[str], line: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The lexicon's terms: every word and every pair of neighbouring words on one line ("sign in",
    "add to", "to cart", "read more"), sorted by line (pairs after their line's words).

    Pairs carry what single words cannot: "sign" and "in" say little, "sign in" says a menu.
    """
    line = np.asarray(line)
    same, where, order = _term_order(line)
    pairs = [a + " " + b for a, b, s in zip(words, words[1:], same.tolist()) if s]
    every = list(words) + pairs
    return [every[i] for i in order.tolist()], where[order]


def _term_order(line: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the terms of :func:`terms` come from, shared by the string and the integer lookups.

    ``same[i]``: words i and i+1 are on one line (they make a pair); ``where``: the line of every word,
    then of every pair; ``order``: the stable sort of ``where`` that puts each line's pairs after its words.
    """
    same = line[1:] == line[:-1]
    where = np.concatenate([line, line[1:][same]])
    return same, where, np.argsort(where, kind="stable")


class Lexicon:
    """Token -> weight (log-ratio of body-page share to boilerplate-page share); read-only once built."""

    def __init__(self, weights: Optional[dict[str, float]] = None):
        weights = dict(weights or {})
        self._terms = list(weights)  # terms and their weights, in order: what the model file stores
        self._values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        self._weights: Optional[dict[str, float]] = weights
        self._lookup: Optional[tuple] = None  # built by the first ``columns`` call (see ``_index``)
        self._covers: dict[Optional[str], bool] = {}
        self._foreign_weights: Optional[tuple[np.ndarray, np.ndarray]] = None

    @classmethod
    def _of_terms(cls, terms: list[str], values: np.ndarray) -> "Lexicon":
        lexicon = cls()
        lexicon._terms, lexicon._values, lexicon._weights = terms, values, None
        return lexicon

    @property
    def weights(self) -> dict[str, float]:
        """Term -> weight. A lexicon read from a model file builds this dict only when asked: cleaning reads
        the integer index (``_index``), and a dict of 160,000 terms was half of loading the model."""
        if self._weights is None:
            self._weights = dict(zip(self._terms, self._values.tolist()))
        return self._weights

    def _index(self) -> tuple:
        """Number every word of every term, so a page's pairs are looked up as integers, not strings.

        ``columns`` then looks up each word once (a dictionary) and every pair of neighbouring words
        with one ``searchsorted`` over the sorted pair keys: joining and hashing a string per pair cost
        more than the rest of the feature pass. Built on first use (about 0.1 s for the shipped lexicon),
        so loading a model stays fast; concurrent first calls build the same tables, one of them is kept.
        """
        terms, values = self._terms, self._values
        is_pair = np.fromiter(map(str.__contains__, terms, repeat(" ")), dtype=bool, count=len(terms))
        singles = list(compress(terms, ~is_pair))
        ids = dict(zip(singles, range(len(singles))))
        joined = " ".join(compress(terms, is_pair))
        pair_words = joined.split(" ") if joined else []  # a0 b0 a1 b1 ...: a pair is two words, one space
        for word in sorted(set(pair_words).difference(ids)):  # a pair of words not themselves terms
            ids[word] = len(ids)
        n = len(ids)
        word_weight = np.full(n + 1, math.nan)  # the extra last slot answers id -1 (unknown word)
        word_weight[:len(singles)] = values[~is_pair]
        ab = np.fromiter(map(ids.__getitem__, pair_words), dtype=np.int64, count=len(pair_words)).reshape(-1, 2)
        keys = ab[:, 0] * n + ab[:, 1]
        values = values[is_pair]
        order = np.argsort(keys, kind="stable")
        self._lookup = (ids, word_weight, keys[order], values[order], len(singles))
        return self._lookup

    def _foreign(self) -> tuple[np.ndarray, np.ndarray]:
        """The word and pair weights a page in a language not the lexicon's own reads: a word outside its
        alphabet, or a pair holding one, is unknown where it leans to boilerplate (a menu taught that);
        where it leans to body, pages in its own language taught it, and it is read. Built on the first
        such page, so English-only work never pays for it (about 20 ms)."""
        if self._foreign_weights is None:
            ids, word_weight, pair_keys, pair_weight, _ = self._lookup or self._index()
            letters = self.alphabet()
            native = np.r_[np.fromiter(map(letters.issuperset, ids), dtype=bool, count=len(ids)), True]
            pair_native = native[pair_keys // len(ids)] & native[pair_keys % len(ids)]
            self._foreign_weights = (np.where(native | (word_weight > 0), word_weight, math.nan),
                                     np.where(pair_native | (pair_weight > 0), pair_weight, math.nan))
        return self._foreign_weights

    def covers(self, lang: Optional[str]) -> bool:
        """Is ``lang`` the lexicon's own language: does it know most of the language's stoplist? A page of
        unknown language is read as its own; one without a stoplist (Chinese, Japanese, Korean) is not."""
        if lang is None:
            return True
        own = self._covers.get(lang)
        if own is None:
            stops = language.stopwords(lang)
            ids, *_, n_words = self._lookup or self._index()
            known = sum(ids.get(w, n_words) < n_words for w in stops)  # its own words, not pairs' halves
            own = self._covers[lang] = bool(stops) and known >= OWN_LANGUAGE_SHARE * len(stops)
        return own

    def warm_up(self, languages: Iterable[str] = ()) -> None:
        """Build the integer index now instead of on the first page (:meth:`declutter.Cleaner.warm_up`), and
        the weights pages in ``languages`` read where those are not the lexicon's own."""
        if self._lookup is None:
            self._index()
        if not all(map(self.covers, languages)):
            self._foreign()

    def _weights_of_terms(self, words: Sequence[str], line: np.ndarray, first_at: Optional[np.ndarray] = None,
                          own_language: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The weight (NaN when unknown) and line of every term of :func:`terms`, in the same order.

        Each distinct word is looked up once (``first_at``: :func:`linecounts.first_occurrence`, which the
        feature pass has already computed and training computes here). The pairs are searched in sorted
        order, which about halves the search's cost (each search starts where the last one ended, in the
        same part of the table). ``own_language`` False: the weights a page in another language reads
        (:meth:`_foreign`).
        """
        word_ids, word_weight, pair_keys, pair_weight, _ = self._lookup or self._index()
        if not own_language:
            word_weight, pair_weight = self._foreign()
        if first_at is None:
            first_at = linecounts.first_occurrence(words)
        ids = linecounts.spread(words, first_at, word_ids.get, np.int64, -1)
        w_words = word_weight[ids]
        same, where, order = _term_order(line)
        a, b = ids[:-1][same], ids[1:][same]
        keys = np.where((a >= 0) & (b >= 0), a * len(word_ids) + b, -1)
        w_pairs = np.full(len(keys), math.nan)
        if len(pair_keys) and len(keys):
            by_key = np.argsort(keys)
            pos = np.empty(len(keys), dtype=np.int64)
            pos[by_key] = np.minimum(np.searchsorted(pair_keys, keys[by_key]), len(pair_keys) - 1)
            hit = pair_keys[pos] == keys
            w_pairs[hit] = pair_weight[pos[hit]]
        return np.concatenate([w_words, w_pairs])[order], where[order]

    def __len__(self) -> int:
        return len(self._terms)

    @classmethod
    def fit(cls, pages: Iterable[tuple[Sequence[str], np.ndarray, str]], min_domains: int = MIN_DOMAINS) -> "Lexicon":
        """Build from ``(lines, labels, site)`` triples; labels are 1 for body lines."""
        return cls.from_tokens(((page_tokens(lines), labels, site) for lines, labels, site in pages), min_domains)

    @classmethod
    def from_tokens(cls, pages: Iterable[tuple[tuple[Sequence[str], np.ndarray], np.ndarray, str]],
                    min_domains: int = MIN_DOMAINS) -> "Lexicon":
        """:meth:`fit` from pages already tokenised (:func:`page_tokens`): training builds five lexicons
        from the same pages and tokenises each page once."""
        body: Counter[str] = Counter()
        boiler: Counter[str] = Counter()
        sites: dict[str, set[str]] = {}
        n_body = n_boiler = 0
        for tokens, labels, site in pages:
            words, line = terms(*tokens)
            is_body = (np.asarray(labels) > 0.5)[line].tolist()
            in_body = set(compress(words, is_body))
            in_boiler = set(compress(words, [not b for b in is_body]))
            body.update(in_body)
            boiler.update(in_boiler)
            n_body += bool(in_body)
            n_boiler += bool(in_boiler)
            for t in in_body | in_boiler:
                sites.setdefault(t, set()).add(site)
        weights = {}
        for t in sorted(sites):
            if len(sites[t]) >= min_domains:
                weights[t] = math.log((body[t] + 1) / (n_body + 2)) - math.log((boiler[t] + 1) / (n_boiler + 2))
        return cls(weights)

    def columns(self, words: Sequence[str], line: np.ndarray, n: int, first_at: Optional[np.ndarray] = None,
                lang: Optional[str] = None) -> np.ndarray:
        """``[n, len(COLUMNS)]`` float32 from the page's tokens (:func:`page_tokens`); zeros for lines
        with no known token. ``first_at``: each word's first position, when the caller has it. ``lang``: the
        page's language when cleaning; not the lexicon's own (:meth:`covers`), its boilerplate terms in
        other letters are not read. Training leaves it out: the model learned from every term of every page."""
        out = np.zeros((n, len(COLUMNS)), dtype=np.float32)
        if not n or not len(words) or not len(self):
            return out
        w, line = self._weights_of_terms(words, np.asarray(line), first_at, self.covers(lang))
        known = ~np.isnan(w)
        if not known.any():
            return out
        count = np.bincount(line, minlength=n)
        kl, kw = line[known], w[known]
        n_known = np.bincount(kl, minlength=n)
        seen = n_known > 0
        starts = np.flatnonzero(np.r_[True, kl[1:] != kl[:-1]])  # tokens come in line order
        rows = kl[starts]
        out[seen, 0] = np.bincount(kl, weights=kw, minlength=n)[seen] / n_known[seen]
        out[seen, 1] = n_known[seen] / count[seen]
        out[rows, 2] = np.minimum.reduceat(kw, starts)
        out[rows, 3] = np.maximum.reduceat(kw, starts)
        return out

    def alphabet(self) -> frozenset[str]:
        """The letters of its own words (:data:`ALPHABET_SHARE`)."""
        ids, *_, n_words = self._lookup or self._index()
        return _alphabet(list(islice(ids, n_words)))  # its words come first in the index, then pairs' others

    # -- persistence, inside the model file ---------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        tokens = "\n".join(self._terms).encode("utf-8")
        return {"lex_tokens": np.frombuffer(tokens, dtype=np.uint8), "lex_weights": self._values.astype(np.float32)}

    @classmethod
    def from_arrays(cls, data) -> Optional["Lexicon"]:
        """The lexicon stored in a model file's arrays, or None for a model trained without one."""
        if "lex_tokens" not in data:
            return None
        raw = bytes(data["lex_tokens"]).decode("utf-8")
        tokens = raw.split("\n") if raw else []
        return cls._of_terms(tokens, data["lex_weights"].astype(np.float64))


def _alphabet(words: Sequence[str]) -> frozenset[str]:
    """The letters in at least ``ALPHABET_SHARE`` of ``words``."""
    counts = Counter(chain.from_iterable(map(set, words)))
    return frozenset(c for c, k in counts.items() if k >= ALPHABET_SHARE * len(words))

"""Cheap tests that tell the rule engine which lines of a page a rule could possibly match.

:func:`declutter.rules._first_match` tries the rules on one line in precedence order; running it on every
line cost more than everything else the pipeline does. Two gates find the few lines worth trying:

* :class:`FullGate` for the full-line rules. A full pattern is anchored (``^[\\W_]*(?:...)[\\W_]*$``), so
  it can only start on the line's leading symbols or its first letter or digit. Each pattern's possible
  first characters are read off its parse tree; a line is only tested against the patterns that can start
  on one of its leading characters and whose rule allows its word count: a few alternatives instead of
  the 150 of the combined regex.
* :class:`LiteralGate` for the ``contains`` literals of search rules: all literals are looked up at once
  on the page's lowercased codepoints by the hash of their first three characters, and confirmed with
  ``str.startswith``.

Both gates only ever let more lines through than can match; the rules themselves decide, as before.
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

import numpy as np

try:  # Python 3.11+
    from re import _constants as C, _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
               C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = tuple(getattr(C, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(C, name))
_LEAD = re.compile(r"[\W_]*[^\W_]?")  # the leading symbols and the first letter or digit


def _class_piece(items) -> Optional[str]:
    """A character class's items as the inside of ``[...]``; None for a negated class."""
    out = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is C.RANGE:
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is C.CATEGORY and av in _CATEGORIES:
            out.append(_CATEGORIES[av])
        else:
            return None
    return "".join(out)


def _first_of_item(op, av) -> tuple[Optional[list[str]], bool]:
    """(class pieces the item can start with, can it match the empty string); None pieces: unknown."""
    if op is C.LITERAL:
        return [re.escape(chr(av))], False
    if op is C.IN:
        piece = _class_piece(av)
        return (None, False) if piece is None else ([piece], False)
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return (None, False) if add_flags or del_flags else first_chars(sub)
    if op is C.BRANCH:
        pieces: list[str] = []
        nullable = False
        for branch in av[1]:
            p, n = first_chars(branch)
            if p is None:
                return None, False
            pieces += p
            nullable |= n
        return pieces, nullable
    if op in _REPEATS:
        lo, _hi, sub = av
        p, n = first_chars(sub)
        return p, n or lo == 0
    if op is C.AT:
        return [], True  # an anchor consumes nothing; what follows it starts the match
    return None, False


def first_chars(items) -> tuple[Optional[list[str]], bool]:
    """Class pieces for the characters a parsed pattern can start with, and whether it can match empty."""
    pieces: list[str] = []
    for op, av in items:
        p, nullable = _first_of_item(op, av)
        if p is None:
            return None, False
        pieces += p
        if not nullable:
            return pieces, False
    return pieces, True


def _variants(c: str) -> set[str]:
    """``c`` and the characters of its case forms: the first-character test errs on the side of a match."""
    return {c, *c.lower(), *c.upper(), *c.casefold(), *c.swapcase(), *c.title()}


class FullGate:
    """Which full-line patterns could match a line, and a regex of just those.

    ``patterns`` are (pattern, max_words) pairs of the full rules; the answer for a line is whether the
    combined regex of the patterns whose rule allows the line's word count matches it. That is False
    exactly when no full rule can match the line, which is all ``_first_match`` needs to know.
    """

    def __init__(self, patterns: Sequence[tuple[str, int]]):
        self.patterns = list(patterns)
        self.always: list[int] = []                      # nullable or unknown start: tried on every line
        self.starts: list[tuple[int, re.Pattern[str]]] = []
        for i, (p, _) in enumerate(self.patterns):
            pieces, nullable = first_chars(sre_parse.parse(p, re.IGNORECASE))
            if pieces is None or nullable or not pieces:
                self.always.append(i)
            else:
                self.starts.append((i, re.compile("[" + "".join(pieces) + "]", re.IGNORECASE)))
        self.max_words = max((w for _, w in self.patterns), default=0)
        self._by_char: dict[str, frozenset[int]] = {}
        self._regex: dict[tuple[int, ...], re.Pattern[str]] = {}
        self._for_lead: dict[tuple[str, int], Optional[re.Pattern[str]]] = {}

    def _starting_with(self, c: str) -> frozenset[int]:
        hit = self._by_char.get(c)
        if hit is None:
            chars = _variants(c)
            hit = frozenset(i for i, rx in self.starts if any(rx.fullmatch(v) for v in chars))
            self._by_char[c] = hit
        return hit

    def _combined(self, alts: tuple[int, ...]) -> re.Pattern[str]:
        rx = self._regex.get(alts)
        if rx is None:
            body = "|".join(f"(?:{self.patterns[i][0]})" for i in alts)
            rx = re.compile(r"^[\W_]*(?:" + body + r")[\W_]*$", re.IGNORECASE)
            self._regex[alts] = rx
        return rx

    def regex_for(self, lead: str, n_words: int) -> Optional[re.Pattern[str]]:
        """The combined regex of the patterns that can start on ``lead`` and allow ``n_words`` words."""
        key = (lead, n_words)
        if key in self._for_lead:
            return self._for_lead[key]
        alts = set(self.always)
        for c in set(lead):
            alts |= self._starting_with(c)
        usable = tuple(sorted(i for i in alts if self.patterns[i][1] >= n_words))
        rx = self._combined(usable) if usable else None
        if len(self._for_lead) < 100_000:  # bounded: leads of symbols are as varied as the input
            self._for_lead[key] = rx
        return rx

    def hit(self, line: str, n_words: int, first_is_word: bool) -> bool:
        """Could a full rule allowing ``n_words`` words match ``line``?

        ``first_is_word``: the line starts with a letter or digit, so its lead is that character alone.
        """
        if n_words > self.max_words:
            return False
        rx = self.regex_for(line[0] if first_is_word else _LEAD.match(line).group(), n_words)
        return rx is not None and rx.match(line) is not None


class LiteralGate:
    """Lines whose lowercased text holds one of the search rules' ``contains`` literals."""

    BITS = 16

    def __init__(self, literals: Sequence[str]):
        literals = sorted(set(literals))
        self.short = [lit for lit in literals if len(lit) < 3]
        by_hash: dict[int, list[str]] = {}
        for lit in literals:
            if len(lit) >= 3:
                h = int(self._hash(*(np.array([ord(ch)], dtype=np.uint64) for ch in lit[:3]))[0])
                by_hash.setdefault(h, []).append(lit)
        self.by_hash = {h: tuple(lits) for h, lits in by_hash.items()}
        self.table = np.zeros(1 << self.BITS, dtype=bool)
        self.table[list(self.by_hash)] = True

    def _hash(self, c0: np.ndarray, c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
        mixed = (c0 * np.uint64(0x9E3779B1)) ^ (c1 * np.uint64(0x85EBCA77)) ^ (c2 * np.uint64(0xC2B2AE3D))
        return ((mixed >> np.uint64(7)) & np.uint64((1 << self.BITS) - 1)).astype(np.intp)

    def positions(self, low: str, cp: np.ndarray) -> list[int]:
        """Start positions in ``low`` (whose codepoints are ``cp``) where some literal occurs."""
        if len(cp) == 0:
            return []
        c = cp.astype(np.uint64)
        pad = np.zeros(2, dtype=np.uint64)
        c1, c2 = np.concatenate([c[1:], pad[:1]]), np.concatenate([c[2:], pad])[: len(c)]
        hashes = self._hash(c, c1, c2)
        found = [p for p in np.flatnonzero(self.table[hashes]).tolist() if low.startswith(self.by_hash[hashes[p]], p)]
        for lit in self.short:
            start = low.find(lit)
            while start != -1:
                found.append(start)
                start = low.find(lit, start + 1)
        return found

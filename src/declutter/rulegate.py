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
from functools import lru_cache
from typing import Any, Optional, Sequence

import numpy as np

from . import chars

try:  # Python 3.11+
    from re import _constants as C, _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
               C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = tuple(getattr(C, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(C, name))
_LEAD = re.compile(r"[\W_]*[^\W_]?")  # the leading symbols and the first letter or digit
_UNKNOWN: Any = object()  # "not looked up yet", unlike a cached None ("no rule can start so")


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


def alphabet(items) -> Optional[list[str]]:
    """Class pieces for every character a parsed pattern can consume; None when that is not known."""
    pieces: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            pieces.append(re.escape(chr(av)))
        elif op is C.IN:
            piece = _class_piece(av)
            if piece is None:
                return None
            pieces.append(piece)
        elif op is C.SUBPATTERN or op in _REPEATS or op is C.BRANCH:
            subs = [av[-1]] if op is not C.BRANCH else av[1]
            for sub in subs:
                inner = alphabet(sub)
                if inner is None:
                    return None
                pieces += inner
        elif op is not C.AT:
            return None
    return pieces


@lru_cache(maxsize=1)
def _all_letters() -> str:
    r"""Every character declutter counts as a letter ([^\W\d_]), as one string."""
    return chars.from_codepoints(np.flatnonzero(chars.table() & chars.LETTER))


def _letterless(pattern: str) -> bool:
    """Can the pattern only ever consume non-letters (so it cannot match a line that holds a letter)?"""
    pieces = alphabet(sre_parse.parse(pattern, re.IGNORECASE))
    if pieces is None:
        return False
    return not pieces or re.search("[" + "".join(pieces) + "]", _all_letters(), re.IGNORECASE) is None


def _variants(c: str) -> set[str]:
    """``c`` and the characters of its case forms: the first-character test errs on the side of a match."""
    return {c, *c.lower(), *c.upper(), *c.casefold(), *c.swapcase(), *c.title()}


class FullGate:
    """Which full-line patterns could match a line, and a regex of just those.

    ``patterns`` are (pattern, max_words, owner) triples of the full rules, ``owner`` a number standing for
    the rule. For a line the gate answers with the owners of the patterns that could match it (those that
    can start on its leading characters and whose rule allows its word count), or None when their
    combined regex does not match: then no full rule can match the line.
    """

    def __init__(self, patterns: Sequence[tuple[str, int, int]], frame: str = chars.FRAME):
        self.patterns = list(patterns)
        self.frame = frame  # what a line may hold around a pattern (rules._wrapped)
        self.always: list[int] = []       # nullable or unknown start: tried on every line ...
        self.letterless: list[int] = []   # ... or, when they can only consume non-letters, on lines without letters
        self.starts: list[tuple[int, re.Pattern[str]]] = []
        for i, (p, _, _) in enumerate(self.patterns):
            pieces, nullable = first_chars(sre_parse.parse(p, re.IGNORECASE))
            if pieces is None or nullable or not pieces:
                (self.letterless if _letterless(p) else self.always).append(i)
            else:
                self.starts.append((i, re.compile("[" + "".join(pieces) + "]", re.IGNORECASE)))
        self.max_words = max((w for _, w, _ in self.patterns), default=0)
        self._by_char: dict[str, frozenset[int]] = {}
        self._regex: dict[tuple[int, ...], re.Pattern[str]] = {}
        self._for_lead: dict[tuple[str, int, bool], Optional[tuple[re.Pattern[str], frozenset[int]]]] = {}

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
            rx = re.compile(f"^{self.frame}(?:{body}){self.frame}$", re.IGNORECASE)
            self._regex[alts] = rx
        return rx

    def regex_for(self, lead: str, n_words: int, has_letter: bool = True
                  ) -> Optional[tuple[re.Pattern[str], frozenset[int]]]:
        """The combined regex of the patterns that can start on ``lead`` and allow ``n_words`` words, and
        their owners; None when there are none."""
        key = (lead, n_words, has_letter)
        if key in self._for_lead:
            return self._for_lead[key]
        alts = set(self.always) if has_letter else set(self.always + self.letterless)
        for c in set(lead):
            alts |= self._starting_with(c)
        usable = tuple(sorted(i for i in alts if self.patterns[i][1] >= n_words))
        rx = (self._combined(usable), frozenset(self.patterns[i][2] for i in usable)) if usable else None
        if len(self._for_lead) < 100_000:  # bounded: leads of symbols are as varied as the input
            self._for_lead[key] = rx
        return rx

    def hits(self, lines: list[str], index: np.ndarray, n_words: np.ndarray, first_is_word: np.ndarray,
             has_letter: np.ndarray) -> dict[int, frozenset[int]]:
        """The lines (of ``index``) that a full rule allowing their word count could match: line -> owners."""
        out: dict[int, frozenset[int]] = {}
        known = self._for_lead.get
        for i, nw, fw, hl in zip(index.tolist(), n_words[index].tolist(), first_is_word[index].tolist(),
                                 has_letter[index].tolist()):
            line = lines[i]
            lead = line[0] if fw else _LEAD.match(line).group()  # type: ignore[union-attr]  # _LEAD always matches
            key = (lead, nw, hl)
            found = known(key, _UNKNOWN)
            if found is _UNKNOWN:
                found = self.regex_for(*key)
            if found is not None and found[0].match(line) is not None:
                out[i] = found[1]
        return out


class LiteralGate:
    """Lines whose lowercased text holds one of the search rules' ``contains`` literals.

    Literals of three or more characters are found by their first three characters, each cut to its low six
    bits (an 18-bit index into a table, three integer operations over the page); every table hit is confirmed
    with ``str.startswith``. Shorter literals are few and found with ``str.find``.
    """

    def __init__(self, literals: Sequence[str]):
        literals = sorted(set(literals))
        self.short = [lit for lit in literals if len(lit) < 3]
        by_key: dict[int, list[str]] = {}
        for lit in literals:
            if len(lit) >= 3:
                by_key.setdefault(self._key(*(ord(ch) for ch in lit[:3])), []).append(lit)
        self.by_key = {k: tuple(lits) for k, lits in by_key.items()}
        self.table = np.zeros(1 << 18, dtype=bool)
        self.table[list(self.by_key)] = True

    @staticmethod
    def _key(c0, c1, c2):
        return ((c0 & 63) << 12) | ((c1 & 63) << 6) | (c2 & 63)

    def occurrences(self, low: str, cp: np.ndarray) -> list[tuple[int, str]]:
        """(start position, literal) of every occurrence of a literal in ``low`` (whose codepoints are ``cp``).

        Naming the literal lets the caller try only the rules that own it: a line holding "share" need
        not be searched for "cookie".
        """
        found: list[tuple[int, str]] = []
        if len(cp) >= 3:
            c = (cp & 63).astype(np.int32)
            keys = self._key(c[:-2], c[1:-1], c[2:])
            hits = np.flatnonzero(np.take(self.table, keys))
            by_key = self.by_key
            for p, k in zip(hits.tolist(), keys[hits].tolist()):
                lits = by_key[k]
                if low.startswith(lits, p):  # one C call rejects most table hits; then which literals
                    found.extend((p, lit) for lit in lits if low.startswith(lit, p))
        for lit in self.short:
            start = low.find(lit)
            while start != -1:
                found.append((start, lit))
                start = low.find(lit, start + 1)
        return found

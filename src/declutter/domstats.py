"""Evidence from the shape of the DOM around a line: its container, the page's content root, templates.

A line alone says little ("Reply", "4 comments", a short sentence); the element around it says more.
Readability's insight is that the main content is the element holding most of the page's prose, so lines
inside that element are probably body and lines outside it probably not; boilerpipe's is that link density
of a block's neighbourhood separates menus from text. Both need the whole page, so they are computed here,
after the walk, from each line's chain of ancestor ids, and stored in ``DomEvidence.extra``.
"""
from __future__ import annotations

import math
import re
from collections import Counter
import itertools
from typing import Optional, Sequence

import numpy as np

from . import chars
from .page import DomEvidence


def _words(low: str, words: re.Pattern[str]) -> list[str]:
    """The words of three letters or more: the ones a title shares with its headline by more than chance.
    ``words``: the page's word pattern (:func:`chars.word_re_for`)."""
    return [w for w in words.findall(low) if len(w) >= 3]


# A line counts as prose when it has this many words and at most this share of them inside links.
PROSE_WORDS = 10
PROSE_MAX_LINKS = 0.5
# The content root is the deepest element holding at least this share of the page's prose words.
ROOT_SHARE = 0.5


def _totals(words: Sequence[int], dom: Sequence[DomEvidence], chains: Sequence[tuple[int, ...]]):
    """Per element id: words, link words, prose words and lines of every line below it.

    Each line adds its values to every id of its chain. ``np.bincount`` does those additions in C, one by
    one in line order, so each sum is the same float as adding line by line in Python.
    """
    lengths = np.fromiter(map(len, chains), dtype=np.int64, count=len(chains))
    ids = np.fromiter(itertools.chain.from_iterable(chains), dtype=np.int64, count=int(lengths.sum()))
    w = np.asarray(words, dtype=np.float64)
    density = np.fromiter((ev.link_density for ev in dom), dtype=np.float64, count=len(dom))
    prose = np.where((w >= PROSE_WORDS) & (density <= PROSE_MAX_LINKS), w, 0.0)
    columns = [np.bincount(ids, weights=np.repeat(col, lengths)).tolist()
               for col in (w, w * density, prose, np.ones_like(w))]
    return list(zip(*columns))


def _content_root(acc: Sequence[tuple[float, ...]], chains: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    """The ancestor chain of the deepest element holding ``ROOT_SHARE`` of the prose; () if no prose."""
    total = sum(acc[c[0]][2] for c in {chain[:1] for chain in chains if chain})
    if total <= 0:
        return ()
    best: tuple[int, ...] = ()
    for chain in chains:
        for depth in range(len(best), len(chain)):
            if acc[chain[depth]][2] >= ROOT_SHARE * total:
                best = chain[:depth + 1]
            else:
                break
    return best


def _title_overlap(line: str, title_words: set[str], words_re: re.Pattern[str]) -> float:
    """Share of the line's words that occur in the page title: the headline shares nearly all of them."""
    low = line.lower()
    # A line containing no title word even as a substring has no word in the title (most menu lines).
    if not any(map(low.__contains__, title_words)):
        return 0.0
    words = _words(low, words_re)
    return sum(map(title_words.__contains__, words)) / len(words) if words else 0.0


def add_structure(lines: Sequence[str], dom: Sequence[DomEvidence], chains: Sequence[tuple[int, ...]],
                  title: Optional[str] = None) -> None:
    """Fill container, content-root, title and template evidence into each line's ``extra`` (in place)."""
    if not lines:
        return
    words = [line.count(" ") + 1 for line in lines]
    acc = _totals(words, dom, chains)
    root = _content_root(acc, chains)
    inside = [bool(root) and chain[:len(root)] == root for chain in chains]
    first = inside.index(True) if any(inside) else len(lines)
    last = len(lines) - 1 - inside[::-1].index(True) if any(inside) else -1
    words_re = chars.word_re_for("\n".join([title or "", *lines]).lower())  # lower() can add a mark ("İ")
    title_words = set(_words(title.lower(), words_re)) if title else set()
    signatures = Counter(ev.extra.get("signature", "") for ev in dom)
    for i, (ev, chain, line) in enumerate(zip(dom, chains, lines)):
        container = acc[chain[-2] if len(chain) > 1 else chain[-1]] if chain else [1.0, 0.0, 0.0, 1.0]
        cw = container[0] or 1.0
        ev.extra.update({
            "in_content_root": float(inside[i]),
            "before_content_root": float(i < first),
            "after_content_root": float(i > last),
            "title_overlap": _title_overlap(line, title_words, words_re),
            "container_link_density": container[1] / cw,
            "container_prose_share": container[2] / cw,
            "log_container_lines": math.log1p(container[3]),
            "log_signature_repeats": math.log1p(signatures[ev.extra.get("signature", "")] - 1),
        })

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
from collections import Counter, defaultdict
from typing import Optional, Sequence

from .page import DomEvidence

_WORD = re.compile(r"[^\W\d_]{3,}")

# A line counts as prose when it has this many words and at most this share of them inside links.
PROSE_WORDS = 10
PROSE_MAX_LINKS = 0.5
# The content root is the deepest element holding at least this share of the page's prose words.
ROOT_SHARE = 0.5


def _totals(words: Sequence[int], dom: Sequence[DomEvidence], chains: Sequence[tuple[int, ...]]):
    """Per element id: words, link words, prose words and lines of every line below it."""
    acc: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for w, ev, chain in zip(words, dom, chains):
        links = w * ev.link_density
        prose = w if w >= PROSE_WORDS and ev.link_density <= PROSE_MAX_LINKS else 0
        for uid in chain:
            a = acc[uid]
            a[0] += w
            a[1] += links
            a[2] += prose
            a[3] += 1
    return acc


def _content_root(acc: dict[int, list[float]], chains: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
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


def _title_overlap(line: str, title_words: set[str]) -> float:
    """Share of the line's words that occur in the page title: the headline shares nearly all of them."""
    words = _WORD.findall(line.lower())
    return sum(w in title_words for w in words) / len(words) if words and title_words else 0.0


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
    title_words = set(_WORD.findall(title.lower())) if title else set()
    signatures = Counter(ev.extra.get("signature", "") for ev in dom)
    for i, (ev, chain, line) in enumerate(zip(dom, chains, lines)):
        container = acc[chain[-2] if len(chain) > 1 else chain[-1]] if chain else [1.0, 0.0, 0.0, 1.0]
        cw = container[0] or 1.0
        ev.extra["in_content_root"] = float(inside[i])
        ev.extra["before_content_root"] = float(i < first)
        ev.extra["after_content_root"] = float(i > last)
        ev.extra["title_overlap"] = _title_overlap(line, title_words)
        ev.extra["container_link_density"] = container[1] / cw
        ev.extra["container_prose_share"] = container[2] / cw
        ev.extra["log_container_lines"] = math.log1p(container[3])
        ev.extra["log_signature_repeats"] = math.log1p(signatures[ev.extra.get("signature", "")] - 1)

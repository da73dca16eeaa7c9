"""Label the lines of a page from its gold main content.

The gold text of a labelled page is the main content, re-flowed and sometimes re-punctuated. We align the
page's token sequence with the gold's (the project's metric tokens, so quotes and spacing never matter)
and call a line body when most of its tokens fall inside matched stretches. Users label their own pages
the same way: give a page and its wanted output, get one label per line.

A known limit: where the gold's opening words stand twice before the rest of the match (the page's
``<title>`` at the top, "Headline - Site", and the headline above the article, with a caption the gold
leaves out between), the earlier copy is the one labelled body. Choosing the other copy changed no
held-out score and would change the shipped model, which training must rebuild (docs/model.md, "Labels").
"""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import Sequence

from .metrics import tokens

# A matched stretch shorter than this many tokens only counts when it covers a whole short line, so common
# words ("the", "home") that happen to occur in the gold do not label menu items as body.
MIN_BLOCK = 3


def line_coverage(lines: Sequence[str], gold: str) -> list[float]:
    """Share of each line's tokens that align with the gold, in [0, 1]."""
    line_toks = [tokens(l) for l in lines]
    flat: list[str] = []
    owner: list[int] = []
    for i, toks in enumerate(line_toks):
        flat.extend(toks)
        owner.extend([i] * len(toks))
    gold_toks = tokens(gold)
    covered = [0] * len(lines)
    if not flat or not gold_toks:
        return [0.0] * len(lines)
    matcher = SequenceMatcher(None, flat, gold_toks, autojunk=False)
    for a, _b, size in matcher.get_matching_blocks():
        if size == 0:
            continue
        whole_line = size < MIN_BLOCK and all(len(line_toks[owner[k]]) <= size for k in (a, a + size - 1)) \
            and owner[a] == owner[a + size - 1] and len(line_toks[owner[a]]) == size
        if size < MIN_BLOCK and not whole_line:
            continue
        for k in range(a, a + size):
            covered[owner[k]] += 1
    return [c / len(t) if t else 0.0 for c, t in zip(covered, line_toks)]


def label_lines(lines: Sequence[str], gold: str, min_coverage: float = 0.5) -> list[int]:
    """1 for lines that belong to the gold main content, else 0."""
    return [int(c >= min_coverage) for c in line_coverage(lines, gold)]

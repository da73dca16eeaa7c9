"""Pages too long to judge at once, judged in parts.

The pipeline's memory grows with the page: the feature matrices, the model's layers and the explanations
hold a few kilobytes per line, so a 20 MB text (about 300,000 lines) peaked at 1.5 GB and a 200 MB one
would exhaust most machines. No web page is that long (the longest of the 7,442 labelled pages has 2,650
lines); such input is a concatenation (a dump, a log, a book). So a page of more than
``Config.max_page_lines`` lines (or :data:`MAX_PART_CHARS` characters) is cut into parts of at most that
many, each part is judged as a page of its own (rules, features, model, sequence step, cut, repeats),
and the decisions are joined back in order. Nothing is dropped for size, and memory stays bounded by the
part.

A part ends at a block boundary (a blank line, or a block element in HTML) where one falls in the second
half of its allowance, so a paragraph is not split across two judgements.
"""
from __future__ import annotations

import bisect
import itertools
from typing import Callable, Optional

import numpy as np

from .page import Page

# A part's characters are bounded too: the feature pass holds about 45 bytes a character, and 20,000 lines
# of 20,000 characters (a text of huge lines, cut to Config.max_line_chars) would be 400 million. 4M
# characters is ten times the longest labelled page's text.
MAX_PART_CHARS = 4_000_000


def split_points(page: Page, max_lines: int, max_chars: Optional[int] = None) -> list[int]:
    """The line indices where parts start (the first is 0). A part has at most ``max_lines`` lines and
    ``max_chars`` characters (default :data:`MAX_PART_CHARS`; at least one line), and ends before the last
    block start of its second half where there is one."""
    max_chars = MAX_PART_CHARS if max_chars is None else max_chars
    n = len(page)
    ends = list(itertools.accumulate(len(line) + 1 for line in page.lines))  # characters through line i
    starts = [0]
    while True:
        start = starts[-1]
        before = ends[start - 1] if start else 0
        end = max(start + 1, min(start + max_lines, bisect.bisect_right(ends, before + max_chars, lo=start)))
        if end >= n:
            return starts
        cut = end
        if page.gaps is not None:
            for i in range(end, start + (end - start) // 2, -1):
                if page.gaps[i]:
                    cut = i
                    break
        starts.append(cut)


def needs_parts(page: Page, max_lines: int, max_chars: Optional[int] = None) -> bool:
    """Is ``page`` longer than one part may be?"""
    max_chars = MAX_PART_CHARS if max_chars is None else max_chars
    return len(page) > max_lines or (len(page) > 1 and sum(map(len, page.lines)) + len(page) > max_chars)


def part_of(page: Page, start: int, end: int) -> Page:
    """Lines ``start:end`` as a page of their own, with the whole page's language, title, URL and DOM evidence."""
    gaps = None if page.gaps is None else [True] + list(page.gaps[start + 1:end])
    dom = None if page.dom is None else page.dom[start:end]
    return Page(lines=page.lines[start:end], gaps=gaps, source=page.source, lang=page.lang, title=page.title,
                url=page.url, dom=dom)


def judge_in_parts(page: Page, judge: Callable[[Page], Page], limit: int) -> Page:
    """``judge`` (an annotating function) applied to each part of ``page``; the decisions joined back into it.

    The joined page keeps every per-line result (rule hits, words, probabilities, decisions, reasons) but
    no feature matrix: holding it for the whole page is the memory this avoids. ``cut`` is the parts'
    common cut, or None when they differ; ``reads_clean`` holds when every part read as clean.
    """
    starts = split_points(page, limit)
    done = []
    for start, end in zip(starts, starts[1:] + [len(page)]):
        part = judge(part_of(page, start, end))
        part.features = None  # judged: let it go before the next part is built
        done.append(part)
    page.rule_action = _joined(done, "rule_action", np.int8)
    page.rule_name = [name for p in done for name in (p.rule_name or [None] * len(p))]
    page.words = _joined(done, "words", np.float64)
    page.probs = _joined(done, "probs", np.float32)
    page.smoothed = _joined(done, "smoothed", np.float32)
    page.keep = _joined(done, "keep", bool)
    page.reasons = [reason for p in done for reason in (p.reasons or [""] * len(p))]
    page.features = None
    cuts = {p.cut for p in done}
    page.cut = cuts.pop() if len(cuts) == 1 else None
    page.reads_clean = all(p.reads_clean for p in done)
    page.parts = len(done)
    return page


def _joined(parts: list[Page], name: str, dtype) -> np.ndarray:
    """The parts' ``name`` arrays end to end (zeros for a part that has none, so lines stay aligned)."""
    return np.concatenate([np.zeros(len(p), dtype=dtype) if getattr(p, name) is None
                           else np.asarray(getattr(p, name), dtype=dtype) for p in parts])

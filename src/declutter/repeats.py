"""Repeated runs of kept lines: the same content shown twice on one page is given once.

Pages often carry their content twice: a responsive layout's desktop and mobile copies (only one shown,
through CSS a parser cannot see), an AMP or print copy inside the same HTML, a forum reply quoting the post
above it, a product's feature blocks repeated in a carousel. Every copy looks like body to the model, since
each line does, so the output would hold the text twice; that is noise for search, RAG and training and
costs precision against a gold text that has it once (wcxb-dev, docs/model.md "Repeated runs").

Only *runs* are dropped: two or more consecutive kept lines, together at least ``MIN_RUN_WORDS`` words,
each of which repeats an earlier kept line. A single repeated line is left alone: a tutorial's "Press
Enter." step, a table of contents heading that returns as the section's heading, "Fees based on income"
under several programmes are content where they stand. Lines inside ``pre`` are never repeats: code
examples legitimately repeat lines.
"""
from __future__ import annotations

from itertools import groupby

import numpy as np

from .page import Page

MIN_RUN_LINES = 2
MIN_RUN_WORDS = 10


def drop_repeated_runs(page: Page, min_lines: int = MIN_RUN_LINES, min_words: int = MIN_RUN_WORDS) -> None:
    """Drop (in ``page.keep``, with a reason) each run of kept lines that repeats earlier kept lines."""
    if page.keep is None or page.reasons is None:
        return
    kept = np.flatnonzero(page.keep).tolist()
    first_seen: dict[str, int] = {}
    repeat_of: list[int] = []  # per kept line: the line it repeats, or -1
    for i in kept:
        line = page.lines[i]
        if page.dom is not None and page.dom[i].is_pre:
            repeat_of.append(-1)
        elif line in first_seen:
            repeat_of.append(first_seen[line])
        else:
            first_seen[line] = i
            repeat_of.append(-1)
    for is_repeat, group in groupby(zip(kept, repeat_of), key=lambda pair: pair[1] >= 0):
        run = list(group)
        if is_repeat and len(run) >= min_lines and sum(len(page.lines[i].split()) for i, _ in run) >= min_words:
            for i, first in run:
                page.keep[i] = False
                page.reasons[i] = f"repeats line {first + 1}"

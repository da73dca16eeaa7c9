"""Text layouts: the same page cleaned the same whether or not its blocks are separated by blank lines.

The training pages come from html-text, which puts blank lines around paragraphs; Common Crawl's WET files
and many scrapers write one block per line with no blank lines at all. A page without blank lines must not
read as one endless run of lines (docs/benchmarks.md, "Text layouts").
"""
import re

import numpy as np
import pytest

import declutter
from declutter.features import UNSTRUCTURED_GAP_RATE, block_starts
from declutter.page import Page
from decisions import disagreements

SEEDS = ("000", "001", "002", "003", "004")


def without_blank_lines(text: str) -> str:
    return re.sub(r"\n\s*\n+", "\n", text)


@pytest.mark.parametrize("stem", SEEDS)
def test_a_seed_without_blank_lines_is_cleaned_as_with_them(fixtures, stem):
    text = (fixtures / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    assert "\n\n" in text and "\n\n" not in without_blank_lines(text)
    flat, blocks = declutter.analyze(without_blank_lines(text)), declutter.analyze(text)
    # Only a line at either page's cut may fall either side of it (tests/decisions.py).
    assert disagreements(flat, blocks) == []


def test_a_text_without_blank_lines_reads_as_one_block_per_line():
    page = Page(lines=["Home", "News", "A paragraph.", "Another one."], gaps=[True, False, False, False])
    assert block_starts(page).tolist() == [1.0, 1.0, 1.0, 1.0]


def test_blank_lines_are_read_where_the_text_has_them():
    gaps = [True, False, False, True, False, True]
    page = Page(lines=[f"line {i}" for i in range(6)], gaps=gaps)
    assert block_starts(page).tolist() == [float(g) for g in gaps]


def test_a_rare_blank_line_does_not_make_a_layout():
    n = 200
    gaps = [True] + [False] * (n - 1)
    gaps[100] = True  # one blank line in 200: under UNSTRUCTURED_GAP_RATE
    assert 1 / (n - 1) < UNSTRUCTURED_GAP_RATE
    page = Page(lines=[f"line {i}" for i in range(n)], gaps=gaps)
    assert np.all(block_starts(page) == 1.0)


def test_html_block_boundaries_are_never_overridden():
    page = Page(lines=["a", "b", "c"], gaps=[True, False, False], source="html")
    assert block_starts(page).tolist() == [1.0, 0.0, 0.0]


def test_a_page_without_layout_information_starts_a_block_on_every_line():
    assert block_starts(Page(lines=["a", "b"])).tolist() == [1.0, 1.0]
    assert block_starts(Page(lines=[], gaps=[])).tolist() == []

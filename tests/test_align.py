"""Line labels from a page's gold main content (how training data and users' own pages get labelled)."""
from __future__ import annotations

from pathlib import Path

import pytest

from declutter.align import label_lines, line_coverage
from declutter.datasets import read_folder
from declutter.reading import normalize_text, split_lines

PAGES = Path(__file__).parent / "fixtures" / "pages"


def page(stem: str):
    [found] = [p for p in read_folder(PAGES) if p.id == f"pages/{stem}"]
    lines, _ = split_lines(normalize_text(found.text))
    return found, lines


def label_of(lines: list[str], labels: list[int], text: str) -> int:
    [index] = [i for i, line in enumerate(lines) if line == text]
    return labels[index]


@pytest.mark.parametrize("stem,body,nav", [
    ("wcxb-0575-forum", "List of all goals: https://rust-lang.github.io/rust-project-goals/2024h2/accepted.html",
     "Active Recent Comments Search Login"),
    ("wcxb-4795-product", "Adjustable headrest is standard.", "Shop All Office & Guest Chairs"),
    ("readability-heise-de", "1Password scannt auch QR-Codes.", "Menü auf-/zuklappen"),
])
def test_known_body_line_is_1_and_known_nav_line_is_0(stem, body, nav):
    found, lines = page(stem)
    labels = label_lines(lines, found.gold)
    assert label_of(lines, labels, body) == 1
    assert label_of(lines, labels, nav) == 0


def test_committed_labels_are_what_the_aligner_gives():
    for found in read_folder(PAGES):
        lines, _ = split_lines(normalize_text(found.text))
        assert label_lines(lines, found.gold) == found.labels, found.id


def test_empty_gold_labels_every_line_0():
    found, lines = page("wcxb-0488-article")
    assert label_lines(lines, "") == [0] * len(lines)
    assert label_lines(lines, "  \n\n ") == [0] * len(lines)


def test_gold_equal_to_the_page_labels_every_line_with_words_1():
    found, lines = page("wcxb-4415-documentation")
    coverage = line_coverage(lines, "\n\n".join(lines))
    assert all(c == 1.0 for c, line in zip(coverage, lines) if any(ch.isalnum() for ch in line))


def test_coverage_ignores_case_quotes_and_reflowed_paragraphs():
    lines = ["Menu", "The “quick” brown fox", "jumps over the lazy dog.", "Share"]
    gold = 'the "QUICK" brown fox jumps over the lazy dog'
    assert label_lines(lines, gold) == [0, 1, 1, 0]


def test_short_subheading_in_the_gold_is_body_and_short_menu_items_are_not():
    lines = ["Home", "Budget", "The city council met on Monday to vote on the new budget.", "Key points",
             "Members went home early after the vote.", "Contact"]
    gold = ("The city council met on Monday to vote on the new budget.\n\nKey points\n\n"
            "Members went home early after the vote.")
    assert label_lines(lines, gold) == [0, 0, 1, 1, 1, 0]


def test_no_lines_give_no_labels():
    assert label_lines([], "some gold text") == []

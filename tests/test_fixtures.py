"""The labelled fixtures: the folders read as data sets, and the seed pages cleaned as a careful reader would.

Each seed line has a hand label (tests/fixtures/README.md gives the policy). A body line missing from
``declutter.clean`` output, or a junk line left in it, is a failure of the shipped model or rules; the
cases it gets wrong today are marked ``xfail(strict=True)`` one by one, so fixing one turns the test red
until the mark is removed, and no other line may regress.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

import declutter
from declutter.datasets import read_folder, read_pages
from declutter.reading import normalize_text, split_lines

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
PAGES = FIXTURES / "pages"

# (seed, 1-based non-empty line) -> why the shipped model gets it wrong. For the lead to fix in the model.
KNOWN_MISSES = {
    ("001", 3): "photo caption ending in 'Photograph: Anadolu/Getty Images' is kept as a sentence",
    ("002", 4): "teaser fragment ending in '...' above the article is kept",
    ("002", 2): "slider fragment repeated on line 6 is kept there (the text then appears in the output)",
    ("002", 6): "slider fragment repeated from line 2 is kept",
    ("004", 2): "the headline, at p 0.69 under the page's cut of 0.80 since the model of 2026-12-07 (late): the "
                "training sets disagree about headlines (wcxb-dev's and readability's golds leave the h1 out, "
                "dragnet's and l3s-gn1's keep it; docs/model.md, 'Training data'), so no model holds it firmly",
    ("004", 3): "'Free Subscribtion' between the headline and the body is kept: the soft subscribe rule is "
                "outweighed by the body below (p 0.59, 0.86 after the sequence step) since the model retrained with "
                "the lexicon on 2026-12-03 (0.97 after the retraining of 2026-12-04, 0.80 with the model of 2026-12-07, "
                "late, which is its page's cut); the model before gave 0.27",
}


@lru_cache(maxsize=None)
def seed(stem: str) -> tuple[list[str], list[int], list[str]]:
    """Lines, hand labels and the paragraphs of ``declutter.clean`` output for one seed."""
    text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    lines, _ = split_lines(normalize_text(text))
    labels = [int(x) for x in (SEEDS / f"{stem}.labels.txt").read_text().split()]
    return lines, labels, declutter.clean(text).split("\n\n")


def seed_cases(label: int) -> list:
    cases = []
    for stem in ("000", "001", "002", "003", "004"):
        lines, labels, _ = seed(stem)
        for i, lab in enumerate(labels):
            if lab != label:
                continue
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[(stem, i + 1)])] if (stem, i + 1) in KNOWN_MISSES else []
            cases.append(pytest.param(stem, i, id=f"{stem}:{i + 1}", marks=marks))
    return cases


@pytest.mark.parametrize("stem,index", seed_cases(1))
def test_seed_body_line_is_kept(stem, index):
    lines, _, out = seed(stem)
    assert lines[index] in out


@pytest.mark.parametrize("stem,index", seed_cases(0))
def test_seed_junk_line_is_dropped(stem, index):
    lines, labels, out = seed(stem)
    # A junk line may share its text with a body line (seed 001 repeats its headline); then the text may
    # appear as often as body lines carry it, and no more.
    allowed = sum(1 for line, lab in zip(lines, labels) if lab and line == lines[index])
    assert out.count(lines[index]) <= allowed


def test_seed_folder_is_a_complete_labelled_data_set():
    pages = list(read_folder(SEEDS))
    assert [p.id for p in pages] == [f"seeds/{s}" for s in ("000", "001", "002", "003", "004")]
    for p in pages:
        lines, _ = split_lines(normalize_text(p.text))
        assert p.labels is not None and len(p.labels) == len(lines)
        assert set(p.labels) <= {0, 1} and 0 < sum(p.labels) < len(lines)
        assert p.gold.strip() == "\n\n".join(l for l, k in zip(lines, p.labels) if k)


def test_page_folder_holds_text_html_gold_and_labels_for_each_page():
    pages = list(read_pages(PAGES))
    assert len(pages) == 9
    for p in pages:
        lines, _ = split_lines(normalize_text(p.text))
        assert p.html and "<" in p.html
        assert p.labels is not None and len(p.labels) == len(lines), p.id
        assert 0 < sum(p.labels) < len(lines), p.id


def test_fixture_pages_cover_several_languages():
    langs = {declutter.analyze(p.text).lang for p in read_folder(PAGES)}
    assert {"en", "de", "fr", "es"} <= langs


def test_fixture_folder_stays_small():
    size = sum(f.stat().st_size for f in FIXTURES.rglob("*") if f.is_file())
    assert size < 1_500_000

"""Repeated runs of kept lines are given once; single repeated lines and code stay where they are."""
from __future__ import annotations

import numpy as np

import declutter
from declutter import Cleaner
from declutter.page import DomEvidence, Page
from declutter.repeats import drop_repeated_runs

BODY = [
    "The river rose four metres overnight and the old bridge closed before dawn, the council said on Monday.",
    "Engineers will inspect the piers on Tuesday once the water falls below the warning mark again.",
    "Residents of the lower town were told to move cars and keep away from the embankment until then.",
]


def _page(lines: list[str], keep: list[bool], pre: set[int] = frozenset()) -> Page:
    page = Page(lines=list(lines))
    page.keep = np.array(keep, dtype=bool)
    page.reasons = ["model p=0.90"] * len(lines)
    if pre:
        page.dom = [DomEvidence(tag="pre" if i in pre else "p", is_pre=i in pre) for i in range(len(lines))]
    return page


def test_a_repeated_run_is_dropped_with_the_line_it_repeats():
    lines = BODY + ["Share this story"] + BODY
    page = _page(lines, [True, True, True, False, True, True, True])
    drop_repeated_runs(page)
    assert page.keep.tolist() == [True, True, True, False, False, False, False]
    assert page.reasons[4:] == ["repeats line 1", "repeats line 2", "repeats line 3"]
    assert page.reasons[3] == "model p=0.90"  # lines outside the run keep their reason


def test_single_repeated_lines_and_short_runs_stay():
    step = "Press Enter to close the selection."
    lines = [BODY[0], step, BODY[1], step, BODY[2], "Yes", "No", "Yes", "No"]
    page = _page(lines, [True] * len(lines))
    drop_repeated_runs(page)
    assert page.keep.all()  # one repeated line at a time; "Yes No" repeats as a run but has under ten words


def test_dropped_copies_do_not_count_and_pre_lines_never_repeat():
    code = ["for row in rows:", "    total += row.amount * row.quantity  # the same loop in both examples"]
    lines = code + [BODY[0]] + code + [BODY[1]]
    page = _page(lines, [True] * len(lines), pre={0, 1, 3, 4})
    drop_repeated_runs(page)
    assert page.keep.all()
    page = _page(BODY + BODY, [True, True, True, False, True, True])  # the copy of line 1 was dropped already
    drop_repeated_runs(page)
    assert page.keep.tolist() == [True, True, True, False, False, False]


def test_the_pipeline_gives_a_page_shown_twice_once_unless_told_to_keep_repeats():
    text = "\n\n".join(["Flood closes the old bridge"] + BODY + ["Flood closes the old bridge"] + BODY)
    cleaned = declutter.clean(text)
    for para in BODY:
        assert cleaned.count(para) == 1
    both = Cleaner(drop_repeats=False).clean(text)
    assert all(both.count(para) == 2 for para in BODY)
    reasons = [d.reason for d in declutter.analyze(text).lines if d.text == BODY[0]]
    assert reasons[1] == "repeats line 2"


def test_cli_keep_repeats(tmp_path, capsys):
    from declutter.cli import main

    page = tmp_path / "page.txt"
    page.write_text("\n\n".join(BODY + BODY), encoding="utf-8")
    assert main(["clean", str(page)]) == 0
    assert capsys.readouterr().out.count(BODY[1]) == 1
    assert main(["clean", str(page), "--keep-repeats"]) == 0
    assert capsys.readouterr().out.count(BODY[1]) == 2

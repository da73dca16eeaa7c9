"""Input far longer than a web page: read in pieces and judged in parts, with the results a whole reading
gives where reading is concerned, and every line accounted for."""
import json
import random

import numpy as np
import pytest

import declutter
from declutter import Cleaner, Config, parts, reading
from declutter.page import Page

NEWLINES = ["\n", "\r\n", "\r", "\u2028", "\n\n", "\n \n", "\n\t\x00\n", "\x0c", "\r\n\r\n", "\n\n\n"]


def _odd_page(rng: random.Random, seeds: list[str]) -> str:
    """A seed page with its newlines swapped for odd ones, blank runs, control characters and long lines."""
    out = [rng.choice(["", "\n", "\r\n", "  "])]
    for line in rng.choice(seeds).split("\n"):
        out += [line, rng.choice(NEWLINES)]
        if rng.random() < 0.03:
            out.append("y" * rng.randint(100, 900) + " " + "z" * rng.randint(100, 900))
        if rng.random() < 0.03:
            out.append(" " * rng.randint(1, 300))
    return "".join(out)


@pytest.fixture(scope="module")
def seeds(fixtures):
    return [p.read_text(encoding="utf-8") for p in sorted((fixtures / "seeds").glob("[0-9][0-9][0-9].txt"))]


def test_text_read_in_pieces_gives_the_lines_and_gaps_of_one_reading(seeds, monkeypatch):
    rng = random.Random(20261206)
    for _ in range(60):
        text = _odd_page(rng, seeds)
        whole = reading.page_lines(text, 500)
        monkeypatch.setattr(reading, "PIECE_CHARS", rng.choice([40, 150, 700, 3000]))
        assert reading.page_lines(text, 500) == whole
        monkeypatch.undo()


def test_a_huge_line_is_cut_the_same_way_in_linear_time():
    """Chunks of a collapsed line are cut by position (slicing off the rest each time was quadratic); the
    cut points are those of the reference: the last space in the second half of each allowance."""
    rng = random.Random(7)
    for _ in range(20):
        words = ["".join(rng.choice("ab\t\u3000 ") for _ in range(rng.randint(1, 40))) for _ in range(4000)]
        text = " ".join(words)
        limit = rng.choice([100, 700])
        line, expected = " ".join(text.split()), []
        while len(line) > limit:
            cut = line.rfind(" ", limit // 2, limit)
            cut = cut if cut > 0 else limit
            expected.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        expected += [line] if line else []
        assert reading.split_lines(text, limit)[0] == expected


def test_split_points_bound_lines_and_characters_and_prefer_block_starts():
    lines = [f"line {i} " + "x" * (i % 50) for i in range(1000)]
    gaps = [i % 7 == 0 for i in range(1000)]
    page = Page(lines=lines, gaps=gaps)
    starts = parts.split_points(page, 100, max_chars=3000)
    bounds = list(zip(starts, starts[1:] + [len(lines)]))
    assert starts[0] == 0 and all(a < b for a, b in bounds)
    for a, b in bounds:
        assert b - a <= 100 and sum(len(line) + 1 for line in lines[a:b]) <= 3000
    assert all(gaps[s] for s in starts[1:])  # a block start fell in every part's second half
    one_line = Page(lines=["w " * 5000], gaps=[True])
    assert parts.split_points(one_line, 100, max_chars=1000) == [0]  # a part keeps at least one line


def test_a_long_page_is_judged_in_parts_each_as_a_page_of_its_own(seeds):
    text = "\n\n".join(seeds * 3)
    cleaner = Cleaner(max_page_lines=100)
    page = cleaner.read(text)
    assert parts.needs_parts(page, 100)
    judged = cleaner.annotate(cleaner.read(text))
    starts = parts.split_points(page, 100)
    assert len(starts) > 3
    expected = [cleaner.annotate(parts.part_of(page, a, b)).keep
                for a, b in zip(starts, starts[1:] + [len(page)])]
    assert judged.keep.tolist() == np.concatenate(expected).tolist()
    for name in ("rule_action", "probs", "smoothed", "words"):
        assert len(getattr(judged, name)) == len(page)
    assert judged.features is None  # not held for the whole page: that is the memory parts save

    out = cleaner.clean(text).split("\n\n")
    kept = [line for line, k in zip(page.lines, judged.keep) if k]
    assert out == kept and len(kept) > 50
    analysis = cleaner.analyze(text)
    assert len(analysis.lines) == len(page) and all(d.reason for d in analysis.lines)
    assert [d.keep for d in analysis.lines] == judged.keep.tolist()
    assert any("strongest evidence" in d.reason for d in analysis.lines)
    assert analysis.parts == judged.parts == len(starts)
    assert json.loads(cleaner.clean(text, output="json"))["parts"] == len(starts)
    assert cleaner.analyze(seeds[0]).parts == 1


def test_explain_says_a_page_was_judged_in_parts(tmp_path, capsys):
    from declutter.cli import main

    path = tmp_path / "log.txt"
    path.write_text("\n".join(f"Line {i} of a long log, with a few words in it." for i in range(25_000)) + "\nShare on Facebook\n")
    assert main(["explain", str(path)]) == 0
    header = capsys.readouterr().out.split("\n", 1)[0]
    assert "judged in 2 parts" in header


def test_a_page_within_the_limit_is_judged_whole(seeds):
    text = seeds[4]
    assert Cleaner(max_page_lines=100_000).clean(text) == declutter.clean(text)
    assert not parts.needs_parts(Cleaner().read(text), Config().max_page_lines)


def test_max_page_lines_is_checked():
    with pytest.raises(ValueError, match="max_page_lines"):
        Config(max_page_lines=10)

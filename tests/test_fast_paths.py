"""The whole-page fast paths give exactly what the line-by-line definitions give.

The shipped model is trained on the line-by-line definitions, so a fast path that moved one feature value
or one line boundary would silently change every decision after it. ``benchmarks/check_identical.py``
checks the same on all labelled pages; these tests keep the property in the everyday test run.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from declutter import chars, features, language, linecounts, reading

EDGE_TEXTS = [
    "", " ", "\n\n\n", "\x00\x01\x02", "a", "Home\nAbout\nContact",
    "\t\r\n\x0b\x0c\u2028tab\tand\rreturns\x85  spaced \xa0 out\u3000", "İstanbul ΣΟΦΟΣ ſ x",
    "Share | Tweet » Next › Email • Print\nvisit www.example.com or mail a@b.c\nhttp://x.org/a.html",
    "Wait...\nSo… [...]\nReally [...] now.\n(quote) \"yes\" she said!\n12, 34; 56.\n_under score",
    "word " * 5_000, ("x" * 30_000 + "\n") * 3, "\ud800 lone surrogate \udfff",
]


def _texts(fixtures) -> list[str]:
    folders = ("pages", "seeds", "multilingual", "news_in_other_languages")  # other scripts: marks, no spaces, RTL
    pages = [p for folder in folders for p in sorted((fixtures / folder).glob("*.txt"))]
    return [p.read_text(encoding="utf-8") for p in pages if ".gold." not in p.name and ".labels." not in p.name] + EDGE_TEXTS


@pytest.mark.parametrize("max_chars", [20_000, 100])
def test_split_lines_equals_the_line_loop(fixtures, max_chars):
    for text in _texts(fixtures):
        for t in (text, reading.normalize_text(text)):
            assert reading.split_lines(t, max_chars) == reading._split_lines_loop(t, max_chars)


def test_line_counts_equal_the_line_loop(fixtures):
    for text in _texts(fixtures):
        lines, _ = reading.split_lines(reading.normalize_text(text))
        lang = language.detect(lines)
        if not lines or lang in language.CJK_LANGS:
            continue
        stops = language.stopwords(lang)
        cols, tokens = linecounts.columns(lines, stops, features._SEPARATORS, features._URLISH)
        ref_cols, ref_topic, ref_dup = features._line_loop(lines, stops, False)
        for name, col in ref_cols.items():
            assert np.array_equal(cols[name], col), name
        for fast, ref in zip(linecounts.topic(tokens, len(lines)), ref_topic):
            assert np.array_equal(fast, ref)
        assert np.array_equal(linecounts.duplicated(lines).astype(np.float32), ref_dup)


def test_runs_match_slice_means():
    gaps = np.array([1, 0, 0, 1, 1, 0, 0, 0, 1], dtype=np.float32)
    words = np.array([3, 0, 7, 1, 2, 5, 5, 9, 4], dtype=np.float32)
    run_len, run_words = features._runs(gaps, words)
    expected = np.concatenate([np.full(3, words[0:3].mean()), [1.0], np.full(4, words[4:8].mean()), [4.0]])
    assert np.array_equal(run_words, expected.astype(np.float32))
    assert run_len.tolist() == [3, 3, 3, 1, 4, 4, 4, 4, 1]


def _rule_probe_lines(fixtures) -> list[str]:
    """Real lines plus every rule pattern's own words, in several cases and with symbols around them."""
    from declutter.rules import shipped_rules

    lines: list[str] = []
    for text in _texts(fixtures):
        lines += reading.split_lines(reading.normalize_text(text))[0]
    samples = [lines[i] for i in range(0, len(lines), 7)]
    for rule in shipped_rules():
        for p in rule.patterns:
            words = " ".join(chars.word_re().findall(p))
            samples += [words, words.upper(), words.title(), f"» {words} «", f"_{words}_", f"{words}...", f"— {words}:"]
        samples += [f"Something about {c} in a sentence" for c in rule.contains]
    samples += ["©2024 ACME", "(c) 2020 Foo", "Home > News > World", "12 Comments", "— ADVERTISEMENT —", "İNDİRİM",
                "ſhare", "* * *", "2023", "foo@bar.com", "www.example.org", "___", "Read more…", "Photo: Getty Images"]
    return samples


def test_rule_gates_change_no_match(fixtures):
    from declutter.rules import RuleSet, _first_match

    rules = RuleSet.load()
    lines = _rule_probe_lines(fixtures)
    for lang in rules.languages():
        actions, names = rules.match(lines, lang)
        comp = rules.compiled(lang)
        expected = [_first_match(l, comp) if len(l) <= 12 * comp.max_words else None for l in lines]
        assert names == [r.name if r else None for r in expected], lang
        assert actions.tolist() == [r.code if r else 0 for r in expected], lang


def test_page_lines_equals_normalize_then_split(fixtures):
    for text in _texts(fixtures):
        for max_chars in (20_000, 100):
            assert reading.page_lines(text, max_chars) == reading._split_lines_loop(reading.normalize_text(text), max_chars)


def test_character_table_follows_the_regex_classes():
    table = chars.table()
    for i in [*range(0x3000), *range(0x3000, 0x110000, 97)]:
        c = chr(i)
        assert bool(table[i] & chars.WORD) == bool(re.match(r"\w", c))
        assert bool(chars.word_re().fullmatch(c)) == bool(re.match(r"[^\W\d_]", c))  # a word starts with a letter
        assert bool(table[i] & chars.LETTER) == (bool(re.match(r"[^\W\d_]", c)) or c in chars.marks())
        assert bool(table[i] & chars.DIGIT) == bool(re.match(r"\d", c))
        assert bool(table[i] & chars.SPACE) == c.isspace()
        assert bool(table[i] & chars.CAP) == bool(re.match(features._CAP.pattern[7:], c))


@pytest.mark.parametrize("seed", range(5))
def test_the_word_regex_finds_the_tables_letter_runs(seed):
    """word_re() (the reference loop, DOM titles) and letter_runs (the array paths) must agree on every string:
    marks and joiners before, inside and after letters, alone, beside digits, underscores and emoji."""
    rng = np.random.default_rng(seed)
    pool = list("ab é_1 .-") + ["\u0301", "\u093f", "\u0940", "\u0bcd", "\u0e31", "ह", "க", "ก", "\u20dd",
                                "\u200c", "\u200d", "\ufe0f", "❤", "ش"]
    for _ in range(200):
        text = "".join(rng.choice(pool, size=int(rng.integers(1, 30))))
        assert chars.word_re().findall(text) == chars.letter_runs(text), repr(text)


def test_character_table_skipping_the_quiet_planes_equals_a_scan_of_every_plane(monkeypatch):
    fast = chars.table()
    chars.table.cache_clear()
    monkeypatch.setattr(chars, "_QUIET_FROM", 0x110000)  # nothing skipped
    try:
        assert np.array_equal(chars.table(), fast)
    finally:
        chars.table.cache_clear()


def test_revision_columns_of_several_variants_at_once_equal_one_at_a_time():
    # Explanations compute the revision columns of every occluded variant of a page in one call; each must
    # be exactly what the page's own call gives (clean() uses that), edge cases included.
    rng = np.random.default_rng(3)
    for n in (1, 2, 7, 150):
        P = rng.random((4, n)).astype(np.float32)
        P[1] = 0.2                                             # no line reaches 0.5
        P[2] = (P[2] > 0.5).astype(np.float32)                 # ties everywhere
        LW = np.log1p(rng.integers(0, 40, (4, n))).astype(np.float32)
        LW[3] = 0                                              # no words
        together = features.revision_matrix(P, LW)
        assert together.shape == (4, n, len(features.revision_names())) and together.dtype == np.float32
        for k in range(4):
            assert np.array_equal(together[k], features.revision_matrix(P[k], LW[k]))

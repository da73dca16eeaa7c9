"""The decision step: the per-page expected-F1 cut (the default) against a fixed threshold."""
import json
from pathlib import Path

import numpy as np
import pytest

from declutter import Cleaner, Config
from declutter.cli import main as cli_main
from declutter.datasets import read_folder
from declutter.decide import FAVOR_BETA, calibrated, code_blocks, decide, expected_f1_cut
from declutter.metrics import word_prf
from declutter.page import DROP, KEEP, NO_RULE, TERMINATOR, Page
from declutter.train import STACKED_CALIBRATION

SEED = "tests/fixtures/seeds/004.txt"
FIXTURES = Path(__file__).parent / "fixtures"


def page_of(probs, words, actions=None):
    n = len(probs)
    page = Page(lines=[f"line {i}" for i in range(n)], probs=np.array(probs, np.float32),
                rule_action=np.array(actions or [NO_RULE] * n, np.int8), rule_name=[None] * n)
    page.smoothed = page.probs
    page.words = np.array(words, np.float64)
    return page


def test_identity_calibration_reads_probabilities_as_they_are():
    p = np.array([0.01, 0.3, 0.5, 0.9])
    assert np.allclose(calibrated(p), p)
    flat = calibrated(p, STACKED_CALIBRATION)
    assert np.all(np.diff(flat) > 0) and flat[-1] < 0.9 and flat[0] > 0.01  # same order, flatter


def test_a_sure_page_keeps_only_its_sure_lines():
    # Ten sure body lines, one line the model is fairly sure of, menus it is sure are not body.
    probs, words = [0.999] * 10 + [0.8] + [0.02] * 5, [20] * 10 + [20] + [3] * 5
    page = page_of(probs, words)
    decide(page, None, STACKED_CALIBRATION)
    assert page.keep[:10].all() and not page.keep[10:].any() and page.cut > 0.8
    fixed = page_of(probs, words)
    decide(fixed, 0.4, STACKED_CALIBRATION)
    assert fixed.keep[:11].all() and fixed.cut == 0.4


def test_a_hesitant_page_keeps_more_than_a_fixed_threshold():
    # A product page as the model sees it: nothing sure, the body a little above the rest.
    probs, words = [0.35, 0.3, 0.32, 0.28, 0.05, 0.04], [25, 30, 20, 15, 4, 4]
    page = page_of(probs, words)
    decide(page, None, STACKED_CALIBRATION)
    assert page.keep[:4].all() and not page.keep[4:].any() and page.cut < 0.3
    fixed = page_of(probs, words)
    decide(fixed, 0.4, STACKED_CALIBRATION)
    # nothing reaches 0.4: the fallback keeps the lines within 0.6 of the best, as before
    assert fixed.keep.tolist() == [True, True, True, True, False, False]


def test_favouring_recall_or_precision_moves_a_pages_cut_down_or_up():
    # The sure page above: F1 stops before the 0.8 line, F2 takes it, F0.5 stops where F1 does.
    probs, words = [0.999] * 10 + [0.8, 0.5] + [0.02] * 5, [20] * 10 + [20, 20] + [3] * 5
    cuts = {}
    for favor, beta in FAVOR_BETA.items():
        page = page_of(probs, words)
        decide(page, None, STACKED_CALIBRATION, beta)
        cuts[favor] = page.cut
    assert cuts["recall"] < cuts["balanced"] <= cuts["precision"]
    page = page_of(probs, words)
    decide(page, None, STACKED_CALIBRATION)
    assert page.cut == cuts["balanced"]  # the default is F1


def test_favor_moves_every_pages_cut_the_same_way_on_the_fixture_pages():
    """Config.favor: F2 keeps every line F1 keeps and more, F0.5 a subset; on the labelled fixture pages the
    mean recall and precision move the way each setting promises."""
    pages = [p for d in ("seeds", "pages") for p in read_folder(FIXTURES / d)]
    inputs = [(p, text) for p in pages for text in (p.text, p.html) if text]
    scores = {}
    for favor in FAVOR_BETA:
        cleaner = Cleaner(favor=favor)
        keeps = [np.array([line.keep for line in cleaner.analyze(text).lines]) for _, text in inputs]
        scores[favor] = [word_prf(cleaner.clean(text), p.gold) for p, text in inputs]
        if favor != "balanced":
            scores[favor + " keeps"] = keeps
        else:
            balanced = keeps
    for fewer, more in zip(scores["precision keeps"], balanced):
        assert (fewer <= more).all()
    for fewer, more in zip(balanced, scores["recall keeps"]):
        assert (fewer <= more).all()
    mean = {f: (np.mean([s.precision for s in scores[f]]), np.mean([s.recall for s in scores[f]])) for f in FAVOR_BETA}
    assert mean["precision"][0] > mean["balanced"][0] > mean["recall"][0]
    assert mean["recall"][1] > mean["balanced"][1] > mean["precision"][1]


def test_favor_is_one_of_three_and_never_beside_a_fixed_threshold(capsys):
    assert Config(favor="recall").favor == "recall"
    with pytest.raises(ValueError, match="favor must be one of 'balanced', 'precision', 'recall'"):
        Config(favor="more")
    with pytest.raises(ValueError, match="set one of them"):
        Config(favor="precision", threshold=0.5)
    assert Config(favor="balanced", threshold=0.5).threshold == 0.5
    assert cli_main(["explain", SEED, "--color", "never", "--favor", "recall"]) == 0
    assert "(this page's cut, favouring recall)" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="set one of them"):
        cli_main(["clean", SEED, "--favor", "recall", "--threshold", "0.5"])


def test_lines_kept_by_rules_count_as_body_and_rule_drops_stay_dropped():
    probs, words = [0.95, 0.95, 0.6, 0.99], [30, 30, 10, 10]
    page = page_of(probs, words, [KEEP, KEEP, NO_RULE, DROP])
    decide(page, None, STACKED_CALIBRATION)
    assert page.keep.tolist() == [True, True, False, False]
    assert page.reasons[3].startswith("rule")


def test_the_cut_is_none_without_open_lines():
    assert expected_f1_cut(np.array([0.9]), np.array([5.0]), np.array([False]), np.array([True])) is None
    page = page_of([0.9, 0.1], [5, 5], [DROP, DROP])
    decide(page, None)
    assert page.cut is None and not page.keep.any()


def test_zero_word_lines_cannot_move_the_cut():
    with_marks = expected_f1_cut(np.array([0.99, 0.98, 0.2, 0.97]), np.array([20.0, 0.0, 0.0, 20.0]),
                                 np.ones(4, bool), np.zeros(4, bool), STACKED_CALIBRATION)
    without = expected_f1_cut(np.array([0.99, 0.97]), np.array([20.0, 20.0]), np.ones(2, bool),
                              np.zeros(2, bool), STACKED_CALIBRATION)
    assert with_marks == without == pytest.approx(0.97)


def test_default_is_the_per_page_cut_and_a_number_is_a_threshold():
    assert Config().threshold is None
    text = open(SEED, encoding="utf-8").read()
    auto = Cleaner().analyze(text)
    assert auto.cut is not None and all(d.prob >= auto.cut for d in auto.kept if d.reason.startswith("model"))
    fixed = Cleaner(threshold=0.5).analyze(text)
    assert fixed.cut == 0.5 and all(d.prob >= 0.5 for d in fixed.kept if d.reason.startswith("model"))
    assert json.loads(Cleaner(output="json").clean(text))["cut"] == round(auto.cut, 4)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_bad_threshold_is_rejected(bad):
    with pytest.raises(ValueError, match="threshold"):
        Config(threshold=bad)


@pytest.mark.parametrize("setting, bad", [
    ("threshold", "0.5"), ("threshold", True), ("sequence_stay", "0.7"), ("max_line_chars", "500"),
    ("max_line_chars", 500.5), ("max_page_lines", True), ("smoothing", "no"), ("drop_repeats", 0),
    ("keep_clean_pages", None),
])
def test_a_setting_of_the_wrong_type_is_a_type_error_naming_it(setting, bad):
    """smoothing="no" used to read as True and threshold=True as 1.0; a string number failed deep inside
    a comparison. Each is now refused where it is given."""
    with pytest.raises(TypeError, match=setting):
        Config(**{setting: bad})


def test_numpy_numbers_are_read_as_python_numbers():
    config = Config(threshold=np.float32(0.5), max_line_chars=np.int64(500), sequence_stay=np.float64(0.6))
    assert (config.threshold, config.max_line_chars, config.sequence_stay) == (0.5, 500, 0.6)
    assert type(config.threshold) is float and type(config.max_line_chars) is int


def test_cli_threshold_takes_auto_or_a_number(capsys):
    assert cli_main(["explain", SEED, "--color", "never"]) == 0
    assert "this page's cut" in capsys.readouterr().out
    assert cli_main(["explain", SEED, "--color", "never", "--threshold", "0.6"]) == 0
    assert "p >= 0.60 (threshold)" in capsys.readouterr().out
    assert cli_main(["clean", SEED, "--threshold", "AUTO"]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit):
        cli_main(["clean", SEED, "--threshold", "high"])
    assert "expected 'auto' or a number" in capsys.readouterr().err


def test_a_terminator_never_keeps_what_the_cut_drops():
    # Body, then "Related Articles", then a teaser the model rates 0.92: STRONG_BODY (0.9) alone would keep
    # it, but the page's threshold is 0.95, so without the terminator it would have gone too.
    probs, words = [0.99] * 6 + [0.5, 0.92, 0.99], [20] * 6 + [2, 15, 20]
    actions = [NO_RULE] * 6 + [TERMINATOR, NO_RULE, NO_RULE]
    page = page_of(probs, words, actions)
    page.rule_name = [None] * 6 + ["related", None, None]
    decide(page, 0.95)
    assert page.keep.tolist() == [True] * 6 + [False, False, True]
    assert "after section terminator" in page.reasons[7] and "strong body" in page.reasons[8]
    page = page_of(probs, words, actions)
    page.rule_name = [None] * 6 + ["related", None, None]
    decide(page, 0.4)
    assert page.keep.tolist() == [True] * 6 + [False, True, True]  # 0.92 >= STRONG_BODY


CODE_PAGE = ("<html><body><h1>Using the cache</h1><p>" + "The cache keeps recent answers in memory so that a repeated "
             "question costs nothing the second time it is asked. " * 4 + "</p><pre>{code}</pre><pre>{other}</pre>"
             "<p>Footer links and a copyright line</p></body></html>")


def test_code_blocks_are_runs_of_pre_lines_without_a_boundary():
    cleaner = Cleaner(Config(input_format="html"))
    page = cleaner.read(CODE_PAGE.format(code="import os\ndef main():\n    pass", other="one\ntwo"))
    blocks = [(b.start, b.stop) for b in code_blocks(page)]
    assert blocks == [(2, 5), (5, 7)]  # two <pre> elements, two blocks, though their lines touch
    assert code_blocks(cleaner.read("import os\ndef main():\n    pass")) == []  # text has no DOM


def test_a_code_block_is_kept_whole_or_not_at_all():
    cleaner = Cleaner(Config(input_format="html"))
    page = cleaner.read(CODE_PAGE.format(code="import os\ndef main():\n    pass", other="one\ntwo"))
    n = len(page.lines)
    assert n == 8
    page.probs = page.smoothed = np.array([0.9, 0.99, 0.95, 0.2, 0.1, 0.1, 0.1, 0.05], np.float32)
    page.rule_action, page.rule_name = np.zeros(n, np.int8), [None] * n
    page.words = np.array([3, 60, 2, 2, 1, 1, 1, 5], np.float64)
    decide(page, 0.5)
    assert page.keep.tolist() == [True, True, True, True, True, False, False, False]
    assert page.reasons[3] == page.reasons[4] == "code block with line 3"
    page.rule_action[4], page.rule_name[4] = DROP, "symbols-only"  # a rule misreads code: the block still wins
    decide(page, 0.5)
    assert page.keep.tolist() == [True, True, True, True, True, False, False, False]
    assert page.reasons[4] == "code block with line 3 (rule symbols-only)"
    page.rule_action[2:5] = DROP  # a block whose every line a rule dropped has no kept line to follow
    decide(page, 0.5)
    assert page.keep.tolist()[2:5] == [False, False, False]


JS_PAGE = ("<html><body><article><h1>Functions in JavaScript</h1><p>" + "To print a greeting, define a function "
           "and call it from the main program, as this example shows. " * 3 + "</p><pre><code>"
           "function greet(name) {{\n  if (name) {{\n    print('Hello ' + name);\n  }}\n}}\n// Share this\n"
           "{comment}\ngreet('world');</code></pre><p>" + "The function returns nothing and prints one line for "
           "each name it is given, in the order given. " * 3 + "</p></article></body></html>")


@pytest.mark.parametrize("comment", ["// more below", "// Comments"])
def test_rules_do_not_cut_lines_out_of_a_kept_listing(comment):
    """A closing brace is a line of symbols, print(...) a print button, "// Share this" a share prompt and
    "// Comments" a section terminator: each rule dropped its line (the last cut the page there) and left
    code that no longer parses. (The prose after the terminator is the model's call: it reads the rule hit
    beside it as evidence.)"""
    out = Cleaner(Config(input_format="html")).clean(JS_PAGE.format(comment=comment))
    listing = "function greet(name) {\n  if (name) {\n    print('Hello ' + name);\n  }\n}\n// Share this\n"
    assert listing + comment + "\ngreet('world');" in out


def test_lines_a_site_template_dropped_stay_in_the_page_cut():
    """A template hit drops its line and says nothing about the others (Cleaner.prepare): the page's cut,
    which judges the others, is the one the page would get without templates. It used to leave the
    template lines out, and the lines they no longer weighed down moved the cut."""
    probs, words = [0.999] * 10 + [0.8] + [0.3] * 6, [20] * 10 + [20] + [30] * 6
    plain = page_of(probs, words)
    decide(plain, None, STACKED_CALIBRATION)
    templated = page_of(probs, words, [NO_RULE] * 11 + [DROP] * 6)
    templated.templated = np.array([False] * 11 + [True] * 6)
    decide(templated, None, STACKED_CALIBRATION)
    assert templated.cut == plain.cut
    assert (templated.keep[:11] == plain.keep[:11]).all() and not templated.keep[11:].any()
    # A line some rule drops for itself is not open to the cut: only template hits are.
    ruled = page_of(probs, words, [NO_RULE] * 11 + [DROP] * 6)
    decide(ruled, None, STACKED_CALIBRATION)
    assert ruled.cut != plain.cut

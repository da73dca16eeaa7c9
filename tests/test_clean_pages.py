"""Text that is already clean: a page no boilerplate rule matches is kept whole (Config.keep_clean_pages)."""
import numpy as np
import pytest

from declutter import Cleaner
from declutter.decide import CLEAN_PAGE_REASON, reads_clean
from declutter.page import DROP, SOFT_DROP, SOFT_KEEP, TERMINATOR, DomEvidence, Page

SEEDS = ("000", "001", "002", "003", "004")


def _seed(fixtures, name: str, kind: str = "") -> str:
    return (fixtures / "seeds" / f"{name}{kind}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SEEDS)
def test_a_seed_body_given_as_input_comes_back_whole(fixtures, name):
    gold = _seed(fixtures, name, ".gold")
    analysis = Cleaner().analyze(gold)
    assert analysis.reads_clean and analysis.to_dict()["reads_clean"] is True
    assert all(d.keep and d.reason == CLEAN_PAGE_REASON for d in analysis.lines)
    assert Cleaner().clean(gold).split() == gold.split()


def test_without_the_step_a_clean_body_is_judged_line_by_line(fixtures):
    # What the step replaces: with it off, the model judges every line of a clean body. (How many words
    # that costs is a figure of the model, not a behaviour: benchmarks/clean_input.py measures it. The
    # shipped model drops words of four of the five seed bodies; a retrain may drop fewer.)
    judged = Cleaner(keep_clean_pages=False)
    for name in SEEDS:
        analysis = judged.analyze(_seed(fixtures, name, ".gold"))
        assert not analysis.reads_clean
        assert not any(d.reason == CLEAN_PAGE_REASON for d in analysis.lines)
        assert any(d.reason.startswith("model p=") for d in analysis.lines)


@pytest.mark.parametrize("name", ["000", "001", "002", "003"])
def test_cleaning_a_seed_twice_gives_what_cleaning_it_once_gave(fixtures, name):
    cleaner = Cleaner()
    once = cleaner.clean(_seed(fixtures, name))
    assert once and cleaner.clean(once) == once


def test_a_scraped_seed_is_still_judged_line_by_line(fixtures):
    analysis = Cleaner().analyze(_seed(fixtures, "004"))
    assert not analysis.reads_clean and not any(d.reason == CLEAN_PAGE_REASON for d in analysis.lines)
    assert sum(not d.keep for d in analysis.lines) >= 30  # the teasers, share buttons and menus go


def test_one_boilerplate_line_is_enough_for_the_model_to_judge_the_page(fixtures):
    gold = _seed(fixtures, "003", ".gold")
    analysis = Cleaner().analyze(gold + "\n\nShare on Facebook\n")
    assert not any(d.reason == CLEAN_PAGE_REASON for d in analysis.lines)
    assert not analysis.lines[-1].keep


def test_which_rule_hits_make_a_page_not_clean():
    page = Page(lines=["a", "b", "c"])
    for action, clean in ((0, True), (SOFT_KEEP, True), (DROP, False), (SOFT_DROP, False), (TERMINATOR, False)):
        page.rule_action = np.array([0, action, 0], dtype=np.int8)
        assert reads_clean(page) is clean, action
    page.rule_action = None
    assert not reads_clean(page)  # rules never ran: nothing is known


def test_html_pages_are_always_judged_by_the_model():
    page = Page(lines=["a", "b"], source="html", dom=[DomEvidence(), DomEvidence()],
                rule_action=np.zeros(2, dtype=np.int8))
    assert not reads_clean(page)


def test_only_languages_with_their_own_rules_count_as_covered():
    rules = Cleaner().rules
    assert rules.covers("en") and rules.covers("de") and rules.covers("ru") and rules.covers("zh")
    assert not rules.covers("lt") and not rules.covers("et") and not rules.covers(None) and not rules.covers("*")
    user = Cleaner(extra_rules=[{"rules": [{"name": "lt-dalintis", "language": "lt", "action": "drop",
                                            "match": "full", "patterns": ["dalintis"]}]}]).rules
    assert user.covers("lt")


def test_a_page_in_a_language_without_rules_is_judged_by_the_model():
    text = ("Šuo ir katė nėra čia, bet ji yra ten, ir tai buvo kartą, kai mes buvome namie.\n" * 3
            + "Meniu\nPrisijungti\nKontaktai\n")
    analysis = Cleaner(language="lt").analyze(text)
    assert not any(d.reason == CLEAN_PAGE_REASON for d in analysis.lines)


def test_explain_says_when_a_page_was_kept_whole(fixtures, capsys):
    from declutter.cli import main

    path = fixtures / "seeds" / "003.gold.txt"
    assert main(["explain", str(path), "--color", "never"]) == 0
    assert "reads as clean and is kept whole" in capsys.readouterr().out.splitlines()[0]
    assert main(["explain", str(path), "--color", "never", "--judge-clean-pages"]) == 0
    out = capsys.readouterr().out
    assert "this page's cut" in out.splitlines()[0] and CLEAN_PAGE_REASON not in out

"""Cleaners cross process boundaries as their configuration: ``multiprocessing`` pickles the cleaner with
every task of ``pool.imap(cleaner.clean, pages)``, so a pickle must be small and cheap to load, and clean
exactly as the cleaner it came from."""
import multiprocessing
import pickle

import pytest

from declutter import Cleaner, Config
from declutter.model import LineModel


@pytest.fixture(scope="module")
def pages(fixtures):
    return [p.read_text(encoding="utf-8") for p in sorted((fixtures / "seeds").glob("[0-9][0-9][0-9].txt"))]


def test_a_pickled_cleaner_is_its_configuration_and_cleans_the_same(pages):
    cleaner = Cleaner(threshold=0.5, drop_repeats=False)
    data = pickle.dumps(cleaner)
    assert len(data) < 10_000  # not the compiled rules and the model's arrays (about 6 MB)
    again = pickle.loads(data)
    assert again.config == cleaner.config
    assert [again.clean(p) for p in pages] == [cleaner.clean(p) for p in pages]
    assert pickle.loads(data) is again  # a process builds each configuration once


def test_extra_rules_given_as_data_survive_the_pickle(pages):
    rule = {"rules": [{"name": "drop-putin", "action": "drop", "certain": True, "match": "search",
                       "patterns": ["Putin"], "max_words": 200}]}
    cleaner = pickle.loads(pickle.dumps(Cleaner(extra_rules=[rule])))
    analysis = cleaner.analyze(pages[1])
    hits = [d for d in analysis.lines if d.rule == "drop-putin"]
    assert hits and not any(d.keep for d in hits)


def test_a_model_passed_in_travels_with_the_cleaner(fixtures):
    from declutter.train import fit, load_examples

    examples = load_examples([str(fixtures / "pages")], Config(), tracks=("text",))
    model = fit(examples, LineModel(hidden=4, epochs=1))
    cleaner = Cleaner(input_format="text", model=model)
    again = pickle.loads(pickle.dumps(cleaner))
    assert again.model is not cleaner.model and again.model.feature_names_ == model.feature_names_
    page = (fixtures / "seeds" / "000.txt").read_text(encoding="utf-8")
    assert again.clean(page) == cleaner.clean(page)


def test_a_pool_cleans_with_a_bound_method(pages):
    cleaner = Cleaner(threshold=0.5)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert list(pool.imap(cleaner.clean, pages)) == [cleaner.clean(p) for p in pages]

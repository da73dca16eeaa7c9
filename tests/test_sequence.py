"""The sequence step: how strongly it ties a line's decision to its neighbours, and its one knob."""
import numpy as np
import pytest

from declutter import Cleaner, Config
from declutter.sequence import smooth


def test_uninformative_chain_returns_the_model_probabilities():
    probs = np.array([0.9, 0.2, 0.6, 0.05], dtype=np.float32)
    assert np.allclose(smooth(probs, stay=0.5, prior=0.5), probs, atol=1e-5)


def test_higher_stay_pulls_an_odd_line_towards_its_neighbours():
    probs = np.array([0.9, 0.9, 0.3, 0.9, 0.9], dtype=np.float32)
    light, heavy = smooth(probs, stay=0.7, prior=0.5)[2], smooth(probs, stay=0.95, prior=0.5)[2]
    assert 0.3 < light < heavy


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.1])
def test_sequence_stay_outside_the_open_interval_is_rejected(bad):
    with pytest.raises(ValueError, match="sequence_stay"):
        Config(sequence_stay=bad)


def test_none_uses_the_rate_stored_in_the_model(fixtures):
    text = (fixtures / "seeds" / "004.txt").read_text(encoding="utf-8")
    learned = Cleaner(sequence_stay=None)
    stored = learned.model.meta_["stay"]
    same = Cleaner(sequence_stay=stored)
    other = Cleaner(sequence_stay=0.55)
    probs = [l.prob for l in learned.analyze(text).lines]
    assert probs == [l.prob for l in same.analyze(text).lines]
    assert probs != [l.prob for l in other.analyze(text).lines]

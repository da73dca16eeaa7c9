"""Explanations: every feature belongs to one named group, and occlusion uses means of the page's kind."""
import copy

import numpy as np
import pytest

from declutter.explain import _DOM_GROUPS, _group_columns, _typical_row
from declutter.features import feature_names
from declutter.model import StackedModel, load_model
from declutter.page import DomEvidence, Page
from declutter.train import fit, track_means


@pytest.fixture(scope="module")
def small_model(examples):
    return fit(examples, StackedModel(hidden=8, epochs=2, folds=2))


def test_every_feature_but_the_input_kind_is_in_exactly_one_group():
    names = feature_names()
    owners: dict[str, list[str]] = {}
    for group, cols in _group_columns().items():
        for c in cols:
            owners.setdefault(names[c], []).append(group)
    assert [n for n in names if n not in owners] == ["dom_is_html"]  # the kind of input, not evidence
    assert {n: g for n, g in owners.items() if len(g) > 1} == {}


def test_track_means_give_text_pages_no_dom_evidence(examples):
    means = track_means(examples)
    names = feature_names()
    assert set(means) == {"text", "html"} and all(len(v) == len(names) for v in means.values())
    dom = [i for i, n in enumerate(names) if n.startswith("dom_")]
    assert all(means["text"][i] == 0.0 for i in dom)
    assert means["html"][names.index("dom_is_html")] == 1.0


def test_a_trained_model_carries_its_track_means_through_save_and_load(small_model, tmp_path):
    model = small_model
    path = tmp_path / "m.npz"
    model.save(path, meta=model.meta_)
    loaded = load_model(path)
    assert loaded.meta_["track_means"] == model.meta_["track_means"]
    text_page = Page(lines=["a"])
    html_page = Page(lines=["a"], dom=[DomEvidence()])
    assert np.allclose(_typical_row(loaded, text_page), model.meta_["track_means"]["text"])
    assert np.allclose(_typical_row(loaded, html_page), model.meta_["track_means"]["html"])


def test_a_model_file_without_track_means_falls_back_to_the_overall_mean(small_model):
    model = copy.copy(small_model)
    model.meta_ = {k: v for k, v in small_model.meta_.items() if k != "track_means"}
    assert np.array_equal(_typical_row(model, Page(lines=["a"])), model.mean_)


def test_html_lines_are_explained_by_html_evidence(fixtures):
    import declutter

    html = (fixtures / "pages" / "readability-heise-de.html").read_text(encoding="utf-8")
    reasons = [d.reason for d in declutter.analyze(html).lines]
    assert any(g in r for r in reasons for g in _DOM_GROUPS)


def test_confident_lines_are_explained_too(fixtures):
    """Shifts are in log-odds: a menu line at p=0.0001 still has a strongest evidence to name."""
    import declutter

    html = (fixtures / "pages" / "readability-heise-de.html").read_text(encoding="utf-8")
    decided = [d for d in declutter.analyze(html).lines if d.reason.startswith("model")]
    confident = [d for d in decided if d.prob < 0.01 or d.prob > 0.99]
    assert confident
    assert sum("strongest evidence" in d.reason for d in confident) >= 0.95 * len(confident)


def test_the_stacked_model_log_odds_match_its_probabilities(small_model, examples):
    model = small_model
    X = examples[0].X
    assert np.allclose(1 / (1 + np.exp(-model.decision_function(X))), model.predict_proba(X), atol=1e-6)


def _in_float64(model):
    model = copy.deepcopy(model)
    for stage in (model.first_, model.second_) if isinstance(model, StackedModel) else (model,):
        for key in ("W1_", "b1_", "W2_", "b2_", "mean_", "scale_"):
            setattr(stage, key, getattr(stage, key).astype(np.float64))
    return model


@pytest.mark.parametrize("which", ["shipped", "single stage"])
def test_incremental_occlusion_equals_a_full_pass_per_group(which, small_model, examples):
    # occlusion_shifts updates each stage's hidden layer by the occluded columns only; a full pass of the
    # model per group must give the same shifts (in float64, where rounding cannot flip a rank or a 0.5).
    from declutter.explain import occlusion_shifts

    model = _in_float64(load_model() if which == "shipped" else small_model.first_)
    for example in examples[:6]:
        X = example.X.astype(np.float64)
        page = Page(lines=[""] * len(X))
        groups = _group_columns()
        typical = _typical_row(model, page).astype(np.float64)
        fast = occlusion_shifts(model, X, groups, typical)
        base = model.decision_function(X)
        for g, cols in groups.items():
            occluded = X.copy()
            occluded[:, cols] = typical[cols]
            np.testing.assert_allclose(fast[g], base - model.decision_function(occluded), atol=1e-5)

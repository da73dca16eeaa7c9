"""Why the model decided what it did: the strongest evidence for each line.

For lines decided by the model we measure, per feature group, how much the model's log-odds move when
that group is set to its training mean over pages of the same kind, text or HTML (occlusion). The group that
moved it most towards the decision is the reason shown by :func:`declutter.analyze` and ``declutter
explain``. Only run for analyses, never for ``clean()``.
"""
from __future__ import annotations

import numpy as np

from .features import CONTEXT_FEATURES, LINE_FEATURES, feature_names, revision_matrix
from .lexicon import COLUMNS
from .model import LineModel, StackedModel, sigmoid
from .page import Page

# Human names for groups of related features.
GROUPS: dict[str, tuple[str, ...]] = {
    "length": ("log_chars", "log_words", "relative_words"),
    "stopword density": ("stopword_density", "log_stopwords"),
    "sentence punctuation": ("ends_sentence", "sentence_marks", "comma_density"),
    "capitalisation": ("capitalised_share",),
    "digits/links/symbols": ("digit_share", "starts_symbol", "separators", "urlish", "mean_word_length"),
    "truncated teaser (…)": ("ends_ellipsis",),
    "repeated on page": ("duplicated",),
    "off-topic vocabulary": ("topic_share", "topic_strength", "title_overlap", "dom_title_overlap"),
    "layout (blank lines, runs)": ("gap_before", "gap_after", "log_run_length", "log_run_words"),
    "position on page": ("position", "words_before"),
    "page size and prose share": ("page_log_words", "page_prose_share"),
    "rule evidence": ("rule_drop", "rule_soft_drop", "rule_keep", "rule_terminator", "after_terminator", "since_terminator"),
    # The element a line sits in: its tags, class/id words, links, visibility.
    "HTML structure": ("dom_link_density", "dom_in_boiler_tag", "dom_in_furniture", "dom_in_main_tag", "dom_class_score", "dom_heading",
                       "dom_list_item", "dom_preformatted", "dom_log_depth", "dom_class_negative", "dom_class_positive",
                       "dom_tag_paragraph", "dom_tag_cell", "dom_tag_div", "dom_hidden"),
    # Where the line lies against the page's main block and what its container holds.
    "HTML page layout": ("dom_in_content_root", "dom_before_content_root", "dom_after_content_root",
                         "dom_container_link_density", "dom_container_prose_share", "dom_log_container_lines",
                         "dom_log_signature_repeats"),
    "vocabulary (learned)": COLUMNS,
}
# The same features of the lines around (``log_words@-1`` ... ``@+3``, window means), split by what they
# say: "neighbouring lines" alone told a reader nothing about why a line went with its neighbours.
NEIGHBOUR_GROUPS: dict[str, tuple[str, ...]] = {
    "neighbours' prose": ("log_words", "stopword_density", "ends_sentence", "capitalised_share", "sentence_marks",
                          "window_log_words", "window_stopword_density", "window_prose_lines"),
    "neighbours' rule hits": ("rule_drop", "rule_soft_drop", "rule_terminator"),
    "neighbours' layout": ("gap_before", "log_run_length"),
    "neighbours' teasers and topic": ("ends_ellipsis", "topic_share"),
}


def _group_columns() -> dict[str, list[int]]:
    names = feature_names()
    index = {n: i for i, n in enumerate(names)}
    cols = {g: [index[f] for f in fs if f in index] for g, fs in GROUPS.items()}
    around = [(i, n.split("@")[0]) for i, n in enumerate(names) if "@" in n or n.startswith("window_")]
    for g, fs in NEIGHBOUR_GROUPS.items():
        cols[g] = [i for i, base in around if base in fs]
    return {g: c for g, c in cols.items() if c}


_DOM_GROUPS = tuple(g for g, fs in GROUPS.items() if all(f.startswith("dom_") for f in fs))  # nothing on text pages
# Shifts are measured in log-odds, not probability: a line at p=0.0001 whose menu-like tags, once made
# typical, lift it to p=0.01 has strong evidence, though its probability moved by 0.01 only. A group must
# move the log-odds by at least this much to be named (0.1 is about 0.025 in probability near p=0.5).
MIN_SHIFT = 0.1


def _typical_row(model: "LineModel | StackedModel", page: Page) -> np.ndarray:
    """The mean feature row of training pages of the page's kind (``declutter.train.track_means``); the
    mean over all training lines for model files that predate it."""
    means = getattr(model, "meta_", {}).get("track_means", {})
    row = means.get("html" if page.dom is not None else "text")
    return np.asarray(row, dtype=np.float32) if row is not None and len(row) == len(model.mean_) else model.mean_


def _occluded_pre(stage: LineModel, X: np.ndarray, pre: np.ndarray, cols: list[int], typical: np.ndarray) -> np.ndarray:
    """``stage.hidden_pre`` of ``X`` with ``cols`` set to ``typical``, from ``pre`` (that of ``X``): only
    those columns change, so only their rows of the first weights are multiplied."""
    return pre + ((typical[cols] - X[:, cols]) / stage.scale_[cols]) @ stage.W1_[cols]


def occlusion_shifts(model: "LineModel | StackedModel", X: np.ndarray, groups: dict[str, list[int]],
                     typical: np.ndarray) -> dict[str, np.ndarray]:
    """Per group: the page's log-odds minus its log-odds with the group's columns set to ``typical``.

    The same numbers as a full pass of the model per group, up to float rounding, at a fraction of the
    cost: setting a group changes only its columns, so each stage's hidden layer is the page's own plus
    their change times their rows of the weights (:func:`_occluded_pre`). Stage two also reads the
    revision columns, which follow stage one's probabilities and so change with every group; they are
    computed for all groups in one batched call.
    """
    if not isinstance(model, StackedModel):
        pre = model.hidden_pre(X)
        base = model.output(pre)
        return {g: base - model.output(_occluded_pre(model, X, pre, cols, typical)) for g, cols in groups.items()}
    first, second, lw = model.first_, model.second_, model.log_words_index_
    pre1 = first.hidden_pre(X)
    names = list(groups)
    pre1_g = np.stack([_occluded_pre(first, X, pre1, groups[g], typical) for g in names])
    log_words = np.repeat(X[None, :, lw], len(names), axis=0)
    for k, g in enumerate(names):
        if lw in groups[g]:
            log_words[k] = typical[lw]
    revision = revision_matrix(sigmoid(first.output(pre1)), X[:, lw])
    revision_g = revision_matrix(sigmoid(first.output(pre1_g)), log_words)
    pre2 = second.hidden_pre(np.concatenate([X, revision], axis=1))
    base = second.output(pre2)
    n_x = X.shape[1]
    w_rev, s_rev = second.W1_[n_x:], second.scale_[n_x:]
    shifts = {}
    for k, g in enumerate(names):
        pre = _occluded_pre(second, X, pre2, groups[g], typical) + ((revision_g[k] - revision) / s_rev) @ w_rev
        shifts[g] = base - second.output(pre)
    return shifts


def strongest_evidence(page: Page, model: "LineModel | StackedModel") -> list[str]:
    """The decision reason per line, with the model's strongest evidence where the model decided."""
    reasons = list(page.reasons or [])
    X = page.features
    if X is None or not len(X):
        return reasons
    groups = _group_columns()
    typical = _typical_row(model, page)
    if page.dom is None:
        # A plain-text page has no DOM evidence, so DOM groups explain nothing on it (with the text mean
        # they would not move; a model file without track means would make up HTML evidence).
        groups = {g: cols for g, cols in groups.items() if g not in _DOM_GROUPS}
    shifts = occlusion_shifts(model, X, groups, typical)
    names = list(shifts)
    keep = page.keep if page.keep is not None else np.zeros(len(reasons), dtype=bool)
    # Every line's shifts towards its decision, one row per group: the first group with the largest one
    # (in group order, as max() over them would pick) is the line's strongest evidence.
    towards = np.stack([shifts[g] for g in names]) * np.where(keep, 1.0, -1.0)
    best = towards.argmax(axis=0)
    strong = towards[best, np.arange(len(best))] > MIN_SHIFT
    for i, reason in enumerate(reasons):
        if strong[i] and reason.startswith("model"):
            direction = "body" if keep[i] else "boilerplate"
            reasons[i] = f"{reason}; strongest evidence for {direction}: {names[best[i]]}"
    return reasons


__all__ = ["strongest_evidence", "GROUPS", "LINE_FEATURES", "CONTEXT_FEATURES"]

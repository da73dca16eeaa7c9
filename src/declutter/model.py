"""The learned line classifier: a small multilayer perceptron in plain numpy.

Inference is two matrix products and a sigmoid, so it needs nothing but numpy and costs microseconds per
page. Training (``fit``) is full-batch-free minibatch Adam, also numpy, so ``declutter train`` needs no ML
framework either. Follows scikit-learn's conventions: parameters in ``__init__``, ``fit`` returns self,
learned state in attributes ending with ``_``, ``predict_proba`` for scores.
"""
from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Optional, Sequence, cast

import numpy as np

from .lexicon import Lexicon

MODEL_FILE = "model.npz"
# Stage two's out-of-fold split, which the lexicon's out-of-fold columns (declutter.train.with_lexicon)
# share, so a page's stage-one inputs and its lexicon columns both come from models without its site.
STAGE_FOLDS = 4


def fold_of(group: str, folds: int) -> int:
    """The fold of a group (a web site): stable across runs and processes, unlike ``hash``."""
    return int(hashlib.md5(group.encode()).hexdigest(), 16) % folds


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Log-odds to probability, clipped so that a far-out line cannot overflow ``exp``; the one place the
    model, its training and the explanations (which read a stage's output as log-odds) turn one into the other."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


class LineModel:
    """P(line is main content | features), an MLP with one ReLU hidden layer."""

    def __init__(self, hidden: int = 48, epochs: int = 12, batch_size: int = 512, learning_rate: float = 2e-3,
                 l2: float = 1e-5, seed: int = 0, members: int = 1):
        if not 1 <= members <= hidden:
            raise ValueError(f"members must be between 1 and hidden ({hidden}), got {members}")
        self.hidden = hidden
        self.members = members
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.l2 = l2
        self.seed = seed
        self.lexicon_: Optional[Lexicon] = None  # set by declutter.train.fit; the feature columns it feeds
        self.meta_: dict[str, Any] = {}  # set by declutter.train.fit: sequence-step statistics, calibration, ...

    # -- training -----------------------------------------------------------------------------------------
    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: Optional[np.ndarray] = None,
            feature_names: Sequence[str] = (), verbose: bool = False) -> "LineModel":
        """Fit ``members`` networks of ``hidden / members`` units from different seeds; keep their mean.

        The mean of several independently started networks' log-odds is one network whose hidden layer is
        theirs side by side, so inference costs the same as one network of ``hidden`` units. It varies less
        from one retrain to the next than a single network does, which is what lets a retrain keep the
        fixture pages' borderline lines where the last one put them.
        """
        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y, dtype=np.float32)
        w = np.ones(len(y), dtype=np.float32) if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0) + 1e-6
        Z = (X - self.mean_) / self.scale_
        width = self.hidden // self.members  # at least 1: __init__ holds members to 1..hidden
        nets = [self._fit_one(Z, y, w, width, self.seed + k, verbose) for k in range(self.members)]
        self.W1_ = np.concatenate([p["W1"] for p in nets], axis=1)
        self.b1_ = np.concatenate([p["b1"] for p in nets])
        self.W2_ = (np.concatenate([p["W2"] for p in nets]) / len(nets)).astype(np.float32)
        self.b2_ = (sum(p["b2"] for p in nets) / len(nets)).astype(np.float32)
        self.feature_names_ = list(feature_names)
        return self

    def _fit_one(self, Z: np.ndarray, y: np.ndarray, w: np.ndarray, width: int, seed: int, verbose: bool) -> dict:
        """One network of ``width`` hidden units trained with Adam on standardised features ``Z``."""
        rng = np.random.default_rng(seed)
        d = Z.shape[1]
        params = {
            "W1": (rng.standard_normal((d, width)) * np.sqrt(2.0 / d)).astype(np.float32),
            "b1": np.zeros(width, dtype=np.float32),
            "W2": (rng.standard_normal(width) * np.sqrt(1.0 / width)).astype(np.float32),
            "b2": np.zeros(1, dtype=np.float32),
        }
        m = {k: np.zeros_like(v) for k, v in params.items()}
        v = {k: np.zeros_like(p) for k, p in params.items()}
        step = 0
        n = len(y)
        for epoch in range(self.epochs):
            order = rng.permutation(n)
            lr = self.learning_rate * (0.5 ** (epoch / max(self.epochs / 3, 1)))
            total = 0.0
            for start in range(0, n, self.batch_size):
                idx = order[start:start + self.batch_size]
                grads, loss = self._gradients(params, Z[idx], y[idx], w[idx])
                total += loss * len(idx)
                step += 1
                for k in params:
                    g = grads[k] + self.l2 * params[k]
                    m[k] = 0.9 * m[k] + 0.1 * g
                    v[k] = 0.999 * v[k] + 0.001 * g * g
                    mh = m[k] / (1 - 0.9 ** step)
                    vh = v[k] / (1 - 0.999 ** step)
                    params[k] -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
            if verbose:
                print(f"epoch {epoch + 1}/{self.epochs}: log loss {total / n:.4f}", flush=True)
        return params

    @staticmethod
    def _gradients(p: dict, Z: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[dict, float]:
        h_pre = Z @ p["W1"] + p["b1"]
        h = np.maximum(h_pre, 0)
        out = sigmoid(h @ p["W2"] + p["b2"][0])
        eps = 1e-7
        loss = float(-(w * (y * np.log(out + eps) + (1 - y) * np.log(1 - out + eps))).sum() / w.sum())
        d_out = (out - y) * w / w.sum()
        g_W2 = h.T @ d_out
        g_b2 = np.array([d_out.sum()], dtype=np.float32)
        d_h = np.outer(d_out, p["W2"]) * (h_pre > 0)
        return {"W1": Z.T @ d_h, "b1": d_h.sum(axis=0), "W2": g_W2, "b2": g_b2}, loss

    # -- inference ----------------------------------------------------------------------------------------
    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return self.output(self.hidden_pre(X))

    def hidden_pre(self, X: np.ndarray) -> np.ndarray:
        """The hidden layer before its ReLU (explanations update it column by column: declutter.explain)."""
        return ((np.asarray(X, dtype=np.float32) - self.mean_) / self.scale_) @ self.W1_ + self.b1_

    def output(self, pre: np.ndarray) -> np.ndarray:
        """Log-odds from :meth:`hidden_pre`'s result (any leading shape)."""
        return np.maximum(pre, 0) @ self.W2_ + self.b2_[0]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(body) per row (a 1-D array; scikit-learn would return two columns)."""
        return sigmoid(self.decision_function(X))

    # -- persistence --------------------------------------------------------------------------------------
    def save(self, path: str | Path, meta: Optional[dict] = None) -> None:
        info = {"hidden": self.hidden, "feature_names": self.feature_names_, "meta": meta or {}}
        lex: dict[str, Any] = self.lexicon_.to_arrays() if self.lexicon_ is not None else {}
        np.savez_compressed(path, W1=self.W1_, b1=self.b1_, W2=self.W2_, b2=self.b2_, mean=self.mean_,
                            scale=self.scale_, info=np.frombuffer(json.dumps(info).encode(), dtype=np.uint8), **lex)

    @classmethod
    def from_arrays(cls, data, info: dict) -> "LineModel":
        """The model in a loaded model file (:func:`load_model` reads it once)."""
        model = cls(hidden=info["hidden"])
        model.W1_, model.b1_, model.W2_, model.b2_ = data["W1"], data["b1"], data["W2"], data["b2"]
        model.mean_, model.scale_ = data["mean"], data["scale"]
        model.feature_names_ = info["feature_names"]
        model.meta_ = info.get("meta", {})
        model.lexicon_ = Lexicon.from_arrays(data)
        return model


class StackedModel:
    """Two stages, like jusText's classify-then-revise, both learned.

    Stage one judges each line from its own and its neighbours' features. Stage two sees the same
    features plus the stage-one probabilities around the line and across the page
    (:func:`declutter.features.revision_matrix`). Stage two is trained on out-of-fold stage-one
    probabilities, so it learns how stage one errs on pages it has not seen.

    Each stage is two networks of 48 units averaged (``members``; :meth:`LineModel.fit`): as fast as one of
    96 units, and it scored higher held out and moved fewer words from one retrain to the next
    (docs/model.md, run T).
    """

    def __init__(self, hidden: int = 96, epochs: int = 12, folds: int = STAGE_FOLDS, seed: int = 0, members: int = 2):
        self.hidden = hidden
        self.members = members
        self.epochs = epochs
        self.folds = folds
        self.seed = seed
        self.lexicon_: Optional[Lexicon] = None  # set by declutter.train.fit; the feature columns it feeds
        self.meta_: dict[str, Any] = {}  # set by declutter.train.fit: sequence-step statistics, calibration, ...

    def _stage(self) -> LineModel:
        return LineModel(hidden=self.hidden, epochs=self.epochs, seed=self.seed, members=self.members)

    def fit(self, Xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], ws: Sequence[np.ndarray],
            groups: Sequence[str], feature_names: Sequence[str] = (), verbose: bool = False) -> "StackedModel":
        from .features import revision_matrix, revision_names

        fold = np.array([fold_of(g, self.folds) for g in groups])
        self.first_ = self._stage().fit(np.concatenate(Xs), np.concatenate(ys), np.concatenate(ws), feature_names)
        oof: list[Optional[np.ndarray]] = [None] * len(Xs)
        for k in np.unique(fold):
            train = np.flatnonzero(fold != k).tolist()
            # With a single site (tiny label sets) there is nothing held out: fall back to in-sample
            # stage-one probabilities, which makes stage two trust stage one more than it should.
            m = self.first_ if len(train) == 0 else self._stage().fit(
                np.concatenate([Xs[i] for i in train]), np.concatenate([ys[i] for i in train]),
                np.concatenate([ws[i] for i in train]))
            for i in np.flatnonzero(fold == k).tolist():
                oof[i] = m.predict_proba(Xs[i])
            if verbose:
                print(f"stage one, fold {k + 1}/{self.folds}", flush=True)
        self.log_words_index_ = list(feature_names).index("log_words")
        stage_one = cast(list[np.ndarray], oof)  # every page's fold is one of the folds above: none is None
        R = [np.concatenate([X, revision_matrix(p, X[:, self.log_words_index_])], axis=1) for X, p in zip(Xs, stage_one)]
        names = list(feature_names) + revision_names()
        self.second_ = self._stage().fit(np.concatenate(R), np.concatenate(ys), np.concatenate(ws), names, verbose)
        self.feature_names_ = list(feature_names)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Log-odds of body for the lines of ONE page (stage two needs the whole page)."""
        from .features import revision_matrix

        p1 = self.first_.predict_proba(X)
        return self.second_.decision_function(np.concatenate([X, revision_matrix(p1, X[:, self.log_words_index_])], axis=1))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(body) for the lines of ONE page (stage two needs the whole page)."""
        return sigmoid(self.decision_function(X))

    @property
    def mean_(self) -> np.ndarray:
        return self.first_.mean_

    def save(self, path: str | Path, meta: Optional[dict] = None) -> None:
        arrays = {}
        for prefix, m in (("first_", self.first_), ("second_", self.second_)):
            for key in ("W1_", "b1_", "W2_", "b2_", "mean_", "scale_"):
                arrays[prefix + key] = getattr(m, key)
        if self.lexicon_ is not None:
            arrays.update(self.lexicon_.to_arrays())
        info = {"kind": "stacked", "hidden": self.hidden, "feature_names": self.feature_names_,
                "second_feature_names": self.second_.feature_names_, "meta": meta or {}}
        np.savez_compressed(path, info=np.frombuffer(json.dumps(info).encode(), dtype=np.uint8), **arrays)

    @classmethod
    def from_arrays(cls, data, info: dict) -> "StackedModel":
        model = cls(hidden=info["hidden"])
        for prefix in ("first_", "second_"):
            m = LineModel(hidden=info["hidden"])
            for key in ("W1_", "b1_", "W2_", "b2_", "mean_", "scale_"):
                setattr(m, key, data[prefix + key])
            setattr(model, prefix, m)
        model.first_.feature_names_ = info["feature_names"]
        model.second_.feature_names_ = info["second_feature_names"]
        model.feature_names_ = info["feature_names"]
        model.log_words_index_ = info["feature_names"].index("log_words")
        model.meta_ = info.get("meta", {})
        model.lexicon_ = Lexicon.from_arrays(data)
        return model


def load_model(path: Optional[str | Path] = None):
    """The model in ``path`` (a file from ``declutter train``) or the one shipped in the package.

    The shipped model is read once per process and shared by every cleaner that uses it: models are
    read-only once loaded, and reading and indexing it again cost each new ``Cleaner`` about half a second.
    A file is read on every call (it may have been retrained since).
    """
    if path is None:
        return _shipped_model()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise OSError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    return _from_bytes(raw, path)


@lru_cache(maxsize=1)
def _shipped_model():
    return _from_bytes((resources.files("declutter") / "data" / MODEL_FILE).read_bytes(), None)


def _from_bytes(raw: bytes, path: Optional[str | Path]):
    """A model from a model file's bytes; ``path`` only names the file in errors (None: the shipped one)."""
    try:
        data = np.load(io.BytesIO(raw))
        info = json.loads(bytes(data["info"]).decode())
    except (ValueError, KeyError, OSError) as exc:
        raise ValueError(f"{path or MODEL_FILE} is not a declutter model file ({exc})") from None
    if info.get("kind") == "stacked":
        return StackedModel.from_arrays(data, info)
    return LineModel.from_arrays(data, info)

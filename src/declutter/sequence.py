"""The sequence step: make keep/drop decisions coherent along the page.

Main content comes in runs; an isolated "keep" inside a menu or an isolated "drop" inside an article is
usually a model error. We treat lines as a two-state hidden Markov chain (boilerplate, body) whose
emissions are the model's probabilities, and compute each line's posterior P(body) with the
forward-backward algorithm. The result is still a probability, so the user's threshold applies to it.
"""
from __future__ import annotations

import numpy as np


def smooth(probs: np.ndarray, stay: float = 0.9, prior: float = 0.5) -> np.ndarray:
    """Posterior P(body) per line under a sticky two-state chain.

    ``stay`` is the probability that the next line has the same state (learned from labelled pages);
    ``prior`` is the share of body lines the model was trained with, divided out so the emissions are
    likelihood ratios rather than posteriors.
    """
    n = len(probs)
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    p = np.clip(np.asarray(probs, dtype=np.float64), 1e-4, 1 - 1e-4)
    # Likelihood ratio of body vs boilerplate for each line, prior removed.
    ratio = (p / (1 - p)) * ((1 - prior) / prior)
    move = 1.0 - stay
    fwd = np.empty(n)
    f = 0.5
    for i, r in enumerate(ratio.tolist()):
        # predicted P(body) from the previous line, then the emission update
        pred = f * stay + (1 - f) * move
        f = pred * r / (pred * r + (1 - pred))
        fwd[i] = f
    post = np.empty(n)
    b_body, b_boiler = 1.0, 1.0  # backward messages, renormalized at each step
    rl = ratio.tolist()
    fl = fwd.tolist()
    for i in range(n - 1, -1, -1):
        fi = fl[i]
        num = fi * b_body
        post[i] = num / (num + (1 - fi) * b_boiler)
        r = rl[i]
        nb_body = stay * r * b_body + move * b_boiler
        nb_boiler = move * r * b_body + stay * b_boiler
        tot = nb_body + nb_boiler
        b_body, b_boiler = nb_body / tot, nb_boiler / tot
    return post.astype(np.float32)

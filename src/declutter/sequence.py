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
    # Plain Python floats in the loops (numpy scalars cost several times more per step); every product
    # that does not depend on the previous step is taken for the whole page first, with the same rounding.
    fwd: list[float] = []
    append = fwd.append
    f = 0.5
    for r in ratio.tolist():
        # predicted P(body) from the previous line, then the emission update
        pred = f * stay + (1 - f) * move
        pr = pred * r
        f = pr / (pr + (1 - pred))
        append(f)
    fwd_arr = np.array(fwd)
    post: list[float] = []
    keep = post.append
    b_body, b_boiler = 1.0, 1.0  # backward messages, renormalized at each step
    for fi, gi, sr, mr in zip(reversed(fwd), reversed((1 - fwd_arr).tolist()), reversed((stay * ratio).tolist()),
                              reversed((move * ratio).tolist())):
        num = fi * b_body
        keep(num / (num + gi * b_boiler))
        nb_body = sr * b_body + move * b_boiler
        nb_boiler = mr * b_body + stay * b_boiler
        tot = nb_body + nb_boiler
        b_body, b_boiler = nb_body / tot, nb_boiler / tot
    post.reverse()
    return np.array(post, dtype=np.float64).astype(np.float32)

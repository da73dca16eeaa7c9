"""A test helper: do two analyses of one page, read two ways, decide its lines alike?

The page's cut is the probability of its lowest kept line (``declutter.decide.expected_f1_cut``), so
there is always a line at the margin, and the cut can jump from one line's probability to another's when
a probability moves in the second decimal. Two readings of one page that give the model nearly the same
evidence (with and without blank lines, as text and as Markdown) must agree on every line, except those
within ``margin`` of either reading's cut.
"""
from __future__ import annotations

from declutter.page import Analysis


def marginal(prob: float, analysis: Analysis, margin: float) -> bool:
    return analysis.cut is not None and abs(prob - analysis.cut) <= margin


def disagreements(a: Analysis, b: Analysis, margin: float = 0.01) -> list[str]:
    """The lines the two analyses decide differently, leaving out those at either page's cut."""
    assert len(a.lines) == len(b.lines)
    return [x.text for x, y in zip(a.lines, b.lines)
            if x.keep != y.keep and not (marginal(x.prob, a, margin) or marginal(y.prob, b, margin))]

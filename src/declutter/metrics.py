"""The project's scoring, exactly as ``../shared/data/README.md`` defines it.

Word F1: lowercase, tokenize into ``[^\\W_]+`` runs with every CJK character its own token, multiset
overlap; precision = overlap / output tokens, recall = overlap / gold tokens; empty output scores 0 unless
the gold is empty too. Snippets: whitespace-normalized, lowercased containment.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

_CJK = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f\u3131-\u318e"
    "\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\U00020000-\U0002fa1f"
)
_TOKEN = re.compile(rf"[{_CJK}]|(?:(?![{_CJK}])[^\W_])+")


def tokens(text: str) -> list[str]:
    """Lowercased word tokens; each CJK character is a token of its own."""
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


def word_prf(output: str, gold: str) -> PRF:
    """Word-level precision, recall and F1 of one page."""
    out, ref = Counter(tokens(output)), Counter(tokens(gold))
    n_out, n_ref = sum(out.values()), sum(ref.values())
    if n_out == 0 and n_ref == 0:
        return PRF(1.0, 1.0, 1.0)
    if n_out == 0 or n_ref == 0:
        return PRF(0.0, 0.0, 0.0)
    overlap = sum((out & ref).values())
    p, r = overlap / n_out, overlap / n_ref
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


@dataclass
class SnippetCounts:
    """True/false positives and false negatives over the ``with``/``without`` snippets of many pages."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, output: str, with_: Iterable[str], without: Iterable[str]) -> None:
        out = _norm(output)
        for s in with_:
            if _norm(s) in out:
                self.tp += 1
            else:
                self.fn += 1
        for s in without:
            if _norm(s) in out:
                self.fp += 1

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn

    def prf(self) -> PRF:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def mean_word_prf(pairs: Sequence[tuple[str, str]]) -> PRF:
    """Average the per-page word P/R/F1 over (output, gold) pairs."""
    if not pairs:
        return PRF(0.0, 0.0, 0.0)
    scores = [word_prf(o, g) for o, g in pairs]
    n = len(scores)
    return PRF(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n, sum(s.f1 for s in scores) / n)

"""Compare two cross-validation runs page by page: is a difference more than which pages happened to be drawn?

Each run is the ``--scores`` file of ``declutter train --cv K --scores FILE``. Both runs score the same
held-out pages (the folds are fixed by site), so the difference of their means is a paired one: this prints,
per dataset and track (and per page type where the data has them), the two means, their difference, a 95%
paired-bootstrap interval of the difference over pages, and how many pages got better or worse by more than
0.01. An interval that holds 0 says the pages we have cannot tell the runs apart. Seed noise (the same
settings trained with another seed) is a second, separate source of difference: docs/model.md measures it.

    python benchmarks/compare_cv.py BASE.jsonl.gz NEW.jsonl.gz [--resamples 2000]
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from declutter.datasets import _open_text


def read_scores(path: str) -> dict[tuple[str, str], dict]:
    """``(page id, track) -> record`` of one ``--scores`` file (plain, .gz or .zst, as data files are read)."""
    with _open_text(Path(path)) as fh:
        return {(r["id"], r["track"]): r for r in map(json.loads, fh)}


def groups(records: dict[tuple[str, str], dict]) -> dict[str, list[tuple[str, str]]]:
    """Report keys (``dataset``, ``dataset:html``, ``dataset:html:type``) -> the pages in each."""
    out = defaultdict(list)
    for key, r in records.items():
        name = r["dataset"] if r["track"] == "text" else f"{r['dataset']}:{r['track']}"
        out[name].append(key)
        if r.get("page_type"):
            out[f"{name}:{r['page_type']}"].append(key)
    return out


def paired_interval(diff: np.ndarray, resamples: int, rng: np.random.Generator) -> tuple[float, float]:
    """95% bootstrap interval of the mean of ``diff``, resampling pages."""
    idx = rng.integers(0, len(diff), size=(resamples, len(diff)))
    means = diff[idx].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base")
    ap.add_argument("new")
    ap.add_argument("--resamples", type=int, default=2000)
    args = ap.parse_args()
    base, new = read_scores(args.base), read_scores(args.new)
    shared = {k: base[k] for k in base if k in new}
    missing = len(base) + len(new) - 2 * len(shared)
    if missing:
        print(f"note: {missing} pages are in only one of the runs and are left out")
    rng = np.random.default_rng(0)
    print(f"{'set':<34} {'pages':>5} {'base':>7} {'new':>7} {'diff':>8}  {'95% interval':>17}  better worse")
    for name, keys in sorted(groups(shared).items()):
        a = np.array([base[k]["f1"] for k in keys])
        b = np.array([new[k]["f1"] for k in keys])
        lo, hi = paired_interval(b - a, args.resamples, rng)
        better, worse = int(((b - a) > 0.01).sum()), int(((a - b) > 0.01).sum())
        print(f"{name:<34} {len(keys):>5} {a.mean():7.4f} {b.mean():7.4f} {b.mean() - a.mean():+8.4f}  "
              f"[{lo:+.4f}, {hi:+.4f}]  {better:>6} {worse:>5}")


if __name__ == "__main__":
    main()

"""What the reader leaves the model to find: keep-everything recall and the aligner's oracle, per dataset.

The model can keep only text the reader turned into lines, and a line only as the reader cut it. Two
figures say how good that material is, whatever the model does with it:

- keep-all recall: the gold's words found when every line of the page is kept;
- oracle F1: word F1 when exactly the lines the aligner labels body are kept (``align.label_lines``), the
  best any line-by-line decision could do on these lines.

A change to how HTML becomes lines (``domwalk``, ``html``) is measured here first, without the model: run
once with the code before (``PYTHONPATH`` at a worktree of the older commit) and once after, then compare.

    python benchmarks/reader_ceiling.py ../shared/data/wcxb-dev.jsonl.gz -o after.json
    python benchmarks/reader_ceiling.py --compare before.json after.json

``--track text`` reads the ``text`` field instead (the text reader: line splitting only).
"""
from __future__ import annotations

import argparse
import json
import warnings
from collections import defaultdict

import numpy as np

import declutter
from declutter.align import label_lines
from declutter.config import Config
from declutter.datasets import read_pages
from declutter.metrics import word_prf


def ceilings(paths: list[str], track: str) -> dict[str, list[float]]:
    """``page id -> [keep-all recall, oracle F1]`` for every page with the track's field."""
    cleaner = declutter.Cleaner(Config(input_format=track))
    out: dict[str, list[float]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # HtmlLimitWarning and the like: the figures say what was read
        for path in paths:
            for page in read_pages(path):
                source = page.html if track == "html" else page.text
                if not source:
                    continue
                lines = cleaner.read(source).lines
                labels = label_lines(lines, page.gold) if lines else []
                body = "\n".join(line for line, label in zip(lines, labels) if label)
                out[page.id] = [word_prf("\n".join(lines), page.gold).recall, word_prf(body, page.gold).f1]
    return out


def summary(scores: dict[str, list[float]]) -> None:
    by_set = defaultdict(list)
    for key, value in scores.items():
        by_set[key.split("/")[0]].append(value)
    print("| dataset | pages | keep-all recall | oracle F1 |\n|---|---:|---:|---:|")
    for name in sorted(by_set):
        recall, oracle = np.mean(by_set[name], axis=0)
        print(f"| {name} | {len(by_set[name])} | {recall:.4f} | {oracle:.4f} |")


def compare(before: dict[str, list[float]], after: dict[str, list[float]]) -> None:
    common = sorted(set(before) & set(after))
    diff = np.array([[after[k][i] - before[k][i] for i in (0, 1)] for k in common])
    print(f"{len(common)} pages in both: keep-all recall {diff[:, 0].mean():+.4f}, oracle F1 {diff[:, 1].mean():+.4f}; "
          f"oracle up on {(diff[:, 1] > 0.001).sum()} pages, down on {(diff[:, 1] < -0.001).sum()}")
    for key, d in sorted(zip(common, diff[:, 1]), key=lambda t: t[1])[:5]:
        print(f"  worst {key}: {before[key][1]:.3f} -> {after[key][1]:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="*", help="labelled pages (JSONL, gzip or zstd)")
    ap.add_argument("--track", choices=("html", "text"), default="html")
    ap.add_argument("-o", "--out", help="write the per-page figures here (JSON)")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), help="compare two --out files")
    args = ap.parse_args()
    if args.compare:
        before, after = (json.load(open(p, encoding="utf-8")) for p in args.compare)
        compare(before, after)
        return
    if not args.data:
        ap.error("give labelled data files, or --compare BEFORE AFTER")
    scores = ceilings(args.data, args.track)
    summary(scores)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(scores, fh)


if __name__ == "__main__":
    main()

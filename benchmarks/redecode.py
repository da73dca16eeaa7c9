"""Score decoding variants on the held-out probabilities of one cross-validation run, without retraining.

A decoding change (the per-page cut, a fixed threshold, dropping lines outside some span) leaves the
model and its probabilities as they are, so it need not cost a 30-minute cross-validation: run the CV
once with the per-line decisions written out, then decode those probabilities again as often as needed.

    declutter train ../shared/data/*.jsonl.gz --cv 5 --scores cv.jsonl.gz --lines -o /tmp/cv-model.npz
    python benchmarks/redecode.py cv.jsonl.gz ../shared/data/*.jsonl.gz                 # shipped decoding
    python benchmarks/redecode.py cv.jsonl.gz ../shared/data/*.jsonl.gz --threshold 0.4  # a fixed threshold
    python benchmarks/redecode.py cv.jsonl.gz ../shared/data/*.jsonl.gz --oracle-span
    python benchmarks/redecode.py cv.jsonl.gz ../shared/data/*.jsonl.gz --stay 0.8       # another sequence step
    python benchmarks/redecode.py cv.jsonl.gz ../shared/data/*.jsonl.gz --calibration 3,-0.5  # another cut
    python benchmarks/redecode.py cv.jsonl.gz ../shared/data/*.jsonl.gz --favor recall --prf  # Config.favor
    python benchmarks/redecode.py cv.jsonl.gz ../shared/data/*.jsonl.gz --threshold 0.15 --fbeta 2  # its measure

Each held-out page is read again (the reader is deterministic: the same lines, block gaps and DOM as in the
run), its stored smoothed probabilities and rule actions are put back, and ``decide`` and the repeats step
run as ``Cleaner.annotate`` runs them. The first figure printed is how many pages the shipped decoding
reproduces exactly (the stored keep of every line); anything else means the scores file and the code or
data disagree, and the variants' figures would not be comparable. ``--oracle-span`` is not a decoder: it
also drops every kept line before the page's first gold line and after its last (the aligner's labels),
which bounds what any estimate of where the body begins and ends could add (docs/model.md). ``--stay S``
runs the sequence step again with another stay on the model's probabilities before the sequence step
(``p_model`` and the fold model's ``prior``, written by runs since 2026-12-06), or decides on them
unsmoothed (``--stay none``). ``--calibration T,b`` reads the probabilities for the per-page cut with another
``(T, b)`` than the model file's (``decide.calibrated``). ``--favor`` decodes with ``Config.favor``
(each page's cut for recall or precision instead of F1, ``decide.FAVOR_BETA``); ``--prf`` adds each set's mean
precision and recall to its F1, and ``--fbeta B`` scores each page by its F-beta instead (what ``favor`` is
for: 2 for recall, 0.5 for precision). A page whose
record has no labels (its training example's lines differed from the page's) is left as decoded. A run
trained with ``--track clean`` also holds each page's gold read as a page; those are decoded too and get a
"clean" column.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Optional

import numpy as np

from declutter import Cleaner
from declutter.config import FAVORS, Config
from declutter.datasets import read_pages
from declutter.metrics import PRF, word_prf
from declutter.output import to_text
from declutter.page import Page
from declutter.sequence import smooth
from declutter.train import ALL_TRACKS, INPUT_FORMAT, track_source

sys.path.insert(0, str(Path(__file__).parent))
from compare_cv import read_scores  # noqa: E402


def restore(cleaner: Cleaner, source: str, lines: dict, stay: Optional[str] = None) -> Optional[Page]:
    """The held-out page as the run left it before decoding; None when its lines no longer match.

    ``stay``: a number runs the sequence step again with that stay on the stored model probabilities (and
    the fold model's prior, as the run did), "none" decides on them unsmoothed; None keeps the run's
    smoothed probabilities.
    """
    page = cleaner.read(source)
    n = len(page.lines)
    if n != len(lines["p"]):
        return None
    page.rule_action = np.asarray(lines["rule"], dtype=np.int8)
    page.rule_name = [None] * n
    page.probs = page.smoothed = np.asarray(lines["p"], dtype=np.float32)
    if stay is not None:
        page.probs = np.asarray(lines["p_model"], dtype=np.float32)
        page.smoothed = page.probs if stay == "none" else smooth(page.probs, float(stay), lines["prior"])
    page.words = np.asarray(lines["words"], dtype=np.float64)
    return page


def decode(cleaner: Cleaner, page: Page, oracle: Optional[list]) -> str:
    """The cleaner's decisions (:meth:`Cleaner.decide`, as ``annotate`` ends), then the oracle span if given."""
    if not page.lines:  # as Cleaner.annotate leaves an empty page
        page.keep = np.zeros(0, dtype=bool)
        return ""
    cleaner.decide(page)
    if oracle:
        body = np.flatnonzero(np.asarray(oracle) > 0)
        inside = np.zeros(len(page.lines), dtype=bool)
        if len(body):
            inside[body[0]:body[-1] + 1] = True
        page.keep &= inside
    return to_text(page)


def _stay(value: str) -> str:
    """``--stay``: "none" or a number strictly between 0 and 1 (kept as text: "none" is not a number)."""
    if value != "none":
        try:
            ok = 0 < float(value) < 1
        except ValueError:
            ok = False
        if not ok:
            raise argparse.ArgumentTypeError(f"expected a number between 0 and 1 or 'none', got {value!r}")
    return value


def _calibration(value: str) -> tuple[float, float]:
    """``--calibration``: "T,b" with T > 0, as the model file's ``meta_["calibration"]`` holds it."""
    try:
        t, b = (float(v) for v in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected T,b (two numbers), got {value!r}") from None
    if not t > 0:
        raise argparse.ArgumentTypeError(f"T must be above 0, got {t}")
    return t, b


def _with_fbeta(prf: PRF, beta: float) -> PRF:
    """The page's scores with F-beta in the F1 field (0 when precision and recall are both 0)."""
    p, r, b2 = prf.precision, prf.recall, beta * beta
    return PRF(p, r, (1 + b2) * p * r / (b2 * p + r) if p + r > 0 else 0.0)


def _cell(scores: list, prf: bool) -> str:
    """A table cell: mean F1, or with ``prf`` mean precision / recall / F1 (each the mean over pages)."""
    if not scores:
        return "–"
    if not prf:
        return f"{np.mean(scores):.4f}"
    p, r, f = (np.mean([getattr(s, k) for s in scores]) for k in ("precision", "recall", "f1"))
    return f"{p:.3f} / {r:.3f} / {f:.4f}"


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scores", help="the --scores file of `declutter train --cv K --lines`")
    ap.add_argument("data", nargs="+", help="the labelled pages the run was trained and scored on")
    ap.add_argument("--threshold", type=float, default=None, help="a fixed threshold instead of the per-page cut")
    ap.add_argument("--oracle-span", action="store_true", help="also drop kept lines outside the gold's span")
    ap.add_argument("--stay", type=_stay, default=None, metavar="S|none",
                    help="run the sequence step again with this stay (0 < S < 1) on the model's probabilities, "
                         "or 'none' to decide on them unsmoothed (needs a run that wrote p_model)")
    ap.add_argument("--calibration", type=_calibration, default=None, metavar="T,b",
                    help="how the per-page cut reads the probabilities, instead of the model file's (T > 0)")
    ap.add_argument("--favor", choices=FAVORS, default="balanced",
                    help="decode with Config.favor (what each page's cut maximises)")
    ap.add_argument("--prf", action="store_true", help="print mean precision / recall / F1 per set and track")
    ap.add_argument("--fbeta", type=float, default=None, metavar="B",
                    help="score each page by its F-beta (B 2: recall weighs twice) instead of F1")
    ap.add_argument("--judge-clean-pages", action="store_true",
                    help="let the model judge text pages without rule hits too (Config.keep_clean_pages=False), "
                         "as every run before 2026-12-06 decoded them")
    ap.add_argument("--rules", action="append", default=[], metavar="FILE",
                    help="the extra rule files the run was trained with (`declutter train --rules`): they can change how "
                         "HTML is read (hidden_elements)")
    args = ap.parse_args(argv)

    records = read_scores(args.scores)
    if not any("lines" in r for r in records.values()):
        raise SystemExit(f"{args.scores} has no per-line decisions: rerun `declutter train` with --lines")
    if args.stay is not None and not any("prior" in r.get("lines", {}) for r in records.values()):
        raise SystemExit(f"{args.scores} has no model probabilities (p_model): --stay needs a run of 2026-12-06 or later")
    cleaners = {t: Cleaner(Config(input_format=t, extra_rules=tuple(args.rules), threshold=args.threshold,
                                  keep_clean_pages=not args.judge_clean_pages, favor=args.favor))
                for t in ("text", "html")}
    if args.calibration is not None:
        for cleaner in cleaners.values():
            cleaner._calibration = args.calibration
    shipped = (args.threshold is None and not args.oracle_span and args.stay is None and args.calibration is None
               and args.favor == "balanced")
    f1 = defaultdict(list)
    pages = same = skipped = 0
    for path in args.data:
        for lp in read_pages(path):
            for track in ALL_TRACKS:
                rec, source = records.get((lp.id, track)), track_source(lp, track)
                if rec is None or "lines" not in rec or source is None:
                    continue
                cleaner = cleaners[INPUT_FORMAT[track]]
                page = restore(cleaner, source, rec["lines"], args.stay)
                if page is None:
                    skipped += 1
                    continue
                pages += 1
                out = decode(cleaner, page, rec["lines"]["label"] if args.oracle_span else None)
                if shipped:
                    same += page.keep.astype(int).tolist() == rec["lines"]["keep"]
                prf = word_prf(out, lp.gold)
                if args.fbeta is not None:
                    prf = _with_fbeta(prf, args.fbeta)
                f1[(lp.dataset, track)].append(prf if args.prf else prf.f1)
                if lp.page_type:
                    f1[(f"{lp.dataset}:{lp.page_type}", track)].append(prf if args.prf else prf.f1)
    if shipped:
        print(f"shipped decoding reproduces {same} of {pages} pages' decisions exactly")
    if skipped:
        print(f"{skipped} pages skipped: their lines no longer match the run's")
    clean = any(t == "clean" for _, t in f1)
    print("| set | pages | text | HTML |" + (" clean |" if clean else "") + "\n|---|---|---|---|" + ("---|" if clean else ""))
    for name in sorted({k for k, _ in f1}):
        text, html, gold = (f1.get((name, t), []) for t in ("text", "html", "clean"))
        cell = lambda v: _cell(v, args.prf)  # noqa: E731
        print(f"| {name} | {max(len(text), len(html), len(gold))} | {cell(text)} | {cell(html)} |"
              + (f" {cell(gold)} |" if clean else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

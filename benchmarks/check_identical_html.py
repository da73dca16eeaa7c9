"""Does the HTML pipeline still produce exactly what it did? Dump everything it makes, or compare with a dump.

Speed work on ``html.py``/``domstats.py`` must not change a single line, evidence value, rule hit or
decision, because the shipped model is trained on those definitions. This script runs every page with an
``html`` field of the labelled files through the cleaner's stages and records, per page: the lines, gaps,
title and language, every :class:`~declutter.page.DomEvidence` field (``extra`` included), the rule
actions and names, the feature matrix, the model's probabilities, the keep mask and the cleaned text.

    python benchmarks/check_identical_html.py --dump /tmp/htmlspeed_baseline     # before a change
    python benchmarks/check_identical_html.py --compare /tmp/htmlspeed_baseline  # after it

``--hidden evidence`` runs with hidden elements kept as evidence rather than dropped (dump a separate
baseline for it), so the code path the shipped rules switch off is checked too.

Comparison is exact (``np.array_equal``, ``==``); float values that differ only by summation order are
reported separately when within ``atol=1e-6`` so a reviewer can judge them.
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import math
import os
import pickle
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = ("wcxb-dev", "dragnet", "l3s-gn1", "cleanportaleval")


def _pages(name: str) -> list[tuple[str, str]]:
    with gzip.open(DATA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = (json.loads(line) for line in fh)
        return [(r["id"], r["html"]) for r in rows if r.get("html")]


def _record(cleaner, html: str) -> dict:
    """Everything the pipeline derives from one page, as plain comparable values."""
    from declutter import output

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        page = cleaner.annotate(cleaner.read(html))
    dom = [tuple(getattr(d, f.name) for f in dataclasses.fields(d) if f.name != "extra")
           + (tuple(sorted(d.extra.items())),) for d in page.dom or []]
    return {
        "lines": list(page.lines), "gaps": list(page.gaps or []), "title": page.title, "lang": page.lang,
        "dom": dom, "rule_action": page.rule_action, "rule_name": page.rule_name, "features": page.features,
        "probs": page.probs, "keep": page.keep, "text": output.to_text(page),
    }


def _run_file(name: str, hidden: str = "drop") -> tuple[str, dict]:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from declutter import Cleaner

    cleaner = Cleaner(input_format="html", extra_rules=[{"dom": {"hidden_elements": hidden}}])
    return name, {pid: _record(cleaner, html) for pid, html in _pages(name)}


def _close(a, b) -> bool:
    """Equal up to float summation order (atol 1e-6), recursing through tuples and lists."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, abs_tol=1e-6) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.allclose(a, b, atol=1e-6, equal_nan=True))
    return a == b


def _equal(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if a is None or b is None:
            return a is b
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=True))
    return a == b


def compare(base: dict, new: dict) -> tuple[int, int, list[str]]:
    """Counts of exactly equal pages and of pages equal only within atol, and messages for the rest."""
    exact = close = 0
    bad: list[str] = []
    for pid, ref in base.items():
        got = new.get(pid)
        if got is None:
            bad.append(f"{pid}: missing")
            continue
        diff = [k for k in ref if not _equal(ref[k], got[k])]
        if not diff:
            exact += 1
        elif all(_close(ref[k], got[k]) for k in diff):
            close += 1
            print(f"{pid}: equal within 1e-6 only: {diff}")
        else:
            bad.append(f"{pid}: differs in {[k for k in diff if not _close(ref[k], got[k])]}")
    return exact, close, bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dump", type=Path, help="write the baseline into this folder")
    mode.add_argument("--compare", type=Path, help="compare with the baseline in this folder")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--files", nargs="*", default=list(FILES))
    ap.add_argument("--hidden", choices=("drop", "evidence"), default="drop",
                    help="the [dom] hidden_elements setting to run with (the shipped one is drop)")
    args = ap.parse_args()
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        results = dict(pool.map(_run_file, args.files, [args.hidden] * len(args.files)))
    failed = 0
    for name in args.files:
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"{name}.pkl").write_bytes(pickle.dumps(results[name], protocol=5))
            print(f"{name}: {len(results[name])} pages dumped")
            continue
        base = pickle.loads((args.compare / f"{name}.pkl").read_bytes())
        exact, close, bad = compare(base, results[name])
        extra = len(set(results[name]) - set(base))
        print(f"{name}: {exact}/{len(base)} identical, {close} within 1e-6, {len(bad)} different, {extra} new")
        for msg in bad[:20]:
            print("  " + msg)
        failed += len(bad) + extra
    print(f"{time.perf_counter() - start:.1f} s; {'OK' if not failed else 'DIFFERENT'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

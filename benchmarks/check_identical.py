"""Guard for speed work: every stage's output on the labelled pages must stay what it was.

Speed changes must not move a single feature value, rule hit or decision, because the shipped model is
trained on exactly these definitions. ``--write`` dumps, for the ``text`` field of every page, the
language, rule actions and names, feature matrix, model probabilities and the cleaned output;
``--compare`` (the default) recomputes them and reports every difference. Features are compared exactly;
probabilities with ``atol=1e-6`` (float summation order may change inside BLAS).

    python benchmarks/check_identical.py --write      # once, on the code before the change
    python benchmarks/check_identical.py              # after each change; exit status 1 on any difference
"""
from __future__ import annotations

import argparse
import gzip
import json
import pickle
import sys
from pathlib import Path

import numpy as np

import declutter

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = ("wcxb-dev", "dragnet", "l3s-gn1", "cleaneval-dev")
OUT = Path("/tmp/speed_baseline")
# Bad input that must keep behaving the same: empty, blank, control characters, huge lines, CJK, mixed.
EDGE_CASES = (
    "", " ", "\n\n\n", "\x00\x01\x02", "a", "Home\nAbout\nContact",
    "word " * 50_000, ("x" * 30_000 + "\n") * 3, "\t\r\n\x0b\x0c\u2028tab\tand\rreturns\x85",
    "这是一个测试。" * 200 + "\n" + "首页\n关于我们\n" * 5,
    "これはテストです。" * 100, "안녕하세요 세계 " * 100,
    "Der Hund und die Katze sind nicht hier, aber sie ist da.\n" * 30,
    "\ufeffShare\nTweet\nRelated Articles\nThe end of the story is here, and it is long enough.",
)


def pages():
    for name in FILES:
        with gzip.open(DATA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                yield row["id"], row["text"]
    for i, text in enumerate(EDGE_CASES):
        yield f"edge/{i}", text


def snapshot(cleaner: declutter.Cleaner, text: str) -> dict:
    page = cleaner.annotate(cleaner.read(text))
    return {
        "lines": page.lines, "lang": page.lang,
        "actions": None if page.rule_action is None else page.rule_action.tolist(), "names": page.rule_name,
        "features": page.features, "probs": page.probs, "smoothed": page.smoothed,
        "keep": page.keep.tolist(), "reasons": page.reasons,
        "clean": cleaner.clean(text),
    }


def differences(old: dict, new: dict) -> list[str]:
    out = [k for k in ("lines", "lang", "actions", "names", "keep", "reasons", "clean") if old[k] != new[k]]
    if (old["features"] is None) != (new["features"] is None) or (
            old["features"] is not None and not np.array_equal(old["features"], new["features"])):
        out.append("features")
    for k in ("probs", "smoothed"):
        if old[k].shape != new[k].shape or not np.allclose(old[k], new[k], atol=1e-6, rtol=0):
            out.append(k)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="write the baseline instead of comparing")
    args = ap.parse_args()
    cleaner = declutter.Cleaner(input_format="text")
    OUT.mkdir(exist_ok=True)
    path = OUT / "baseline.pkl"
    snaps = {pid: snapshot(cleaner, text) for pid, text in pages()}
    if args.write:
        path.write_bytes(pickle.dumps(snaps, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"wrote {len(snaps)} pages to {path}")
        return 0
    base = pickle.loads(path.read_bytes())
    bad = 0
    for pid, old in base.items():
        diff = differences(old, snaps[pid])
        if diff:
            bad += 1
            if bad <= 20:
                print(f"DIFF {pid}: {', '.join(diff)}")
    print(f"{len(base) - bad}/{len(base)} pages identical")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Plain-text pipeline speed: pages/s and peak memory of ``Cleaner(input_format="text").clean``.

Runs on the ``text`` field of wcxb-dev (all pages, one process, one core). The machine is shared, so the
pass is repeated and the best pass counts (the one least disturbed by other jobs); set
``OPENBLAS_NUM_THREADS=1``. ``--profile`` prints a cProfile of one pass instead. ``--stage read`` times only
``Cleaner.read`` (splitting the text into lines, normalising them, guessing the language): the part every
design pays before any feature is computed. ``--stage analyze`` times ``Cleaner.analyze``: cleaning plus
every model-decided line's strongest evidence.

    OPENBLAS_NUM_THREADS=1 python benchmarks/speed_text.py [--repeats 3] [--limit N] [--profile] [--stage read|analyze]

To compare with another commit, run both within the same minute (other jobs share the machine):

    mkdir -p /tmp/before && git archive d71c83e src | tar -x -C /tmp/before
    OPENBLAS_NUM_THREADS=1 PYTHONPATH=/tmp/before/src python benchmarks/speed_text.py --repeats 2

Peak RSS includes the one-time tables (about 2 MB of character flags, compiled rule gates).
"""
from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import pstats
import resource
import time
from pathlib import Path

import declutter

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb-dev.jsonl.gz"


def load_texts(limit: int | None = None) -> list[str]:
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    return texts[:limit] if limit else texts


def one_pass(fn, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--stage", choices=("clean", "read", "analyze"), default="clean")
    args = ap.parse_args()
    texts = load_texts(args.limit)
    cleaner = declutter.Cleaner(input_format="text")
    cleaner.clean(texts[0])  # warm-up: stoplists, word index, regex compilation
    fn = {"clean": cleaner.clean, "read": cleaner.read, "analyze": cleaner.analyze}[args.stage]
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(one_pass, fn, texts)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    times = [one_pass(fn, texts) for _ in range(args.repeats)]
    rate = [len(texts) / t for t in times]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.stage}: pages: {len(texts)}  pages/s best {max(rate):.0f}  all {' '.join(f'{r:.0f}' for r in rate)}")
    print(f"peak RSS: {peak_mib:.0f} MiB (includes the {sum(map(len, texts)) / 2**20:.0f} MiB of page text held)")


if __name__ == "__main__":
    main()

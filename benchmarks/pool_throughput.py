"""Pages/s of a ``multiprocessing`` pool cleaning wcxb-dev's text fields with a Cleaner's bound method.

A pool pickles the function it maps with every task (``imap``) or every chunk (``map``), so what a Cleaner
pickles to is paid per task: this measures that cost against mapping the module-level ``declutter.clean``,
which pickles by name.

    OPENBLAS_NUM_THREADS=1 python benchmarks/pool_throughput.py ../shared/data/wcxb-dev.jsonl.gz --workers 2
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import pickle
import time

import declutter
from declutter.datasets import read_pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", help="labelled pages (JSONL(.gz)) whose text fields are cleaned")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=400)
    args = ap.parse_args()
    pages = [p.text for p in read_pages(args.data) if p.text][: args.limit]
    cleaner = declutter.Cleaner()
    print(f"a pickled Cleaner: {len(pickle.dumps(cleaner)):,} bytes")
    with mp.get_context("spawn").Pool(args.workers) as pool:
        list(pool.imap(cleaner.clean, pages[:20]))  # start and warm the workers
        for name, run in (("imap(cleaner.clean)", lambda: list(pool.imap(cleaner.clean, pages))),
                          ("map(cleaner.clean)", lambda: pool.map(cleaner.clean, pages)),
                          ("imap(declutter.clean)", lambda: list(pool.imap(declutter.clean, pages)))):
            t = time.perf_counter()
            run()
            print(f"{name}: {len(pages) / (time.perf_counter() - t):.0f} pages/s ({args.workers} workers, {len(pages)} pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

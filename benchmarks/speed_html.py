"""HTML pipeline speed on one core: pages/s of ``Cleaner(input_format="html").clean`` and peak memory.

Reads the ``html`` field of a labelled file (default wcxb-dev), warms up once, then times ``--repeats``
passes over the pages and reports the best and median pass (the machine is shared, so the best pass is
the least disturbed). ``--stage read`` times only parsing into lines (``Cleaner.read``), which is the
HTML-specific part; ``--profile`` prints cProfile's top functions by own time instead.

``--stage parse`` times lxml's parse alone (the reader's own ``_parse``: encode to UTF-8, libxml2's
recovering parser), and ``--stage walk`` that parse plus one visit of every element with its text and tail,
doing nothing with them. They are floors: any reader built on lxml in Python pays at least this much, so
they say how much of the per-page time the rest of the pipeline has at a given target. ``--stage analyze``
times ``Cleaner.analyze``: cleaning plus every model-decided line's strongest evidence.

    OPENBLAS_NUM_THREADS=1 python benchmarks/speed_html.py [--repeats 3] [--limit 500] [--stage read|parse|walk|analyze]
"""
from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import os
import pstats
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load(name: str, limit: int | None) -> list[str]:
    with gzip.open(DATA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
        pages = [row["html"] for row in map(json.loads, fh) if row.get("html")]
    return pages[:limit] if limit else pages


def one_pass(fn, pages: list[str]) -> float:
    start = time.perf_counter()
    for html in pages:
        fn(html)
    return time.perf_counter() - start


def _parse(html: str):
    from declutter.html import _parse as parse

    return parse(html)


def _walk(html: str) -> int:
    """Parse, then touch every element's tag, text and tail once (the least a DOM-to-lines reader does)."""
    root = _parse(html)
    n = 0
    if root is not None:
        for el in root.iter():
            el.tag, el.text, el.tail  # the three reads a reader cannot avoid; nothing is done with them
            n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", default="wcxb-dev")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--stage", choices=("clean", "read", "parse", "walk", "analyze"), default="clean")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    from declutter import Cleaner

    warnings.simplefilter("ignore")
    pages = load(args.file, args.limit)
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the pages themselves, held in memory
    cleaner = Cleaner(input_format="html")
    fn = {"clean": cleaner.clean, "read": cleaner.read, "parse": _parse, "walk": _walk, "analyze": cleaner.analyze}[args.stage]
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(one_pass, fn, pages)
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
        return 0
    one_pass(fn, pages[:50])  # warm-up: imports, rule compilation, caches
    times = [one_pass(fn, pages) for _ in range(args.repeats)]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.file} {args.stage}: {len(pages)} pages, best {len(pages) / min(times):.1f} pages/s, "
          f"median {len(pages) / statistics.median(times):.1f} pages/s, peak RSS {rss_mb:.0f} MB "
          f"({loaded_mb:.0f} MB of it reached while loading the {sum(map(len, pages)) / 2**20:.0f} MB of HTML)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

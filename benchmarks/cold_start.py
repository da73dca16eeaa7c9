"""Start-up cost: what a fresh process pays before and while cleaning its first page.

A shell loop of ``declutter clean page.txt``, a serverless function, a test run and every worker a
``spawn`` pool starts pay it once per process; a long batch job pays it once. Each run is a fresh
interpreter that times ``import declutter``, ``Cleaner()``, the first ``clean()`` of a page and a second
``clean()`` of the same page (the steady state), and reports its peak RSS. The median of ``--runs`` runs
is printed per page: an English text page (seed 004), a German one (the first page in another language also
reads every stoplist, to detect it) and an HTML page (a 28 KB product page fixture).

    python benchmarks/cold_start.py [--runs 7]

To compare with another commit, put its ``src`` first on the path (the same machine, one after the other):

    mkdir -p /tmp/before && git archive 52037dc src | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src python benchmarks/cold_start.py
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"text": ROOT / "tests" / "fixtures" / "seeds" / "004.txt",
         "text, German": ROOT / "tests" / "fixtures" / "pages" / "readability-heise-de.txt",
         "html": ROOT / "tests" / "fixtures" / "html" / "wcxb-product-4897.html"}

PROBE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import declutter
t1 = time.perf_counter()
cleaner = declutter.Cleaner()
t2 = time.perf_counter()
data = open(sys.argv[1], "rb").read()
data = data.decode("utf-8") if sys.argv[2].startswith("text") else data
cleaner.clean(data)
t3 = time.perf_counter()
cleaner.clean(data)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "cleaner": t2 - t1, "first": t3 - t2, "second": t4 - t3,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def one_run(path: Path, kind: str) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", PROBE, str(path), kind], capture_output=True, text=True,
                         check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    import declutter
    print(f"declutter from {Path(declutter.__file__).parent}; median of {args.runs} fresh processes")
    print("| page | import | Cleaner() | first clean | second clean | import to first result | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, path in PAGES.items():
        runs = [one_run(path, kind) for _ in range(args.runs)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        total = statistics.median(r["import"] + r["cleaner"] + r["first"] for r in runs)
        print(f"| {kind} ({path.name}) | {med['import'] * 1000:.0f} ms | {med['cleaner'] * 1000:.0f} ms | "
              f"{med['first'] * 1000:.0f} ms | {med['second'] * 1000:.1f} ms | {total * 1000:.0f} ms | "
              f"{med['rss_mb']:.0f} MB |")


if __name__ == "__main__":
    main()

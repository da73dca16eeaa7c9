"""Batch throughput and memory: pages/s for 1 and 2 workers, peak RSS, on a stream built from the data.

The stream is every page of ``../shared/data/*.jsonl.gz`` twice, once as its ``text`` and once as its
``html``, interleaved, written to one JSONL.gz; the job reads that file as often as needed to reach
``--pages`` records. Each configuration runs in a fresh subprocess so peak RSS (``ru_maxrss``) is its own:
``main`` is the process that reads and writes, ``worker`` the largest worker process.

    python benchmarks/batch_throughput.py --pages 100000 --workers 1 2 [--kind text mixed]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def build_stream(data: Path, kind: str, target: Path, limit: Optional[int] = None) -> int:
    """Write the stream file (at most ``limit`` records); returns its number of records."""
    n = 0
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=1) as out:
        for path in sorted(data.glob("*.jsonl.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    fields = ("text", "html") if kind == "mixed" else (kind,)
                    for f in fields:
                        if limit is not None and n >= limit:
                            return n
                        out.write(json.dumps({"id": f"{row['id']}#{f}", "url": row.get("url"), "page": row[f]}) + "\n")
                        n += 1
    return n


def run_one(stream: str, tail: str, copies: int, workers: int, shard_size: int, out: str) -> dict:
    """One job in this process (called in a subprocess by main): ``copies`` times the stream, then the tail."""
    from declutter.batch import BatchOptions, run_batch
    from declutter.sources import SourceOptions

    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    summary = run_batch([stream] * copies + [tail], out, options=BatchOptions(shard_size=shard_size),
                        source=SourceOptions(field="page"), workers=workers)
    seconds = time.perf_counter() - start
    self_ru, child_ru = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = self_ru.ru_utime + self_ru.ru_stime + child_ru.ru_utime + child_ru.ru_stime
    reasons: dict[str, int] = {}
    with open(Path(out) / "errors.jsonl", encoding="utf-8") as fh:
        for line in fh:
            reason = json.loads(line)["reason"][:60]
            reasons[reason] = reasons.get(reason, 0) + 1
    return {"workers": workers, "records": summary.records, "cleaned": summary.cleaned, "errors": summary.errors,
            "seconds": round(seconds, 1), "pages_per_s": round(summary.records / seconds, 2),
            "cleaned_per_s": round(summary.cleaned / seconds, 2),
            "cpu_seconds": round(cpu, 1), "load_avg_before": load_before, "load_avg_after": os.getloadavg()[0],
            "rss_main_mb": round(self_ru.ru_maxrss / 1024, 1), "rss_worker_mb": round(child_ru.ru_maxrss / 1024, 1),
            "error_reasons": reasons}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=100_000)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--kind", nargs="+", choices=("text", "html", "mixed"), default=["text", "mixed"])
    p.add_argument("--shard-size", type=int, default=500)
    p.add_argument("--data", default=str(DATA))
    p.add_argument("--one", nargs=5, metavar=("STREAM", "TAIL", "COPIES", "WORKERS", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        stream, tail, copies, workers, out = args.one
        print(json.dumps(run_one(stream, tail, int(copies), int(workers), args.shard_size, out)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kind:
            stream = Path(tmp) / f"{kind}.jsonl.gz"
            per_file = build_stream(Path(args.data), kind, stream, limit=args.pages)
            tail = Path(tmp) / f"{kind}-tail.jsonl.gz"
            build_stream(Path(args.data), kind, tail, limit=args.pages % per_file)
            for workers in args.workers:
                out = Path(tmp) / f"out-{kind}-{workers}"
                cmd = [sys.executable, __file__, "--shard-size", str(args.shard_size),
                       "--one", str(stream), str(tail), str(args.pages // per_file), str(workers), str(out)]
                result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
                print(json.dumps({"kind": kind, "stream_file_records": per_file, **result}), flush=True)
                subprocess.run(["rm", "-rf", str(out)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time and peak memory of cleaning one very long input: many pages joined into one text, one huge line.

No web page is this long, but batch users feed whole dumps, logs and books to ``clean()`` by mistake, and
the issue asks that a 20 MB input and a 5 MB line finish in linear time. Each case runs in a child process
of its own, so its peak RSS (``ru_maxrss``) is its own; the input is built there first and its RSS before
cleaning is printed beside the peak.

    python benchmarks/long_input.py ../shared/data/wcxb-dev.jsonl.gz --mb 20 100 --line-mb 5 50
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time


def _joined_pages(path: str, chars: int) -> str:
    from declutter.datasets import read_pages

    texts = [p.text for p in read_pages(path) if p.text][:400]
    text = "\n\n".join(texts)
    while len(text) < chars:
        text += "\n\n" + text
    return text[:chars]


def _one_line(chars: int) -> str:
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
    out, n, i = [], 0, 0
    while n < chars:
        w = words[i % len(words)] + str(i % 97)
        out.append(w)
        n += len(w) + 1
        i += 1
    return " ".join(out)[:chars]


def _case(kind: str, path: str, mb: float, queue) -> None:
    import declutter

    chars = int(mb * 1_000_000)
    text = _joined_pages(path, chars) if kind == "pages" else _one_line(chars)
    declutter.clean("warm up\n\nthe model")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    t = time.perf_counter()
    out = declutter.clean(text)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    queue.put((kind, mb, seconds, before, peak, len(out)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", help="labelled pages whose text fields are joined (a JSONL(.gz) file)")
    ap.add_argument("--mb", type=float, nargs="*", default=[20.0], help="sizes of the joined text, in millions of characters")
    ap.add_argument("--line-mb", type=float, nargs="*", default=[5.0], help="sizes of the single line")
    args = ap.parse_args()
    ctx = mp.get_context("spawn")
    print("| input | million chars | seconds | RSS before (MB) | peak RSS (MB) | output chars |\n|---|---|---|---|---|---|")
    for kind, sizes in (("pages", args.mb), ("one line", args.line_mb)):
        for mb in sizes:
            queue = ctx.Queue()
            proc = ctx.Process(target=_case, args=(kind, args.data, mb, queue))
            proc.start()
            kind_, mb_, seconds, before, peak, out = queue.get()
            proc.join()
            label = "pages joined" if kind_ == "pages" else "one line"
            print(f"| {label} | {mb_:g} | {seconds:.1f} | {before:,} | {peak:,} | {out:,} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What declutter does to text that is already clean: the gold itself, and its own output cleaned again.

Corpora mix pages that still carry their boilerplate with pages some earlier step already cleaned, and
pipelines sometimes clean twice. A cleaner should leave main content alone, so two figures:

- the gold of every page given as input: the share of its words kept (recall; precision is 1 by
  construction, as nothing but gold is there to keep);
- idempotence: each page's `text` cleaned, then that output cleaned again: the share of the first
  output's words the second pass keeps, how many pages come out identical, and word F1 against the gold
  after one pass and after two.

With the shipped model these pages were trained on, so the figures are in-sample; the held-out figure
for the gold as input comes from `declutter train --cv 5 --track text --track html --track clean`
(docs/model.md).

    OPENBLAS_NUM_THREADS=1 python benchmarks/clean_input.py ../shared/data/wcxb-dev.jsonl.gz [--limit N]
        [--model M.npz] [--threshold T] [--judge-clean-pages]
"""
from __future__ import annotations

import argparse

import declutter
from declutter.datasets import read_pages
from declutter.metrics import mean_word_prf


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="+")
    ap.add_argument("--limit", type=int, default=None, help="at most this many pages per file")
    ap.add_argument("--model", default=None, help="model file (default: the shipped model)")
    ap.add_argument("--threshold", type=float, default=None, help="a fixed threshold instead of the per-page cut")
    ap.add_argument("--judge-clean-pages", action="store_true",
                    help="let the model judge pages without rule hits too (Config.keep_clean_pages=False)")
    args = ap.parse_args()
    cleaner = declutter.Cleaner(input_format="text", model_path=args.model, threshold=args.threshold,
                                keep_clean_pages=not args.judge_clean_pages)
    print("| data | pages | gold as input: words kept | second pass keeps | identical after two passes "
          "| F1 one pass | F1 two passes |\n|---|---:|---:|---:|---:|---:|---:|")
    for path in args.data:
        pages = [p for p in read_pages(path) if p.gold.strip()][:args.limit]
        gold_in = mean_word_prf([(cleaner.clean(p.gold), p.gold) for p in pages])
        once = [cleaner.clean(p.text) for p in pages]
        twice = [cleaner.clean(o) for o in once]
        again = mean_word_prf(list(zip(twice, once)))
        same = sum(a == b for a, b in zip(once, twice))
        f1_once = mean_word_prf([(o, p.gold) for o, p in zip(once, pages)]).f1
        f1_twice = mean_word_prf([(t, p.gold) for t, p in zip(twice, pages)]).f1
        print(f"| {path.rsplit('/', 1)[-1]} | {len(pages)} | {gold_in.recall:.4f} | {again.recall:.4f} "
              f"| {same} | {f1_once:.4f} | {f1_twice:.4f} |", flush=True)


if __name__ == "__main__":
    main()

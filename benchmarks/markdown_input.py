"""Word F1 when the pages arrive as Markdown, as Jina Reader, Firecrawl or html2text hand them over.

Each page's HTML is converted with html2text (``pip install html2text``; not a dependency of declutter;
no line wrapping) and cleaned three ways, all scored against the gold with the project's word F1:

- read as plain text (``input_format="text"``): link addresses count as words;
- read as Markdown (``input_format="markdown"``): links, images and heading/list marks taken off first;
- ``input_format="auto"``: how often the sniffer takes the page for Markdown, and the score it gets.

The `text` field (html-text's layout) cleaned as text is the reference.

    OPENBLAS_NUM_THREADS=1 python benchmarks/markdown_input.py ../shared/data/wcxb-dev.jsonl.gz [--limit N] [--model M.npz]
"""
from __future__ import annotations

import argparse

import html2text

import declutter
from declutter.datasets import read_pages
from declutter.markdown import looks_like_markdown
from declutter.metrics import mean_word_prf


def to_markdown(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    try:
        return converter.handle(html)
    except Exception:  # html2text fails on a few malformed pages; they count as empty input
        return ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--model", default=None, help="model file (default: the shipped model)")
    args = ap.parse_args()
    pages = [p for p in read_pages(args.data) if p.html and p.text]
    pages = pages[:args.limit] if args.limit else pages
    mds = [to_markdown(p.html) for p in pages]

    def score(fmt: str, texts: list[str]) -> float:
        cleaner = declutter.Cleaner(input_format=fmt, model_path=args.model)
        return mean_word_prf([(cleaner.clean(t), p.gold) for t, p in zip(texts, pages)]).f1

    print(f"{args.data}: {len(pages)} pages; html2text output taken for Markdown by the sniffer: "
          f"{sum(map(looks_like_markdown, mds))}")
    print("| input | read as | word F1 |\n|---|---|---:|")
    print(f"| `text` field | text | {score('text', [p.text for p in pages]):.4f} |")
    print(f"| keep everything, Markdown | – | {mean_word_prf([(m, p.gold) for m, p in zip(mds, pages)]).f1:.4f} |")
    for fmt in ("text", "markdown", "auto"):
        print(f"| Markdown (html2text) | {fmt} | {score(fmt, mds):.4f} |", flush=True)


if __name__ == "__main__":
    main()

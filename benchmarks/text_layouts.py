"""Word F1 of the plain-text pipeline when the same pages come in other text layouts.

The `text` field of the labelled data is html-text's layout: blank lines around paragraphs, none inside a
run of menu items. Common Crawl's WET files and many scrapers write one block per line with no blank lines
at all, and some join every block with a blank line. This cleans each page in four layouts and
scores each against the gold (the project's word F1, mean over pages):

- as given;
- without blank lines (every run of blank lines removed: the WET layout);
- a blank line after every line;
- one line per text node of the page's HTML, no blank lines (what BeautifulSoup's ``get_text("\\n",
  strip=True)`` gives: inline links and emphasis break sentences across lines); pages without HTML skip it.

    OPENBLAS_NUM_THREADS=1 python benchmarks/text_layouts.py ../shared/data/wcxb-dev.jsonl.gz [--limit N] [--model M.npz]

The shipped model has seen every labelled page; for a held-out figure train a model without the file you
score (``declutter train`` on the other files, ``--track text``) and pass it with ``--model``.
"""
from __future__ import annotations

import argparse
import re

import lxml.html

import declutter
from declutter.datasets import read_pages
from declutter.metrics import mean_word_prf

LAYOUTS = {
    "as given": lambda t: t,
    "without blank lines": lambda t: re.sub(r"\n\s*\n+", "\n", t),
    "blank line after every line": lambda t: re.sub(r"\n\s*\n*", "\n\n", t),
}


def text_nodes(html: str) -> str:
    """Every non-blank text node of the HTML on its own line, scripts and styles left out."""
    try:
        doc = lxml.html.fromstring(html)
    except Exception:  # lxml refuses a few documents (empty, only a comment): they count as empty input
        return ""
    for bad in doc.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    return "\n".join(t.strip() for t in doc.itertext() if t.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="+", help="labelled pages (JSONL(.gz) or fixture folders)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages of each file")
    ap.add_argument("--model", default=None, help="model file (default: the shipped model)")
    args = ap.parse_args()
    cleaner = declutter.Cleaner(input_format="text", model_path=args.model)
    print(f"| data | pages | {' | '.join(LAYOUTS)} | text nodes of the HTML |")
    print("|---|---:|" + "---:|" * (len(LAYOUTS) + 1))
    for path in args.data:
        pages = [p for p in read_pages(path) if p.text]
        pages = pages[:args.limit] if args.limit else pages
        scores = [mean_word_prf([(cleaner.clean(fn(p.text)), p.gold) for p in pages]).f1 for fn in LAYOUTS.values()]
        with_html = [p for p in pages if p.html]
        nodes = mean_word_prf([(cleaner.clean(text_nodes(p.html)), p.gold) for p in with_html]).f1
        cells = [f"{s:.4f}" for s in scores] + [f"{nodes:.4f} ({len(with_html)} pages)"]
        print(f"| {path} | {len(pages)} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()

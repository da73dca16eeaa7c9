"""Does declutter's Markdown output read back as the structure it means? Checked with a CommonMark parser.

``output="markdown"`` escapes the page's own markup characters and writes its own marks (emphasis, code
spans, links, list markers and indentation). A mark a parser reads differently shows up in the rendered
page: a literal asterisk, or a list that became an indented code block. For every HTML page of the files
given, this script renders the Markdown (links and images on) with markdown-it-py in CommonMark mode, tables
enabled, and counts:

- the strong and em elements rendered, and the code spans, links and images;
- indented code blocks: declutter writes code as fences only, so every one is a mistake;
- pages whose rendered text differs between emphasis on and off (``Config(markdown_emphasis=False)``):
  every emphasis mark should be read as emphasis, never shown as an asterisk.

    pip install 'declutter[bench]'   # markdown-it-py
    python benchmarks/markdown_output.py ../shared/data/wcxb-dev.jsonl.gz [--limit N]
"""
from __future__ import annotations

import argparse
import html
import re

from markdown_it import MarkdownIt

from declutter import Cleaner
from declutter.datasets import read_pages

_TAG = re.compile(r"<[^>]+>")


def rendered_text(parser: MarkdownIt, markdown: str) -> str:
    """The text a reader sees: the rendered HTML without its tags."""
    return html.unescape(_TAG.sub("", parser.render(markdown)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--limit", type=int, default=None, help="only the first N HTML pages of each file")
    args = ap.parse_args()
    parser = MarkdownIt("commonmark").enable("table")
    with_emphasis = Cleaner(markdown_links=True, markdown_images=True)
    without = Cleaner(markdown_links=True, markdown_images=True, markdown_emphasis=False)
    print("| file | pages | with emphasis | strong | em | code spans | links | images | indented code blocks | literal marks |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path in args.files:
        counts = dict.fromkeys(("pages", "emphasised", "strong", "em", "code", "links", "images", "blocks", "literal"), 0)
        for page in read_pages(path):
            if not page.html or (args.limit and counts["pages"] >= args.limit):
                continue
            counts["pages"] += 1
            on = with_emphasis.clean(page.html, output="markdown", url=page.url)
            off = without.clean(page.html, output="markdown", url=page.url)
            rendered = parser.render(on)
            counts["strong"] += rendered.count("<strong>")
            counts["em"] += rendered.count("<em>")
            counts["code"] += rendered.count("<code>") - rendered.count("<pre><code")
            counts["links"] += rendered.count("<a href")
            counts["images"] += rendered.count("<img ")
            counts["blocks"] += sum(token.type == "code_block" for token in parser.parse(on))
            if on != off:
                counts["emphasised"] += 1
                counts["literal"] += rendered_text(parser, on) != rendered_text(parser, off)
        name = path.rsplit("/", 1)[-1]
        print(f"| {name} | " + " | ".join(f"{v:,}" for v in counts.values()) + " |", flush=True)


if __name__ == "__main__":
    main()

"""How ``input_format="auto"`` reads the labelled pages: is each ``html`` field taken for HTML and each
``text`` field for text?

Both fields of every page are sniffed as ``Cleaner.read`` sniffs them (``cleaner._sniffed_format``: a
document, else Markdown, else an HTML fragment that opens with words), as they are and with the text field's
blank lines removed (the WET layout, one block per line). Every field read the wrong way is listed with its
opening characters. The next table is the evidence behind the check for pages that open with a tag other
than a document's own (``reading._paragraphs_without_markup``): over those fields, the share of blank-line
paragraphs (scripts, styles, ``pre`` and comments taken out) that hold no tag.

The last table measures fragments: from each HTML page with three or more paragraphs of over 80 characters,
the inner HTML of the second one's parent (the container of the body, as a scraper saves an element),
cut to start at its first word, at most 20,000 characters. It counts how many the document check alone
reads as HTML and how many the whole sniff does (``reading.looks_like_html_fragment``).

    python benchmarks/sniff.py ../shared/data/*.jsonl.gz
"""
from __future__ import annotations

import argparse
import re
from collections import Counter

from lxml import etree
from lxml import html as lxml_html

from declutter import reading
from declutter.cleaner import _sniffed_format
from declutter.datasets import read_pages

_FIRST_WORD = re.compile(r">\s*([^\W\d_])")


def opens_with_fragment_tag(text: str) -> bool:
    """The fields the paragraph check applies to: opening with a sniffed tag that is not a document tag."""
    start = reading.after_preamble(text)
    head = text[start:start + 4096]
    return (head.startswith("<") and reading._HTML_SNIFF.search(head) is not None
            and reading._DOCUMENT_START.match(head) is None)


def body_fragment(html: str) -> str | None:
    """The inner HTML of the container of the page's second long paragraph, from its first word; None when
    the page has fewer than three paragraphs of over 80 characters (or does not parse)."""
    try:
        doc = lxml_html.fromstring(html.encode("utf-8", "replace"))
    except (etree.ParserError, ValueError):
        return None
    paragraphs = doc.xpath("//p[string-length(normalize-space()) > 80]")
    if len(paragraphs) < 3:
        return None
    parent = paragraphs[1].getparent()
    inner = (parent.text or "") + "".join(etree.tostring(c, encoding="unicode", method="html") for c in parent)
    first = _FIRST_WORD.search(">" + inner)
    return inner[first.start(1) - 1:][:20000] if first else None


def tagless_share(text: str) -> tuple[float, int]:
    """The share of the paragraphs :func:`reading._paragraphs_without_markup` counts that hold no tag."""
    start = reading.after_preamble(text)
    paragraphs = reading.prose_paragraphs(text[start:start + 65536])
    if not paragraphs:
        return 0.0, 0
    return sum(reading._HTML_TAGS.search(p) is None for p in paragraphs) / len(paragraphs), len(paragraphs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="+")
    args = ap.parse_args()
    counts: Counter = Counter()
    wrong: list[str] = []
    fragments: list[tuple[str, float, int]] = []
    inner = Counter()
    for path in args.data:
        for page in read_pages(path):
            piece = body_fragment(page.html) if page.html else None
            if piece:
                inner["fragments"] += 1
                inner["document check"] += reading.looks_like_html(piece)
                inner["sniffed"] += _sniffed_format(piece) == "html"
            fields = [("html", page.html, True), ("text", page.text, False),
                      ("text, WET layout", re.sub(r"\n\s*\n", "\n", page.text or ""), False)]
            for name, value, is_html in fields:
                if not value:
                    continue
                counts[name] += 1
                if (_sniffed_format(value) == "html") != is_html:
                    counts[name + " misread"] += 1
                    wrong.append(f"{page.dataset} {page.url or page.id} {name}: {value[:70]!r}")
                if opens_with_fragment_tag(value):
                    share, n = tagless_share(value)
                    fragments.append((name, share, n))
    print("| field | pages | read the other way |\n|---|---:|---:|")
    for name in ("html", "text", "text, WET layout"):
        print(f"| {name} | {counts[name]} | {counts[name + ' misread']} |")
    print("\nRead the other way:")
    for line in wrong:
        print("  " + line)
    print("\nFields opening with a tag other than a document tag (paragraph check applies when 10+ paragraphs):")
    print("| field | fields | with 10+ paragraphs | highest tagless share (10+) | over 0.5 (read as text) |")
    print("|---|---:|---:|---:|---:|")
    for name in ("html", "text", "text, WET layout"):
        rows = [(s, n) for f, s, n in fragments if f == name]
        checked = [s for s, n in rows if n >= 10]
        top = f"{max(checked):.2f}" if checked else "–"
        print(f"| {name} | {len(rows)} | {len(checked)} | {top} | {sum(s > 0.5 for s in checked)} |")
    print("\nBody fragments that open with a word:")
    print("| fragments | read as HTML by the document check alone | by the whole sniff |\n|---:|---:|---:|")
    print(f"| {inner['fragments']} | {inner['document check']} | {inner['sniffed']} |")


if __name__ == "__main__":
    main()

"""Page metadata (``declutter.metadata``): how often each field is found, what it costs, and a check of dates.

The labelled pages carry no gold metadata, so correctness is checked where the page's own URL states a
date (``/2025/09/04/``): the declared publication date should be that day, or close to it (a story updated
later keeps its URL). Canonical URLs are checked against the record's URL (where the record has one), host
and path, ignoring ``www.``, a trailing slash and the query.

    python benchmarks/metadata.py ../shared/data/*.jsonl.gz [--limit N]
    python benchmarks/metadata.py ../shared/data/wcxb-dev.jsonl.gz --vs-trafilatura   # agreement, pip install trafilatura

``--vs-trafilatura`` also runs trafilatura's ``extract_metadata`` on each page (it guesses dates from the
page's text and URL too, htmldate's heuristics) and counts, per field, the pages where both give one and
they agree (dates equal; authors equal ignoring case and spacing).
"""
from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from datetime import date
from urllib.parse import urlsplit

from declutter.datasets import read_pages
from declutter.html import _parse
from declutter.metadata import page_metadata

URL_DATE = re.compile(r"/(20\d\d)/(\d\d)/(\d\d)/")
FIELDS = ("author", "date", "description", "site_name", "url")


def _same_page(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    host = lambda p: p.netloc.lower().removeprefix("www.")  # noqa: E731
    return host(pa) == host(pb) and pa.path.rstrip("/") == pb.path.rstrip("/")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="+")
    ap.add_argument("--limit", type=int, default=None, help="pages per file")
    ap.add_argument("--vs-trafilatura", action="store_true", help="agreement with trafilatura's extract_metadata")
    args = ap.parse_args()
    if args.vs_trafilatura:
        return _versus_trafilatura(args.data, args.limit)
    print("| dataset | pages | " + " | ".join(FIELDS) + " | ms/page | URL dates: same day / within 31 days / other |")
    print("|---|---:|" + "---:|" * len(FIELDS) + "---:|---|")
    for path in args.data:
        found, pages, seconds = Counter(), 0, 0.0
        dated = Counter()
        name = ""
        for i, lp in enumerate(read_pages(path)):
            if args.limit and i >= args.limit:
                break
            name = lp.dataset
            root = _parse(lp.html) if lp.html else None
            if root is None:
                continue
            start = time.perf_counter()
            meta = page_metadata(root).resolved(lp.url)  # relative canonical links, as Cleaner.read resolves them
            seconds += time.perf_counter() - start
            pages += 1
            for field in FIELDS:
                found[field] += getattr(meta, field) is not None
            if meta.url and lp.url:
                found["url_both"] += 1
                found["url_same"] += _same_page(meta.url, lp.url)
            m = URL_DATE.search(lp.url or "")
            if m and meta.date:
                try:
                    days = abs((date.fromisoformat(meta.date) - date(*map(int, m.groups()))).days)
                except ValueError:
                    continue
                dated["same" if days == 0 else "near" if days <= 31 else "other"] += 1
        if not pages:
            continue
        cells = " | ".join(f"{found[f] / pages:.0%}" for f in FIELDS)
        print(f"| {name} | {pages} | {cells} | {seconds / pages * 1000:.2f} | {dated['same']} / {dated['near']} / "
              f"{dated['other']} |")
        if found["url_both"]:
            print(f"|   canonical URL names the record's page | | | | | | {found['url_same'] / found['url_both']:.0%} of "
                  f"{found['url_both']} | | |")


def _versus_trafilatura(paths: list[str], limit: int | None) -> None:
    from trafilatura.metadata import extract_metadata

    same = lambda a, b: " ".join(a.lower().split()) == " ".join(b.lower().split())  # noqa: E731
    print("| dataset | pages | field | declutter | trafilatura | both | agree |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for path in paths:
        counts: Counter = Counter()
        pages, name = 0, ""
        for i, lp in enumerate(read_pages(path)):
            if limit and i >= limit:
                break
            root = _parse(lp.html) if lp.html else None
            if root is None:
                continue
            name, pages = lp.dataset, pages + 1
            ours = page_metadata(root)
            theirs = extract_metadata(lp.html, default_url=lp.url)
            for field, mine, other in (("date", ours.date, theirs.date if theirs else None),
                                       ("author", ours.author, theirs.author if theirs else None)):
                counts[field, "ours"] += bool(mine)
                counts[field, "theirs"] += bool(other)
                if mine and other:
                    counts[field, "both"] += 1
                    counts[field, "agree"] += same(mine, other)
        for field in ("date", "author"):
            both = counts[field, "both"]
            print(f"| {name} | {pages} | {field} | {counts[field, 'ours']} | {counts[field, 'theirs']} | {both} | "
                  f"{counts[field, 'agree']} ({counts[field, 'agree'] / max(both, 1):.0%}) |")


if __name__ == "__main__":
    main()

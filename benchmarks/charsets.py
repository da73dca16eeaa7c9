"""How often undeclared bytes are decoded back to the page they came from.

The labelled pages are Unicode, so each page's HTML is turned into the bytes a server could send without a
charset: its ``<meta charset>`` declarations removed, then encoded in every candidate code page that can
hold all of its characters and that is made for its script: a page's gold (its main text) needs 20
non-ASCII letters to test a one-byte code page, 20 CJK characters (half its non-ASCII characters or more) to
test a CJK encoding
(which also holds Latin, Greek and Cyrillic). Pages that already hold mojibake of UTF-8 ("Ã©", "â€™") are
left out when their encoded bytes are mostly valid UTF-8: reading them as UTF-8 mends them, which an
exact comparison would count as a miss. A page counts as
decoded when ``declutter.reading.decode_html_bytes`` gives back exactly the page. Two kinds of damaged
UTF-8 are measured the same way, by the share of the page's non-ASCII characters that come back: the
payload cut inside a random non-ASCII character (as a crawler's size limit cuts), and one stray 0xFF byte
at a random place.
Printed beside the decoder before detection (UTF-8, else cp1252), for the same bytes.

A second table takes the pages the first one cannot test: those whose main text has too few non-ASCII
letters to make stopwords in any code page (an English page with curly quotes, dashes and a "café"). Each
page's HTML and its `text` field are encoded in every one-byte candidate that holds all their characters,
and decoded as HTML (``decode_html_bytes``) and as text (``decode_bytes``). Run it with ``PYTHONPATH`` on an
older checkout for that checkout's figures.

    python benchmarks/charsets.py ../shared/data/*.jsonl.gz [--limit 300]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter

from declutter import datasets
from declutter.charsets import _candidates, mostly_utf8
from declutter.reading import decode_bytes, decode_html_bytes

META = re.compile(r"<meta[^>]+charset[^>]*>", re.IGNORECASE)
LEAD_BYTE = re.compile(rb"[\xc2-\xf4]")
CJK = re.compile(r"[\u3041-\u30ff\u3400-\u9fff\uac00-\ud7af]")
MIN_LETTERS = 20  # non-ASCII letters (CJK characters for CJK encodings) a page needs to test an encoding


def old_decode(data: bytes) -> str:
    """The decoder before detection (2026-12-06): UTF-8, else cp1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def kept_share(original: str, decoded: str) -> float:
    """Share of the original's non-ASCII characters (with multiplicity) found in the decoded text."""
    want = Counter(c for c in original if ord(c) > 127)
    got = Counter(c for c in decoded if ord(c) > 127)
    return sum(min(n, got[c]) for c, n in want.items()) / sum(want.values()) if want else 1.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="+")
    ap.add_argument("--limit", type=int, default=0, help="pages per file (0: all)")
    args = ap.parse_args(argv)
    cands = _candidates()
    encodings = cands.single_byte + cands.multi_byte
    right, total, seconds, skipped = Counter(), Counter(), 0.0, 0
    damage = {"cut": [0.0, 0.0, 0], "stray byte": [0.0, 0.0, 0]}
    rng = random.Random(0)
    few = Counter()  # (input kind, "pages" | "exact") for pages with few non-ASCII letters
    for path in args.data:
        for i, page in enumerate(datasets.read_jsonl(path)):
            if args.limit and i >= args.limit:
                break
            html = META.sub("", page.html or "")
            if html.isascii():
                continue
            non_ascii = [c for c in page.gold if ord(c) > 127]  # the main text says what the page is written in
            letters = sum(c.isalpha() for c in non_ascii)
            cjk = len(CJK.findall(page.gold))
            cjk = cjk if cjk >= len(non_ascii) / 2 else 0  # a CJK page, not a page quoting a few characters
            if letters < MIN_LETTERS and not cjk:
                few_letters(html, page.text or "", cands.single_byte, few)
            for enc in encodings:
                if (cjk if enc in cands.multi_byte else letters) < MIN_LETTERS:
                    continue
                try:
                    data = html.encode(enc)
                except UnicodeEncodeError:
                    continue
                if mostly_utf8(data, data.decode("utf-8", errors="replace")):
                    skipped += 1  # the page holds mojibake of UTF-8: reading it as UTF-8 mends it
                    continue
                start = time.perf_counter()
                new = decode_html_bytes(data)
                seconds += time.perf_counter() - start
                total[enc] += 1
                right[(enc, "new")] += new == html
                right[(enc, "old")] += old_decode(data) == html
            raw = html.encode("utf-8")
            leads = [m.start() for m in LEAD_BYTE.finditer(raw)]
            cut = leads[rng.randrange(len(leads))] + 1  # inside a character, as a crawler's size limit cuts
            pos = rng.randrange(len(raw))
            for kind, data in (("cut", raw[:cut]), ("stray byte", raw[:pos] + b"\xff" + raw[pos:])):
                original = html if kind != "cut" else raw[:cut].decode("utf-8", errors="ignore")
                damage[kind][0] += kept_share(original, decode_html_bytes(data))
                damage[kind][1] += kept_share(original, old_decode(data))
                damage[kind][2] += 1
    print("| encoding | pages | decoded exactly, before | decoded exactly, now |")
    print("|---|---|---|---|")
    for enc in encodings:
        if total[enc]:
            print(f"| {enc} | {total[enc]} | {right[(enc, 'old')]} | {right[(enc, 'new')]} |")
    print()
    print("| damaged UTF-8 | pages | non-ASCII characters kept, before | now |")
    print("|---|---|---|---|")
    for kind, (new, old, n) in damage.items():
        print(f"| {kind} | {n} | {old / max(1, n):.4f} | {new / max(1, n):.4f} |")
    print()
    print("| few non-ASCII letters: input | encoded pages | decoded exactly |")
    print("|---|---|---|")
    for kind in ("html", "text"):
        print(f"| {kind} | {few[(kind, 'pages')]} | {few[(kind, 'exact')]} |")
    n = sum(total.values())
    print(f"\n{skipped} encoded pages left out: their bytes are mostly valid UTF-8 (the page holds mojibake)")
    print(f"\n{n} encoded pages decoded in {seconds:.1f} s ({1000 * seconds / max(1, n):.1f} ms a page)", file=sys.stderr)
    return 0


def few_letters(html: str, text: str, encodings, counts: Counter) -> None:
    """Encode a page with few non-ASCII letters in every one-byte encoding that holds it; count exact decodings."""
    for kind, original, decode in (("html", html, decode_html_bytes), ("text", text, decode_bytes)):
        if original.isascii():
            continue
        for enc in encodings:
            try:
                data = original.encode(enc)
            except UnicodeEncodeError:
                continue
            if mostly_utf8(data, data.decode("utf-8", errors="replace")):
                continue  # mojibake of UTF-8 in the page: reading it as UTF-8 mends it
            counts[(kind, "pages")] += 1
            counts[(kind, "exact")] += decode(data) == original


if __name__ == "__main__":
    sys.exit(main())

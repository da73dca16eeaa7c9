"""Page language detection on the labelled pages, against the language each record names.

The records' ``lang`` field is the data's own guess (from stopwords or script; null when unsure), so
disagreements are read page by page, not counted as errors outright. For every ``text`` field (and, with
``--html``, every HTML page as the HTML reader gives its lines) the script prints how often detection
agrees, and, for pages whose record says English but detection does not, which language won. It also
prints what decides the English margin (``language.ENGLISH_MARGIN``): for each field, English's stopword
hits as a share of the winning language's, over the detection sample.

    python benchmarks/languages.py ../shared/data/*.jsonl.gz [--html]
"""
from __future__ import annotations

import argparse
from collections import Counter

import numpy as np

from declutter import Cleaner, chars, language
from declutter.datasets import read_pages


def english_ratio(lines: list[str]) -> float | None:
    """English's hits over the top language's hits on the sample :func:`language.detect` reads."""
    words = chars.letter_runs(language.sample_text(lines).lower(), limit=400)
    if not words:
        return None
    scores = language._scores(words)
    top = scores.max()
    return float(scores[language._word_index()[3].index("en")] / top) if top else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="+")
    ap.add_argument("--html", action="store_true", help="also the HTML pages (slower: every page is parsed)")
    args = ap.parse_args()
    readers = {"text": Cleaner(input_format="text")}
    if args.html:
        readers["html"] = Cleaner(input_format="html")
    agree: Counter = Counter()
    english_lost: Counter = Counter()
    ratios: dict[str, list[float]] = {"record says en": [], "record names another language": []}
    for path in args.data:
        for page in read_pages(path):
            for field, cleaner in readers.items():
                source = page.text if field == "text" else page.html
                if not source:
                    continue
                lines = cleaner.read(source).lines
                found = language.detect(lines)
                agree[(field, page.lang is not None, found == page.lang)] += 1
                if page.lang == "en" and found != "en":
                    english_lost[(field, found)] += 1
                ratio = english_ratio(lines)
                if ratio is not None and page.lang is not None:
                    ratios["record says en" if page.lang == "en" else "record names another language"].append(ratio)
    for field in readers:
        named = agree[(field, True, True)] + agree[(field, True, False)]
        print(f"{field}: detection agrees with the record on {agree[(field, True, True)]} of {named} pages that "
              f"name a language")
        lost = {lang: n for (f, lang), n in english_lost.items() if f == field}
        print(f"  record says en, detection does not: {sum(lost.values())} {dict(sorted(lost.items(), key=lambda kv: -kv[1]))}")
    print("\nEnglish's hits as a share of the winning language's (1.0: English wins or ties):")
    for name, values in ratios.items():
        v = np.asarray(values)
        if len(v):
            print(f"  {name}: {len(v)} fields; under 0.5: {int((v < 0.5).sum())}; quartiles "
                  f"{' '.join(f'{q:.2f}' for q in np.quantile(v, [0.25, 0.5, 0.75]))}")


if __name__ == "__main__":
    main()

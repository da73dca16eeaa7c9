"""In-sample word F1 of selected labelled fields, written per field, to compare two versions of the code.

A change that only reaches some pages (a tokenizer fix that matters where a combining mark occurs, rule files
for languages the data barely holds) is measured on exactly those fields: run this once with the code
before (``PYTHONPATH`` pointing at a worktree of the older commit) and once after, then ``--compare``.
The shipped model has seen these pages, so the figures are in-sample: they say what the change does to
the output, not how the model generalises (``declutter train --cv`` says that).

    python benchmarks/field_scores.py ../shared/data/*.jsonl.gz --holding marks -o after.json
    python benchmarks/field_scores.py ../shared/data/*.jsonl.gz --holding marks-or-joiners -o after.json
    python benchmarks/field_scores.py ../shared/data/*.jsonl.gz --holding c1-controls -o after.json
    python benchmarks/field_scores.py ../shared/data/*.jsonl.gz --holding soft-hyphens -o after.json
    python benchmarks/field_scores.py ../shared/data/*.jsonl.gz --lang zh ja ko vi tr id cs uk hi -o after.json
    python benchmarks/field_scores.py --compare before.json after.json

``--holding marks``: fields whose text holds a combining mark (Unicode category M); ``marks-or-joiners``: a
mark, a ZWNJ or a ZWJ; ``c1-controls``: a C1 control character (windows-1252 text read as Latin-1); ``soft-hyphens``: U+00AD. ``--lang``: fields whose
record declares, or whose page declutter detects as, one of the languages. ``--track html``: only HTML fields.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata

import declutter
from declutter.config import Config
from declutter.datasets import read_pages
from declutter.metrics import word_prf

# Built here, not taken from declutter.chars: the script also runs against commits from before chars.marks().
_MARKS = re.compile("[%s]" % re.escape("".join(chr(i) for i in range(0x40000) if unicodedata.category(chr(i))[0] == "M")))
_HOLDING = {"marks": _MARKS, "marks-or-joiners": re.compile(_MARKS.pattern[:-1] + "\u200c\u200d]"),
            "c1-controls": re.compile("[\x80-\x84\x86-\x9f]"), "soft-hyphens": re.compile("\xad")}


def score(paths: list[str], holding: str | None, langs: set[str], tracks: tuple[str, ...] = ("text", "html")
          ) -> dict[str, list]:
    """``field id -> [word F1, detected language, rules of the selected languages that fired]``."""
    cleaners = {f: declutter.Cleaner(Config(input_format=f)) for f in ("text", "html")}
    prefixes = tuple(f"{lang}-" for lang in langs)
    out: dict[str, list] = {}
    for path in paths:
        for page in read_pages(path):
            for field, value in (("text", page.text), ("html", page.html)):
                if field not in tracks or not value or (holding and not _HOLDING[holding].search(value)):
                    continue
                result = cleaners[field].analyze(value)
                if langs and result.lang not in langs and page.lang not in langs:
                    continue
                fired = sorted({d.rule for d in result.lines if d.rule and d.rule.startswith(prefixes)}) if prefixes else []
                out[f"{page.id}/{field}"] = [word_prf(result.text, page.gold).f1, result.lang, fired]
    return out


def compare(before: dict[str, list], after: dict[str, list]) -> None:
    common = sorted(set(before) & set(after))
    moved = [(k, before[k], after[k]) for k in common if before[k][:2] != after[k][:2]]
    print(f"{len(common)} fields in both, {len(moved)} changed output score or language")
    for key, b, a in sorted(moved, key=lambda t: t[2][0] - t[1][0]):
        print(f"  {key:48} {b[0]:.4f} -> {a[0]:.4f} ({a[0] - b[0]:+.4f})  lang {b[1]} -> {a[1]}  {' '.join(a[2])}")
    if common:
        print(f"sum of changes {sum(a[0] - b[0] for _, b, a in moved):+.4f}; "
              f"mean {sum(before[k][0] for k in common) / len(common):.4f} -> {sum(after[k][0] for k in common) / len(common):.4f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="*", help="labelled JSONL files or fixture folders")
    ap.add_argument("--holding", choices=sorted(_HOLDING), help="only fields whose text holds this")
    ap.add_argument("--lang", nargs="*", default=[], help="only pages declared or detected in these languages")
    ap.add_argument("--track", choices=["text", "html"], action="append", help="only these fields (default both)")
    ap.add_argument("-o", "--output", help="write the per-field scores here (JSON)")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), help="print the fields two runs differ on")
    args = ap.parse_args(argv)
    if args.compare:
        before, after = (json.load(open(p, encoding="utf-8")) for p in args.compare)
        compare(before, after)
        return 0
    if not args.data or not args.output:
        ap.error("give DATA files and -o OUTPUT, or --compare BEFORE AFTER")
    scores = score(args.data, args.holding, set(args.lang), tuple(args.track or ("text", "html")))
    with open(args.output, "w", encoding="utf-8") as fh:
        json.dump(scores, fh)
    print(f"{len(scores)} fields written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

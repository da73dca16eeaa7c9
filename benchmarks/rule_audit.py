"""How often each shipped rule fires on labelled pages, and how often the line it hits is body.

A ``certain`` rule decides a line without the model, so it must almost never hit body text; this script
is how we check that (docs/rules.md shows its last table). Line labels come from
:func:`declutter.align.label_lines` on each page's ``text`` and ``gold``::

    python benchmarks/rule_audit.py ../shared/data/*.jsonl.gz            # table of every rule
    python benchmarks/rule_audit.py ../shared/data/*.jsonl.gz --show share-buttons   # body lines it hit

Each rule is tested on its own (not through the precedence order), on pages whose language it applies to
(``*`` and ``en`` rules on every page, as the engine does). For terminators the table also gives the body
share of the ten lines that follow a hit, which is what a terminator cuts.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

from declutter import language
from declutter.align import label_lines
from declutter.datasets import read_pages
from declutter.reading import normalize_text, split_lines
from declutter.rules import Rule, _rule_regex, shipped_rules

FOLLOW = 10  # lines after a terminator that the "after" column looks at


def labelled_lines(paths: list[str]) -> Iterator[tuple[str, str, list[str], list[int]]]:
    """(dataset, language, lines, labels) per page; alignment runs on two processes."""
    def jobs():
        for path in paths:
            for lp in read_pages(path):
                yield lp.dataset, lp.lang, lp.text, lp.gold

    with ProcessPoolExecutor(2) as pool:
        yield from pool.map(_label_page, jobs(), chunksize=8)


def _label_page(job: tuple[str, str | None, str, str]) -> tuple[str, str, list[str], list[int]]:
    dataset, lang, text, gold = job
    lines, _ = split_lines(normalize_text(text))
    return dataset, lang or language.detect(lines) or "?", lines, label_lines(lines, gold)


class Tally:
    def __init__(self) -> None:
        self.hits = self.body = self.after = self.after_body = 0
        self.by_dataset: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.body_examples: list[str] = []


def audit(pages, rules: list[Rule], every_language: bool = False) -> dict[str, Tally]:
    compiled = [(r, _rule_regex(r)) for r in rules]
    tallies = {r.name: Tally() for r in rules}
    for dataset, lang, lines, labels in pages:
        for rule, rx in compiled:
            if not every_language and rule.language not in ("*", "en", lang):
                continue
            t = tallies[rule.name]
            for i, line in enumerate(lines):
                if line.count(" ") + 1 > rule.max_words or not rx.search(line):
                    continue
                t.hits += 1
                t.body += labels[i]
                t.by_dataset[dataset][0] += 1
                t.by_dataset[dataset][1] += labels[i]
                if labels[i] and len(t.body_examples) < 400:
                    t.body_examples.append(f"{dataset}: {line[:120]}")
                if rule.action == "terminator":
                    follow = labels[i + 1:i + 1 + FOLLOW]
                    t.after += len(follow)
                    t.after_body += sum(follow)
    return tallies


def table(rules: list[Rule], tallies: dict[str, Tally]) -> str:
    rows = ["| rule | lang | action | certain | hits | body | body share | after: body share |",
            "|---|---|---|---|---:|---:|---:|---:|"]
    for r in rules:
        t = tallies[r.name]
        share = f"{t.body / t.hits:.1%}" if t.hits else "–"
        after = f"{t.after_body / t.after:.1%}" if t.after else ""
        rows.append(f"| {r.name} | {r.language} | {r.action} | {'yes' if r.certain else 'no'} | {t.hits} | {t.body} | {share} | {after} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="+", help="labelled pages: JSONL(.gz) files or fixture folders")
    ap.add_argument("--show", metavar="RULE", help="print the body lines this rule hit")
    ap.add_argument("--every-language", action="store_true",
                    help="test every rule on every page (a stress test: do de/fr/... patterns hit English body?)")
    args = ap.parse_args(argv)
    rules = [r for r in shipped_rules() if r.enabled]
    tallies = audit(labelled_lines(args.data), rules, args.every_language)
    if args.show:
        print("\n".join(tallies[args.show].body_examples))
        return 0
    print(table(rules, tallies))
    return 0


if __name__ == "__main__":
    sys.exit(main())

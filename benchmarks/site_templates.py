"""Word F1 with and without site templates on a multi-page-per-site corpus (default: CleanPortalEval).

Templates are learned on the same pages they clean: that is how the mode is used (two passes over one
corpus, no labels). Runs the real ``declutter batch`` path (plain, then ``--site-templates``) and scores
its output with :mod:`declutter.metrics` against each record's gold.

    python benchmarks/site_templates.py [../shared/data/cleanportaleval.jsonl.gz]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from declutter.batch import BatchOptions, run_batch
from declutter.metrics import mean_word_prf
from declutter.sites import site_host

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "cleanportaleval.jsonl.gz"


def cleaned(out: Path) -> dict[str, str]:
    rows = {}
    for shard in sorted(out.glob("shard-*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                rows[row["id"]] = row["text"]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT))
    parser.add_argument("--field", default="text", help="text or html")
    parser.add_argument("--sweep", action="store_true", help="also try other min_pages/min_share values")
    args = parser.parse_args()
    with gzip.open(args.data, "rt", encoding="utf-8") as fh:
        gold = {(r := json.loads(line))["id"]: (r["gold"], site_host(r["url"])) for line in fh}
    settings = [(3, 0.5)] + ([(2, 0.3), (3, 0.3), (3, 0.7), (5, 0.5), (5, 0.8)] if args.sweep else [])
    with tempfile.TemporaryDirectory() as tmp:
        runs = {"without templates": run_batch([args.data], Path(tmp) / "plain", source=_source(args.field))}
        outputs = {"without templates": cleaned(Path(tmp) / "plain")}
        for pages, share in settings:
            name = f"templates min_pages={pages} min_share={share}"
            options = BatchOptions(site_templates=True, template_min_pages=pages, template_min_share=share)
            out = Path(tmp) / name.replace(" ", "_")
            runs[name] = run_batch([args.data], out, options=options, source=_source(args.field))
            outputs[name] = cleaned(out)
            n_hosts = len(json.loads((out / "site-templates.json").read_text())["hosts"])
            print(f"# {name}: templates for {n_hosts} sites", file=sys.stderr)
    sites = sorted({host for _, host in gold.values()})
    print(f"| run | pages | word P | word R | word F1 | {' | '.join(f'F1 {s}' for s in sites)} |")
    print("|---|---|---|---|---|" + "---|" * len(sites))
    for name, texts in outputs.items():
        pairs = [(texts.get(i, ""), g) for i, (g, _) in gold.items()]
        prf = mean_word_prf(pairs)
        per_site = defaultdict(list)
        for i, (g, host) in gold.items():
            per_site[host].append((texts.get(i, ""), g))
        site_f1 = " | ".join(f"{mean_word_prf(per_site[s]).f1:.4f}" for s in sites)
        print(f"| {name} | {len(pairs)} ({runs[name].errors} errors) | {prf.precision:.4f} | {prf.recall:.4f} | "
              f"{prf.f1:.4f} | {site_f1} |")
    return 0


def _source(field: str):
    from declutter.sources import SourceOptions

    return SourceOptions(field=field)


if __name__ == "__main__":
    sys.exit(main())

"""``declutter batch``: arguments and the command (wired into :mod:`declutter.cli` like ``train``).

Only argument parsing, messages and exit codes live here; the work is :func:`declutter.batch.run_batch`.
Exit codes: 0 done (error records are data, listed in ``OUT_DIR/errors.jsonl``), 2 the job could not
start or go on (bad input path, unwritable output, a failed worker), 130 interrupted (resumable).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys

from .batch import BatchOptions, run_batch
from .outdir import BatchError
from .sources import SourceError, SourceOptions


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="folders of .html/.txt, .jsonl[.gz|.zst], .warc[.gz] (HTML responses), .wet[.gz] (text)")
    p.add_argument("-o", "--out", required=True, metavar="OUT_DIR", help="output folder (sharded JSONL.gz)")
    p.add_argument("--field", default="text", help="JSONL field holding the page text or HTML (default: text)")
    p.add_argument("--id-field", default="id", help="JSONL field holding the record id (default: id)")
    p.add_argument("--url-field", default="url", help="JSONL field holding the page URL (default: url)")
    p.add_argument("--lang-field", default=None, metavar="FIELD",
                   help="JSONL field holding the page's language (\"de\", \"deu\"), taken as a declaration (default: none)")
    p.add_argument("--workers", type=_workers, default=1, metavar="N|auto",
                   help="local worker processes (default 1: this process; auto: one per CPU this process may use)")
    p.add_argument("--shard-size", type=int, default=500, help="records per output shard (default 500)")
    p.add_argument("--shard-chars", type=int, default=BatchOptions.shard_chars,
                   help="... or fewer, once the shard's pages reach this many characters "
                        f"(default {BatchOptions.shard_chars:,}; bounds memory on large HTML pages)")
    p.add_argument("--format", choices=("text", "markdown"), default="text",
                   help="what each row's text holds: plain text (default) or Markdown (headings, lists, tables, code)")
    p.add_argument("--explain", action="store_true", help="add every line's decision, probability and reason")
    p.add_argument("--metadata", action="store_true",
                   help="add each page's title, language, author, date, description, site name and canonical URL")
    p.add_argument("--site-templates", action="store_true",
                   help="two passes: learn lines repeated across a site's pages, then drop them")
    p.add_argument("--template-min-pages", type=int, default=3, help="a template line is on at least this many pages")
    p.add_argument("--template-min-share", type=float, default=0.5, help="... and on this share of its site's pages")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (default: shown on a terminal)")


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity mask where the platform has one (a container or
    ``taskset`` limit), else the machine's count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _workers(value: str) -> int:
    """``--workers``: a positive count, or "auto" for :func:`usable_cpus`."""
    if value == "auto":
        return usable_cpus()
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of workers or 'auto', got {value!r}")
    return n


def _engine(args: argparse.Namespace):
    if args.engine == "local":
        if args.scheduler:
            raise ValueError("--scheduler needs --engine dask")
        return None
    if not args.scheduler:
        raise ValueError("--engine dask needs --scheduler ADDRESS")
    from .cluster import DaskEngine

    return DaskEngine(args.scheduler)


def _interrupt_on_sigterm() -> None:
    """``kill`` gets the same orderly stop as Ctrl-C: in-flight shards dropped, finished ones kept."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(args: argparse.Namespace) -> int:
    from .cli import _config

    config = _config(args, output=args.format)
    try:
        options = BatchOptions(shard_size=args.shard_size, shard_chars=args.shard_chars, explain=args.explain,
                               metadata=args.metadata, site_templates=args.site_templates, template_min_pages=args.template_min_pages, template_min_share=args.template_min_share)
        source = SourceOptions(field=args.field, id_field=args.id_field, url_field=args.url_field,
                               lang_field=args.lang_field)
        engine = _engine(args)
        _interrupt_on_sigterm()
        summary = run_batch(args.inputs, args.out, config=config, options=options, source=source, engine=engine,
                            workers=args.workers, progress=not args.no_progress and sys.stderr.isatty())
    except (SourceError, BatchError, ValueError) as exc:
        print(f"declutter batch: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"declutter batch: interrupted; finished shards in {args.out} are kept, "
              "run the same command again to resume", file=sys.stderr)
        return 130
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(summary.skipped.items()))
    print(f"declutter batch: {summary.records} records in = {summary.cleaned} cleaned + {summary.errors} errors "
          f"({summary.shards} shards, {summary.shards_resumed} resumed; {summary.pages_per_s:.1f} pages/s)"
          + (f"; not pages, skipped: {skipped}" if skipped else ""), file=sys.stderr)
    if summary.truncated:
        print(f"declutter batch: {summary.truncated} cleaned pages were cut short before they reached us "
              "(a crawler's size limit, a broken download); their rows say so in 'truncated'", file=sys.stderr)
    if summary.errors:
        print(f"declutter batch: error records are listed in {args.out}/errors.jsonl", file=sys.stderr)
    return 0

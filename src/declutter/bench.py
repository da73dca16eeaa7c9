"""``declutter bench``: score declutter, baselines and peer extractors on the same labelled pages.

Data flows one way: read pages (:mod:`declutter.datasets`) -> run every system on them, each in its own
forked process (:mod:`declutter.run_isolated`) -> score with the project metric (:mod:`declutter.metrics`)
-> :class:`Row` per (dataset, system, track) -> terminal table, JSON, HTML report or docs section
(:mod:`declutter.report`). Scoring never looks at how long a system took, and timing covers only the
system's own calls (no reading, no scoring).

Line-level P/R/F1 (pages with line labels only): a labelled line counts as kept by a system when its
whitespace-normalized, lowercased text occurs in the system's normalized output. That treats every system
alike, including peers that re-flow text; a very short line that also occurs inside a kept paragraph
counts as kept.
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from .config import FAVORS, Config
from .datasets import DatasetError, LabelledPage, dataset_name, read_pages
from .metrics import PRF, SnippetCounts, word_prf
from .peers import Adapter, normalize, select, version_of
from .reading import normalize_text, split_lines
from .run_isolated import SystemRun, run_isolated


@dataclass
class Counts:
    """Line-level confusion counts, summed over pages."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def prf(self) -> PRF:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    """Per-page word scores plus snippet and line counts of one system on a set of pages."""

    words: list[PRF] = field(default_factory=list)
    snippets: SnippetCounts = field(default_factory=SnippetCounts)
    lines: Counts = field(default_factory=Counts)
    labelled_pages: int = 0

    def summary(self) -> dict:
        n = len(self.words)
        snip = self.snippets.prf() if self.snippets.total else None
        line = self.lines.prf() if self.labelled_pages else None
        return {
            "pages": n,
            "word_f1": sum(s.f1 for s in self.words) / n if n else None,
            "word_p": sum(s.precision for s in self.words) / n if n else None,
            "word_r": sum(s.recall for s in self.words) / n if n else None,
            "snip_p": snip.precision if snip else None,
            "snip_r": snip.recall if snip else None,
            "snip_f1": snip.f1 if snip else None,
            "line_p": line.precision if line else None,
            "line_r": line.recall if line else None,
            "line_f1": line.f1 if line else None,
        }


@dataclass
class Row:
    """One (dataset, system, track) result, as ``--json`` prints it."""

    dataset: str
    system: str
    track: str
    pages: int
    word_f1: Optional[float]
    word_p: Optional[float]
    word_r: Optional[float]
    snip_p: Optional[float]
    snip_r: Optional[float]
    snip_f1: Optional[float]
    line_p: Optional[float]
    line_r: Optional[float]
    line_f1: Optional[float]
    pages_per_s: Optional[float]
    peak_mb: Optional[float]
    version: str
    failed: list[dict] = field(default_factory=list)       # [{"id", "error"}]: pages scored as empty output
    by_page_type: dict[str, dict] = field(default_factory=dict)
    skipped: Optional[str] = None                           # why the system did not run at all

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class PageResult:
    """One page's output and score for one system (kept for the report's worst-page view)."""

    page: LabelledPage
    track: str
    system: str
    output: str
    f1: float
    error: Optional[str]


def page_lines(page: LabelledPage, config: Config) -> list[str]:
    """The non-empty lines of the page's text, exactly as line labels and declutter count them."""
    return split_lines(normalize_text(page.text), config.max_line_chars)[0]


def line_counts(lines: Sequence[str], labels: Sequence[int], output: str) -> Counts:
    """Line confusion counts of one page: a line is kept when its text occurs in the output."""
    out = normalize(output)
    c = Counts()
    for line, label in zip(lines, labels):
        norm = normalize(line)
        kept = bool(norm) and norm in out
        c.tp += int(kept and label == 1)
        c.fp += int(kept and label != 1)
        c.fn += int(not kept and label == 1)
    return c


def spread(count: int, limit: Optional[int]) -> set[int]:
    """``limit`` record indices spread evenly over ``count`` records (all of them without a limit).

    Dataset files are often sorted (wcxb-dev lists most of its articles first), so the first N pages would
    be a biased sample; every (count/N)-th page keeps the mix of the whole file.
    """
    if not limit or limit >= count:
        return set(range(count))
    return {i * count // limit for i in range(limit)}


def _check_labels(path: str | Path, page: LabelledPage, config: Config) -> None:
    if page.labels is None:
        return
    n = len(page_lines(page, config))
    if len(page.labels) != n or any(v not in (0, 1) for v in page.labels):
        raise DatasetError(f"{path}: page {page.id}: line labels must be {n} values of 0 or 1 "
                           f"(one per non-empty line of its text), got {len(page.labels)}")


def read_dataset(path: str | Path, limit: Optional[int], config: Config) -> tuple[str, list[LabelledPage]]:
    """``limit`` pages spread over one file or folder; raises :class:`DatasetError` on any bad record.

    With a limit the file is read twice (count, then keep the chosen records), so memory holds only the
    pages that will run, and a malformed record anywhere in the file is still reported.
    """
    count = sum(1 for _ in read_pages(path)) if limit else None
    chosen = spread(count, limit) if count is not None else None
    pages: list[LabelledPage] = []
    for i, page in enumerate(read_pages(path)):
        if chosen is None or i in chosen:
            _check_labels(path, page, config)
            pages.append(page)
    if not pages:
        raise DatasetError(f"{path}: no labelled pages (empty file, or a folder without NAME.gold.txt files)")
    return (dataset_name(Path(path)) if not Path(path).is_dir() else Path(path).name), pages


def track_input(page: LabelledPage, track: str) -> Optional[str]:
    """What a system on ``track`` reads from ``page``; None when the page lacks that field (or it is empty)."""
    return (page.text if track == "text" else page.html) or None


def score_pages(pages: Sequence[LabelledPage], outputs: Sequence[str], config: Config) -> Scores:
    scores = Scores()
    for page, out in zip(pages, outputs):
        scores.words.append(word_prf(out, page.gold))
        scores.snippets.add(out, page.with_, page.without)
        if page.labels is not None:
            scores.lines.add(line_counts(page_lines(page, config), page.labels, out))
            scores.labelled_pages += 1
    return scores


def make_row(dataset: str, adapter: Adapter, pages: Sequence[LabelledPage], run: SystemRun,
             config: Config) -> Row:
    if run.skipped:  # never ran: no scores, rather than zeros that look like a measurement
        empty: dict[str, Any] = {k: None for k in Scores().summary()}
        return Row(dataset=dataset, system=adapter.name, track=adapter.track, **{**empty, "pages": len(pages)},
                   pages_per_s=None, peak_mb=None, version=version_of(adapter), skipped=run.skipped)
    scores = score_pages(pages, run.outputs, config)
    by_type: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        if page.page_type:
            by_type.setdefault(page.page_type, []).append(i)
    breakdown = {
        t: score_pages([pages[i] for i in idx], [run.outputs[i] for i in idx], config).summary()
        for t, idx in sorted(by_type.items())
    }
    return Row(
        dataset=dataset, system=adapter.name, track=adapter.track, **scores.summary(),
        pages_per_s=_speed(len(pages), run),
        peak_mb=run.peak_mb, version=version_of(adapter),
        failed=[{"id": pages[i].id, "error": err} for i, err in run.failures],
        by_page_type=breakdown, skipped=run.skipped,
    )


def _speed(pages: int, run: SystemRun) -> Optional[float]:
    """Pages per second of the system's own calls; None when it never ran or failed every page."""
    if run.skipped or run.seconds <= 0 or len(run.failures) >= pages:
        return None
    return pages / run.seconds


@dataclass
class BenchResult:
    rows: list[Row]
    page_results: list[PageResult]
    adapters: list[Adapter]


def run_bench(paths: Iterable[str | Path], tracks: Sequence[str] = ("text",),
              peers: Optional[Sequence[str]] = None, limit: Optional[int] = None,
              config: Optional[Config] = None, page_timeout: float = 120.0,
              progress=None) -> BenchResult:
    """Run every selected system on every dataset; raises DatasetError / ValueError on bad input.

    All datasets are read (and checked) before any system runs, so a malformed file fails in seconds.
    """
    config = config or Config()
    adapters = select(tuple(tracks), None if peers is None else tuple(peers))
    datasets = [read_dataset(p, limit, config) for p in paths]
    rows: list[Row] = []
    results: list[PageResult] = []
    for name, pages in datasets:
        for adapter in adapters:
            usable = [p for p in pages if track_input(p, adapter.track) is not None]
            if not usable:
                continue
            if progress:
                progress(f"{name}: {adapter.name} ({adapter.track}) on {len(usable)} pages")
            inputs = [(data, p.lang) for p in usable if (data := track_input(p, adapter.track)) is not None]
            run = run_isolated(functools.partial(adapter.make, config), inputs, page_timeout)
            row = make_row(name, adapter, usable, run, config)
            rows.append(row)
            errors = dict(run.failures)
            results.extend(
                PageResult(p, adapter.track, adapter.name, out, word_prf(out, p.gold).f1, errors.get(i))
                for i, (p, out) in enumerate(zip(usable, run.outputs))
            )
    return BenchResult(rows, results, adapters)


def worst_pages(result: BenchResult, system: str = "declutter", n: int = 20) -> list[PageResult]:
    """The ``n`` pages where ``system`` scored the lowest word F1, per track."""
    out: list[PageResult] = []
    for track in dict.fromkeys(r.track for r in result.page_results):
        mine = [r for r in result.page_results if r.system == system and r.track == track]
        out.extend(sorted(mine, key=lambda r: (r.f1, r.page.id))[:n])
    return out


def with_model(config: Config, model_path: Optional[str]) -> Config:
    return replace(config, model_path=model_path) if model_path else config


# -- worst pages: our line decisions beside the gold, for the report ---------------------------------------
def explain_worst(result: BenchResult, config: Config, n: int = 20) -> list[dict]:
    """declutter's ``n`` worst pages per track, each line marked kept/dropped and gold/not gold."""
    from .cleaner import Cleaner

    cleaners: dict[str, Cleaner] = {}
    out = []
    for r in worst_pages(result, "declutter", n):
        if r.track not in cleaners:
            cleaners[r.track] = Cleaner(replace(config, input_format=r.track, output="text"))
        out.append(explain_page(r, cleaners[r.track], config))
    return out


def explain_page(result: PageResult, cleaner, config: Config) -> dict:
    """Every line of one page with whether ``cleaner`` keeps it and whether it belongs to the gold.

    Lines and decisions come from ``analyze`` (outside any timing); where that fails (e.g. an input path
    still missing) the page's text lines are shown, marked kept when they occur in the recorded output.
    """
    from .align import label_lines

    try:
        analysis = cleaner.analyze(track_input(result.page, result.track) or "")
        lines = [d.text for d in analysis.lines]
        kept = [d.keep for d in analysis.lines]
    except Exception:  # the same failure the run recorded for this page; show what we have
        lines = page_lines(result.page, config)
        out = normalize(result.output)
        kept = [bool(normalize(line)) and normalize(line) in out for line in lines]
    gold = label_lines(lines, result.page.gold) if lines else []
    return {
        "id": result.page.id, "dataset": result.page.dataset, "track": result.track, "system": result.system,
        "page_type": result.page.page_type, "word_f1": result.f1, "error": result.error, "gold": result.page.gold,
        "lines": [{"text": t, "kept": bool(k), "gold": bool(g)} for t, k, g in zip(lines, kept, gold)],
    }


# -- command line ------------------------------------------------------------------------------------------
def add_arguments(p) -> None:
    p.add_argument("data", nargs="+", help="labelled pages: JSONL(.gz) files or fixture folders (docs/benchmarks.md)")
    p.add_argument("--track", action="append", choices=("text", "html"),
                   help="input the systems read: the page's text lines or its HTML; repeatable (default: text)")
    p.add_argument("--peers", default=None,
                   help="comma-separated peers to run besides declutter and the baselines (default: all; '' for none)")
    p.add_argument("--limit", type=int, default=None, help="at most this many pages per dataset, spread evenly over the file")
    p.add_argument("--model", default=None, help="bench this model file instead of the shipped one")
    p.add_argument("--favor", choices=FAVORS, default="balanced",
                   help="bench declutter with this Config.favor (what each page's cut is for)")
    p.add_argument("--page-timeout", type=float, default=120.0, help="seconds before a page counts as failed")
    p.add_argument("--json", action="store_true", help="print one JSON object per (dataset, system, track)")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report")
    p.add_argument("--write-docs", metavar="FILE", help="replace the generated section of this Markdown file")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def command_line(args) -> str:
    """The bench command as a user would type it again, rebuilt from the parsed arguments."""
    import shlex

    parts = ["declutter", "bench", *args.data]
    parts += [f"--track={t}" for t in args.track or ()]
    for flag, value in (("--peers", args.peers), ("--limit", args.limit), ("--model", args.model),
                        ("--html", args.html), ("--write-docs", args.write_docs)):
        if value is not None:
            parts.append(f"{flag}={value}")
    if args.page_timeout != 120.0:
        parts.append(f"--page-timeout={args.page_timeout:g}")
    if args.favor != "balanced":
        parts.append(f"--favor={args.favor}")
    return shlex.join(parts)


def _check_model(config: Config) -> None:
    """Load the model once up front, so a bad file fails here with its name, not in every forked child."""
    from .cleaner import Cleaner

    try:
        Cleaner(config)
    except Exception as exc:  # numpy, zipfile and JSON errors alike: the file is not a usable model
        raise SystemExit(f"declutter bench: cannot use model {config.model_path}: {exc}") from None


def main(args) -> int:
    """``declutter bench``: run, then print a table (or JSON) and write the requested reports."""
    import sys

    from . import report

    peers = None if args.peers is None else tuple(p.strip() for p in args.peers.split(",") if p.strip())
    if args.limit is not None and args.limit < 1:
        raise SystemExit("declutter bench: --limit must be at least 1")
    config = with_model(Config(favor=args.favor), args.model)
    log = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    if args.model:
        _check_model(config)
    try:
        result = run_bench(args.data, tuple(args.track or ("text",)), peers, args.limit, config,
                           args.page_timeout, progress=log)
    except (DatasetError, ValueError, OSError) as exc:
        raise SystemExit(f"declutter bench: {exc}") from None
    rows = result.rows
    meta = report.run_info(result.adapters, command_line(args))
    if args.json:
        import json

        print(json.dumps([r.to_dict() for r in rows], indent=1, ensure_ascii=False))
    else:
        print(report.terminal_tables(rows))
    if args.html:
        worst = explain_worst(result, config)
        Path(args.html).write_text(report.html_report(rows, worst, meta), encoding="utf-8")
        if log:
            log(f"wrote {args.html}")
    if args.write_docs:
        report.write_docs(Path(args.write_docs), report.markdown_section(rows, meta))
        if log:
            log(f"updated {args.write_docs}")
    return 0

"""Batch cleaning: a record stream cut into shards, cleaned on an engine, written atomically, resumable.

Data flows one way. The reader (:mod:`declutter.sources`) yields records in a fixed order; the runner cuts
them into shards of ``shard_size`` records; an engine (this process, a local process pool, or a Dask
cluster, see :mod:`declutter.cluster`) runs :func:`clean_shard` on each, a pure function from records to
the shard's output bytes and error rows; only the runner touches ``OUT_DIR``.

``OUT_DIR`` holds, per shard, ``shard-NNNNN.jsonl.gz`` (one object per cleaned record), its error rows
and a ``.done.json`` marker written last, each file first under a temporary name and then renamed, so a
shard without its marker was interrupted and is redone. At the end ``errors.jsonl`` gathers every error
row and ``summary.json`` the counts, for which ``records == cleaned + errors`` always holds.
"""
from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import queue
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Protocol

from .cleaner import Cleaner, shared_cleaner
from .config import Config
from .outdir import BatchError, OutDir, json_line
from .sites import SiteTemplates, TemplateLearner
from .sources import Record, SourceOptions, check_inputs, read_inputs

Done = Callable[[Any, Optional[BaseException]], None]


@dataclass(frozen=True)
class BatchOptions:
    """How a job is cut and what it writes. Changing any of these needs a fresh ``OUT_DIR``."""

    shard_size: int = 500
    shard_chars: int = 8_000_000  # also close a shard at this much page content: HTML pages run to megabytes
    explain: bool = False
    metadata: bool = False  # each row gets the page's title and what it declares (declutter.metadata)
    site_templates: bool = False
    template_min_pages: int = 3
    template_min_share: float = 0.5

    def __post_init__(self) -> None:
        if self.shard_size < 1:
            raise ValueError(f"shard_size must be >= 1, got {self.shard_size}")
        if self.shard_chars < 1:
            raise ValueError(f"shard_chars must be >= 1, got {self.shard_chars}")


@dataclass
class ShardResult:
    """What a worker hands back for one shard: compressed output, error rows and counts."""

    index: int
    data: bytes
    errors: list[dict[str, Any]]
    records: int
    cleaned: int
    truncated: int = 0  # cleaned rows whose page is only part of what the server sent


@dataclass
class Summary:
    """The job's counts; ``records == cleaned + errors``. ``skipped`` counts inputs that are not pages;
    ``truncated``, the cleaned rows whose page was cut short before it reached us (each row says why)."""

    records: int = 0
    cleaned: int = 0
    errors: int = 0
    truncated: int = 0
    shards: int = 0
    shards_resumed: int = 0
    records_resumed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def pages_per_s(self) -> float:
        """Records handled by this run (resumed shards excluded) per second."""
        done = self.records - self.records_resumed
        return done / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "pages_per_s": round(self.pages_per_s, 2)}


class Engine(Protocol):
    """Runs ``fn(*args)`` somewhere and calls ``done(result, exception)`` when it finishes."""

    slots: int  # how many tasks to keep in flight

    def submit(self, fn: Callable[..., Any], args: tuple, done: Done) -> None: ...

    def close(self) -> None: ...


class SerialEngine:
    """Runs each task at once in this process: one worker, no start-up cost, nothing to pickle."""

    slots = 1

    def submit(self, fn: Callable[..., Any], args: tuple, done: Done) -> None:
        try:
            result = fn(*args)
        except Exception as exc:  # reported like a remote failure
            done(None, exc)
            return
        done(result, None)

    def close(self) -> None:
        pass


# Thread pools of the BLAS numpy is built with (OpenBLAS in the wheels, MKL in conda, OpenMP builds).
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class ProcessEngine:
    """``workers`` local processes (spawned, so the same code path works on every platform).

    Each worker's BLAS gets one thread, unless the user set its variable: by default a BLAS starts a
    thread per core in every process, and the model's small products gain nothing from them, while N
    workers each running a core's worth of threads fought over the cores (2 workers on 2 cores: 114-127
    pages/s instead of 399). A spawned worker reads the variables when it starts, so they are set in this
    process's environment while the pool lives (workers start on demand) and put back by ``close``.
    """

    def __init__(self, workers: int):
        import multiprocessing

        self.slots = workers + 1  # a spare shard lets a free worker start while this process reads the next
        self._set_env = [v for v in BLAS_THREAD_VARIABLES if v not in os.environ]
        for variable in self._set_env:
            os.environ[variable] = "1"
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn: Callable[..., Any], args: tuple, done: Done) -> None:
        def finished(f) -> None:
            if f.cancelled():  # cancelled by close() after an interrupt: nobody waits for it
                return
            exc = f.exception()
            done(None, exc) if exc is not None else done(f.result(), None)

        self._pool.submit(fn, *args).add_done_callback(finished)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for variable in self._set_env:
            os.environ.pop(variable, None)
        self._set_env = []


def local_engine(workers: int) -> Engine:
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    return SerialEngine() if workers == 1 else ProcessEngine(workers)


# -- the work of one shard (runs on a worker) -------------------------------------------------------------
class RecordError(ValueError):
    """A record that cannot be cleaned for a reason found before cleaning (unreadable, no body)."""


class _Cleaners:
    """The shard's cleaner, and one per input format a record's source declares (a WET conversion is text)
    when the configuration leaves the format to the sniff ("auto"). Built on first use."""

    def __init__(self, config: Config):
        self.config = config
        self._by_format: dict[Optional[str], Cleaner] = {}

    def __call__(self, record: Record) -> Cleaner:
        fmt = record.input_format if self.config.input_format == "auto" else None
        cleaner = self._by_format.get(fmt)
        if cleaner is None:
            config = self.config if fmt is None else dataclasses.replace(self.config, input_format=fmt)
            cleaner = self._by_format[fmt] = shared_cleaner(config)
        return cleaner


def _clean_record(cleaner, record: Record, explain: bool, metadata: bool = False) -> dict[str, Any]:
    if record.error is not None:
        raise RecordError(record.error)
    content = record.content
    if content is None or not content.strip():
        raise RecordError("record has no body")
    row: dict[str, Any] = {"id": record.key, "position": record.position, "url": record.url}
    if record.truncated is not None:
        row["truncated"] = record.truncated
    if explain:  # one pass over the page, two renderings of it
        page = cleaner.explained_page(content, url=record.url, lang=record.lang)
        analysis = cleaner.analysis_of(page)
        row.update(text=cleaner.render(page), lang=analysis.lang, reads_clean=analysis.reads_clean,
                   lines=analysis.to_dict()["lines"])
    elif metadata:
        page = cleaner.annotate(cleaner.read(content, url=record.url, lang=record.lang))
        row["text"] = cleaner.render(page)
    else:
        row["text"] = cleaner.clean(content, url=record.url, lang=record.lang)
        return row
    if metadata:
        row["metadata"] = {"title": page.title, "lang": page.lang, **page.metadata.to_dict()}
    return row


def _error_row(record: Record, shard: int, reason: str) -> dict[str, Any]:
    return {"id": record.id, "position": record.position, "shard": shard, "reason": reason}


def clean_shard(config: Config, index: int, records: list[Record], explain: bool, metadata: bool = False) -> ShardResult:
    """Clean one shard; every record ends up either as an output row or as an error row with a reason.

    Output bytes are gzip with a fixed timestamp, so the same shard gives the same bytes on any engine.
    """
    cleaner_for = _Cleaners(config)
    buf = io.BytesIO()
    errors: list[dict[str, Any]] = []
    cleaned = truncated = 0
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        for record in records:
            try:
                row = _clean_record(cleaner_for(record), record, explain, metadata)
                line = json_line(row)
            except Exception as exc:  # one bad record must never take the shard down
                reason = str(exc) if isinstance(exc, RecordError) else f"cleaning failed: {type(exc).__name__}: {exc}"
                errors.append(_error_row(record, index, reason))
                continue
            gz.write(line + b"\n")
            cleaned += 1
            truncated += record.truncated is not None
    return ShardResult(index, buf.getvalue(), errors, len(records), cleaned, truncated)


def learn_shard(config: Config, records: list[Record]) -> TemplateLearner:
    """Pass one of ``--site-templates`` on one shard: count each host's lines."""
    cleaner_for = _Cleaners(dataclasses.replace(config, site_templates=None))
    learner = TemplateLearner()
    for record in records:
        if record.error is None and record.url and record.content:
            try:
                learner.add(record.url, cleaner_for(record).read(record.content).lines)
            except Exception:  # counted as an error by the cleaning pass, which reads it again
                continue
    return learner


# -- the runner -------------------------------------------------------------------------------------------
def shards(records: Iterable[Record], size: int, max_chars: Optional[int] = None) -> Iterator[tuple[int, list[Record]]]:
    """Consecutive runs of records, numbered from 0: the unit of work, output and resume.

    A shard closes at ``size`` records or, with ``max_chars``, once its pages reach that many characters
    (bytes for undecoded pages), whichever comes first. The second bound is what keeps memory flat on
    HTML: 500 pages of a few hundred KB each, times the shards in flight, would be gigabytes. Both
    depend only on the input, so a resumed job cuts the same shards.
    """
    chunk: list[Record] = []
    chars = index = 0
    for record in records:
        chunk.append(record)
        chars += len(record.content) if record.content is not None else 0
        if len(chunk) >= size or (max_chars is not None and chars >= max_chars):
            yield index, chunk
            chunk, chars, index = [], 0, index + 1
    if chunk:
        yield index, chunk


def run_tasks(engine: Engine, tasks: Iterable[tuple[Callable[..., Any], tuple]], handle: Callable[[Any], None]) -> None:
    """Keep ``engine.slots`` tasks in flight and hand each result to ``handle`` in this thread.

    Bounded in-flight work is what keeps memory constant: the reader is only asked for the next shard
    when one finishes. Results are written here, never in engine callbacks (those run on other threads).
    """
    results: queue.Queue = queue.Queue()
    pending = 0

    def take_one() -> None:
        while True:
            try:
                result, exc = results.get(timeout=0.2)  # a timeout keeps Ctrl-C responsive
                break
            except queue.Empty:
                continue
        if exc is not None:
            raise BatchError(f"a worker failed ({type(exc).__name__}: {exc}); finished shards are kept, "
                             "run the same command again to resume") from exc
        handle(result)

    for fn, args in tasks:
        while pending >= engine.slots:
            take_one()
            pending -= 1
        engine.submit(fn, args, lambda r, e: results.put((r, e)))
        pending += 1
    while pending:
        take_one()
        pending -= 1


class _Bar:
    """A tqdm progress bar in pages/s when asked for and installed; otherwise nothing."""

    def __init__(self, enabled: bool, desc: str):
        self._bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self._bar = tqdm(desc=desc, unit="page", smoothing=0.1, dynamic_ncols=True)

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def job_description(paths: list[Path], config: Config, options: BatchOptions, source: SourceOptions) -> dict[str, Any]:
    """Everything that decides a job's output; a resumed job must match it exactly."""
    settings = {f.name: repr(getattr(config, f.name)) for f in dataclasses.fields(config) if f.name != "site_templates"}
    return {"inputs": [str(p.resolve()) for p in paths], "config": settings,
            "options": dataclasses.asdict(options), "source": dataclasses.asdict(source)}


def comparable_job(job: dict[str, Any]) -> dict[str, Any]:
    """What of a job description decides its output, so that a job started by an earlier version resumes
    after an upgrade that added settings.

    A setting at its default drops out: a setting is added with the default that does what the version
    before it did (``favor="balanced"`` is the cut every earlier version made), so a job.json that lacks it
    and one that holds its default describe the same job. The Markdown settings drop out of a job that
    writes text, since they cannot change its rows. In a Markdown job they all stay: ``markdown_emphasis``
    was added on by default, so a Markdown job whose settings differ, a new one included, is another job.
    """
    settings = job.get("config")
    if not isinstance(settings, dict):
        return job
    markdown = settings.get("output") == repr("markdown")

    def counts(name: str, value: object) -> bool:
        return markdown if name.startswith("markdown_") else value != _DEFAULTS.get(name)

    return {**job, "config": {k: v for k, v in settings.items() if counts(k, v)}}


# Each setting's default as job_description writes it (repr of the value).
_DEFAULTS = {f.name: repr(f.default) for f in dataclasses.fields(Config) if f.default is not dataclasses.MISSING}


def _learn_templates(paths: list[Path], config: Config, options: BatchOptions, source: SourceOptions,
                     engine: Engine, out: OutDir, progress: bool) -> SiteTemplates:
    """Pass one: per-shard learners merged in shard order (so every engine learns the same templates)."""
    saved = out.path / "site-templates.json"
    if saved.exists():
        return SiteTemplates.from_dict(json.loads(saved.read_text(encoding="utf-8")))
    merged, waiting, next_index = TemplateLearner(), {}, 0
    bar = _Bar(progress, "learning sites")

    def tasks() -> Iterator[tuple[Callable[..., Any], tuple]]:
        for index, records in shards(read_inputs(paths, source, lambda reason: None), options.shard_size, options.shard_chars):
            yield _indexed, (learn_shard, index, config, records)

    def handle(result: tuple[int, int, TemplateLearner]) -> None:
        nonlocal next_index
        index, n, learner = result
        waiting[index] = learner
        bar.update(n)
        while next_index in waiting:
            merged.merge(waiting.pop(next_index))
            next_index += 1

    try:
        run_tasks(engine, tasks(), handle)
    finally:
        bar.close()
    templates = merged.templates(min_pages=options.template_min_pages, min_share=options.template_min_share)
    out.write(saved, json.dumps(templates.to_dict()).encode("utf-8"))
    return templates


def _indexed(fn: Callable[..., Any], index: int, config: Config, records: list[Record]) -> tuple[int, int, Any]:
    return index, len(records), fn(config, records)


def run_batch(inputs: list[str], out_dir: str | Path, *, config: Optional[Config] = None,
              options: BatchOptions = BatchOptions(), source: SourceOptions = SourceOptions(),
              engine: Optional[Engine] = None, workers: int = 1, progress: bool = False) -> Summary:
    """Clean every record of ``inputs`` into ``out_dir``; resumes a previous run of the same job.

    Raises :class:`~declutter.sources.SourceError` or :class:`BatchError` with a message for a person;
    ``KeyboardInterrupt`` leaves only complete shards behind.
    """
    paths = check_inputs(list(inputs))
    config = config or Config()
    config = dataclasses.replace(config, output="markdown" if config.output == "markdown" else "text")  # rows hold text
    out = OutDir(Path(out_dir))
    out.claim(job_description(paths, config, options, source), comparable=comparable_job)
    engine = engine if engine is not None else local_engine(workers)
    summary = Summary()
    start = time.perf_counter()
    try:
        if options.site_templates:
            config = dataclasses.replace(config, site_templates=_learn_templates(paths, config, options, source, engine, out, progress))
        _clean_all(paths, config, options, source, engine, out, summary, progress)
    except KeyboardInterrupt:
        out.remove_temporaries()
        raise
    finally:
        engine.close()
    summary.seconds = time.perf_counter() - start
    if summary.records != summary.cleaned + summary.errors:  # would be a bug in this module, never bad input
        raise BatchError(f"accounting mismatch: {summary.records} records, {summary.cleaned} cleaned, {summary.errors} errors")
    out.finish(summary.shards, summary)
    return summary


def _clean_all(paths: list[Path], config: Config, options: BatchOptions, source: SourceOptions, engine: Engine,
               out: OutDir, summary: Summary, progress: bool) -> None:
    bar = _Bar(progress, "cleaning")

    def count(records: int, cleaned: int, errors: int, truncated: int) -> None:
        summary.records += records
        summary.cleaned += cleaned
        summary.errors += errors
        summary.truncated += truncated
        bar.update(records)

    def skip(reason: str) -> None:
        summary.skipped[reason] = summary.skipped.get(reason, 0) + 1

    def tasks() -> Iterator[tuple[Callable[..., Any], tuple]]:
        for index, records in shards(read_inputs(paths, source, skip), options.shard_size, options.shard_chars):
            summary.shards += 1
            done = out.done(index)
            if done is not None and done.get("records") == len(records):
                summary.shards_resumed += 1
                summary.records_resumed += done["records"]
                count(done["records"], done["cleaned"], done["errors"], done.get("truncated", 0))
                continue
            yield clean_shard, (config, index, records, options.explain, options.metadata)

    def handle(result: ShardResult) -> None:
        out.store(result)
        count(result.records, result.cleaned, len(result.errors), result.truncated)

    try:
        run_tasks(engine, tasks(), handle)
    finally:
        bar.close()

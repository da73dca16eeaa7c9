"""Run one system over many inputs in a forked child process, page by page.

Why a child process: peak memory is then the child's own high-water mark (``ru_maxrss``) minus what it
inherited at fork, which counts C allocations (lxml, resiliparse) that ``tracemalloc`` cannot see, and
every system starts from the same heap instead of reusing memory freed by the one before it. It also
contains failures: a page that raises counts as empty output; a page that kills the process (a crash in
a native extension) or runs past the per-page timeout is recorded as failed and a fresh child carries on
with the next page. The child's stdout and stderr go to /dev/null, so peers that print warnings cannot
corrupt ``--json`` output.

Without ``fork`` (Windows) the system runs in this process and peak memory is reported as unknown.
"""
from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

Extract = Callable[[str, Optional[str]], str]


@dataclass
class SystemRun:
    """What one system produced: one output per input ('' where it failed), and how long it took."""

    outputs: list[str]
    seconds: float = 0.0                      # sum of the system's own calls only
    peak_mb: Optional[float] = None           # extra resident memory over what the child inherited
    failures: list[tuple[int, str]] = field(default_factory=list)  # (input index, error)
    skipped: Optional[str] = None             # the system could not start at all (e.g. peer missing)


def _maxrss_mb() -> float:
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB elsewhere


def _call(extract: Extract, data: str, lang: Optional[str]) -> tuple[str, float, Optional[str]]:
    t0 = time.perf_counter()
    try:
        out = extract(data, lang)
        error = None if isinstance(out, str) else f"returned {type(out).__name__}, not str"
    except Exception as exc:  # a peer failing on one page must not stop the benchmark
        out, error = "", f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - t0
    return (out if error is None else ""), seconds, error


def _child(conn, make: Callable[[], Extract], inputs: Sequence[tuple[str, Optional[str]]], start: int) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    base = _maxrss_mb()
    try:
        extract = make()
    except Exception as exc:
        conn.send(("skip", f"{type(exc).__name__}: {exc}"))
        return
    for i in range(start, len(inputs)):
        conn.send(("page", i) + _call(extract, *inputs[i]))
    conn.send(("done", max(0.0, _maxrss_mb() - base)))


def run_in_process(make: Callable[[], Extract], inputs: Sequence[tuple[str, Optional[str]]]) -> SystemRun:
    """Fallback without fork: same accounting, no memory figure, no protection against hard crashes."""
    run = SystemRun(outputs=[""] * len(inputs))
    try:
        extract = make()
    except Exception as exc:
        run.skipped = f"{type(exc).__name__}: {exc}"
        return run
    for i, (data, lang) in enumerate(inputs):
        with contextlib.redirect_stdout(io.StringIO()):  # peers' warnings must not corrupt --json output
            out, seconds, error = _call(extract, data, lang)
        run.outputs[i], run.seconds = out, run.seconds + seconds
        if error:
            run.failures.append((i, error))
    return run


def run_isolated(make: Callable[[], Extract], inputs: Sequence[tuple[str, Optional[str]]],
                 page_timeout: float = 120.0) -> SystemRun:
    """Run ``make()``'s extract function over ``inputs`` ((data, lang) pairs) in forked children."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return run_in_process(make, inputs)
    ctx = multiprocessing.get_context("fork")
    run = SystemRun(outputs=[""] * len(inputs))
    reported: set[int] = set()
    peaks: list[float] = []
    start = 0
    while True:
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(send, make, inputs, start), daemon=True)
        proc.start()
        send.close()
        status = _drain(recv, run, reported, peaks, page_timeout)
        recv.close()
        if status != "ok":
            proc.kill()
        proc.join()
        failed = next((i for i in range(start, len(inputs)) if i not in reported), None)
        if status in ("ok", "skip") or failed is None:
            break
        reason = f"timed out after {page_timeout:g}s" if status == "timeout" else \
            f"the process died (exit code {proc.exitcode})"
        run.failures.append((failed, reason))
        reported.add(failed)
        start = failed + 1
    run.peak_mb = max(peaks) if peaks else None
    return run


def _drain(recv, run: SystemRun, reported: set[int], peaks: list[float], page_timeout: float) -> str:
    """Read the child's messages into ``run`` and ``reported``: 'ok', 'skip', 'timeout' or 'died'."""
    while True:
        if not recv.poll(page_timeout):
            return "timeout"
        try:
            msg = recv.recv()
        except (EOFError, OSError):
            return "died"
        if msg[0] == "skip":
            run.skipped = msg[1]
            return "skip"
        if msg[0] == "done":
            peaks.append(msg[1])
            return "ok"
        _, i, out, seconds, error = msg
        run.outputs[i], run.seconds = out, run.seconds + seconds
        reported.add(i)
        if error:
            run.failures.append((i, error))

"""Run a batch job on a Dask distributed cluster: each shard is one task, results come back to the client.

Install with ``pip install 'declutter[dask]'`` on the client and on every worker (the workers import
declutter to clean). The client reads the inputs and writes ``OUT_DIR``, workers only compute, so no
shared file system is needed and the output is byte-identical to a local run of the same job.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from .outdir import BatchError


class DaskEngine:
    """An engine (see :class:`declutter.batch.Engine`) over a ``distributed.Client``.

    ``scheduler`` is an address (``tcp://host:8786``) or a ready ``Client`` (then the caller closes it).
    ``slots`` shards are kept in flight; the default, twice the cluster's threads, keeps every worker busy
    while bounding the client's memory. ``timeout`` bounds the wait for the scheduler to answer.
    """

    def __init__(self, scheduler: Any, slots: Optional[int] = None, timeout: str = "30s"):
        try:
            from distributed import Client
        except ImportError:
            raise BatchError("--engine dask needs Dask: pip install 'declutter[dask]'") from None
        self._owned = not isinstance(scheduler, Client)
        try:
            self._client = Client(scheduler, timeout=timeout) if self._owned else scheduler
        except (OSError, TimeoutError) as exc:
            raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        threads = sum(self._client.nthreads().values())
        if threads == 0:
            raise BatchError(f"the Dask cluster at {self._client.scheduler.address} has no workers")
        self.slots = slots or 2 * threads
        self._futures: set = set()  # a distributed future that nobody holds is cancelled
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], args: tuple, done: Callable[[Any, Optional[BaseException]], None]) -> None:
        # Records travel as scattered data, not inside the task graph (which is meant to stay small).
        args = tuple(self._client.scatter([a])[0] if isinstance(a, list) else a for a in args)
        future = self._client.submit(fn, *args, pure=False)
        with self._lock:
            self._futures.add(future)

        def finished(f) -> None:
            with self._lock:
                self._futures.discard(f)
            if f.status == "finished":
                done(f.result(), None)
            else:
                done(None, f.exception() if f.status == "error" else RuntimeError(f"task {f.status}"))

        future.add_done_callback(finished)

    def close(self) -> None:
        with self._lock:
            pending = list(self._futures)
            self._futures.clear()
        if pending:
            self._client.cancel(pending)
        if self._owned:
            self._client.close()

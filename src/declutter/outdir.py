"""The output folder of a batch job: shard files that are complete by name, and the job's identity.

Each file is written under a temporary name, flushed to disk and renamed, so a crash or Ctrl-C can leave
a temporary file behind but never a half-written file under a final name; a shard counts as done only
when its ``.done.json`` marker, written after its data and error files, exists.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:
    from .batch import ShardResult, Summary


def json_line(obj: Any) -> bytes:
    """``obj`` as one line of UTF-8 JSON, without the newline.

    A string holding a lone surrogate (an id or URL given as a JSON "\\ud800" escape, a file name that is
    not UTF-8) has no UTF-8 form; such a row is written with ASCII escapes instead, which any JSON reader
    returns as the string it was given.
    """
    try:
        return json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj).encode("ascii")


class BatchError(RuntimeError):
    """The job cannot start or go on (unwritable output, another job's output, a dead worker)."""


class OutDir:
    """``OUT_DIR``: shard files written under a temporary name and renamed, so a name means complete."""

    def __init__(self, path: Path):
        self.path = path
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise BatchError(f"cannot write to output directory {path}: {exc.strerror or exc}") from None

    def shard(self, index: int, suffix: str) -> Path:
        return self.path / f"shard-{index:05d}{suffix}"

    def write(self, target: Path, data: bytes) -> None:
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)

    def claim(self, job: dict[str, Any], comparable: Callable[[Any], Any] = lambda job: job) -> None:
        """Record the job's settings, or refuse a folder that holds another job's output. ``comparable``:
        what of a job decides its output (a job.json written by an earlier version holds settings that
        have since been added or that do not apply)."""
        target = self.path / "job.json"
        if target.exists():
            try:
                old = json.loads(target.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = None
            if not isinstance(old, dict) or comparable(old) != comparable(job):
                raise BatchError(f"{self.path} holds the output of a different job (see its job.json); "
                                 "use another output directory or remove it")
            return
        self.write(target, json.dumps(job, indent=1).encode("utf-8"))

    def done(self, index: int) -> Optional[dict[str, Any]]:
        """The counts of a completed shard, or None when it has to be (re)done."""
        marker = self.shard(index, ".done.json")
        if not (marker.exists() and self.shard(index, ".jsonl.gz").exists() and self.shard(index, ".errors.jsonl").exists()):
            return None
        try:
            return json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def store(self, result: ShardResult) -> None:
        """Write a shard: data, then errors, then the marker that says both are complete."""
        self.write(self.shard(result.index, ".jsonl.gz"), result.data)
        rows = b"".join(json_line(e) + b"\n" for e in result.errors)
        self.write(self.shard(result.index, ".errors.jsonl"), rows)
        counts = {"records": result.records, "cleaned": result.cleaned, "errors": len(result.errors),
                  "truncated": result.truncated}
        self.write(self.shard(result.index, ".done.json"), json.dumps(counts).encode("utf-8"))

    def finish(self, shards: int, summary: Summary) -> None:
        """Gather the shards' error rows into ``errors.jsonl`` and write ``summary.json``."""
        tmp = self.path / f"errors.jsonl.tmp-{os.getpid()}"
        with open(tmp, "wb") as out:
            for index in range(shards):
                out.write(self.shard(index, ".errors.jsonl").read_bytes())
        os.replace(tmp, self.path / "errors.jsonl")
        self.write(self.path / "summary.json", json.dumps(summary.to_dict(), indent=1).encode("utf-8"))

    def remove_temporaries(self) -> None:
        for tmp in self.path.glob(f"*.tmp-{os.getpid()}"):
            tmp.unlink(missing_ok=True)

"""Read labelled pages: the JSONL(.gz) format of ``../shared/data/README.md`` and plain fixture folders.

JSONL: one object per line with ``id``, ``html``, ``text``, ``gold`` and optional ``url``, ``lang``,
``page_type``, ``with``, ``without``, ``labels``. Folder: ``NAME.html`` and/or ``NAME.txt`` with
``NAME.gold.txt`` and optionally ``NAME.labels.txt`` (one ``1``/``0`` per non-empty line of ``NAME.txt``).
Malformed records raise :class:`DatasetError` naming the file and line, never a bare ``KeyError``.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional


class DatasetError(ValueError):
    """A dataset file or record that cannot be read; the message names the file and line."""


@dataclass
class LabelledPage:
    id: str
    dataset: str
    text: str
    gold: str
    html: Optional[str] = None
    url: Optional[str] = None
    lang: Optional[str] = None
    page_type: Optional[str] = None
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    labels: Optional[list[int]] = None


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig")
    if path.suffix == ".zst":
        import io

        from .zstdframes import ZstdFrames

        raw = open(path, "rb")
        try:
            frames = ZstdFrames(raw)  # every frame, and EOFError where one is cut short, as gzip.open gives
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raw.close()
            raise DatasetError(f"{path}: reading .zst needs the 'zstandard' package (pip install declutter[batch])") from exc
        return io.TextIOWrapper(io.BufferedReader(frames, 1 << 16), encoding="utf-8-sig")
    return open(path, encoding="utf-8-sig")  # "-sig": a BOM that Windows tools write first is not part of line 1


def _record_to_page(obj: object, where: str, dataset: str) -> LabelledPage:
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    if "gold" not in obj or not isinstance(obj["gold"], str):
        raise DatasetError(f"{where}: missing or non-string field 'gold'")
    text, html = obj.get("text"), obj.get("html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise DatasetError(f"{where}: needs a string 'text' or 'html' field")
    return LabelledPage(
        id=str(obj.get("id") or where),
        dataset=str(obj.get("dataset") or dataset),
        text=text if isinstance(text, str) else "",
        gold=obj["gold"],
        html=html if isinstance(html, str) else None,
        url=obj.get("url"),
        lang=obj.get("lang"),
        page_type=obj.get("page_type"),
        with_=list(obj.get("with") or []),
        without=list(obj.get("without") or []),
        labels=obj.get("labels"),
    )


def dataset_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".zst", ".jsonl", ".json"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def read_jsonl(path: str | Path) -> Iterator[LabelledPage]:
    path = Path(path)
    name = dataset_name(path)
    try:
        with _open_text(path) as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    array = lineno == 1 and line.lstrip().startswith("[")
                    hint = " (a JSON array? JSONL holds one object per line)" if array else ""
                    raise DatasetError(f"{path}:{lineno}: invalid JSON ({exc.msg}){hint}") from None
                yield _record_to_page(obj, f"{path}:{lineno}", name)
    except (OSError, EOFError) as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from None


def read_folder(path: str | Path) -> Iterator[LabelledPage]:
    path = Path(path)
    for gold_path in sorted(path.glob("*.gold.txt")):
        stem = gold_path.name[: -len(".gold.txt")]
        txt, html = path / f"{stem}.txt", path / f"{stem}.html"
        if not txt.exists() and not html.exists():
            raise DatasetError(f"{gold_path}: no {stem}.txt or {stem}.html beside it")
        labels_path = path / f"{stem}.labels.txt"
        labels = None
        if labels_path.exists():
            labels = [int(x) for x in labels_path.read_text(encoding="utf-8-sig").split()]
        yield LabelledPage(
            id=f"{path.name}/{stem}",
            dataset=path.name,
            text=txt.read_text(encoding="utf-8-sig") if txt.exists() else "",
            gold=gold_path.read_text(encoding="utf-8-sig"),
            html=html.read_text(encoding="utf-8-sig", errors="replace") if html.exists() else None,
            labels=labels,
        )


def read_pages(path: str | Path) -> Iterator[LabelledPage]:
    """Pages from a JSONL(.gz/.zst) file or a fixture folder."""
    path = Path(path)
    if path.is_dir():
        yield from read_folder(path)
    elif path.exists():
        yield from read_jsonl(path)
    else:
        raise DatasetError(f"{path}: no such file or directory")

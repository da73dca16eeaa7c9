"""Present bench rows: terminal tables, the generated section of docs/benchmarks.md, a self-contained HTML report.

The HTML report embeds its data as JSON and draws the charts with a small script shipped in
``data/report.js`` (inline SVG, no external files, no network), so one file can be mailed or attached to
an issue and opens anywhere.
"""
from __future__ import annotations

import html
import json
import os
import platform
import re
import time
from importlib import resources
from pathlib import Path
from typing import Optional, Sequence

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
COLUMNS = (  # (header, Row field, format)
    ("dataset", "dataset", "{}"), ("track", "track", "{}"), ("system", "system", "{}"), ("pages", "pages", "{}"),
    ("word F1", "word_f1", "{:.3f}"), ("P", "word_p", "{:.3f}"), ("R", "word_r", "{:.3f}"),
    ("snip F1", "snip_f1", "{:.3f}"), ("line F1", "line_f1", "{:.3f}"),
    ("pages/s", "pages_per_s", "{:.1f}"), ("peak MB", "peak_mb", "{:.0f}"),
)


def _cell(row, field: str, fmt: str) -> str:
    value = getattr(row, field)
    return "–" if value is None else fmt.format(value)


def _failed(row) -> str:
    if row.skipped:
        return f"skipped: {row.skipped}"
    if not row.failed:
        return ""
    errors = {f["error"] for f in row.failed}
    same = f" ({next(iter(errors))[:80]})" if len(errors) == 1 else ""
    return f"{len(row.failed)} failed{same}"


def _grid(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)]
    fmt = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in body])


def terminal_tables(rows: Sequence) -> str:
    """One table of every row, then word F1 per page type where datasets carry page types."""
    body = [[_cell(r, f, fmt) for _, f, fmt in COLUMNS] + [_failed(r)] for r in rows]
    parts = [_grid([h for h, _, _ in COLUMNS] + ["notes"], body)]
    typed = _page_type_cells(rows)
    if typed:
        parts += ["", "word F1 by page type (pages per type in brackets)", _grid(*typed)]
    failures = [f"  {r.system}/{r.track} on {f['id']}: {f['error']}" for r in rows for f in r.failed[:3]]
    if failures:
        parts += ["", "pages scored as empty output (first 3 per system):"] + failures
    return "\n".join(parts)


def _page_type_cells(rows: Sequence) -> Optional[tuple[list[str], list[list[str]]]]:
    """Header and body of the word-F1-by-page-type table; None when no dataset has page types."""
    types = sorted({t for r in rows for t in r.by_page_type})
    if not types:
        return None
    header = ["dataset", "track", "system"] + [f"{t} ({_type_pages(rows, t)})" for t in types]
    body = [[r.dataset, r.track, r.system] + [_f1(r.by_page_type.get(t)) for t in types]
            for r in rows if r.by_page_type]
    return header, body


def _f1(summary: Optional[dict]) -> str:
    return "–" if not summary or summary["word_f1"] is None else f"{summary['word_f1']:.3f}"


def _type_pages(rows: Sequence, page_type: str) -> int:
    return max((r.by_page_type[page_type]["pages"] for r in rows if page_type in r.by_page_type), default=0)


# -- run information ---------------------------------------------------------------------------------------
def run_info(adapters: Sequence, command: str) -> dict:
    """Versions, machine and command line, so every published number says where it came from."""
    from .peers import version_of

    versions = {a.package or "declutter": version_of(a) for a in adapters}
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": command,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "versions": dict(sorted(versions.items())),
    }


# -- docs/benchmarks.md ------------------------------------------------------------------------------------
def _md_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])


def markdown_section(rows: Sequence, meta: dict) -> str:
    """The generated part of docs/benchmarks.md (between the bench markers)."""
    body = [[_cell(r, f, fmt) for _, f, fmt in COLUMNS] + [_failed(r)] for r in rows]
    parts = [
        f"Generated {meta['date']} on {meta['machine']} by:",
        "", "```bash", meta["command"], "```", "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".", "",
        "**declutter's shipped model was trained on these datasets, so its rows here are training-set numbers.** "
        "Held-out numbers come from `declutter train --cv 5` (docs/model.md). Peers and baselines never saw them.",
        "", _md_table([h for h, _, _ in COLUMNS] + ["notes"], body),
    ]
    typed = _page_type_cells(rows)
    if typed:
        parts += ["", "Word F1 by page type (pages per type in brackets):", "", _md_table(*typed)]
    return "\n".join(parts)


def write_docs(path: Path, section: str) -> None:
    """Replace the text between the bench markers of ``path``; everything outside them is left as it is.

    Markers count only on lines of their own, so prose that quotes them stays prose. A missing file is
    created with a title; a file without markers gets the section appended.
    """
    block = f"{START}\n{section}\n{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    match = re.search(rf"^{re.escape(START)}[ \t]*$.*?^{re.escape(END)}[ \t]*$", text, re.MULTILINE | re.DOTALL)
    if match:
        text = text[: match.start()] + block + text[match.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- HTML --------------------------------------------------------------------------------------------------
_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1,h2{font-weight:600} table{border-collapse:collapse} td,th{padding:2px 8px;border-bottom:1px solid #ddd}
.charts{display:flex;flex-wrap:wrap;gap:24px} .chart text{font-size:11px}
.worst{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin-bottom:2em}
.worst pre,.worst ol{white-space:pre-wrap;font-size:12px;max-height:30em;overflow:auto;border:1px solid #ccc;padding:6px;margin:0}
.worst ol{padding-left:3em} .keep-gold{background:#dfd} .keep-boiler{background:#fcc}
.drop-gold{background:#fe9;text-decoration:line-through} .drop-boiler{color:#999;text-decoration:line-through}
.legend span{padding:0 6px;margin-right:8px}
"""


def _json_for_script(data) -> str:
    """JSON that cannot close the <script> element it sits in."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_report(rows: Sequence, worst: Sequence[dict], meta: dict) -> str:
    """A single HTML file: per-dataset bar charts, quality-vs-speed scatter, the worst pages side by side."""
    script = (resources.files("declutter") / "data" / "report.js").read_text(encoding="utf-8")
    data = {"rows": [r.to_dict() for r in rows], "worst": list(worst), "meta": meta}
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>declutter bench</title><style>{_CSS}</style></head>
<body>
<h1>declutter bench</h1>
<p>{html.escape(meta['date'])} · {html.escape(meta['machine'])}<br><code>{html.escape(meta['command'])}</code></p>
<p>declutter's shipped model was trained on the project's datasets: on them its scores are training-set numbers.</p>
<h2>Word F1 per dataset</h2><div id="bars" class="charts"></div>
<h2>Quality vs speed</h2><div id="scatter-box"></div>
<h2>Worst pages for declutter</h2>
<p class="legend"><span class="keep-gold">kept, gold</span><span class="keep-boiler">kept, not gold</span>
<span class="drop-gold">dropped, gold</span><span class="drop-boiler">dropped, not gold</span></p>
<div id="worst"></div>
<noscript>The charts need JavaScript; the data is in the bench-data element of this file.</noscript>
<script type="application/json" id="bench-data">{_json_for_script(data)}</script>
<script>{script}</script>
</body></html>
"""

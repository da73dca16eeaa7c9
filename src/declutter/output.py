"""Render the kept lines of an annotated :class:`~declutter.page.Page` as Markdown.

Structure comes from the DOM evidence of HTML input: headings become ``#`` lines, list items ``- `` lines,
``pre`` blocks fenced code with their indentation. Plain-text input has no such evidence, so its Markdown is
its paragraphs. JSON output is :meth:`declutter.page.Analysis.to_dict`.
"""
from __future__ import annotations

import re
from typing import Optional

from .page import DomEvidence, Page


def _fence(code: list[str]) -> str:
    """A fenced block, with a fence longer than any backtick run inside the code."""
    longest = max((len(run) for line in code for run in re.findall("`+", line)), default=0)
    ticks = "`" * max(3, longest + 1)
    return "\n".join([ticks, *code, ticks])


def _block(line: str, dom: Optional[DomEvidence]) -> tuple[str, str]:
    """The Markdown of one non-code line and its kind ("heading", "item" or "para")."""
    if dom is not None and dom.heading:
        return "heading", "#" * dom.heading + " " + line
    if dom is not None and dom.is_list_item:
        return "item", "- " + line
    return "para", line


def to_markdown(page: Page) -> str:
    """The kept lines as Markdown; blocks separated by a blank line, list items by a newline."""
    assert page.keep is not None, "to_markdown() needs an annotated page"
    dom = page.dom if page.dom is not None else [None] * len(page.lines)
    gaps = page.gaps if page.gaps is not None else [True] * len(page.lines)
    blocks: list[str] = []
    code: list[str] = []
    last_kind = ""
    for line, keep, ev, gap in zip(page.lines, page.keep, dom, gaps):
        if not keep:
            continue
        if ev is not None and ev.is_pre:
            if code and gap:
                blocks.append(_fence(code))
                code = []
            code.append(line)
            last_kind = "code"
            continue
        if code:
            blocks.append(_fence(code))
            code = []
        kind, text = _block(line, ev)
        if kind == "item" and last_kind == "item" and not gap:
            blocks[-1] += "\n" + text
        else:
            blocks.append(text)
        last_kind = kind
    if code:
        blocks.append(_fence(code))
    return "\n\n".join(blocks)


def to_text(page: Page) -> str:
    """The kept lines as plain text: paragraphs separated by a blank line, ``pre`` lines by a newline.

    A code block is several lines of one block (``is_pre``, no gap between them); separating them with blank
    lines would break the code, so they stay together.
    """
    assert page.keep is not None, "to_text() needs an annotated page"
    if page.dom is None or page.gaps is None:
        return "\n\n".join(line for line, k in zip(page.lines, page.keep) if k)
    parts: list[str] = []
    prev_pre = False
    for line, keep, ev, gap in zip(page.lines, page.keep, page.dom, page.gaps):
        if not keep:
            prev_pre = False
            continue
        if parts:
            parts.append("\n" if ev.is_pre and prev_pre and not gap else "\n\n")
        parts.append(line)
        prev_pre = ev.is_pre
    return "".join(parts)

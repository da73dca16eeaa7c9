"""The one data structure every stage reads and annotates: a page's lines with their evidence and decisions.

Stages fill it in one direction: reading sets ``lines`` (and ``dom`` for HTML), the rule engine sets
``rule_*``, feature extraction ``features``, the model ``probs``, the sequence step ``smoothed``, and the
decision step ``keep`` and ``reasons``. Columns are plain lists / numpy arrays so a page of thousands of
lines costs no per-line objects until a caller asks for :class:`LineDecision` rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import numpy as np

from .metadata import Metadata

# What the rule engine can say about a line.
NO_RULE, DROP, KEEP, SOFT_DROP, SOFT_KEEP, TERMINATOR = 0, 1, 2, 3, 4, 5


@dataclass
class DomEvidence:
    """What the HTML around a line says about it (HTML input only)."""

    tag: str = ""                 # the block element that produced the line (p, li, h2, td, pre, ...)
    path: str = ""                # short tag path from <body>, e.g. "div>article>p"
    link_density: float = 0.0     # share of the line's characters inside <a>
    in_boiler_tag: bool = False   # inside nav/footer/aside/header/form/menu
    in_main_tag: bool = False     # inside article/main/[role=main]
    class_score: float = 0.0      # class/id words: negative = boilerplate (share, related), positive = body
    heading: int = 0              # 1-6 for h1-h6, else 0
    is_list_item: bool = False
    is_pre: bool = False
    depth: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Page:
    """A page under analysis: one entry per non-empty line, in reading order."""

    lines: list[str]
    gaps: Optional[list[bool]] = None         # a blank line (or block boundary) precedes the line
    source: str = "text"                      # "text" or "html"
    lang: Optional[str] = None
    title: Optional[str] = None
    url: Optional[str] = None
    base_href: Optional[str] = None           # an HTML page's <base href>: relative links' and canonical's base
    metadata: Metadata = field(default_factory=Metadata)  # what an HTML page declares about itself
    dom: Optional[list[DomEvidence]] = None
    rule_action: Optional[np.ndarray] = None  # int8 per line: NO_RULE, DROP, KEEP, SOFT_DROP, SOFT_KEEP, TERMINATOR
    rule_name: Optional[list[Optional[str]]] = None
    templated: Optional[np.ndarray] = None    # bool per line: a site template turned an open line into DROP
    features: Optional[np.ndarray] = None     # float32 [n_lines, n_features]
    probs: Optional[np.ndarray] = None        # model P(body) per line
    smoothed: Optional[np.ndarray] = None     # P(body) after the sequence step
    keep: Optional[np.ndarray] = None         # bool per line
    reasons: Optional[list[str]] = None
    words: Optional[np.ndarray] = None        # words per line as the metric counts them (feature pass)
    cut: Optional[float] = None               # the probability from which model-decided lines were kept
    reads_clean: bool = False                 # kept whole: no boilerplate rule matched (Config.keep_clean_pages)
    parts: int = 1                            # judged in this many parts (a very long page: declutter.parts)

    def __len__(self) -> int:
        return len(self.lines)


def join_kept(lines: Iterable[str], keep: Iterable[bool], joins: Iterable[bool]) -> str:
    """The kept lines, each after a blank line, or after a newline where ``joins`` says it continues the
    code line before it (``output.code_continuations``): the text :func:`declutter.clean` returns."""
    parts: list[str] = []
    for line, kept, join in zip(lines, keep, joins):
        if kept:
            if parts:
                parts.append("\n" if join else "\n\n")
            parts.append(line)
    return "".join(parts)


@dataclass(frozen=True)
class LineDecision:
    """One line of an :class:`Analysis`: what was decided and why."""

    index: int
    text: str
    keep: bool
    prob: float
    reason: str
    rule: Optional[str] = None
    joins: bool = False  # a kept code line that continues the kept code line before it (a newline, not a blank line)


@dataclass(frozen=True)
class Analysis:
    """Result of :func:`declutter.analyze`: every line with its decision, probability and reason."""

    lines: tuple[LineDecision, ...]
    lang: Optional[str]
    source: str
    title: Optional[str] = None
    metadata: Metadata = field(default_factory=Metadata)  # author, date, description, site name, URL (HTML pages)
    cut: Optional[float] = None  # the probability model-decided lines were kept from (the page's cut or the threshold;
    #                              None for a page judged in parts whose cuts differ: declutter.parts)
    reads_clean: bool = False    # the page read as already clean and was kept whole (Config.keep_clean_pages)
    parts: int = 1               # a page longer than Config.max_page_lines is judged in parts (declutter.parts)

    @property
    def kept(self) -> list[LineDecision]:
        return [d for d in self.lines if d.keep]

    @property
    def dropped(self) -> list[LineDecision]:
        return [d for d in self.lines if not d.keep]

    @property
    def text(self) -> str:
        """The kept lines as :func:`declutter.clean` returns them: blocks apart by a blank line, the lines of
        a code block by a newline."""
        return join_kept((d.text for d in self.lines), (d.keep for d in self.lines), (d.joins for d in self.lines))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            **self.metadata.to_dict(),
            "lang": self.lang,
            "source": self.source,
            "cut": None if self.cut is None else round(self.cut, 4),
            "reads_clean": self.reads_clean,
            "parts": self.parts,
            "text": self.text,
            "lines": [
                {"index": d.index, "text": d.text, "keep": d.keep, "prob": round(d.prob, 4), "reason": d.reason, "rule": d.rule}
                for d in self.lines
            ],
        }

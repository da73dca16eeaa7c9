"""One explicit, frozen configuration object for a :class:`~declutter.Cleaner`.

Every stage reads its knobs from here instead of from module globals, so two cleaners with different
settings can run side by side in one process (or thread) without interfering.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Union

from .language import normalized_language

RuleSource = Union[str, Path, Mapping[str, Any]]


@dataclass(frozen=True)
class Config:
    """Settings of one cleaner.

    threshold: the single precision/recall knob. None (the default) keeps, on each page, the lines from
        the cut that maximises that page's expected word F1 (declutter.decide.expected_f1_cut): a page
        the model is sure of keeps only its sure lines, a page where it hesitates keeps more. A number
        keeps every line whose smoothed body probability reaches it, the same cut on every page: raise it
        for cleaner output, lower it to lose less text.
    favor: what each page's cut (threshold None) is for: "balanced" (the default) word F1, "recall" F2
        (lose less text: retrieval, RAG, archiving), "precision" F0.5 (keep less boilerplate: a training
        corpus); decide.FAVOR_BETA holds the F-beta each cut maximises. Unlike a fixed threshold, every page
        still gets its own cut. Set with a fixed threshold, it is refused: the threshold decides every page.
    language: ISO 639-1 code ("en", "de", ...) or "auto" to detect it from stopwords per page. Read
        case-insensitively; a region tag ("en-US", "pt_BR") and jusText's English names ("German") give
        the language's code. A code with neither a stoplist nor rules of its own is refused by the Cleaner,
        since its stopword features would silently be zero.
    extra_rules: rule files (TOML) or dicts in the rule schema (docs/rules.md), applied after the shipped
        rules; a rule with the same name as a shipped one replaces it.
    smoothing: run the sequence step (forward-backward over keep/drop states) so decisions are coherent along the
        page; off gives the per-line model decision.
    sequence_stay: the chance, in the sequence step, that the next line keeps the current line's state.
        The training labels' own rate (about 0.94) over-smooths: the model's second stage already reads
        its neighbours' probabilities, so the chain needs only a light hand. 0.7 was
        chosen by domain-grouped cross-validation (docs/model.md); None uses the rate stored in the model.
    max_line_chars: lines longer than this are cut into chunks before analysis, so one huge line cannot
        make feature extraction quadratic; the text itself is never dropped for being long.
    max_page_lines: a page of more lines than this is judged in parts of at most this many lines, each
        as a page of its own, cut at block boundaries (declutter.parts): memory grows with the page (a few
        KB a line), and no web page is this long (the longest labelled page has 2,650 lines), so such input
        is a concatenation whose parts are better judged apart. Nothing is dropped for length.
    drop_repeats: drop runs of two or more kept lines (ten words or more) that repeat earlier kept lines:
        a page's second copy of its content (responsive layouts, quoted posts). False keeps every copy.
    keep_clean_pages: a plain-text page on which no boilerplate rule matched (no drop, soft-drop or
        terminator hit), in a language the rules cover, reads as already clean and is kept whole. Scraped
        pages almost always hold a menu, a share button or a copyright line the rules know; text that has
        none of them is usually already an article body (the output of a cleaner, a corpus that was cleaned
        before), and the model alone would still cut about 6% of it (docs/model.md, "Already-clean
        input"). HTML pages are always judged line by line: their boilerplate is told by markup more often
        than by words. False lets the model judge every line of every page.
    output: "text" (paragraphs separated by a blank line), "markdown" or "json".
    markdown_links: Markdown output writes an HTML page's links as ``[text](url)``, a relative URL made
        absolute against the ``url`` passed to ``clean``. Off by default: most pipelines want the text, and
        a link's words are the same either way.
    markdown_emphasis: Markdown output writes an HTML page's ``strong``/``b`` as ``**bold**`` and ``em``/``i``
        as ``*italic*`` (not in headings, and not where CommonMark would read the marks as plain asterisks).
        On by default, as Markdown output is for a reader of the formatting; False gives plain words.
    markdown_front_matter: Markdown output opens with YAML front matter: the page's title, author, date,
        site name, description, URL and language, where known (``output.front_matter``); for pipelines that
        keep each document's source beside its text (search, RAG). Off by default.
    markdown_images: Markdown output writes an HTML page's images as ``![alt](src)`` (a relative address made
        absolute against ``url``), where they stand in a kept line, or before the kept line that follows an
        image with no text of its own (a figure before its caption). 1-pixel trackers and inline ``data:``
        images are left out. Off by default: most pipelines want the text.
    input_format: "auto" (sniff HTML, Markdown or plain text), "text", "html" or "markdown" (plain text whose
        Markdown links, images, heading and list marks are taken off first: :mod:`declutter.markdown`).
    model_path: a model file written by ``declutter train``; None uses the model shipped in the package.
    """

    threshold: float | None = None
    favor: str = "balanced"
    language: str = "auto"
    extra_rules: tuple[RuleSource, ...] = ()
    smoothing: bool = True
    sequence_stay: float | None = 0.7
    max_line_chars: int = 20_000
    max_page_lines: int = 20_000
    drop_repeats: bool = True
    keep_clean_pages: bool = True
    output: str = "text"
    markdown_links: bool = False
    markdown_emphasis: bool = True
    markdown_front_matter: bool = False
    markdown_images: bool = False
    input_format: str = "auto"
    model_path: str | None = None
    site_templates: Mapping[str, Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "language", normalized_language(self.language))
        for name in ("smoothing", "drop_repeats", "keep_clean_pages", "markdown_links", "markdown_emphasis",
                     "markdown_front_matter", "markdown_images"):
            if not isinstance(getattr(self, name), bool):  # smoothing="no" must not read as True
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        for name in ("threshold", "sequence_stay"):
            object.__setattr__(self, name, _number(name, getattr(self, name), float))
        for name in ("max_line_chars", "max_page_lines"):
            object.__setattr__(self, name, _number(name, getattr(self, name), int))
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be None (per-page cut) or within [0, 1], got {self.threshold!r}")
        if self.favor not in FAVORS:
            raise ValueError(f"favor must be one of {', '.join(map(repr, FAVORS))}, got {self.favor!r}")
        if self.threshold is not None and self.favor != "balanced":
            raise ValueError(f"favor={self.favor!r} moves the per-page cut, which threshold={self.threshold!r} "
                             "replaces: set one of them")
        if self.sequence_stay is not None and not 0.0 < self.sequence_stay < 1.0:
            raise ValueError(f"sequence_stay must be within (0, 1) or None, got {self.sequence_stay!r}")
        check_output(self.output)
        if self.input_format not in INPUT_FORMATS:
            raise ValueError(f"input_format must be one of {', '.join(map(repr, INPUT_FORMATS))}, "
                             f"got {self.input_format!r}")
        if self.max_line_chars < 100:
            raise ValueError(f"max_line_chars must be >= 100, got {self.max_line_chars!r}")
        if self.max_page_lines < 100:
            raise ValueError(f"max_page_lines must be >= 100, got {self.max_page_lines!r}")
        if self.extra_rules is None:
            object.__setattr__(self, "extra_rules", ())
        elif isinstance(self.extra_rules, (str, Path, Mapping)):
            object.__setattr__(self, "extra_rules", (self.extra_rules,))
        else:
            try:
                object.__setattr__(self, "extra_rules", tuple(self.extra_rules))
            except TypeError:
                raise TypeError("extra_rules must be a rule file path, a dict, or a sequence of them, "
                                f"got {type(self.extra_rules).__name__}") from None


def _number(name: str, value: Any, kind: type) -> Any:
    """``value`` as a Python ``kind`` (numpy scalars included); None stays None for the float settings.

    A bool is refused although Python counts it as a number: ``threshold=True`` is a mistake, not 1.0.
    A whole-number setting refuses a fraction (500.5 characters) instead of rounding it silently.
    """
    if value is None and kind is float:
        return None
    ok = numbers.Real if kind is float else numbers.Integral
    if isinstance(value, bool) or not isinstance(value, ok):
        what = "a number" if kind is float else "a whole number"
        raise TypeError(f"{name} must be {what}{' or None' if kind is float else ''}, got {value!r}")
    return kind(value)


OUTPUTS = ("text", "markdown", "json")
FAVORS = ("balanced", "precision", "recall")  # decide.FAVOR_BETA holds what each maximises
INPUT_FORMATS = ("auto", "text", "html", "markdown")


def check_output(output: object) -> str:
    """``output`` if it names an output format, else a ValueError that lists them."""
    if output not in OUTPUTS:
        raise ValueError(f"output must be 'text', 'markdown' or 'json', got {output!r}")
    return output  # type: ignore[return-value]

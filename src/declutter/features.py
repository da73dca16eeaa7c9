"""Features of each line and its neighbours, shared by training and inference.

``line_stats`` makes one pass over the lines and gathers the raw counts every feature needs (that pass is
the cost of feature extraction); each feature is then a small named function from :class:`LineStats` to
one numpy column, testable alone. ``feature_matrix`` stacks the per-line features and the same features
of the neighbouring lines (context), giving the model what jusText's second pass and boilerpipe's
previous/next-block features give those systems.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from . import chars, language, lexicon, linecounts
from .page import DROP, KEEP, SOFT_DROP, SOFT_KEEP, TERMINATOR, DomEvidence, Page

_DIGIT = re.compile(r"\d")
# Capitalised word starts in the Latin, Greek and Cyrillic alphabets (one C-level findall per line).
_CAP = re.compile(r"(?<!\w)[A-ZÀ-ÖØ-ÞΑ-ΩА-ЯЁ]")
_SEPARATORS = re.compile(r"\s[|»›/·•>]\s|\s[|»›·•]|[|»›·•]\s")
_SENTENCE_END = tuple('.!?"”’\'):;')
_ELLIPSIS = ("...", "…", "[…]", "[...]", "..")
_SYMBOL_START = re.compile(r"^[^\w\"“‘'(]")
_URLISH = re.compile(r"https?://|www\.|\S@\S|\.(com|org|net|html?)\b", re.IGNORECASE)
# A character that counts as a word on a page in language.CHARACTER_WORD_LANGS: kana, Han and Hangul, and
# Thai's letters and the vowels that take a column of their own (not the marks above and below a letter).
_CHAR_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
                        r"\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e46]")


@dataclass
class LineStats:
    """Raw per-line counts, gathered once per page."""

    n: int
    chars: np.ndarray
    words: np.ndarray
    stops: np.ndarray
    caps: np.ndarray
    digits: np.ndarray
    commas: np.ndarray
    marks: np.ndarray          # sentence punctuation inside the line
    ends_sentence: np.ndarray
    ends_ellipsis: np.ndarray
    starts_symbol: np.ndarray
    separators: np.ndarray
    urlish: np.ndarray
    word_len: np.ndarray
    duplicated: np.ndarray
    topic_share: np.ndarray
    topic_strength: np.ndarray
    title_overlap: np.ndarray
    gap_before: np.ndarray
    gap_after: np.ndarray
    run_len: np.ndarray
    run_words: np.ndarray
    rule: np.ndarray           # rule action code per line
    cjk: bool
    tokens: tuple[list[str], np.ndarray]  # the page's lowercased words and the line of each (lexicon.page_tokens)
    first_at: Optional[np.ndarray] = None  # where each word first occurs (linecounts.Tokens), when known


def _count_words(line: str, lower: str, cjk: bool, words: re.Pattern[str]) -> list[str]:
    """The line's words, or on a page written without spaces between words (``cjk``) its other words and one
    stand-in per CJK or Thai character: each CJK character counts as a word, as in the project's metric.

    Thai is counted the same way. Read by its spaces, a Thai paragraph is a few long "words" (one per
    phrase), as short as a menu item by count: on a Thai news page the model kept the menu (login
    included, p 0.98) and two of three teasers after their heading. Counted by characters, the menu and
    the teasers go and the body stays (``tests/test_multilingual.py``); the labelled data holds no Thai
    page, so nothing the model learned changes.
    """
    toks = words.findall(lower)
    if cjk:
        extra = len(_CHAR_WORD.findall(line))
        if extra:
            toks = [t for t in toks if not _CHAR_WORD.search(t)] + ["\u4e00"] * extra
    return toks


def _runs(gap_before: np.ndarray, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length and mean word count of each line's run of lines with no blank line between them."""
    n = len(gap_before)
    if n == 0:
        return np.ones(0, dtype=np.float32), words.astype(np.float32)
    first = gap_before.astype(bool)
    first[0] = True
    starts = np.flatnonzero(first)
    length = np.diff(np.append(starts, n))
    # Word counts are whole numbers, so the float64 sum equals the float32 one that words[a:b].mean() takes.
    mean = np.add.reduceat(words.astype(np.float64), starts) / length
    run = np.cumsum(first) - 1
    return length[run].astype(np.float32), mean[run].astype(np.float32)


# A plain-text page where fewer lines than this follow a blank line carries no paragraph structure.
UNSTRUCTURED_GAP_RATE = 0.02


def block_starts(page: Page) -> np.ndarray:
    """1.0 for each line that starts a block (a blank line or a block boundary precedes it), else 0.0.

    Text in the training data's layout (html-text) puts blank lines around paragraphs and none inside a run
    of menu items, and the model reads that. Many extractors write no blank lines at all (Common Crawl's WET
    files, scrapers that join blocks with one newline); there a missing blank line says nothing, and read as
    given, one endless run of lines made the model drop body text. Such a text page is read as if every line
    were its own block, the layout the training pages come closest to: on wcxb-dev without its blank lines,
    with a model that never saw wcxb-dev, word F1 0.726 before and 0.812 now, against 0.814 as given
    (docs/benchmarks.md, "Text layouts").
    """
    n = len(page.lines)
    if page.gaps is None:
        return np.ones(n, dtype=np.float32)
    gaps = np.asarray(page.gaps, dtype=np.float32)
    if page.source == "text" and n > 1 and gaps[1:].mean() < UNSTRUCTURED_GAP_RATE:
        return np.ones(n, dtype=np.float32)
    return gaps


def line_stats(page: Page, view: Optional[linecounts.PageText] = None) -> LineStats:
    """Every raw count the features use, for all lines of the page.

    Whole-page numpy counts (:mod:`declutter.linecounts`) where they apply; the per-line loop, which
    defines the counts, for CJK and Thai pages (each character is a word) and malformed line lists. ``view``:
    the page's :class:`~declutter.linecounts.PageText`, when the caller has built it already.
    """
    lines = page.lines
    n = len(lines)
    stops = language.stopwords(page.lang)
    cjk = page.lang in language.CHARACTER_WORD_LANGS
    fast = None if cjk else linecounts.columns(lines, stops, _SEPARATORS, _URLISH, view)
    if fast is not None:
        cols, tokens = fast
        topic_share, topic_strength, title_overlap = linecounts.topic(tokens, n)
        duplicated = linecounts.duplicated(lines).astype(np.float32)
        words, first_at = (tokens.words, tokens.line), tokens.first_at
    else:
        cols, (topic_share, topic_strength, title_overlap), duplicated = _line_loop(lines, stops, cjk)
        words, first_at = lexicon.page_tokens(lines, view), None
    gap_before = block_starts(page)
    gap_after = np.concatenate([gap_before[1:], [1.0]]).astype(np.float32) if n else gap_before
    run_len, run_words = _runs(gap_before, cols["words"])
    rule = page.rule_action if page.rule_action is not None else np.zeros(n, dtype=np.int8)
    return LineStats(n=n, **cols, duplicated=duplicated, topic_share=topic_share, topic_strength=topic_strength,
                     title_overlap=title_overlap, gap_before=gap_before, gap_after=gap_after, run_len=run_len,
                     run_words=run_words, rule=rule, cjk=cjk, tokens=words, first_at=first_at)


def _line_loop(lines: list[str], stops: frozenset[str], cjk: bool
               ) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """The raw counts one line at a time: the definition :mod:`declutter.linecounts` reproduces."""
    n = len(lines)
    cols = {k: np.zeros(n, dtype=np.float32) for k in (
        "chars", "words", "stops", "caps", "digits", "commas", "marks", "ends_sentence", "ends_ellipsis",
        "starts_symbol", "separators", "urlish", "word_len")}
    content: list[set[str]] = []
    df: Counter[str] = Counter()
    words = chars.word_re_for("\n".join(lines).lower())  # lower() can add a mark: "İ" is "i" and U+0307
    for i, line in enumerate(lines):
        lower = line.lower()
        toks = _count_words(line, lower, cjk, words)
        nw = len(toks)
        cols["chars"][i] = len(line)
        cols["words"][i] = nw
        cols["stops"][i] = sum(map(stops.__contains__, toks)) if stops else 0
        cols["caps"][i] = len(_CAP.findall(line)) if nw else 0
        cols["digits"][i] = len(_DIGIT.findall(line))
        cols["commas"][i] = line.count(",")
        cols["marks"][i] = line.count(". ") + line.count("? ") + line.count("! ")
        cols["ends_sentence"][i] = line.endswith(_SENTENCE_END) and not line.endswith(_ELLIPSIS)
        cols["ends_ellipsis"][i] = line.endswith(_ELLIPSIS)
        cols["starts_symbol"][i] = _SYMBOL_START.match(line) is not None
        cols["separators"][i] = len(_SEPARATORS.findall(line))
        cols["urlish"][i] = _URLISH.search(line) is not None
        cols["word_len"][i] = (sum(map(len, toks)) / nw) if nw else 0.0
        cw = {t for t in set(toks).difference(stops) if len(t) > 2}
        content.append(cw)
        df.update(cw)
    counts = Counter(lines)
    duplicated = np.array([counts[l] > 1 for l in lines], dtype=np.float32)
    return cols, _topic(content, df), duplicated


def _topic(content: list[set[str]], df: Counter[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How much of a line's vocabulary the rest of the page shares, and how much the title shares.

    Body paragraphs talk about the same things; a teaser for another story, a menu item or an ad uses words
    no other line uses. That is what separates seed 004's "Read Now" teasers from its article.
    """
    n = len(content)
    share = np.zeros(n, dtype=np.float32)
    strength = np.zeros(n, dtype=np.float32)
    title = np.zeros(n, dtype=np.float32)
    # The title is the first line with some content words; scraped text nearly always starts with it.
    head = next((c for c in content[:5] if len(c) >= 2), set())
    for i, cw in enumerate(content):
        if not cw:
            continue
        others = [df[w] - 1 for w in cw]
        k = len(others)
        share[i] = sum(1 for o in others if o > 0) / k
        strength[i] = sum(math.log1p(o) for o in others) / k
        if head and cw is not head:
            title[i] = len(cw & head) / k
    return share, strength, title


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float32), where=b > 0)


def _position(s: LineStats) -> np.ndarray:
    return np.arange(s.n, dtype=np.float32) / max(s.n - 1, 1)


def _words_before(s: LineStats) -> np.ndarray:
    total = float(s.words.sum()) or 1.0
    return (np.cumsum(s.words) - s.words) / total


def _after_terminator(s: LineStats) -> np.ndarray:
    return (np.cumsum(s.rule == TERMINATOR) - (s.rule == TERMINATOR) > 0).astype(np.float32)


def _since_terminator(s: LineStats) -> np.ndarray:
    out = np.zeros(s.n, dtype=np.float32)
    last = -1
    for i in np.flatnonzero(s.rule == TERMINATOR).tolist():
        out[i + 1:] = np.arange(1, s.n - i, dtype=np.float32)
        last = i
    return np.log1p(out) if last >= 0 else out


def _relative_words(s: LineStats) -> np.ndarray:
    top = float(s.words.max()) if s.n else 0.0
    return s.words / top if top > 0 else np.zeros(s.n, dtype=np.float32)


def _page_words(s: LineStats) -> np.ndarray:
    return np.full(s.n, math.log1p(float(s.words.sum())), dtype=np.float32)


def _page_prose_share(s: LineStats) -> np.ndarray:
    share = float((s.words >= 20).mean()) if s.n else 0.0
    return np.full(s.n, share, dtype=np.float32)


Feature = Callable[[LineStats], np.ndarray]

# Per-line features, in the column order the model was trained with. Names appear in explanations.
LINE_FEATURES: dict[str, Feature] = {
    "log_chars": lambda s: np.log1p(s.chars),
    "log_words": lambda s: np.log1p(s.words),
    "stopword_density": lambda s: _safe_div(s.stops, s.words),
    "log_stopwords": lambda s: np.log1p(s.stops),
    "ends_sentence": lambda s: s.ends_sentence,
    "sentence_marks": lambda s: _safe_div(s.marks, s.words),
    "comma_density": lambda s: _safe_div(s.commas, s.words),
    "capitalised_share": lambda s: _safe_div(s.caps, s.words),
    "digit_share": lambda s: _safe_div(s.digits, s.chars),
    "ends_ellipsis": lambda s: s.ends_ellipsis,
    "starts_symbol": lambda s: s.starts_symbol,
    "separators": lambda s: np.log1p(s.separators),
    "urlish": lambda s: s.urlish,
    "mean_word_length": lambda s: np.minimum(s.word_len, 20.0) / 10.0,
    "duplicated": lambda s: s.duplicated,
    "topic_share": lambda s: s.topic_share,
    "topic_strength": lambda s: s.topic_strength,
    "title_overlap": lambda s: s.title_overlap,
    "gap_before": lambda s: s.gap_before,
    "gap_after": lambda s: s.gap_after,
    "log_run_length": lambda s: np.log1p(s.run_len),
    "log_run_words": lambda s: np.log1p(s.run_words),
    "position": _position,
    "words_before": _words_before,
    "relative_words": _relative_words,
    "rule_drop": lambda s: (s.rule == DROP).astype(np.float32),
    "rule_soft_drop": lambda s: (s.rule == SOFT_DROP).astype(np.float32),
    "rule_keep": lambda s: ((s.rule == KEEP) | (s.rule == SOFT_KEEP)).astype(np.float32),
    "rule_terminator": lambda s: (s.rule == TERMINATOR).astype(np.float32),
    "after_terminator": _after_terminator,
    "since_terminator": _since_terminator,
    "page_log_words": _page_words,
    "page_prose_share": _page_prose_share,
}

# Features of neighbours that the model also sees, at these offsets.
CONTEXT_FEATURES = ("log_words", "stopword_density", "ends_sentence", "capitalised_share", "ends_ellipsis",
                    "topic_share", "gap_before", "rule_drop", "rule_soft_drop", "rule_terminator", "log_run_length",
                    "sentence_marks")
CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
WINDOW = 5  # half-width of the window aggregates


# DOM evidence (HTML input only; all zero for plain text, where ``is_html`` is 0 too). Each entry makes the
# whole column from the page's evidence list: one comprehension per feature rather than a call per line.
def _extra(key: str) -> Callable[[Sequence[DomEvidence]], list]:
    return lambda dom: [d.extra.get(key, 0.0) for d in dom]


DOM_FEATURES: dict[str, Callable[[Sequence[DomEvidence]], list]] = {
    "is_html": lambda dom: [1.0] * len(dom),
    "link_density": lambda dom: [d.link_density for d in dom],
    "in_boiler_tag": lambda dom: [d.in_boiler_tag for d in dom],
    # Site furniture (footer, nav, dialogs): almost never body, unlike header, aside and form.
    "in_furniture": _extra("furniture"),
    "in_main_tag": lambda dom: [d.in_main_tag for d in dom],
    "class_score": lambda dom: [d.class_score for d in dom],
    "heading": lambda dom: [d.heading > 0 for d in dom],
    "list_item": lambda dom: [d.is_list_item for d in dom],
    "preformatted": lambda dom: [d.is_pre for d in dom],
    "log_depth": lambda dom: [math.log1p(d.depth) for d in dom],
    # Class/id words split by sign: a "content" wrapper inside a "sidebar" is not a neutral element.
    "class_negative": _extra("class_neg"),
    "class_positive": _extra("class_pos"),
    "tag_paragraph": lambda dom: [d.tag == "p" for d in dom],
    "tag_cell": lambda dom: [d.tag in ("td", "th") for d in dom],
    "tag_div": lambda dom: [d.tag in ("div", "section", "span") for d in dom],
    # Page structure (domstats.add_structure): where the element holding most prose lies, and how
    # link-heavy and templated the line's container is.
    "in_content_root": _extra("in_content_root"),
    "before_content_root": _extra("before_content_root"),
    "after_content_root": _extra("after_content_root"),
    "title_overlap": _extra("title_overlap"),
    "container_link_density": _extra("container_link_density"),
    "container_prose_share": _extra("container_prose_share"),
    "log_container_lines": _extra("log_container_lines"),
    "log_signature_repeats": _extra("log_signature_repeats"),
    # Inside an element a browser does not show (dom.toml, hidden_elements = "evidence").
    "hidden": _extra("hidden"),
}


def dom_columns(page: Page) -> list[np.ndarray]:
    """One column per DOM feature; zeros when the page came from plain text."""
    n = len(page.lines)
    if page.dom is None:
        return [np.zeros(n, dtype=np.float32) for _ in DOM_FEATURES]
    return [np.asarray(column(page.dom), dtype=np.float32) for column in DOM_FEATURES.values()]


def feature_names() -> list[str]:
    names = list(LINE_FEATURES)
    names += [f"{f}@{o:+d}" for o in CONTEXT_OFFSETS for f in CONTEXT_FEATURES]
    names += ["window_log_words", "window_stopword_density", "window_prose_lines"]
    names += [f"dom_{k}" for k in DOM_FEATURES]
    names += list(lexicon.COLUMNS)
    return names


def _shift(col: np.ndarray, offset: int) -> np.ndarray:
    """Column of the line ``offset`` away (0 beyond the page edges), along the last axis."""
    out = np.zeros_like(col)
    if offset > 0:
        out[..., :-offset] = col[..., offset:]
    elif offset < 0:
        out[..., -offset:] = col[..., :offset]
    return out


def _window_mean(col: np.ndarray, half: int) -> np.ndarray:
    """Mean over the lines within ``half`` of each line, along the last axis (rows of pages at once)."""
    n = col.shape[-1]
    c = np.concatenate([np.zeros(col.shape[:-1] + (1,)), np.cumsum(col, axis=-1, dtype=np.float64)], axis=-1)
    idx = np.arange(n)
    lo, hi = np.maximum(idx - half, 0), np.minimum(idx + half + 1, n)
    return ((c[..., hi] - c[..., lo]) / np.maximum(hi - lo, 1)).astype(np.float32)


def feature_matrix(page: Page, stats: Optional[LineStats] = None,
                   vocabulary: Optional[lexicon.Lexicon] = None) -> np.ndarray:
    """The model's input for every line of ``page``: float32 ``[n_lines, len(feature_names())]``.

    Filled in place, block by block: the per-line features, then each context offset as one shifted copy
    of the context columns, then the window means, the DOM columns (zero for plain text) and the
    columns of the model's learned ``vocabulary`` (zero without one; :mod:`declutter.lexicon`).
    """
    s = stats if stats is not None else line_stats(page)
    n_line, n_ctx = len(LINE_FEATURES), len(CONTEXT_FEATURES)
    X = np.zeros((s.n, _N_FEATURES), dtype=np.float32)
    if s.n == 0:
        return X
    base = X[:, :n_line]
    for j, fn in enumerate(LINE_FEATURES.values()):
        base[:, j] = fn(s)
    context = base[:, _CONTEXT_INDEX]
    at = n_line
    for o in CONTEXT_OFFSETS:
        block = X[:, at:at + n_ctx]
        if o > 0:
            block[:-o] = context[o:]
        else:
            block[-o:] = context[:o]
        at += n_ctx
    X[:, at] = _window_mean(base[:, _LOG_WORDS], WINDOW)
    X[:, at + 1] = _window_mean(base[:, _STOPWORD_DENSITY], WINDOW)
    X[:, at + 2] = _window_mean((s.words >= 15).astype(np.float32), WINDOW)
    at += 3
    if page.dom is not None:
        X[:, at:at + len(DOM_FEATURES)] = np.stack(dom_columns(page), axis=1)
    if vocabulary is not None:
        X[:, at + len(DOM_FEATURES):] = vocabulary.columns(*s.tokens, s.n, s.first_at, page.lang)
    return X


_NAMES = list(LINE_FEATURES)
_N_FEATURES = len(feature_names())
_CONTEXT_INDEX = [_NAMES.index(f) for f in CONTEXT_FEATURES]
_LOG_WORDS, _STOPWORD_DENSITY = _NAMES.index("log_words"), _NAMES.index("stopword_density")


# -- the revision stage: a line judged again in the light of the first-stage judgements around it ----------
REVISION_WINDOWS = (1, 3, 8, 20)


def revision_names() -> list[str]:
    names = ["p1_logit", "p1@-2", "p1@-1", "p1@+1", "p1@+2"]
    names += [f"p1_window{h}" for h in REVISION_WINDOWS]
    names += ["p1_page_max", "p1_page_mean", "p1_page_share", "p1_rank", "p1_gap_to_body", "p1_body_before",
              "p1_body_after", "p1_body_words_share"]
    return names


def _distance_to(mask: np.ndarray) -> np.ndarray:
    """Lines to the nearest line where ``mask`` holds, at most 50 (50 when there is none), along the last axis."""
    n = mask.shape[-1]
    pos = np.arange(n)
    last = np.maximum.accumulate(np.where(mask, pos, -10**6), axis=-1)  # nearest at or before each line
    after = np.where(mask, pos, 10**6)[..., ::-1]
    nxt = np.minimum.accumulate(after, axis=-1)[..., ::-1]              # nearest at or after
    return np.minimum(np.minimum(pos - last, nxt - pos), 50).astype(np.float32)


def revision_matrix(p1: np.ndarray, log_words: np.ndarray) -> np.ndarray:
    """Context of first-stage probabilities for each line of one page: ``[n, len(revision_names())]``.

    This is jusText's second pass, learned: a short line between two confident body paragraphs is
    probably body, a paragraph in a sea of boilerplate probably is not, and a page where nothing looks
    like an article (a product or listing page) needs a lower bar than one with a clear article.
    Given ``[k, n]`` probabilities (k variants of one page, as explanations make), ``[k, n, ...]`` at once.
    """
    n = p1.shape[-1]
    p = np.clip(p1.astype(np.float32), 1e-4, 1 - 1e-4)
    words = np.expm1(log_words).astype(np.float32)
    body = p >= 0.5
    body_words = words * p
    sum_body = body_words.sum(axis=-1, keepdims=True)
    total = np.where(sum_body == 0, np.float32(1.0), sum_body)
    before = (np.cumsum(body_words, axis=-1) - body_words) / total
    cols = [np.log(p / (1 - p)), _shift(p, -2), _shift(p, -1), _shift(p, 1), _shift(p, 2)]
    cols += [_window_mean(p, h) for h in REVISION_WINDOWS]
    order = np.argsort(np.argsort(-p, axis=-1, kind="stable"), axis=-1, kind="stable")
    sum_words = words.sum(axis=-1, keepdims=True).astype(np.float64)
    page = p.shape[:-1] + (n,)
    cols += [
        np.broadcast_to(p.max(axis=-1, keepdims=True), page),
        np.broadcast_to(p.mean(axis=-1, keepdims=True), page).astype(np.float32),
        np.broadcast_to(body.mean(axis=-1, keepdims=True), page).astype(np.float32),
        (order / max(n - 1, 1)).astype(np.float32),
        np.log1p(_distance_to(body)),
        before.astype(np.float32),
        (1.0 - before - body_words / total).astype(np.float32),
        np.broadcast_to(sum_body.astype(np.float64) / np.where(sum_words == 0, 1.0, sum_words), page).astype(np.float32),
    ]
    return np.stack(cols, axis=-1).astype(np.float32)

"""From probabilities and rule hits to keep/drop decisions, each with a reason a person can read.

Order of authority: a certain rule decides outright; after a section terminator ("Related Articles",
"Most Popular") that follows the body, lines are dropped unless the model is very sure of them; every
other line follows the (smoothed) model probability: against the user's threshold when one is set, else
against the page's own cut, the one that maximises the page's expected word F1 (:func:`expected_f1_cut`).
One exception outranks the rules: an HTML code block the model keeps any line of is kept whole, since
rules written for prose misread code (a closing brace is a line of symbols).
"""
from __future__ import annotations

from itertools import repeat
from typing import Optional, Sequence

import numpy as np

from .page import DROP, KEEP, SOFT_DROP, TERMINATOR, Page

# After a terminator, only lines this sure of being body survive.
STRONG_BODY = 0.9
# A terminator cuts only where at least this share of the words the model would keep lies before it: a
# "Latest" or "Popular" link in the top menu must not wipe the article below it.
TERMINATOR_SHARE = 0.7
# A page where no line reaches the threshold still gets its most body-like lines (those within this share
# of the best probability) when the best is at least FALLBACK_FLOOR: short product, service and listing
# pages often have a main content that looks weak next to the article pages the model mostly saw, and
# an empty output is the worst possible answer for them.
FALLBACK_SHARE = 0.6
FALLBACK_FLOOR = 0.05


def calibrated(probs: np.ndarray, calibration: tuple[float, float] = (1.0, 0.0)) -> np.ndarray:
    """P(body) as the expected-F1 cut reads it: ``logit(p) / T + b`` squashed, ``(T, b) = calibration``.

    The model file says how its probabilities read (``meta_["calibration"]``, written by ``declutter
    train``); (1, 0) takes them as they are.
    """
    t, b = calibration
    p = np.clip(probs.astype(np.float64), 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(np.log(p / (1 - p)) / t + b)))


# The beta of each Config.favor setting's expected F-beta cut. "recall" is meant to maximise F2 and
# "precision" F0.5, but the calibration reads a page as less sure than its lines (T = 3, tuned for F1), and
# with beta 2 or 0.5 the cut overshoots: on held-out probabilities, beta 1.5 gave the best mean F2 and 0.65
# the best mean F0.5 over the six labelled sets (of 1.25 / 1.5 / 2 and 0.5 / 0.65 / 0.8; docs/model.md,
# "Favouring recall or precision").
FAVOR_BETA = {"balanced": 1.0, "precision": 0.65, "recall": 1.5}


def expected_f1_cut(probs: np.ndarray, words: np.ndarray, open_lines: np.ndarray, kept: np.ndarray,
                    calibration: tuple[float, float] = (1.0, 0.0), beta: float = 1.0) -> Optional[float]:
    """The probability from which the page's open lines are kept, chosen to maximise expected word F1
    (F-beta with ``beta``: above 1 favours recall, below 1 precision).

    The metric is word F1 per page, and one threshold for every page is a compromise: a page whose body the
    model is sure of should keep only its sure lines, a page where it hesitates everywhere (products,
    listings) loses more by dropping than by keeping. Reading each open line's calibrated probability q as
    the chance its words are body, the expected gold is G = sum(q w) over open lines plus the words the
    rules keep; keeping the open lines down to some q gives expected overlap O and output size S, and
    F-beta is about (1 + beta²) O / (S + beta² G). Sorting by q, every prefix is scored at once and the best
    one wins. None when keeping no open line scores best (or the page has none).

    A user who would rather lose no text (retrieval, RAG) or keep no junk (a training corpus) moves
    ``beta`` rather than a fixed threshold: each page still gets its own cut, only the trade changes.
    """
    idx = np.flatnonzero(open_lines)
    if not len(idx):
        return None
    q = calibrated(probs[idx], calibration)
    w = words[idx].astype(np.float64)
    base = float(words[kept].sum())
    order = np.argsort(-q, kind="stable")
    overlap = base + np.cumsum(q[order] * w[order])
    size = base + np.cumsum(w[order])
    gold = base + float((q * w).sum())
    b2 = beta * beta
    score = (1 + b2) * overlap / np.maximum(size + b2 * gold, 1e-9)  # expected F-beta of each prefix
    best = int(np.argmax(score))
    if score[best] <= (1 + b2) * base / max(base + b2 * gold, 1e-9):
        return None
    return float(probs[idx[order[best]]])


def _terminated_from(page: Page, kept: np.ndarray, words: np.ndarray, blocks: Sequence[range] = ()) -> Optional[int]:
    """Index of the first terminator that comes after most of the body, or None.

    A terminator only counts when at least TERMINATOR_SHARE of the words the model would keep (``kept``)
    lie before it, and never inside a code block (``blocks``): a ``# Comments`` line of a listing is code.
    """
    actions = page.rule_action
    if actions is None:
        return None
    terms = np.flatnonzero(actions == TERMINATOR)
    if len(terms) and blocks:
        in_code = np.zeros(len(actions), dtype=bool)
        for block in blocks:
            in_code[block.start:block.stop] = True
        terms = terms[~in_code[terms]]
    if len(terms) == 0:
        return None
    kept_words = np.where(kept, words, 0.0)
    total = kept_words.sum()
    if total == 0:
        return None
    before = np.cumsum(kept_words)
    for t in terms:
        if before[t] >= TERMINATOR_SHARE * total:
            return int(t)
    return None


def line_words(page: Page) -> np.ndarray:
    """Each line's words as the metric counts them (``Page.words``, set by the feature pass); for a page
    that skipped it, spaces + 1."""
    if page.words is not None and len(page.words) == len(page.lines):
        return np.asarray(page.words, dtype=np.float64)
    return np.fromiter(map(str.count, page.lines, repeat(" ")), dtype=np.float64, count=len(page.lines)) + 1


def decide(page: Page, threshold: Optional[float], calibration: tuple[float, float] = (1.0, 0.0),
           beta: float = 1.0) -> None:
    """Fill ``page.keep``, ``page.reasons`` and ``page.cut`` (the probability lines were kept from).

    ``threshold`` None: the page's expected-F1 cut (:func:`expected_f1_cut`, reading the probabilities
    through the model's ``calibration``, F-beta with ``beta``); a number: that threshold.
    """
    n = len(page)
    probs = page.smoothed if page.smoothed is not None else page.probs
    assert probs is not None, "decide() needs model probabilities"
    actions = page.rule_action if page.rule_action is not None else np.zeros(n, dtype=np.int8)
    names = page.rule_name or [None] * n
    words = line_words(page)
    by_rule = (actions == DROP) | (actions == KEEP)
    if threshold is None:
        # Lines a site template dropped stay in the page's cut as the model saw them: a template hit is not
        # evidence about the other lines (Cleaner.prepare), and the cut is how they are judged.
        open_lines = ~by_rule if page.templated is None else ~by_rule | page.templated
        found = expected_f1_cut(probs, words, open_lines, actions == KEEP, calibration, beta)
        threshold = found if found is not None else float("inf")
    keep = probs >= threshold
    # The model's word by default, formatted for the whole page at once; rules and a terminator overrule.
    reasons = _model_reasons(probs)
    blocks = code_blocks(page)
    term = _terminated_from(page, keep, words, blocks)
    keep[by_rule] = actions[by_rule] == KEEP
    for i in np.flatnonzero(by_rule).tolist():
        reasons[i] = f"rule {names[i]}"
    if term is not None:
        _after_terminator(term, probs, by_rule, names, keep, reasons, max(STRONG_BODY, threshold))
    _whole_code_blocks(blocks, by_rule, names, term, keep, reasons)
    if not keep.any():
        _fallback(probs, actions, keep, reasons)
    page.keep = keep
    page.reasons = reasons
    page.cut = threshold if threshold != float("inf") else None
    page.reads_clean = False


CLEAN_PAGE_REASON = "page reads as clean: no boilerplate rule matched"


def reads_clean(page: Page) -> bool:
    """A plain-text page on which no line matched a drop, soft-drop or terminator rule (nor a site template).

    Plain text only: an HTML page's menus and footers are told by their markup (``nav``, link density,
    class words) more often than by words a rule knows, so a page without rule hits is not clean there.
    """
    actions = page.rule_action
    return page.dom is None and actions is not None and not np.isin(actions, (DROP, SOFT_DROP, TERMINATOR)).any()


def keep_whole(page: Page) -> None:
    """Keep every line of a page that reads as clean (:func:`reads_clean`), with the reason why."""
    page.keep = np.ones(len(page), dtype=bool)
    page.reasons = [CLEAN_PAGE_REASON] * len(page)
    page.cut = None
    page.reads_clean = True


_MODEL_REASONS = tuple(f"model p={k // 100}.{k % 100:02d}" for k in range(101))


def _model_reasons(probs: np.ndarray) -> list[str]:
    """``f"model p={p:.2f}"`` for every line, picked from the 101 possible strings.

    The pick is p*100 rounded. Where p*100 lies within 1e-6 of a rounding boundary, or p is not a number
    in [0, 1] (or is -0.0), Python formats that value itself, so every string is what formatting gives.
    """
    x = probs.astype(np.float64) * 100
    unsure = ~((x >= 0) & (x <= 100)) | np.signbit(x) | (np.abs(x - np.floor(x) - 0.5) < 1e-6)
    k = np.floor(np.where(unsure, 0.0, x) + 0.5).astype(np.int64)
    reasons = list(map(_MODEL_REASONS.__getitem__, k.tolist()))
    for i in np.flatnonzero(unsure).tolist():
        reasons[i] = f"model p={probs[i]:.2f}"
    return reasons


def _after_terminator(cut: int, probs: np.ndarray, by_rule: np.ndarray, names: list, keep: np.ndarray,
                      reasons: list[str], strong: float = STRONG_BODY) -> None:
    """From the cutting terminator on, lines go unless a certain rule or a very sure model keeps them.

    ``strong`` is STRONG_BODY or the page's cut when that is higher: a terminator only ever drops more.
    """
    for i in np.flatnonzero(~by_rule[cut:]).tolist():
        i += cut
        if i == cut:
            keep[i] = False
            reasons[i] = f"rule {names[i]} (section terminator)"
        elif probs[i] >= strong:
            keep[i] = True
            reasons[i] = f"model p={probs[i]:.2f} (strong body after terminator line {cut + 1})"
        else:
            keep[i] = False
            reasons[i] = f"after section terminator line {cut + 1} ({names[cut]})"


def code_blocks(page: Page) -> list[range]:
    """The page's code blocks of two lines or more: runs of ``pre`` lines with no block boundary between them.

    The same unit ``output.to_text`` joins with single newlines; text pages have no DOM and so no blocks.
    """
    dom, gaps, n = page.dom, page.gaps, len(page.lines)
    if dom is None or gaps is None or len(dom) != n or len(gaps) != n:
        return []
    blocks, start = [], 0
    for i in range(1, n + 1):
        if i < n and dom[i].is_pre and dom[i - 1].is_pre and not gaps[i]:
            continue
        if dom[start].is_pre and i - start > 1:
            blocks.append(range(start, i))
        start = i
    return blocks


def _whole_code_blocks(blocks: Sequence[range], by_rule: np.ndarray, names: list, term: Optional[int],
                       keep: np.ndarray, reasons: list[str]) -> None:
    """A code block the model keeps any line of is kept whole, lines a rule decided included.

    Half a code block is never what a reader wants, and its lines look unlike prose line by line (``pass``,
    a decorator, a closing brace), so the model rates them unevenly. Boilerplate rules misread code too:
    a closing ``}`` is a line of symbols, ``print(x)`` a print button, ``// Share this`` a share prompt,
    so dropping the lines they hit left listings that no longer parse. Lines after a section terminator
    stay dropped. Measured in docs/model.md ("Code blocks kept whole").
    """
    for block in blocks:
        lines = [i for i in block if term is None or i < term]
        kept = [i for i in lines if keep[i] and not by_rule[i]]
        if not kept:
            continue
        for i in lines:
            if not keep[i]:
                keep[i] = True
                ruled = f" (rule {names[i]})" if by_rule[i] else ""
                reasons[i] = f"code block with line {kept[0] + 1}{ruled}"


def _fallback(probs: np.ndarray, actions: np.ndarray, keep: np.ndarray, reasons: list[str]) -> None:
    """Keep the best lines of a page where nothing passed the threshold (see ``FALLBACK_SHARE``)."""
    open_lines = actions != DROP
    if not open_lines.any():
        return
    best = float(probs[open_lines].max())
    if best < FALLBACK_FLOOR:
        return
    for i in np.flatnonzero(open_lines & (probs >= FALLBACK_SHARE * best)):
        keep[i] = True
        reasons[i] = f"model p={probs[i]:.2f} (among the page's best lines; none reached the threshold)"

"""Rebuild the shipped line model from labelled pages: ``declutter train DATA...``.

Labels come from aligning each page's ``text`` lines with its ``gold`` (:mod:`declutter.align`). Lines
are weighted so that a page counts with the square root of its line count, not the count itself (the
metric averages over pages), and long lines count more than short ones within a page (the metric counts
words): see :func:`_line_weights`. Cross-validation folds are split by web domain, so no site is both
trained and tested on.
"""
from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Optional, Sequence
from urllib.parse import urlsplit

import numpy as np

from . import features, language, lexicon
from .align import label_lines
from .cleaner import Cleaner
from .config import Config
from .datasets import LabelledPage, read_pages
from .lexicon import Lexicon
from .metrics import PRF, mean_word_prf, word_prf
from .model import STAGE_FOLDS, LineModel, StackedModel, fold_of
from .output import to_text
from .page import Page
from .reading import normalize_text, split_lines
from .rules import RuleSet


@dataclass
class Example:
    """One labelled page turned into model input."""

    page_id: str
    group: str
    X: np.ndarray
    y: np.ndarray
    w: np.ndarray
    text: str
    gold: str
    track: str = "text"           # "text": the page's text; "html": its HTML (``text`` then holds the HTML);
    #                               "clean": its gold read as a text page (``text`` then holds the gold)
    page_type: Optional[str] = None
    lines: Sequence[str] = ()      # the page's lines, which the lexicon reads


# The scraped pages' tracks. The shipped model reads both; pages without HTML simply add no HTML example.
# The lexicon (whose words would otherwise count twice, once as the page's, once as the gold's), the sequence
# step's statistics and explain's typical rows are learned from these tracks only.
TRACKS = ("text", "html")
# A third, opt-in track ("clean"): each page's gold read as a text page of its own, every line body, so
# that the model also sees what already-clean text looks like. Scored held out as "DATASET:clean" (how
# much of clean input survives), and weighted CLEAN_WEIGHT times a scraped page, because a short scraped
# page with a few junk lines looks much like a clean one (docs/model.md, "Already-clean input").
ALL_TRACKS = TRACKS + ("clean",)
CLEAN_WEIGHT = 0.1
# How each track's source is read (the ``input_format`` of its cleaner).
INPUT_FORMAT = {"text": "text", "html": "html", "clean": "text"}


def track_source(lp: LabelledPage, track: str) -> Optional[str]:
    """The field of ``lp`` that ``track`` reads: its text, its HTML, or ("clean") its gold."""
    return {"text": lp.text, "html": lp.html, "clean": lp.gold}[track]

# How the per-page expected-F1 cut reads the two-stage model's smoothed probabilities (decide.calibrated:
# logit(p) / T + b). Chosen for the word F1 the cut gives in the 5-fold domain-grouped CV (docs/model.md,
# "The per-page cut"), not fitted as a calibration: the mapping is flatter than the probabilities' own
# calibration, because a page's errors come in runs (a whole comment thread, a whole product grid), so a
# page is less certain than its lines taken one by one. A single-stage model (tiny label sets) is read as it is.
STACKED_CALIBRATION = (3.0, -0.75)


def domain_of(page: LabelledPage) -> str:
    """The grouping key for held-out splits: the URL's host, else the page id (one page, one group)."""
    if page.url:
        host = urlsplit(page.url).hostname or page.url
        return host.removeprefix("www.")
    return page.id


def _line_weights(words: np.ndarray) -> np.ndarray:
    """√(words + 1) per line, scaled so the page's weights sum to √(its lines).

    Equal page weights would let a 3-line page teach as much as a 400-line one; weights per line would
    let long pages drown the rest. Linear word weights and equal page weights were measured against
    these (docs/model.md, "Tried and left out").
    """
    w = np.sqrt(words + 1.0)
    return (w / w.sum() * np.sqrt(len(words))).astype(np.float32)


def _html_page(lp: LabelledPage, config: Config) -> Optional[Page]:
    from .html import page_from_html

    if not lp.html:
        return None
    page = page_from_html(lp.html, config, metadata=False)
    if config.language != "auto":
        page.lang = config.language
    return page


def make_example(lp: LabelledPage, rules: RuleSet, config: Config, track: str = "text") -> Optional[Example]:
    """The page's example for ``track`` ("text", "html", or "clean": the gold read as a text page); None when
    the page has no such field.

    A page whose field yields no lines (an HTML file whose content never reached the markup) is still an
    example, with no rows: it teaches nothing, but evaluation scores it, as a user would see it.
    """
    if track == "html":
        page = _html_page(lp, config)
        if page is None:
            return None
        lines, source = page.lines, lp.html or ""
        # The page's own lang checked against its text as Cleaner.read checks it; without one, the record's
        # (a label here, so not checked), else detected.
        if config.language == "auto":
            page.lang = language.check_declared(page.lang, lines) if page.lang else lp.lang or language.detect(lines)
    else:
        source = track_source(lp, track) or ""
        lines, gaps = split_lines(normalize_text(source), config.max_line_chars)
        page = Page(lines=lines, gaps=gaps, lang=lp.lang or language.detect(lines))
    if not lines:
        n = len(features.feature_names())
        empty = np.zeros(0, dtype=np.float32)
        return Example(lp.id, domain_of(lp), np.zeros((0, n), np.float32), empty, empty, source, lp.gold, track,
                       lp.page_type, ())
    page.rule_action, page.rule_name = rules.match(lines, page.lang)
    stats = features.line_stats(page)
    X = features.feature_matrix(page, stats)
    given = lp.labels if track == "text" and lp.labels and len(lp.labels) == len(lines) else None
    y = np.asarray(given or label_lines(lines, lp.gold), dtype=np.float32)
    w = _line_weights(stats.words) * np.float32(CLEAN_WEIGHT if track == "clean" else 1.0)
    return Example(lp.id, domain_of(lp), X, y, w, source, lp.gold, track, lp.page_type, tuple(lines))


def load_examples(paths: Iterable[str | Path], config: Optional[Config] = None, limit: Optional[int] = None,
                  verbose: bool = False, tracks: Sequence[str] = ("text",)) -> list[Example]:
    config = config or Config()
    rules = RuleSet.load(config.extra_rules)
    out: list[Example] = []
    for path in paths:
        t0 = time.time()
        count = 0
        for lp in read_pages(path):
            examples = [make_example(lp, rules, config, track) for track in tracks]
            out.extend(ex for ex in examples if ex is not None)
            count += any(ex is not None for ex in examples)
            if limit and count >= limit:
                break
        if verbose:
            print(f"{path}: {count} pages labelled in {time.time() - t0:.1f}s", flush=True)
    return out


def transition_stats(examples: Sequence[Example]) -> tuple[float, float]:
    """P(next line has the same label) and the share of body lines, for the sequence step."""
    same = total = body = lines = 0
    for ex in examples:
        y = ex.y
        if len(y) > 1:
            same += int((y[1:] == y[:-1]).sum())
            total += len(y) - 1
        body += int(y.sum())
        lines += len(y)
    return (same / total if total else 0.9), (body / lines if lines else 0.5)


def fit(examples: Sequence[Example], model: Optional[LineModel | StackedModel] = None,
        verbose: bool = False) -> LineModel | StackedModel:
    """Fit a model (by default the two-stage one) and the sequence step's statistics on ``examples``.

    A plain :class:`LineModel` is fitted as one stage: useful for tiny label sets, where stage two's
    out-of-fold probabilities would come from models trained on a handful of pages.
    """
    model = model or StackedModel()
    examples = [e for e in examples if len(e.y)]
    learn_lexicon = len({e.group for e in examples}) >= lexicon.MIN_SITES
    if learn_lexicon:
        tokens = [lexicon.page_tokens(e.lines) for e in examples]
        examples = with_lexicon(examples, tokens, getattr(model, "folds", STAGE_FOLDS))
    if isinstance(model, LineModel):
        model.fit(np.concatenate([e.X for e in examples]), np.concatenate([e.y for e in examples]),
                  np.concatenate([e.w for e in examples]), features.feature_names(), verbose=verbose)
    else:
        model.fit([e.X for e in examples], [e.y for e in examples], [e.w for e in examples],
                  [e.group for e in examples], features.feature_names(), verbose=verbose)
    model.lexicon_ = (Lexicon.from_tokens((t, e.y, e.group) for t, e in zip(tokens, examples) if e.track in TRACKS)
                      if learn_lexicon else None)
    stay, prior = transition_stats([e for e in examples if e.track in TRACKS])
    model.meta_ = {"stay": stay, "prior": prior, "pages": len(examples), "lines": int(sum(len(e.y) for e in examples)),
                   "track_means": track_means(examples)}
    if isinstance(model, StackedModel):
        model.meta_["calibration"] = list(STACKED_CALIBRATION)
    return model


def track_means(examples: Sequence[Example]) -> dict[str, list[float]]:
    """The mean feature row of each input kind ("text", "html"), for ``explain``'s occlusion.

    Explaining a line sets a feature group to "typical" values and watches the log-odds move. Typical
    must mean typical for pages of the same kind: the mean over both kinds gives a text page half an HTML
    page's DOM evidence, and an HTML page half of it.
    """
    out = {}
    for track in sorted({e.track for e in examples} & set(TRACKS)):
        X = np.concatenate([e.X for e in examples if e.track == track])
        out[track] = [float(v) for v in X.mean(axis=0, dtype=np.float64)]
    return out


def with_lexicon(examples: Sequence[Example], tokens: Optional[Sequence[tuple]] = None,
                 folds: int = STAGE_FOLDS) -> list[Example]:
    """Copies of the examples that have lines, their lexicon columns filled out of fold.

    Each page's columns come from a lexicon built on the other folds (grouped by site, the same split as
    stage two's), so the model learns how much the lexicon says about a site it has never seen.
    ``tokens``: each example's :func:`lexicon.page_tokens`, when the caller has them.
    """
    if tokens is None:
        tokens = [lexicon.page_tokens(e.lines) for e in examples]
    pairs = [(e, t) for e, t in zip(examples, tokens) if len(e.y)]
    fold = [fold_of(e.group, folds) for e, _ in pairs]
    lex_cols = slice(len(features.feature_names()) - len(lexicon.COLUMNS), None)
    out = [e for e, _ in pairs]
    for k in sorted(set(fold)):
        vocab = Lexicon.from_tokens((t, e.y, e.group) for (e, t), f in zip(pairs, fold) if f != k and e.track in TRACKS)
        for i in (i for i, f in enumerate(fold) if f == k):
            e, t = pairs[i]
            X = e.X.copy()
            words, line = t
            X[:, lex_cols] = vocab.columns(words, line, len(e.lines))
            out[i] = replace(e, X=X)
    return out


def evaluate(examples: Sequence[Example], model: LineModel | StackedModel, config: Optional[Config] = None) -> float:
    """Mean word F1 of the full pipeline (rules, model, sequence step, decisions) on ``examples``."""
    cleaners = {t: Cleaner(config or Config(input_format=t), model=model) for t in {e.track for e in examples}}
    pairs = []
    for ex in examples:
        pairs.append((cleaners[ex.track].clean(ex.text), ex.gold))
    return mean_word_prf(pairs).f1


class CrossValidationError(ValueError):
    """The pages cannot be cross-validated as asked (too few sites for the folds)."""


def cross_validate(examples: Sequence[Example], folds: int = 5, verbose: bool = False,
                   model_factory=StackedModel, rules: Sequence = (),
                   records: Optional[list[dict]] = None, lines: bool = False) -> dict[str, float]:
    """Word F1 per dataset over domain-grouped folds: each page scored by a model that never saw its site.

    ``rules`` are the extra rule sources the examples were labelled with; the scoring cleaners use them too.
    ``records``, when given, receives one dict per scored page (:func:`score_record`): the per-page
    numbers behind the means, which paired comparisons of two runs and error analysis need. ``lines``
    adds each page's per-line decisions (:func:`line_record`), so that decoding variants can be scored
    on the held-out probabilities without retraining (``benchmarks/redecode.py``).
    """
    by_fold = [[e for e in examples if fold_of(e.group, folds) == k] for k in range(folds)]
    trains = [[e for j, f in enumerate(by_fold) if j != k for e in f] for k in range(folds)]
    if any(held and not any(len(e.y) for e in train) for held, train in zip(by_fold, trains)):
        sites = len({e.group for e in examples})
        raise CrossValidationError(f"--cv {folds} holds out each site's pages, so it needs pages of at least two sites in "
                         f"different folds; these pages come from {sites} site(s): train without --cv, or add pages")
    scores: dict[str, list[float]] = {}
    for k in range(folds):
        if not by_fold[k]:
            continue  # no site fell in this fold: nothing to score
        model = fit(trains[k], model_factory())
        cleaners = {t: Cleaner(Config(input_format=t, extra_rules=tuple(rules)), model=model) for t in ("text", "html")}
        for ex in by_fold[k]:
            cleaner = cleaners[INPUT_FORMAT[ex.track]]
            page = cleaner.annotate(cleaner.read(ex.text))  # what clean() does, keeping the page
            output = to_text(page)
            prf = word_prf(output, ex.gold)
            for key in _score_keys(ex):
                scores.setdefault(key, []).append(prf.f1)
            if records is not None:
                records.append(score_record(ex, k, prf, output))
                if lines:
                    records[-1]["lines"] = line_record(ex, page, model.meta_["prior"])
        if verbose:
            print(f"fold {k + 1}/{folds} done", flush=True)
    return {d: float(np.mean(v)) for d, v in sorted(scores.items())}


def score_record(ex: Example, fold: int, prf: PRF, output: str) -> dict:
    """One held-out page's result, as ``declutter train --scores`` writes it (one JSON object a line)."""
    return {"id": ex.page_id, "dataset": ex.page_id.split("/")[0], "track": ex.track, "page_type": ex.page_type,
            "fold": fold, "precision": round(prf.precision, 6), "recall": round(prf.recall, 6),
            "f1": round(prf.f1, 6), "output": output}


def line_record(ex: Example, page: Page, prior: float) -> dict:
    """A held-out page's per-line decisions: the smoothed P(body) (exact: a float32 written as a double),
    the model's P(body) before the sequence step and the fold model's body prior (what the sequence step
    read, so that it can be run again with other settings), the rule action (``page.NO_RULE`` ...
    ``TERMINATOR``), the words the metric counts, the final keep, and the aligner's label where the
    example's lines are the page's lines (else an empty list)."""
    labels = ex.y.tolist() if len(ex.y) == len(page.lines) and tuple(ex.lines) == tuple(page.lines) else []
    smoothed = page.smoothed if page.smoothed is not None else np.zeros(len(page), dtype=np.float32)
    model = page.probs if page.probs is not None else np.zeros(len(page), dtype=np.float32)
    return {"p": smoothed.astype(np.float64).tolist(),
            "p_model": model.astype(np.float64).tolist(), "prior": float(prior),
            "rule": page.rule_action.tolist() if page.rule_action is not None else [0] * len(page),
            "words": np.asarray(page.words if page.words is not None else np.zeros(len(page))).astype(int).tolist(),
            "keep": page.keep.astype(int).tolist() if page.keep is not None else [],
            "label": [int(v) for v in labels]}


def write_records(records: Sequence[dict], path: str | Path) -> None:
    """Write score records as JSON lines; a path ending in ``.gz`` is gzip-compressed."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _score_keys(ex: Example) -> list[str]:
    """Report keys: the dataset (text track, as before), ``dataset:html``, and per page type for HTML."""
    dataset = ex.page_id.split("/")[0]
    if ex.track == "text":
        return [dataset]
    if ex.track == "clean":  # the gold given as input: how much of already-clean text is kept
        return [f"{dataset}:clean"]
    keys = [f"{dataset}:{ex.track}"]
    return keys + [f"{dataset}:{ex.track}:{ex.page_type}"] if ex.page_type else keys


def add_arguments(p) -> None:
    p.add_argument("data", nargs="+", help="labelled pages: JSONL(.gz) files or fixture folders")
    p.add_argument("-o", "--output", default=None, help="where to write the model (default: the package's model.npz)")
    p.add_argument("--cv", type=int, default=0, metavar="K", help="also report K-fold domain-grouped cross-validated word F1")
    p.add_argument("--scores", default=None, metavar="FILE",
                   help="with --cv: write every held-out page's precision, recall, F1 and output as JSON lines "
                        "(.gz compresses); compare two runs with benchmarks/compare_cv.py")
    p.add_argument("--lines", action="store_true",
                   help="with --scores: also write every held-out line's smoothed probability, rule action, words, "
                        "decision and label, for benchmarks/redecode.py")
    p.add_argument("--limit", type=int, default=None, help="use at most this many pages per file (smoke tests)")
    p.add_argument("--epochs", type=int, default=StackedModel().epochs)
    p.add_argument("--hidden", type=int, default=StackedModel().hidden)
    p.add_argument("--members", type=int, default=StackedModel().members,
                   help="networks per stage, each with hidden/members units, averaged into one of the same size "
                        "(steadier from one retrain to the next; docs/model.md)")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--track", action="append", choices=ALL_TRACKS, default=None,
                   help="train on each page's text, its HTML and/or (\"clean\") its gold read as an already-clean "
                        "text page; repeatable (default: text and HTML, as the shipped model)")
    p.add_argument("--rules", action="append", default=[], metavar="FILE",
                   help="extra rule file (TOML, docs/rules.md) applied while labelling and scoring; repeatable. "
                        "Use the same files with the model (Config(extra_rules=...), --rules of clean/batch)")


def main(args) -> int:
    """``declutter train``: label, (optionally) cross-validate, fit on everything, save."""
    from .datasets import DatasetError
    from .rules import RuleError

    verbose = not args.quiet
    if args.scores and not args.cv:
        raise SystemExit("declutter train: --scores needs --cv K (the scores are the held-out pages')")
    if args.lines and not args.scores:
        raise SystemExit("declutter train: --lines needs --scores FILE (the lines are written there)")
    if args.hidden < 1 or args.epochs < 1 or not 1 <= args.members <= args.hidden:
        # Checked before labelling, which takes minutes on real data, rather than when the model is built.
        raise SystemExit(f"declutter train: --hidden and --epochs must be at least 1 and --members between 1 and "
                         f"--hidden (got --hidden {args.hidden}, --epochs {args.epochs}, --members {args.members})")
    if args.scores and not Path(args.scores).resolve().parent.is_dir():
        raise SystemExit(f"declutter train: cannot write {args.scores}: no such folder")
    try:
        config = Config(extra_rules=tuple(args.rules))
        examples = load_examples(args.data, config, limit=args.limit, verbose=verbose, tracks=tuple(args.track or TRACKS))
    except (DatasetError, RuleError, OSError) as exc:
        raise SystemExit(f"declutter train: {exc}") from None
    if not examples:
        raise SystemExit("declutter train: no labelled pages found")
    factory = lambda: StackedModel(hidden=args.hidden, epochs=args.epochs, members=args.members)  # noqa: E731
    if args.cv:
        records: Optional[list[dict]] = [] if args.scores else None
        try:
            scores = cross_validate(examples, args.cv, verbose=verbose, model_factory=factory, rules=config.extra_rules,
                                    records=records, lines=args.lines)
        except CrossValidationError as exc:
            raise SystemExit(f"declutter train: {exc}") from None
        for dataset, f1 in scores.items():
            print(f"cv word F1 {dataset}: {f1:.4f}")
        if records is not None:
            write_records(records, args.scores)
            print(f"wrote {args.scores} ({len(records)} held-out pages)")
    model = fit(examples, factory(), verbose=verbose)
    out = Path(args.output) if args.output else Path(__file__).parent / "data" / "model.npz"
    model.save(out, meta=model.meta_)
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, {model.meta_['pages']} pages, {model.meta_['lines']} lines)")
    return 0

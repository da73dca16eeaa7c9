"""The pipeline: read -> lines -> rules -> features -> model -> sequence -> decisions -> text.

A :class:`Cleaner` holds one :class:`~declutter.config.Config`, the compiled rules and the model. All of
those are read-only after construction, so one cleaner can serve many threads at once.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import pickle
import re
import threading
from typing import Any, Iterable, Optional, Union, cast

import numpy as np

from . import chars, features, language, linecounts, markdown, reading
from .config import Config, check_output
from .decide import FAVOR_BETA, decide, keep_whole, reads_clean
from .domrules import load_dom_rules
from .explain import strongest_evidence
from .metadata import Metadata, iso_date
from .model import LineModel, StackedModel, load_model
from .output import code_continuations, front_matter, link_base, to_markdown, to_text
from .page import Analysis, LineDecision, Page
from .parts import judge_in_parts, needs_parts
from .repeats import drop_repeated_runs
from .rules import RuleSet
from .sequence import smooth
from .sites import as_templates


def _known(lang: str, rules: RuleSet) -> bool:
    """Does declutter know ``lang``: a stoplist (jusText's; CJK and Thai, read by script) or rules of its own
    (a user's rule file may add a language)?"""
    return lang in language.known_codes() or rules.covers(lang)


_FEED = " (a feed: clean each entry's HTML)"
_XML_KINDS = {"rss": _FEED, "feed": _FEED, "rdf:rdf": _FEED, "urlset": " (a sitemap)", "sitemapindex": " (a sitemap)",
              "svg": " (an SVG image)"}
_LONE_URL = re.compile(r"(?:https?|ftp)://\S+", re.IGNORECASE)
_LONE_PATH = re.compile(r"[^\s<>]{0,1000}\.(?:html?|xhtml|mhtml?|txt|md|jsonl?|warc|gz|zst)", re.IGNORECASE)
_ANYWAY = "; input_format='html' or 'text' (--input-format) reads it anyway"


def _refuse_non_pages(text: str) -> None:
    """Input that holds no page (an XML feed or sitemap, a URL or a file name alone, a JSON record) raises
    :class:`reading.NotAPageError` naming what it is, rather than giving a cleaned text made of its
    addresses, keys and tags. ``input_format="html"`` or ``"text"`` reads it anyway."""
    reason = _not_a_page(text)
    if reason is not None:
        raise reading.NotAPageError(reason)


def _not_a_page(text: str) -> Optional[str]:
    root = reading.xml_document_root(text)
    if root is not None:
        return f"an XML document with root <{root}>, not a web page{_XML_KINDS.get(root, '')}{_ANYWAY}"
    alone = text.strip() if len(text) < 4096 else ""  # a URL or a file name is one short token
    if _LONE_URL.fullmatch(alone):
        return ("a URL, not a web page: declutter does not fetch; fetch the page first and clean its HTML "
                "(on the command line: curl -sL URL | declutter clean -)")
    if _LONE_PATH.fullmatch(alone):
        return ("a file name, not a web page: read the file and clean its content (clean(path.read_bytes()), "
                "or declutter clean FILE)")
    kind = reading.json_document(text)
    if kind is not None:
        return (f"{kind}, not a web page: clean the field that holds the page "
                f"(declutter batch reads JSONL: --field){_ANYWAY}")
    return None


def _sniffed_format(text: str) -> str:
    """"html", "markdown" or "text" for input_format="auto". A whole HTML document first; then Markdown, whose
    inline HTML (a ``<br>``, a ``<sup>``) must not make it a fragment; then an HTML fragment that opens with
    words (:func:`reading.looks_like_html_fragment`)."""
    if reading.looks_like_html(text):
        return "html"
    if markdown.looks_like_markdown(text):
        return "markdown"
    return "html" if reading.looks_like_html_fragment(text) else "text"


def _check_language(lang: str, rules: RuleSet) -> None:
    """A fixed language must be one declutter knows (:func:`_known`). Otherwise a typo would judge every page
    with no stopwords and only the language-neutral and English rules, and say nothing."""
    if lang == "auto" or _known(lang, rules):
        return
    raise ValueError(f"language {lang!r} has no stoplist and no rules; use 'auto' or one of "
                     f"{', '.join(sorted(language.known_codes()))}")


class Cleaner:
    """Reusable, thread-safe boilerplate remover.

    >>> cleaner = Cleaner(threshold=0.6)       # or Cleaner(Config(threshold=0.6))
    >>> cleaner.clean(page_text)                # doctest: +SKIP
    """

    def __init__(self, config: Optional[Config] = None, *, model: Optional[LineModel | StackedModel] = None, **options: Any):
        if config is not None and options:
            raise TypeError("pass either a Config or keyword options, not both")
        self.config = config if config is not None else Config(**options)
        self.rules = RuleSet.load(self.config.extra_rules)
        _check_language(self.config.language, self.rules)
        self.dom_rules = load_dom_rules(self.config.extra_rules)
        self.site_templates = as_templates(self.config.site_templates)
        self._own_model = model is not None  # pickled with the cleaner; a model from the config is reloaded
        self.model = model if model is not None else load_model(self.config.model_path)
        meta = getattr(self.model, "meta_", {})
        stay = self.config.sequence_stay
        self._stay = float(meta.get("stay", 0.9) if stay is None else stay)
        self._prior = float(meta.get("prior", 0.5))
        temperature, bias = meta.get("calibration", (1.0, 0.0))
        self._calibration = (float(temperature), float(bias))
        names = features.feature_names()
        if self.model.feature_names_ and self.model.feature_names_ != names:
            raise ValueError("the model was trained with other features than this version computes; retrain it")

    def __reduce__(self):
        """Pickled as its configuration (and its model, when one was passed in), not as its compiled rules and
        model arrays: a ``multiprocessing`` pool sends the cleaner with every task of
        ``pool.imap(cleaner.clean, pages)``, and 6 MB of arrays a task made that 40 times slower than
        cleaning. A process builds each configuration once (:func:`shared_cleaner`)."""
        return (_restore, (self.config, self.model if self._own_model else None))

    def warm_up(self, languages: Union[str, Iterable[str], None] = None) -> "Cleaner":
        """Build now what the first pages would build, and return the cleaner.

        A cleaner builds some tables on first use (docs/benchmarks.md, "Start-up"): the character table,
        the lexicon's index, the compiled rules and the stoplist of each page language, and, with language
        "auto", the table that detects languages other than English. That keeps ``import`` and ``Cleaner()``
        fast, but the first pages wait for it (about 0.2 s, 0.4 s in another language). Call this at a
        server's start so no request waits, or before forking workers, so they share the tables instead of
        each building its own. ``languages``: the page languages to prepare rules and stoplists for, one code
        or several (by default the cleaner's fixed language, or English with "auto").
        """
        chars.table()
        if languages is None:
            languages = ["en" if self.config.language == "auto" else self.config.language]
        elif isinstance(languages, str):
            languages = [languages]  # one code, not its letters
        codes = [language.normalized_language(lang) for lang in languages]
        for code in codes:
            _check_language(code, self.rules)
        if self.model.lexicon_ is not None:
            self.model.lexicon_.warm_up(codes)
        language.warm_up(codes, detection=self.config.language == "auto")
        for code in codes:
            self.rules.compiled(code)
        if self.config.input_format in ("auto", "html"):
            importlib.import_module(".html", __package__)  # the HTML reader, else imported on the first HTML page
        return self

    # -- stages -------------------------------------------------------------------------------------------
    def read(self, data: object, *, url: Optional[str] = None, lang: Optional[str] = None,
             metadata: bool = True, code_spans: Optional[bool] = None) -> Page:
        """Input (str/bytes, text or HTML) to a :class:`Page` of lines; ``url`` selects the site template.

        ``metadata``: read what an HTML page declares about itself (``page.metadata``: author, date, ...;
        :mod:`declutter.metadata`). :meth:`clean` skips it for text and Markdown output, which do not show it.
        ``code_spans``: mark an HTML page's inline code, and its links, emphasis and images as the config
        asks, for Markdown output (None: when ``Config.output`` is "markdown"); the lines are the same either
        way.

        ``lang`` is what the source says the page's language is (a JSONL field, Common Crawl's identified
        language: "de", "deu", "German"). Like an HTML page's own ``lang``, it stands unless the text is
        plainly English or in another script (:func:`language.check_declared`), and it outranks the
        page's own. A code declutter has no stoplist or rules for ("und", "xx") is ignored. A fixed
        ``Config.language`` outranks both.
        """
        if url is not None and not isinstance(url, str):  # checked here: templates read it deep inside
            raise TypeError(f"url must be a str or None, got {type(url).__name__}")
        hint = self._declared(lang)  # TypeError for a non-str
        fmt = self.config.input_format
        text = reading.to_text(data, html=None if fmt == "auto" else fmt == "html")
        if fmt == "auto":
            _refuse_non_pages(text)
            fmt = _sniffed_format(text)
        if fmt == "html":
            from .html import page_from_html  # imported lazily: text-only users never pay for it

            spans = self.config.output == "markdown" if code_spans is None else code_spans
            page = page_from_html(text, self.config, self.dom_rules, metadata=metadata, code_spans=spans)
        else:
            header: dict[str, str] = {}
            if fmt == "markdown":
                text, header = markdown.reader_header(text)
                text = markdown.to_plain(text)
            lines, gaps = reading.page_lines(text, self.config.max_line_chars)
            page = Page(lines=lines, gaps=gaps)
            if header:  # what a reader service said of the page it fetched (no feature reads these)
                page.title = header.get("title")
                page.metadata = Metadata(date=iso_date(header.get("date", "")), url=header.get("url"))
        page.lang = self._declared(page.lang)  # the page's own <html lang>, read as the caller's
        if self.config.language != "auto":
            page.lang = self.config.language
        elif hint is not None:
            page.lang = language.check_declared(hint, page.lines)
        elif page.lang is None:
            page.lang = language.detect(page.lines)
        else:
            page.lang = language.check_declared(page.lang, page.lines)
        if url is not None:
            page.url = url
        base = link_base(page.url, page.base_href)
        if base is not None:  # a relative canonical URL, resolved as the page's links are
            page.metadata = page.metadata.resolved(base)
        return page

    def _declared(self, code: Optional[str]) -> Optional[str]:
        """A declared language as the code stoplists and rules use ("iw" is "he"), or None when declutter
        knows no such language: an unknown code must not leave a page with its stopword features at zero."""
        if code is None:
            return None
        code = language.normalized_language(code)
        return code if _known(code, self.rules) else None

    def prepare(self, page: Page) -> Page:
        """Rule hits and the feature matrix: everything the model reads (training uses this too).

        Site-template lines are marked after the features are computed: they are dropped, but their
        neighbours are judged as without templates. As rule evidence they shifted the model's view of
        the lines around them (the model never saw template hits in training) and pulled headlines and
        bylines next to a dropped menu into the output (docs/benchmarks.md, site templates).
        """
        view = linecounts.PageText.of(page.lines)  # the joined page both stages read, built once
        page.rule_action, page.rule_name = self.rules.match(page.lines, page.lang, view)
        stats = features.line_stats(page, view)
        page.words = stats.words
        page.features = features.feature_matrix(page, stats, getattr(self.model, "lexicon_", None))
        if self.site_templates is not None:
            self.site_templates.mark(page)
        return page

    def annotate(self, page: Page) -> Page:
        """Run rules, features, model, sequence step and decisions on ``page`` (in place).

        A page longer than ``Config.max_page_lines`` lines (or ``parts.MAX_PART_CHARS`` characters) is
        judged in parts (:mod:`declutter.parts`), so memory stays bounded however long the input.
        """
        return self._judged(page, self._annotate_whole)

    def _judged(self, page: Page, judge) -> Page:
        """``judge(page)``, or ``judge`` on each part of a page too long to judge at once."""
        if needs_parts(page, self.config.max_page_lines):
            return judge_in_parts(page, judge, self.config.max_page_lines)
        return judge(page)

    def _annotate_whole(self, page: Page) -> Page:
        if not page.lines:
            page.keep = np.zeros(0, dtype=bool)
            page.reasons = []
            page.probs = page.smoothed = np.zeros(0, dtype=np.float32)
            return page
        X = cast(np.ndarray, self.prepare(page).features)  # prepare() always computes them
        page.probs = self.model.predict_proba(X).astype(np.float32)
        page.smoothed = smooth(page.probs, self._stay, self._prior) if self.config.smoothing else page.probs
        return self.decide(page)

    def decide(self, page: Page) -> Page:
        """Keep/drop from the page's smoothed probabilities and rule actions: the cut (or the configured
        threshold), then the repeats step. The last step of :meth:`annotate`, on its own so that decoding
        can be run again on stored probabilities (``benchmarks/redecode.py``).

        A page that reads as already clean (``Config.keep_clean_pages``) is kept whole instead: the model
        still scores its lines (``analyze`` shows the probabilities), but no line is cut.
        """
        if self.config.keep_clean_pages and self.rules.covers(page.lang) and reads_clean(page):
            keep_whole(page)
        else:
            decide(page, self.config.threshold, self._calibration, FAVOR_BETA[self.config.favor])
        if self.config.drop_repeats:
            drop_repeated_runs(page)
        return page

    # -- public API ---------------------------------------------------------------------------------------
    def analyze(self, data: object, *, url: Optional[str] = None, lang: Optional[str] = None) -> Analysis:
        """Every line with its decision, probability and the reason for it. ``lang``: as :meth:`read`."""
        return self.analysis_of(self.explained_page(data, url=url, lang=lang))

    def explained_page(self, data: object, *, url: Optional[str] = None, lang: Optional[str] = None) -> Page:
        """The annotated page behind :meth:`analyze`, each model decision's reason filled in: for a caller that
        also renders the same decisions (``declutter batch --explain --format markdown``) without cleaning
        the page a second time."""
        return self._judged(self.read(data, url=url, lang=lang), self._explained)

    @staticmethod
    def analysis_of(page: Page) -> Analysis:
        """The :class:`Analysis` of a page :meth:`explained_page` returned."""
        reasons = page.reasons or []
        probs = page.smoothed if page.smoothed is not None else np.zeros(len(page))
        keep = page.keep if page.keep is not None else np.zeros(len(page), dtype=bool)
        joins = code_continuations(page, keep)
        rows = tuple(
            LineDecision(index=i, text=line, keep=bool(keep[i]), prob=float(probs[i]), reason=reasons[i],
                         rule=page.rule_name[i] if page.rule_name else None, joins=joins[i])
            for i, line in enumerate(page.lines)
        )
        return Analysis(lines=rows, lang=page.lang, source=page.source, title=page.title, metadata=page.metadata,
                        cut=page.cut, reads_clean=page.reads_clean, parts=page.parts)

    def _explained(self, page: Page) -> Page:
        """:meth:`annotate` with each model decision's reason naming its strongest evidence."""
        self._annotate_whole(page)
        page.reasons = strongest_evidence(page, self.model)
        return page

    def clean(self, data: object, *, url: Optional[str] = None, output: Optional[str] = None,
              lang: Optional[str] = None) -> str:
        """The main content: kept lines in order, paragraphs separated by a blank line.

        ``url`` (the page's address) lets site templates (``Config.site_templates``) drop the lines the
        page shares with the rest of its site; without templates it changes nothing. ``output`` ("text",
        "markdown" or "json") overrides ``Config.output`` for this call, so one cleaner serves every format.
        ``lang``: the language the source gives for the page (:meth:`read`).
        """
        output = self.config.output if output is None else check_output(output)
        if output == "json":
            return json.dumps(self.analyze(data, url=url, lang=lang).to_dict(), ensure_ascii=False)
        markdown = output == "markdown"
        page = self.read(data, url=url, lang=lang, metadata=markdown and self.config.markdown_front_matter,
                         code_spans=markdown)
        return self.render(self.annotate(page), output)

    def render(self, page: Page, output: Optional[str] = None) -> str:
        """The kept lines of a page :meth:`annotate` has judged, as ``output`` ("text" or "markdown";
        ``Config.output`` when None): how :meth:`clean` ends, for a caller that also needs the page itself
        (``declutter batch --metadata`` and ``--explain``). Markdown wants the page read with its inline
        marks (``read(..., code_spans=True)``), and front matter (``Config.markdown_front_matter``) wants its
        metadata: the front matter opens a page that kept something, and an empty page stays "".
        """
        output = self.config.output if output is None else check_output(output)
        if output == "json":
            raise ValueError("render() writes text or Markdown; JSON comes from analyze() or clean(output='json')")
        if output == "text":
            return to_text(page)
        text = to_markdown(page)
        return f"{front_matter(page)}\n\n{text}" if text and self.config.markdown_front_matter else text


_SHARED: dict[bytes, Cleaner] = {}
_SHARED_MAX = 8
_SHARED_LOCK = threading.Lock()


def shared_cleaner(config: Config) -> Cleaner:
    """This process's :class:`Cleaner` for ``config``, built once and shared (cleaners are read-only and
    thread-safe). One with rules of its own costs about 10 ms to build and 10 ms more on its first page (its
    language's rules are compiled then), several pages' worth, and a batch worker gets the same config with
    every shard, a pool worker with every task.

    The key is the pickled config (site templates included) plus the size and mtime of every file it names,
    so an edited rule or model file is read again. A few configurations are kept, the oldest dropped first.
    """
    files = [r for r in config.extra_rules if isinstance(r, (str, os.PathLike))] + [config.model_path]
    key = hashlib.sha256(pickle.dumps((config, [(str(f), _file_stamp(f)) for f in files if f]))).digest()
    with _SHARED_LOCK:
        cleaner = _SHARED.get(key)
        if cleaner is None:
            cleaner = Cleaner(config)
            if len(_SHARED) >= _SHARED_MAX:
                del _SHARED[next(iter(_SHARED))]
            _SHARED[key] = cleaner
    return cleaner


def _file_stamp(path: object) -> object:
    try:
        st = os.stat(path)  # type: ignore[arg-type]
    except (OSError, TypeError, ValueError):
        return None
    return st.st_mtime_ns, st.st_size


def _restore(config: Config, model: Optional[LineModel | StackedModel]) -> Cleaner:
    """The cleaner a pickle names (:meth:`Cleaner.__reduce__`): this process's shared one for the config, or
    one rebuilt around the model it carried."""
    return Cleaner(config, model=model) if model is not None else shared_cleaner(config)

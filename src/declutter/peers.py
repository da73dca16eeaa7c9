"""The systems ``declutter bench`` compares: declutter itself, two baselines and peer extractors.

Every system is an :class:`Adapter`: a name, the track it reads (``text``: the page's plain-text rendering,
one block per line; ``html``: the raw HTML) and a factory that imports the peer and returns a function
from that input to plain text. The table :data:`SYSTEMS` is the whole registry; adding a peer is one
entry. A peer whose package is not installed raises :class:`PeerUnavailable` from its factory, which the
runner reports and skips (``pip install declutter[bench]`` installs them all).

Peers run with their defaults, except where a default would make the comparison meaningless (noted at
each adapter). The text track wraps each line in ``<p>`` for HTML-only peers, so they see the same
blocks declutter sees.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from importlib import metadata
from typing import Callable, Optional

from .config import Config

Extract = Callable[[str, Optional[str]], str]  # (input, ISO language or None) -> plain text
TRACKS = ("text", "html")


class PeerUnavailable(RuntimeError):
    """A peer's package is missing or broken; the bench skips it and says why."""


@dataclass(frozen=True)
class Adapter:
    """One system on one track: ``make()`` imports what it needs and returns its extract function."""

    name: str
    track: str
    make: Callable[[Config], Extract]
    package: Optional[str]  # distribution whose version we report (None: part of declutter)
    note: str


# -- helpers ---------------------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table td th tr ul".split()
)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment with a newline around every block element.

    Peers such as readability return HTML; joining its text nodes without breaks would glue the last word
    of one paragraph to the first of the next and distort the word metric.
    """
    import lxml.html

    if not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def normalize(text: str) -> str:
    """Whitespace-collapsed, lowercased text, for line containment tests."""
    return _SPACES.sub(" ", text).strip().lower()


def lines_as_html(text: str) -> str:
    """The text track's lines as a minimal HTML page, one ``<p>`` per non-empty line."""
    paras = (f"<p>{html_lib.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return "<html><body>\n" + "\n".join(paras) + "\n</body></html>"


def _require(module: str, package: str):
    import importlib

    try:
        return importlib.import_module(module)
    except Exception as exc:  # ImportError, or a broken native extension
        raise PeerUnavailable(f"{package} is not installed or fails to import ({exc}); "
                              f"pip install 'declutter[bench]'") from None


# -- C4's line rules -------------------------------------------------------------------------------------
# Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer",
# JMLR 21(140), section 2.2, as implemented in tensorflow_datasets' c4_utils.clean_page: keep a line only
# if it ends in terminal punctuation, has at least 3 words, does not mention "javascript" and holds no
# cookie/terms-of-use notice. The page-level filters (fewer than 5 sentences, "lorem ipsum", curly
# brackets, bad words) discard whole documents for corpus building and are left out: a cleaner is judged
# on the lines it keeps.
C4_END_MARKS = (".", "?", "!", '"', "\u201d")
C4_MIN_WORDS = 3
C4_POLICY_SUBSTRINGS = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies",
                        "use cookies")


def c4_keep_line(line: str) -> bool:
    """C4's per-line test (see the citation above)."""
    line = line.strip()
    lower = line.lower()
    return (
        line.endswith(C4_END_MARKS)
        and len(line.split()) >= C4_MIN_WORDS
        and "javascript" not in lower
        and not any(s in lower for s in C4_POLICY_SUBSTRINGS)
    )


def c4_clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if c4_keep_line(line))


# -- factories -------------------------------------------------------------------------------------------
def _declutter(input_format: str) -> Callable[[Config], Extract]:
    def make(config: Config) -> Extract:
        from dataclasses import replace

        from .cleaner import Cleaner

        cleaner = Cleaner(replace(config, input_format=input_format, output="text"))
        return lambda data, lang: cleaner.clean(data)

    return make


def _keepall(config: Config) -> Extract:
    return lambda text, lang: text


def _c4(config: Config) -> Extract:
    return lambda text, lang: c4_clean(text)


def _trafilatura(wrap_lines: bool) -> Callable[[Config], Extract]:
    def make(config: Config) -> Extract:
        trafilatura = _require("trafilatura", "trafilatura")

        def extract(data: str, lang: Optional[str]) -> str:
            return trafilatura.extract(lines_as_html(data) if wrap_lines else data) or ""

        return extract

    return make


def _justext(config: Config) -> Extract:
    justext = _require("justext", "jusText")
    from .language import ISO_BY_NAME

    name_by_iso = {iso: name for name, iso in ISO_BY_NAME.items()}

    def extract(data: str, lang: Optional[str]) -> str:
        # jusText needs a stoplist; the page's language where we know it (its own detection is per-call).
        stoplist = justext.get_stoplist(name_by_iso.get(lang or "en", "English"))
        return "\n".join(p.text for p in justext.justext(data, stoplist) if not p.is_boilerplate)

    return extract


def _readability(config: Config) -> Extract:
    readability = _require("readability", "readability-lxml")
    return lambda data, lang: html_to_text(readability.Document(data).summary(html_partial=True))


def _resiliparse(config: Config) -> Extract:
    _require("resiliparse", "resiliparse")
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return lambda data, lang: extract_plain_text(HTMLTree.parse(data), main_content=True)


def _boilerpy3(config: Config) -> Extract:
    extractors = _require("boilerpy3.extractors", "boilerpy3")
    # raise_on_failure=False: boilerpy3's own recovery mode, so a parse warning still yields its best text.
    extractor = extractors.ArticleExtractor(raise_on_failure=False)
    return lambda data, lang: extractor.get_content(data) or ""


SYSTEMS: tuple[Adapter, ...] = (
    Adapter("declutter", "text", _declutter("text"), None, "declutter on the plain-text lines"),
    Adapter("keepall", "text", _keepall, None, "baseline: every line kept"),
    Adapter("c4", "text", _c4, None, "baseline: C4's line rules (Raffel et al. 2020)"),
    Adapter("trafilatura", "text", _trafilatura(True), "trafilatura", "trafilatura.extract on the lines as <p>"),
    Adapter("declutter", "html", _declutter("html"), None, "declutter on the raw HTML"),
    Adapter("trafilatura", "html", _trafilatura(False), "trafilatura", "trafilatura.extract, defaults"),
    Adapter("justext", "html", _justext, "jusText", "justext with the page language's stoplist"),
    Adapter("readability", "html", _readability, "readability-lxml", "Document.summary() as text"),
    Adapter("resiliparse", "html", _resiliparse, "resiliparse", "extract_plain_text(main_content=True)"),
    Adapter("boilerpy3", "html", _boilerpy3, "boilerpy3", "ArticleExtractor(raise_on_failure=False)"),
)
PEER_NAMES = tuple(dict.fromkeys(a.name for a in SYSTEMS if a.package))
ALWAYS = ("declutter", "keepall", "c4")  # need nothing beyond declutter's own dependencies


def version_of(adapter: Adapter) -> str:
    """The installed version of the adapter's package (declutter's own for built-in systems)."""
    try:
        return metadata.version(adapter.package or "declutter")
    except metadata.PackageNotFoundError:
        return "not installed"


def select(tracks: tuple[str, ...], peers: Optional[tuple[str, ...]] = None) -> list[Adapter]:
    """Adapters for ``tracks``: declutter and the baselines always, plus ``peers`` (default: all peers).

    Unknown peer names raise ``ValueError`` listing the known ones.
    """
    wanted = PEER_NAMES if peers is None else peers
    unknown = [p for p in wanted if p not in PEER_NAMES]
    if unknown:
        raise ValueError(f"unknown peer(s) {', '.join(unknown)}; known: {', '.join(PEER_NAMES)}")
    bad_tracks = [t for t in tracks if t not in TRACKS]
    if bad_tracks:
        raise ValueError(f"unknown track(s) {', '.join(bad_tracks)}; known: {', '.join(TRACKS)}")
    names = set(ALWAYS) | set(wanted)
    return [a for a in SYSTEMS if a.track in tracks and a.name in names]


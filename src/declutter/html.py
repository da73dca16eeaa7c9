"""HTML input: parse with lxml and turn the DOM into the same lines the text path makes, plus DOM evidence.

Each block element (p, h1-h6, li, td/th, dd/dt, blockquote, figcaption, and runs of text directly inside a
div or section) becomes one line; ``pre`` blocks become several lines flagged ``is_pre`` that keep their
indentation. Every line carries a :class:`~declutter.page.DomEvidence` (tag, path, link density, boiler
and main ancestors, class/id words), and the rest of the pipeline is the text path's: same rules, same
features (plus the ``dom_*`` columns), same model.

The walk (:mod:`declutter.domwalk`) is lxml's ``iterwalk``, never recursion, so a 10,000-deep tree costs
no Python stack. Limits keep time and memory bounded on hostile input and are documented in README
("HTML input"): at most :data:`MAX_HTML_CHARS` characters are parsed and at most :data:`MAX_LINES` lines are produced; past either,
a :class:`HtmlLimitWarning` says what was cut.
"""
from __future__ import annotations

import bisect
import re
import warnings
from dataclasses import replace
from typing import Optional

import numpy as np
from lxml import etree

from .config import Config
from .domrules import DomRules, load_dom_rules
from .domstats import add_structure
from .domwalk import MAX_LINES, Lines, walk
from .metadata import page_metadata
from .page import Page
from .reading import NotAPageError

MAX_HTML_CHARS = 10_000_000
# A page whose shown text is shorter than this many words is read again with its <noscript> content (see
# _walk_with_noscript).
THIN_PAGE_WORDS = 100
# ... and only when <noscript> adds at least this many words, and at least as many as were shown: a
# one-line "please enable JavaScript" never replaces a short page's text.
NOSCRIPT_MIN_WORDS = 30
_FLATTEN = re.compile(r"</?(?!(?:script|style|noscript|template|svg|math|head|title|meta|pre|textarea|br|html|body)\b)"
                      r"[a-zA-Z][a-zA-Z0-9]*\b[^>]*>")
# A title longer than this that holds markup swallowed the page (see _swallowed_by_title).
TITLE_SWALLOW_CHARS = 1000
_TITLE_START = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_END = re.compile(r"[\r\n<]")
_LANG = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_]|\s*$)")
# libxml2 checks each new attribute of an element against every one before it, so a tag with many distinct
# attributes costs their square: 40,000 (430 KB of markup) took 11.5 s to parse, 100,000 took 90 s. Only an
# open tag that runs this long with no < or > is looked at (a data: URI or SVG path is one long value) ...
LONG_TAG_CHARS = 2_000
# ... and its attributes are commented out when it names more distinct ones than this (_defuse_attribute_floods).
MAX_TAG_ATTRIBUTES = 300
_LONG_TAG = re.compile(rb"<([a-zA-Z][^\s/<>]*)[^<>]{%d,}" % LONG_TAG_CHARS)
_QUOTED = re.compile(rb""""[^"]*"|'[^']*'""")
_ATTRIBUTE_NAME = re.compile(rb"""(?<=\s)[A-Za-z_:][^\s"'=<>/]*""")
_RAW_TEXT = re.compile(rb"<(script|style|title|textarea)\b.*?(?:</\1|\Z)", re.IGNORECASE | re.DOTALL)  # read as text


class HtmlError(NotAPageError):
    """The HTML could not be parsed at all; raised instead of lxml's own exceptions (a ``ValueError``)."""


class HtmlLimitWarning(UserWarning):
    """A page was longer than the documented limits and only its beginning was analysed."""


def _parse_once(text: str) -> tuple[Optional[etree._Element], bool, Optional[str]]:
    """The tree (None for a document with no elements), whether libxml2 hit its nesting limit, and what
    :func:`_defuse_attribute_floods` cut (None when nothing): :func:`_parse` warns once, however often it
    parses."""
    # collect_ids=False: no table of id attributes, which nothing here looks up.
    parser = etree.HTMLParser(recover=True, huge_tree=False, remove_comments=True, remove_pis=True,
                              no_network=True, encoding="utf-8", collect_ids=False)
    if "\x00" in text:
        text = text.replace("\x00", "")  # libxml2 turns NUL into U+FFFD; the text path drops it, as here
    data, cut = _defuse_attribute_floods(text.encode("utf-8", errors="replace"))
    try:
        # isspace() rather than strip(): the same test (ASCII whitespace only) without copying the page.
        root = etree.fromstring(data, parser) if data and not data.isspace() else None
    except (etree.LxmlError, ValueError, MemoryError) as exc:
        raise HtmlError(f"cannot parse HTML: {exc}") from None
    return root, any("Excessive depth" in e.message for e in parser.error_log), cut


def _parse(text: str) -> Optional[etree._Element]:
    """lxml's recovering HTML parser, with a flattening retry for trees nested past libxml2's limit.

    Without ``huge_tree`` libxml2 stops at 256 levels and drops everything after that point. Pages that
    deep are machine-made; we re-parse with every container tag turned into a paragraph break, which keeps
    all the text (and scripts/styles still skipped) but loses that page's DOM evidence, and say so.
    """
    root, too_deep, cut = _parse_once(text)
    if cut is not None:
        warnings.warn(cut, HtmlLimitWarning, stacklevel=3)
    if too_deep:
        warnings.warn("HTML nested deeper than 256 elements: structure flattened to keep the text",
                      HtmlLimitWarning, stacklevel=3)
        root = _parse_once(_FLATTEN.sub("<p>", text))[0]
    if root is not None and _swallowed_by_title(root):
        root = _parse_once(_close_title(text))[0]
    return root


def _defuse_attribute_floods(data: bytes) -> tuple[bytes, Optional[str]]:
    """``data`` with each open tag that names over MAX_TAG_ATTRIBUTES distinct attributes closed bare, its
    attributes commented out.

    Such a tag is machine-made garbage, or a stray ``<div`` whose missing ``>`` made the prose after it
    into attribute names; a browser shows none of them either way. ``<div a0 a1 ...>`` becomes
    ``<div><!-- a0 a1 ... -->``, which parses in linear time. Inserting rather than deleting is safe where
    the scan is wrong about markup it cannot see (a ``<`` inside a quoted attribute value or a comment): it
    only changes that value or comment. Only a ``<`` followed by LONG_TAG_CHARS bytes without another is
    looked at (one array pass), scripts, styles, titles and text areas are skipped (libxml2 reads no tags
    there), and quoted values are not counted, so ordinary pages come back as they are; a page that lost
    attributes says so: the second item is the warning's message (None when nothing was cut), which
    :func:`_parse` raises as an :class:`HtmlLimitWarning`.
    """
    opens = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x3C)
    gaps = np.diff(opens, append=len(data))
    far = gaps > LONG_TAG_CHARS
    floods: list[tuple[int, int, int]] = []
    raw: Optional[tuple[list[int], list[int]]] = None
    for at, gap in zip(opens[far].tolist(), gaps[far].tolist()):
        end = data.find(b">", at, at + gap)  # a script's "<script ...>" ends here, long before its next "<"
        end = at + gap if end < 0 else end
        if end - at <= LONG_TAG_CHARS or data.count(b" ", at, end) + data.count(b"\n", at, end) <= MAX_TAG_ATTRIBUTES:
            continue  # a short tag, or a data: URI: too few words to hold that many names
        m = _LONG_TAG.match(data, at)
        if m is None:
            continue
        names = set(_ATTRIBUTE_NAME.findall(_QUOTED.sub(b" ", m.group())))
        if len(names) > MAX_TAG_ATTRIBUTES:
            raw = _raw_text_spans(data) if raw is None else raw
            if not _inside(raw, at):
                floods.append((m.end(1), m.end(), len(names)))
    if not floods:
        return data, None
    cut = (f"HTML tag with {max(n for _, _, n in floods):,} distinct attributes: the attributes of "
           f"{len(floods)} such tag(s) dropped, as a browser shows none of them")
    pieces, last = [], 0
    for start, end, _ in floods:
        closes = data[end:end + 1] == b">"  # else the span ran into the next "<": the comment closes itself
        pieces += [data[last:start], b"><!--", data[start:end], b"--" if closes else b"-->"]
        last = end
    return b"".join(pieces) + data[last:], cut


def _raw_text_spans(data: bytes) -> tuple[list[int], list[int]]:
    """Where the elements libxml2 reads as text start and end (``i<n`` in a script is no tag), in order."""
    spans = [m.span() for m in _RAW_TEXT.finditer(data)]
    return [start for start, _ in spans], [end for _, end in spans]


def _inside(raw: tuple[list[int], list[int]], at: int) -> bool:
    starts, ends = raw
    i = bisect.bisect_left(starts, at) - 1
    return i >= 0 and at < ends[i]


def _swallowed_by_title(root: etree._Element) -> bool:
    """Whether an unclosed ``<title>`` took the whole document in as its text, leaving no body.

    libxml2 reads a title's content as text up to ``</title>``; a page that lost that tag (truncated or
    spliced files: 9 of l3s-gn1's 621 pages) parses as one huge title and an empty page.
    """
    title = root.find("head/title")
    if title is None or len(title.text or "") < TITLE_SWALLOW_CHARS or "<" not in title.text:
        return False
    body = root.find("body")
    return body is None or len(body) == 0


def _close_title(text: str) -> str:
    """``text`` with ``</title>`` put where the title's first line (or its first tag) ends."""
    m = _TITLE_START.search(text)
    if m is None:
        return text
    end = _TITLE_END.search(text, m.end())
    at = end.start() if end else len(text)
    return text[:at] + "</title>" + text[at:]


def _adopt_trailing_roots(root: etree._Element) -> None:
    """Move markup that followed ``</html>`` into the document's body, where a browser shows it.

    libxml2 puts such content in a second ``<html>`` element beside the first root, so a walk of the root
    alone never sees it. Templates that close the document early and then print the article are common
    enough to matter: 12 of wcxb-dev's 1,476 pages have more than 50 words there, one its whole article.
    """
    trailing = list(root.itersiblings())
    if not trailing:
        return
    body = root.find("body")
    target = body if body is not None else root
    for extra in trailing:
        if extra.tag.__class__ is not str:  # a comment or processing instruction beside the root
            continue
        extra.tag = "div"  # a block of its own, so its loose text does not run into the body's last line
        target.append(extra)


def _words(lines: list[str]) -> int:
    return sum(line.count(" ") + 1 for line in lines)


def _walk_with_noscript(root: etree._Element, rules: DomRules, shown: Lines) -> Lines:
    """The lines of ``root`` read as a browser without JavaScript shows it, when that holds more words.

    Pages rendered by JavaScript often ship their content a second time inside ``<noscript>`` for crawlers
    and script-less readers (Discourse and Flarum forums print every post there and nothing else: 21 of
    wcxb-dev's forum pages show fewer than 50 words without it). On a page with real visible text the
    ``<noscript>`` blocks are tracking pixels and "enable JavaScript" notes, so they are read only when the
    shown text is thin (:data:`THIN_PAGE_WORDS`) and ``<noscript>`` holds more (:data:`NOSCRIPT_MIN_WORDS`).
    """
    if next(root.iter("noscript"), None) is None:
        return shown
    rereading = Lines(shown.max_line_chars, shown.marks, shown.link_spans, shown.emphasis_spans, shown.image_spans)
    walk(root, replace(rules, skip_tags=rules.skip_tags - {"noscript"}), rereading)
    before = _words(shown.lines)
    gained = _words(rereading.lines) - before
    return rereading if gained >= max(before, NOSCRIPT_MIN_WORDS) else shown


def _clean_text(value: Optional[str]) -> Optional[str]:
    text = " ".join((value or "").split())
    return text or None


def _title(root: etree._Element) -> Optional[str]:
    """og:title (the page's own name, without the site suffix), else <title>, else the first <h1>."""
    for meta in root.iterfind(".//meta[@property='og:title']"):
        if _clean_text(meta.get("content")):
            return _clean_text(meta.get("content"))
    for path in (".//title", ".//h1"):
        el = root.find(path)
        text = _clean_text("".join(el.itertext())) if el is not None else None
        if text:
            return text
    return None


def normalise_lang(value: Optional[str]) -> Optional[str]:
    """``en-US`` -> ``en``, ``fil-PH`` -> ``fil``; anything that does not start with a two- or three-letter
    code -> None. ``Cleaner.read`` then maps the code to the one stoplists and rules use ("fil" is "tl",
    "deu" is "de") or, when declutter knows no such language, detects it."""
    m = _LANG.match(value or "")
    return m.group(1).lower() if m else None


def _lang(root: etree._Element) -> Optional[str]:
    lang = normalise_lang(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"))
    if lang:
        return lang
    for meta in root.iterfind(".//meta[@http-equiv]"):
        if meta.get("http-equiv", "").lower() == "content-language":
            return normalise_lang(meta.get("content"))
    return None


def _base_href(root: etree._Element) -> Optional[str]:
    """The ``href`` of the document's first ``<base>`` that has one, which browsers resolve the page's
    relative links and images against instead of the page's own address (None without one)."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href and not href.lower().startswith(("javascript:", "data:")):
            return href
    return None


def page_from_html(text: str, config: Config, rules: Optional[DomRules] = None, metadata: bool = True,
                   code_spans: bool = False) -> Page:
    """Parse ``text`` (HTML as ``str``) into a :class:`Page` with one :class:`DomEvidence` per line.

    ``rules`` are the compiled DOM rules; a :class:`~declutter.Cleaner` passes its own, and None loads the
    shipped rules plus ``config.extra_rules``. ``metadata``: fill ``page.metadata`` (about 0.5 ms a page).
    ``code_spans``: mark where inline code stands in each line, for Markdown output (``extra["code"]``), and
    with ``config.markdown_links``, ``markdown_emphasis`` and ``markdown_images`` where links, emphasis and
    images do (``extra["links"]``, ``extra["emphasis"]``, ``extra["images"]``).

    Raises :class:`HtmlError` (a ``ValueError``) only when lxml cannot build any tree; broken, truncated or
    partial markup is recovered, as browsers do.
    """
    rules = rules if rules is not None else load_dom_rules(config.extra_rules)
    if len(text) > MAX_HTML_CHARS:
        warnings.warn(f"HTML of {len(text):,} characters: only the first {MAX_HTML_CHARS:,} are analysed",
                      HtmlLimitWarning, stacklevel=2)
        text = text[:MAX_HTML_CHARS]
    root = _parse(text)
    page = Page(lines=[], gaps=[], source="html", dom=[])
    if root is None:
        return page
    _adopt_trailing_roots(root)
    builder = Lines(config.max_line_chars, code_spans, config.markdown_links, config.markdown_emphasis,
                    config.markdown_images)
    walk(root, rules, builder)
    if _words(builder.lines) < THIN_PAGE_WORDS and "noscript" in rules.skip_tags:
        builder = _walk_with_noscript(root, rules, builder)
    if builder.full:
        warnings.warn(f"HTML page with more than {MAX_LINES:,} blocks: only the first {MAX_LINES:,} are analysed",
                      HtmlLimitWarning, stacklevel=2)
    page.lines, page.gaps, page.dom = builder.lines, builder.gaps, builder.dom
    page.title = _title(root)
    if metadata or (code_spans and (config.markdown_links or config.markdown_images)):
        page.base_href = _base_href(root)  # what relative links and a relative canonical URL resolve against
    if metadata:
        page.metadata = page_metadata(root)
    add_structure(page.lines, page.dom, builder.chains, page.title)
    page.lang = _lang(root)
    return page

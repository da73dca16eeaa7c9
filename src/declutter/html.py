"""HTML input: parse with lxml and turn the DOM into the same lines the text path makes, plus DOM evidence.

Each block element (p, h1-h6, li, td/th, dd/dt, blockquote, figcaption, and runs of text directly inside a
div or section) becomes one line; ``pre`` blocks become several lines flagged ``is_pre`` that keep their
indentation. Every line carries a :class:`~declutter.page.DomEvidence` (tag, path, link density, boiler
and main ancestors, class/id words), and the rest of the pipeline is the text path's: same rules, same
features (plus the ``dom_*`` columns), same model.

The walk is an explicit stack, never recursion, so a 10,000-deep tree costs no Python stack. Limits keep
time and memory bounded on hostile input and are documented in README ("HTML input"): at most
:data:`MAX_HTML_CHARS` characters are parsed and at most :data:`MAX_LINES` lines are produced; past either,
a :class:`HtmlLimitWarning` says what was cut.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from typing import Optional

from lxml import etree

from .config import Config
from .domrules import SCORE_CLIP, DomRules, load_dom_rules
from .domstats import add_structure
from .page import DomEvidence, Page
from .reading import normalize_text, split_lines

MAX_HTML_CHARS = 10_000_000
MAX_LINES = 50_000

# Elements that end the current line; everything else is inline and joins its neighbours' text.
BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li td th dd dt blockquote pre figcaption div section article main header footer nav "
    "aside ul ol dl table tr thead tbody tfoot caption form fieldset legend address figure details summary hr "
    "center body html menu dialog noframes frameset frame option listing xmp plaintext".split())
# Boundaries inside lists and tables: the text path sees their items as one run with no blank line between.
TIGHT_TAGS = frozenset("li dt dd td th tr option".split())
PRE_TAGS = frozenset("pre listing xmp plaintext".split())
HEADINGS = {f"h{i}": i for i in range(1, 7)}
# Inline elements that may sit inside a word ("<b>T</b>he"); every other inline element (a, button, label,
# img, ...) is a word boundary, so "<a>Privacy</a><a>Terms</a>" reads "Privacy Terms", as a browser shows it.
IN_WORD_TAGS = frozenset(
    "b i em strong span sup sub u s small big mark abbr font code tt q cite dfn kbd samp var del ins wbr bdi bdo "
    "ruby rt rp data".split())
_SEP = "\x1f"  # a possible word boundary; becomes a space between two word characters, else nothing
_SEP_BETWEEN_WORDS = re.compile(r"(?<=\w)\x1f+(?=\w)")
_BR = "\ue000"  # a <br>: the only line break inside a block (source newlines are plain whitespace)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Tags that stay when a too-deep page is flattened: those whose content must stay skipped or intact.
_FLATTEN = re.compile(r"</?(?!(?:script|style|noscript|template|svg|math|head|title|meta|pre|textarea|br|html|body)\b)"
                      r"[a-zA-Z][a-zA-Z0-9]*\b[^>]*>")
_LANG = re.compile(r"^\s*([a-zA-Z]{2})(?:[-_]|\s*$)")


class HtmlError(ValueError):
    """The HTML could not be parsed at all; raised instead of lxml's own exceptions."""


class HtmlLimitWarning(UserWarning):
    """A page was longer than the documented limits and only its beginning was analysed."""


@dataclass(slots=True)
class _Frame:
    """What an open element passes down to the lines inside it."""

    tag: str
    block: bool
    boiler: bool
    main: bool
    neg: float
    pos: float
    heading: int
    in_li: bool
    depth: int
    in_pre: bool
    hidden: bool = False
    uid: int = 0
    sig: str = ""      # tag and first class word: "div.card"; repeated signatures mark templated lists


@dataclass
class _Builder:
    """Collects text pieces of the current block and turns finished blocks into lines."""

    max_line_chars: int
    lines: list[str] = field(default_factory=list)
    gaps: list[bool] = field(default_factory=list)
    dom: list[DomEvidence] = field(default_factory=list)
    chains: list[tuple[int, ...]] = field(default_factory=list)  # uids of each line's open elements
    pieces: list[str] = field(default_factory=list)
    link_chars: int = 0
    gap: bool = True
    full: bool = False
    has_text: bool = False  # some piece is more than whitespace (most blocks between tags are not)

    def add(self, text: Optional[str], in_link: bool) -> None:
        if text:
            self.pieces.append(text)
            if not self.has_text and not text.isspace() and text != _SEP:
                self.has_text = True
            if in_link:
                self.link_chars += len(text) - sum(map(text.count, " \n\t\r"))

    def flush(self, stack: list[_Frame], tags: list[str]) -> None:
        """End the current block: its text becomes one line (or several, for ``pre`` and ``<br>``)."""
        if not self.has_text:
            self.pieces.clear()
            return
        self.has_text = False
        raw, links = _SEP_BETWEEN_WORDS.sub(" ", "".join(self.pieces)).replace(_SEP, ""), self.link_chars
        self.pieces, self.link_chars = [], 0
        at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].block), len(stack) - 1)
        frame = stack[at]
        if frame.in_pre:
            rows = [r.rstrip() for r in normalize_text(raw.replace(_BR, "\n")).split("\n")]
            rows = [r.replace("\xa0", " ") for r in rows if r.strip()]
            row_gaps = [False] * len(rows)
        else:
            text = " ".join(normalize_text(raw).split()).replace(_BR, "\n")
            rows, row_gaps = split_lines(text, self.max_line_chars)
            row_gaps = [False] * len(rows)
        if not rows:
            return
        total = sum(len(r) - r.count(" ") for r in rows) or 1
        evidence = DomEvidence(
            tag=frame.tag, path=">".join(tags[-3:]), link_density=min(links / total, 1.0),
            in_boiler_tag=frame.boiler, in_main_tag=frame.main, class_score=frame.neg + frame.pos,
            heading=frame.heading, is_list_item=frame.in_li, is_pre=frame.in_pre, depth=frame.depth,
            extra={"class_neg": frame.neg, "class_pos": frame.pos, "hidden": float(frame.hidden),
                   "signature": ">".join(f.sig for f in stack[max(at - 2, 0):at + 1])})
        chain = tuple(f.uid for f in stack[:at + 1])
        row_gaps[0] = self.gap
        self.gap = False
        for k, (row, gap) in enumerate(zip(rows, row_gaps)):
            if len(self.lines) >= MAX_LINES:
                self.full = True
                return
            self.lines.append(row)
            self.gaps.append(gap)
            # Each line owns its evidence: per-line values (title overlap) are filled in later.
            self.dom.append(evidence if k == 0 else replace(evidence, extra=dict(evidence.extra)))
            self.chains.append(chain)


def _parse_once(text: str) -> tuple[Optional[etree._Element], bool]:
    """The tree (None for a document with no elements) and whether libxml2 hit its nesting limit."""
    parser = etree.HTMLParser(recover=True, huge_tree=False, remove_comments=True, remove_pis=True,
                              no_network=True, encoding="utf-8")
    data = text.encode("utf-8", errors="replace")
    try:
        root = etree.fromstring(data, parser) if data.strip() else None
    except (etree.LxmlError, ValueError, MemoryError) as exc:
        raise HtmlError(f"cannot parse HTML: {exc}") from None
    return root, any("Excessive depth" in e.message for e in parser.error_log)


def _parse(text: str) -> Optional[etree._Element]:
    """lxml's recovering HTML parser, with a flattening retry for trees nested past libxml2's limit.

    Without ``huge_tree`` libxml2 stops at 256 levels and drops everything after that point. Pages that
    deep are machine-made; we re-parse with every container tag turned into a paragraph break, which keeps
    all the text (and scripts/styles still skipped) but loses that page's DOM evidence, and say so.
    """
    root, too_deep = _parse_once(text)
    if too_deep:
        warnings.warn("HTML nested deeper than 256 elements: structure flattened to keep the text",
                      HtmlLimitWarning, stacklevel=3)
        root, _ = _parse_once(_FLATTEN.sub("<p>", text))
    return root


def _hidden(attrib) -> bool:
    """Elements a browser would not show: ``hidden``, ``aria-hidden="true"``, inline display:none."""
    if not attrib:
        return False
    if "hidden" in attrib or attrib.get("aria-hidden", "").strip().lower() == "true":
        return True
    style = attrib.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style) is not None


def _frame(attrib, tag: str, parent: _Frame, rules: DomRules, scores: dict[str, tuple[float, float]],
           uid: int, hidden: bool) -> _Frame:
    role = (attrib.get("role") or "").strip().lower() if attrib else ""
    neg = pos = 0.0
    cls: list[str] = []
    if attrib:
        for attr in ("class", "id"):
            value = attrib.get(attr)
            if value:
                if value not in scores:
                    scores[value] = rules.class_weights(value)
                neg, pos = neg + scores[value][0], pos + scores[value][1]
        cls = (attrib.get("class") or "").split()
    return _Frame(
        tag=tag,
        block=tag in BLOCK_TAGS,
        boiler=parent.boiler or tag in rules.boiler_tags or role in rules.boiler_roles,
        main=parent.main or tag in rules.main_tags or role in rules.main_roles,
        neg=max(-SCORE_CLIP, parent.neg + neg),
        pos=min(SCORE_CLIP, parent.pos + pos),
        heading=HEADINGS.get(tag, parent.heading),
        in_li=parent.in_li or tag == "li",
        depth=parent.depth + 1,
        in_pre=parent.in_pre or tag in PRE_TAGS,
        hidden=parent.hidden or hidden,
        uid=uid,
        sig=f"{tag}.{cls[0]}" if cls else tag,
    )


def _walk(root: etree._Element, rules: DomRules, builder: _Builder) -> None:
    """Visit the tree in document order with an explicit stack (no recursion, so no depth limit)."""
    top = _Frame("#root", True, False, False, 0.0, 0.0, 0, False, 0, False)
    frames: list[_Frame] = [top]
    tags: list[str] = []
    links = 0  # open <a> elements
    scores: dict[str, tuple[float, float]] = {}
    uid = 0
    todo: list[tuple[etree._Element, bool]] = [(root, True)]
    while todo and not builder.full:
        el, entering = todo.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if not entering:
            frame = frames[-1]
            if frame.block:
                builder.flush(frames, tags)
                builder.gap = builder.gap or tag not in TIGHT_TAGS
            else:
                links -= tag == "a"
                if tag not in IN_WORD_TAGS:
                    builder.add(_SEP, False)
            frames.pop()
            tags.pop()
            builder.add(el.tail, links > 0)
            continue
        tag = tag.lower()
        attrib = el.attrib
        hidden = _hidden(attrib)
        if not tag or tag in rules.skip_tags or (hidden and rules.drop_hidden):
            builder.add(el.tail, links > 0)
            continue
        if tag == "br":
            builder.add(_BR, False)
            builder.add(el.tail, links > 0)
            continue
        uid += 1
        frame = _frame(attrib, tag, frames[-1], rules, scores, uid, hidden)
        if frame.block:
            builder.flush(frames, tags)
            builder.gap = builder.gap or tag not in TIGHT_TAGS
        else:
            links += tag == "a"
            if tag not in IN_WORD_TAGS:
                builder.add(_SEP, False)
        frames.append(frame)
        tags.append(tag)
        builder.add(el.text, links > 0)
        todo.append((el, False))
        todo.extend((child, True) for child in reversed(el))
    builder.flush(frames, tags)


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
    """``en-US`` -> ``en``; anything that does not start with a two-letter code -> None."""
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


def page_from_html(text: str, config: Config, rules: Optional[DomRules] = None) -> Page:
    """Parse ``text`` (HTML as ``str``) into a :class:`Page` with one :class:`DomEvidence` per line.

    ``rules`` are the compiled DOM rules; a :class:`~declutter.Cleaner` passes its own, and None loads the
    shipped rules plus ``config.extra_rules``. Raises :class:`HtmlError` (a ``ValueError``) only when lxml
    cannot build any tree; broken, truncated or partial markup is recovered, as browsers do.
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
    builder = _Builder(config.max_line_chars)
    _walk(root, rules, builder)
    if builder.full:
        warnings.warn(f"HTML page with more than {MAX_LINES:,} blocks: only the first {MAX_LINES:,} are analysed",
                      HtmlLimitWarning, stacklevel=2)
    page.lines, page.gaps, page.dom = builder.lines, builder.gaps, builder.dom
    page.title = _title(root)
    add_structure(page.lines, page.dom, builder.chains, page.title)
    page.lang = _lang(root)
    return page

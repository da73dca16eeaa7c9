"""The DOM walk: one pass over lxml's tree that turns blocks into lines with their DOM evidence.

This is the HTML path's hot loop (about a thousand elements a page), so it is written for speed:

- lxml's ``iterwalk`` yields start and end events from C; ``skip_subtree`` jumps over scripts, styles and
  hidden elements without visiting them, and the walk needs no Python stack, however deep the tree.
- What an element passes down (boiler/main ancestors, class score, heading, list, pre, hidden) is one
  shared :class:`_Context` tuple; most elements (plain ``div``, ``span``, ``a``) change none of it and
  reuse their parent's object.
- What an element's own tag, class, id and role say is computed once per distinct combination per page.
- Skipped elements (scripts, styles) are recognised by tag before any attribute is read; the full
  hidden/role check runs only for elements that carry one of those attributes.
- Each open element's tag, id, signature and context sit in parallel lists; a line's ancestor chain and
  signature are slices of those lists, built only when a block actually holds text.

The output is exactly that of the straightforward recursive definition in ``html.py``'s docstring:
``benchmarks/check_identical_html.py`` compares every line, evidence value and decision with a dump.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Iterator, NamedTuple, Optional, Sequence

from lxml import etree

from .domrules import SCORE_CLIP, DomRules
from .page import DomEvidence
from .reading import collapse_whitespace, normalize_text, split_lines

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
# A span is a boundary too: pages lay spans out as separate items with CSS ("<span>2026</span><span>1h 54m</span>",
# a flex row a browser shows as "2026 1h 54m"; adjacent spans with no space between them on 527 of wcxb-dev's
# 1,476 pages), and a span inside a word (a drop cap "<span>T</span>he") on at most 17 of the 3,721 labelled pages.
IN_WORD_TAGS = frozenset(
    "b i em strong sup sub u s small big mark abbr font code tt q cite dfn kbd samp var del ins wbr bdi bdo "
    "ruby rt rp data".split())
_SEP = "\x1f"  # a possible word boundary; becomes a space between two word characters, else nothing
_SEP_BETWEEN_WORDS = re.compile(r"(?<=\w)\x1f+(?=\w)")
# Inline elements Markdown output sets as code spans (`lxml`); inside ``pre`` the fence does it.
CODE_TAGS = frozenset("code kbd samp tt".split())
# Inline elements Markdown output sets as emphasis (``Config.markdown_emphasis``): strong, then em.
BOLD_TAGS, ITALIC_TAGS = frozenset(("b", "strong")), frozenset(("i", "em"))
# Where such an element, or a link (``Config.markdown_links``), opens and closes, in the marked copy of a
# block's text (Unicode noncharacters, reserved for a program's internal use); the line itself is built from
# the text without them.
_CODE_OPEN, _CODE_CLOSE, _LINK_OPEN, _LINK_CLOSE = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"
_BOLD_OPEN, _BOLD_CLOSE, _ITALIC_OPEN, _ITALIC_CLOSE = "\ufdd4", "\ufdd5", "\ufdd6", "\ufdd7"
_IMAGE = "\ufdd8"  # where an image stands (``Config.markdown_images``): a point, not a span
_MARKS = (_CODE_OPEN + _CODE_CLOSE + _LINK_OPEN + _LINK_CLOSE + _BOLD_OPEN + _BOLD_CLOSE + _ITALIC_OPEN + _ITALIC_CLOSE
          + _IMAGE)
# In the marked copy, separators and spaces with marks among them: the plain text makes each such run one
# space (between two words; separators elsewhere are nothing) or collapses it, so the copy must too, with
# the marks that close a span (and images) before that space and the marks that open one after it: the
# spaces of "<code> x </code>" go outside the span. Left between two runs of space, a mark would keep both.
_SEP_RUN_BETWEEN_WORDS = re.compile(r"(?<=\w)[\x1f\ufdd0-\ufdd8]*\x1f[\x1f\ufdd0-\ufdd8]*(?=\w)")
_MARKED_SPACE = re.compile(r"[\ufdd0-\ufdd8]*(?:\s+[\ufdd0-\ufdd8]|[\ufdd0-\ufdd8]\s)[\s\ufdd0-\ufdd8]*")
_OPEN_MARKS = frozenset("\ufdd0\ufdd2\ufdd4\ufdd6")
_MARKED_EDGE = re.compile(r"^[\s\ufdd0-\ufdd8]+|[\s\ufdd0-\ufdd8]+$")  # marks and spaces at a row's edges
_NO_LINK = ("#", "javascript:", "data:")  # hrefs that lead nowhere a reader of the text could follow
_BR = "\ue000"  # a <br>: the only line break inside a block (source newlines are plain whitespace)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


class _Context(NamedTuple):
    """What an open element passes down to the lines inside it."""

    boiler: bool
    main: bool
    neg: float
    pos: float
    heading: int
    in_li: bool
    in_pre: bool
    hidden: bool
    furniture: bool


class _Change(NamedTuple):
    """What one element's tag, class, id and role add to its parent's :class:`_Context`."""

    boiler: bool
    main: bool
    neg: float
    pos: float
    heading: int
    in_li: bool
    in_pre: bool
    furniture: bool


_ROOT = _Context(False, False, 0.0, 0.0, 0, False, False, False, False)


def _hidden(attrib) -> bool:
    """Elements a browser would not show: ``hidden``, ``aria-hidden="true"``, inline display:none."""
    if not attrib:
        return False
    if "hidden" in attrib or attrib.get("aria-hidden", "").strip().lower() == "true":
        return True
    style = attrib.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style) is not None


def _local(tag: str, cls: Optional[str], ident: Optional[str], role: str, rules: DomRules):
    """``(block, signature, change)`` for one element; ``change`` is None when it passes its context on as is."""
    neg = pos = 0.0
    for value in (cls, ident):
        if value:
            weights = rules.class_weights(value)
            neg, pos = neg + weights[0], pos + weights[1]
    words = (cls or "").split()
    change = _Change(tag in rules.boiler_tags or role in rules.boiler_roles,
                     tag in rules.main_tags or role in rules.main_roles,
                     neg, pos, HEADINGS.get(tag, 0), tag == "li", tag in PRE_TAGS,
                     tag in rules.furniture_tags or role in rules.furniture_roles)
    neutral = not (change.boiler or change.main or neg or pos or change.heading or change.in_li or change.in_pre
                   or change.furniture)
    return tag in BLOCK_TAGS, f"{tag}.{words[0]}" if words else tag, None if neutral else change


def _enter(ctx: _Context, change: Optional[_Change], hidden: bool) -> _Context:
    """The context inside an element: its parent's ``ctx`` with the element's own ``change`` applied."""
    if change is None:
        return ctx._replace(hidden=ctx.hidden or hidden)
    return _Context(
        boiler=ctx.boiler or change.boiler,
        main=ctx.main or change.main,
        neg=max(-SCORE_CLIP, ctx.neg + change.neg),
        pos=min(SCORE_CLIP, ctx.pos + change.pos),
        heading=change.heading or ctx.heading,
        in_li=ctx.in_li or change.in_li,
        in_pre=ctx.in_pre or change.in_pre,
        hidden=ctx.hidden or hidden,
        furniture=ctx.furniture or change.furniture,
    )


@dataclass
class _Open:
    """The open elements, outermost first, as parallel lists; index 0 is a virtual root around the page."""

    tags: list[str] = field(default_factory=lambda: ["#root"])
    uids: list[int] = field(default_factory=lambda: [0])
    sigs: list[str] = field(default_factory=lambda: [""])  # tag and first class word: "div.card"
    ctxs: list[_Context] = field(default_factory=lambda: [_ROOT])
    blocks: list[int] = field(default_factory=lambda: [0])  # indices of the open block elements
    starts: dict[int, int] = field(default_factory=dict)  # uid of an <ol start=N> -> N, for Markdown numbering


def _pre_rows(raw: str) -> list[str]:
    rows = [r.rstrip() for r in normalize_text(raw.replace(_BR, "\n")).split("\n")]
    return [r.replace("\xa0", " ") for r in rows if r.strip()]


@dataclass
class Lines:
    """The lines made so far, with their gap flags, evidence and the ids of their open elements."""

    max_line_chars: int
    # Marks for Markdown output, kept in a copy of each line's text (``_spans_of``): ``marks`` turns them on,
    # with inline code in ``dom[i].extra["code"]``, and each kind below only where it is also set.
    marks: bool = False
    link_spans: bool = False  # links in ``dom[i].extra["links"]`` (``Config.markdown_links``)
    emphasis_spans: bool = False  # emphasis in ``dom[i].extra["emphasis"]`` (``Config.markdown_emphasis``)
    image_spans: bool = False  # images in ``dom[i].extra["images"]`` (``Config.markdown_images``)
    lines: list[str] = field(default_factory=list)
    gaps: list[bool] = field(default_factory=list)
    dom: list[DomEvidence] = field(default_factory=list)
    chains: list[tuple[int, ...]] = field(default_factory=list)  # uids of each line's open elements
    full: bool = False
    # Images of blocks with no text (a figure, a picture before its caption), waiting for the next line,
    # whose ``extra["images_before"]`` they become: shown when that line is kept, dropped with it.
    pending_images: list[tuple[str, str]] = field(default_factory=list)

    def _rows(self, raw: str) -> list[str]:
        text = collapse_whitespace(raw)
        if _BR in text or len(text) > self.max_line_chars:
            return split_lines(text.replace(_BR, "\n"), self.max_line_chars)[0]
        return [text] if text else []

    def add_block(self, raw: str, links: int, gap: bool, open_: _Open, marked: Optional[str] = None,
                  hrefs: Sequence[str] = (), images: Sequence[tuple[str, str]] = ()) -> bool:
        """Turn one finished block's text into lines (several for ``pre`` and ``<br>``); returns the new gap.

        ``marked``: the same text with inline code, links, emphasis and images marked (:data:`_CODE_OPEN`),
        when the block has any; ``hrefs``: the target of each link mark, in order; ``images``: each image
        mark's ``(alt, src)``, in order."""
        if _SEP in raw:
            raw = _SEP_BETWEEN_WORDS.sub(" ", raw).replace(_SEP, "")
        at = open_.blocks[-1]
        ctx = open_.ctxs[at]
        rows = _pre_rows(raw) if ctx.in_pre else self._rows(raw)
        if not rows:
            return gap
        if len(rows) == 1:
            total = len(rows[0]) - rows[0].count(" ") or 1
        else:
            total = sum(len(r) - r.count(" ") for r in rows) or 1
        tags = open_.tags
        evidence = DomEvidence(
            tag=tags[at], path=">".join(tags[max(len(tags) - 3, 1):]), link_density=min(links / total, 1.0),
            in_boiler_tag=ctx.boiler, in_main_tag=ctx.main, class_score=ctx.neg + ctx.pos,
            heading=ctx.heading, is_list_item=ctx.in_li, is_pre=ctx.in_pre, depth=at,
            extra={"class_neg": ctx.neg, "class_pos": ctx.pos, "hidden": float(ctx.hidden),
                   "furniture": float(ctx.furniture),
                   "signature": ">".join(open_.sigs[max(at - 2, 0):at + 1])})
        if tags[at] in CELL_TAGS or ctx.in_li:
            evidence.extra.update(_structure(tags[at], ctx.in_li, tags, open_.uids, at, open_.starts))
        if "blockquote" in tags:  # for Markdown output only: which quotation the line belongs to
            quote = next((open_.uids[i] for i in range(at, 0, -1) if tags[i] == "blockquote"), None)
            if quote is not None:
                evidence.extra["quote"] = quote
        chain = tuple(open_.uids[:at + 1])
        room = MAX_LINES - len(self.lines)
        if len(rows) > room:
            self.full = True
            rows = rows[:room]
            if not rows:
                return False
        spans = self._spans(rows, marked, hrefs, images) if marked is not None and not ctx.in_pre else None
        self.lines += rows
        self.gaps.append(gap)
        self.dom.append(evidence)
        self.chains.append(chain)
        for _ in range(1, len(rows)):
            self.gaps.append(False)
            # Each line owns its evidence: per-line values (title overlap) are filled in later.
            self.dom.append(replace(evidence, extra=dict(evidence.extra)))
            self.chains.append(chain)
        if spans:
            for ev, (code, linked, emphasis, placed) in zip(self.dom[len(self.dom) - len(rows):], spans):
                if code:
                    ev.extra["code"] = code
                if linked:
                    ev.extra["links"] = linked
                if emphasis:
                    ev.extra["emphasis"] = emphasis
                if placed:
                    ev.extra["images"] = placed
        if self.pending_images:
            self.dom[len(self.dom) - len(rows)].extra["images_before"] = self.pending_images
            self.pending_images = []
        return False

    def _spans(self, rows: list[str], marked: str, hrefs: Sequence[str], images: Sequence[tuple[str, str]]
               ) -> Optional[list[tuple[list, list, list, list]]]:
        """Where inline code, links, emphasis and images stand in each row: ``(start, end)``, ``(start, end,
        href)``, ``(start, end, "**" or "*")`` and ``(at, alt, src)``, for Markdown output only (no feature
        reads them). The marked text goes through the steps the plain text went through; a row whose marked
        copy, marks taken out, is not exactly the row (a page that holds the mark characters itself, a long
        line cut elsewhere) gets none, so the lines never depend on the marks."""
        if _SEP in marked:
            marked = _SEP_RUN_BETWEEN_WORDS.sub(_one_space, marked).replace(_SEP, "")
        marked = _MARKED_SPACE.sub(_one_space, marked)
        copies = self._rows(marked)
        if len(copies) != len(rows):
            copies = _merge_mark_rows(copies)
            if len(copies) != len(rows):
                return None
        # Links and images each take their own targets in order: the marks of one run of spaces are reordered
        # (closing marks and images before the space, opening marks after it).
        targets, pictures = iter(hrefs), iter(images)
        return [_spans_of(row, copy, targets, pictures) for row, copy in zip(rows, copies)]


def _one_space(run: re.Match) -> str:
    """A run of separators, spaces and marks as one space, closing marks and images before it, opening after."""
    marks = [ch for ch in run.group() if ch in _MARKS]
    return "".join(ch for ch in marks if ch not in _OPEN_MARKS) + " " + "".join(ch for ch in marks if ch in _OPEN_MARKS)


def _merge_mark_rows(copies: list[str]) -> list[str]:
    """Rows of marks alone (an image between two ``<br>``, which the plain text has no row for) joined to the
    row after them, or to the last row."""
    out: list[str] = []
    carry = ""
    for copy in copies:
        if copy.translate(_UNMARK).strip():
            out.append(carry + copy)
            carry = ""
        else:
            carry += copy.strip()
    if carry and out:
        out[-1] += carry
    return out


CELL_TAGS = frozenset(("td", "th"))


def _spans_of(row: str, copy: str, targets: Iterator[str], pictures: Iterator[tuple[str, str]]
              ) -> tuple[list, list, list, list]:
    """The code spans, links, emphasis and images of ``row`` read off its marked ``copy``: unpaired marks
    ignored, a span's edge spaces left outside it, each link open mark taking the next of ``targets`` (the
    block's hrefs, in order, so they are taken even from a row that gets no spans) and each image mark the
    next of ``pictures``; none when the copy without its marks is not the row. Emphasis of one kind that
    touches the next ("<b>a</b><b>b</b>") is one span, as it reads."""
    if (copy[:1] in _MARKS or copy[-1:] in _MARKS) and copy:  # a mark at an edge kept a space beside it
        copy = _MARKED_EDGE.sub(lambda m: "".join(m.group().split()), copy)
    if copy.translate(_UNMARK) != row:
        for _ in range(copy.count(_LINK_OPEN)):
            next(targets, None)
        for _ in range(copy.count(_IMAGE)):
            next(pictures, None)
        return [], [], [], []
    code: list[tuple[int, int]] = []
    links: list[tuple[int, int, str]] = []
    emphasis: list[tuple[int, int, str]] = []
    images: list[tuple[int, str, str]] = []
    start = dict.fromkeys(_OPENS, -1)
    href = ""
    at = 0
    for ch in copy:
        if ch == _IMAGE:
            image = next(pictures, None)
            if image is not None:
                images.append((at, *image))
        elif ch in _OPENS:
            start[ch] = at
            if ch == _LINK_OPEN:
                href = next(targets, "")
        elif ch in _CLOSES:
            opened = _CLOSES[ch]
            span = _trimmed(row, start[opened], at) if start[opened] >= 0 else None
            start[opened] = -1
            if span is None:
                continue
            if opened == _CODE_OPEN:
                code.append(span)
            elif opened == _LINK_OPEN:
                if href:
                    links.append((*span, href))
            else:
                mark = "**" if opened == _BOLD_OPEN else "*"
                same = [i for i, e in enumerate(emphasis) if e[1] == span[0] and e[2] == mark]
                if same:
                    emphasis[same[-1]] = (emphasis[same[-1]][0], span[1], mark)
                else:
                    emphasis.append((*span, mark))
        else:
            at += 1
    return code, links, emphasis, images


_OPENS = (_CODE_OPEN, _LINK_OPEN, _BOLD_OPEN, _ITALIC_OPEN)
_CLOSES = {_CODE_CLOSE: _CODE_OPEN, _LINK_CLOSE: _LINK_OPEN, _BOLD_CLOSE: _BOLD_OPEN, _ITALIC_CLOSE: _ITALIC_OPEN}


def _trimmed(row: str, begin: int, end: int) -> Optional[tuple[int, int]]:
    """``(begin, end)`` without the spaces at its edges; None when nothing is left."""
    while begin < end and row[begin] == " ":
        begin += 1
    while end > begin and row[end - 1] == " ":
        end -= 1
    return (begin, end) if begin < end else None


_UNMARK = {ord(ch): None for ch in _MARKS}


class _MarkSet:
    """``piece in marks``: is this list item one of the walk's own mark strings (by identity: text from the
    page that happens to be a noncharacter is kept)."""

    def __contains__(self, piece: object) -> bool:
        return (piece is _CODE_OPEN or piece is _CODE_CLOSE or piece is _LINK_OPEN or piece is _LINK_CLOSE
                or piece is _BOLD_OPEN or piece is _BOLD_CLOSE or piece is _ITALIC_OPEN or piece is _ITALIC_CLOSE
                or piece is _IMAGE)


def _image_of(el: etree._Element) -> Optional[tuple[str, str]]:
    """An ``<img>`` as ``(alt, src)`` for Markdown; None for no address, an inline ``data:`` image (often a
    placeholder whose real address a lazy loader keeps in ``data-src`` or ``data-srcset``, or a
    ``<picture>`` in its ``<source>``) and a 1-pixel tracker."""
    if el.get("width", "").strip() in ("0", "1") or el.get("height", "").strip() in ("0", "1"):
        return None
    alt = " ".join((el.get("alt") or "").split())
    for name in ("src", "data-src", "data-lazy-src", "data-original"):
        src = (el.get(name) or "").strip()
        if src and not src.lower().startswith("data:"):
            return alt, src
    sets = [el.get("srcset"), el.get("data-srcset")]
    # A <picture>'s <source> elements: its parent or, as lxml nests an <img> inside unclosed <source>s, an
    # ancestor a few levels up.
    picture = next((up for up in islice(el.iterancestors(), 4) if up.tag == "picture"), None)
    if picture is not None:
        sets += [source.get("srcset") or source.get("data-srcset") for source in picture.iter("source")]
    for srcset in sets:  # "a.jpg 480w, b.jpg 800w": the first candidate's address
        src = next(iter((srcset or "").split()), "").rstrip(",")
        if src and not src.lower().startswith("data:"):
            return alt, src
    return None


def _list_start(value: str) -> Optional[int]:
    """An ``<ol start>`` as the number Markdown can write (0 to 999,999,999), else None."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


def _structure(tag: str, in_li: bool, tags: list[str], uids: list[int], at: int,
               starts: dict[int, int]) -> dict[str, object]:
    """Where a table cell or list item sits, for Markdown output only (no feature reads these keys).

    A cell gets ``cell``: the uids of its nearest ``table`` and ``tr`` (0 when missing) and its own, so cells
    can be set out in rows again. A list item gets ``ordered``: is its nearest list an ``ol``?, ``start``:
    the number that list counts from (its ``start`` attribute, in ``starts``), ``list_depth``: how many
    lists hold it (1 for a top-level item), so nested lists can be indented, and the uids of its ``list``
    and its ``item`` (``li``), which tell a second paragraph of one item from the next item, and two lists
    that follow each other from one. Looked up only for such lines, by walking back over the open elements.
    """
    found: dict[str, object] = {}
    if tag in CELL_TAGS:
        table = row = 0
        for i in range(at - 1, 0, -1):
            if tags[i] == "tr" and not row:
                row = uids[i]
            elif tags[i] == "table":
                table = uids[i]
                break
        found["cell"] = (table, row, uids[at])
    if in_li:
        lists = [i for i in range(at, 0, -1) if tags[i] in ("ol", "ul", "menu")]
        if lists:
            found["ordered"] = tags[lists[0]] == "ol"
            found["list_depth"] = len(lists)
            found["list"] = uids[lists[0]]
            item = next((i for i in range(at, lists[0], -1) if tags[i] == "li"), None)
            if item is not None:
                found["item"] = uids[item]
            if uids[lists[0]] in starts:
                found["start"] = starts[uids[lists[0]]]
    return found


def walk(root: etree._Element, rules: DomRules, out: Lines) -> None:
    """Visit the tree in document order and fill ``out``; stops early once ``out`` is full.

    One long loop on purpose: at about a microsecond of work per element, a helper call per event would
    cost as much as the work itself. Only the per-block, per-line and per-distinct-element steps are
    functions.

    Text pieces of the current block collect in ``pieces``; a block boundary (start or end of a block
    element) turns them into lines. ``links`` counts open ``<a>`` elements, ``link_chars`` the non-space
    characters inside them; ``gap`` says whether the next line follows a non-tight block boundary.
    """
    open_ = _Open()
    tags, uids, sigs, ctxs, blocks = open_.tags, open_.uids, open_.sigs, open_.ctxs, open_.blocks
    skip_tags, drop_hidden, image_alt = rules.skip_tags, rules.drop_hidden, rules.image_alt
    spans_on, links_on = out.marks, out.marks and out.link_spans
    emphasis_on = out.marks and out.emphasis_spans
    images_on = out.marks and out.image_spans
    marks_set = _MarkSet()
    memo: dict[tuple, tuple] = {}  # (tag, class, id, role) -> _local(...)
    entered: dict[tuple, _Context] = {}  # (parent context, change, hidden) -> _enter(...)
    pieces: list[str] = []
    marks = 0  # code, link, emphasis and image marks in pieces
    hrefs: list[str] = []  # the target of each link mark in pieces
    images: list[tuple[str, str]] = []  # each image mark's (alt, src)
    code_el = link_el = bold_el = italic_el = None  # the open outermost inline code element, link, emphasis
    link_chars = links = uid = 0
    has_text = skipped = False
    gap = True

    def close_block(tag: str) -> bool:
        """A block element starts or ends: the text collected so far becomes lines. True once ``out`` is full.

        Called at block boundaries only, not per element: wcxb-dev's HTML runs within 1% of the inlined
        version (``benchmarks/speed_html.py``), with identical output (``check_identical_html.py``).
        """
        nonlocal pieces, link_chars, has_text, gap, marks, hrefs, images
        if has_text:
            if marks:  # the line from the text without the marks, exactly as a page without them gives it
                plain = "".join(p for p in pieces if p not in marks_set)
                gap = out.add_block(plain, link_chars, gap, open_, "".join(pieces), hrefs, images)
            else:
                gap = out.add_block("".join(pieces), link_chars, gap, open_)
            pieces, link_chars, has_text, marks = [], 0, False, 0
            if hrefs or images:
                hrefs, images = [], []
            if out.full:
                return True
        else:
            pieces.clear()
            marks = 0
            if hrefs or images:
                out.pending_images += images  # a block with no text: its images wait for the next line
                hrefs, images = [], []
        gap = gap or tag not in TIGHT_TAGS
        return False

    events = etree.iterwalk(root, events=("start", "end"))
    for event, el in events:
        if event == "start":
            tag = el.tag
            if tag.__class__ is str:
                tag = tag.lower()
                hidden, role = False, ""
                if tag in skip_tags:
                    tag = ""
                elif el.get("style") or el.get("role") or el.get("hidden") is not None or el.get("aria-hidden"):
                    attrib = el.attrib
                    hidden = _hidden(attrib)
                    role = (attrib.get("role") or "").strip().lower()
                    if hidden and drop_hidden:
                        tag = ""
            else:
                tag = ""
            if not tag or tag == "br":
                events.skip_subtree()
                skipped = True
                if tag:
                    pieces.append(_BR)
                    has_text = True
                text, in_link = el.tail, links > 0
            else:
                cls, ident = el.get("class"), el.get("id")
                key = (tag, cls, ident, role)
                local = memo.get(key)
                if local is None:
                    local = memo[key] = _local(tag, cls, ident, role, rules)
                block, sig, change = local
                ctx = ctxs[-1]
                if change is not None or hidden:
                    step = (ctx, change, hidden)
                    ctx = entered.get(step) or entered.setdefault(step, _enter(*step))
                if block:
                    if close_block(tag):
                        return
                    blocks.append(len(tags))
                else:
                    links += tag == "a"
                    if tag not in IN_WORD_TAGS:
                        pieces.append(_SEP)
                        if links_on and tag == "a" and link_el is None and code_el is None:
                            href = (el.get("href") or "").strip()
                            if href and not href.lower().startswith(_NO_LINK):
                                pieces.append(_LINK_OPEN)
                                hrefs.append(href)
                                link_el, marks = el, marks + 1
                    elif spans_on and tag in CODE_TAGS and code_el is None and not ctx.in_pre:  # in-word tags only
                        pieces.append(_CODE_OPEN)
                        code_el, marks = el, marks + 1
                    elif emphasis_on and code_el is None and not ctx.in_pre:
                        if tag in BOLD_TAGS and bold_el is None:
                            pieces.append(_BOLD_OPEN)
                            bold_el, marks = el, marks + 1
                        elif tag in ITALIC_TAGS and italic_el is None:
                            pieces.append(_ITALIC_OPEN)
                            italic_el, marks = el, marks + 1
                if images_on and tag == "img" and code_el is None:
                    image = _image_of(el)
                    if image is not None:
                        pieces.append(_IMAGE)
                        images.append(image)
                        marks += 1
                if image_alt and tag == "img":
                    alt = el.get("alt")
                    if alt and not alt.isspace():
                        pieces += [_SEP, alt, _SEP]
                        has_text = True
                        link_chars += (len(alt) - alt.count(" ")) if links else 0
                uid += 1
                if tag == "ol" and el.get("start"):
                    start = _list_start(el.get("start"))
                    if start is not None:
                        open_.starts[uid] = start
                tags.append(tag)
                uids.append(uid)
                sigs.append(sig)
                ctxs.append(ctx)
                text, in_link = el.text, links > 0
        elif skipped:  # the end of an element whose start skipped it (and took its tail)
            skipped = False
            continue
        else:
            tag = el.tag
            if blocks[-1] == len(tags) - 1:
                if close_block(tag):
                    return
                blocks.pop()
            else:
                links -= tag == "a"
                if tag not in IN_WORD_TAGS:
                    if el is link_el:
                        pieces.append(_LINK_CLOSE)
                        link_el, marks = None, marks + 1
                    pieces.append(_SEP)
                elif el is code_el:
                    pieces.append(_CODE_CLOSE)
                    code_el, marks = None, marks + 1
                elif el is bold_el:
                    pieces.append(_BOLD_CLOSE)
                    bold_el, marks = None, marks + 1
                elif el is italic_el:
                    pieces.append(_ITALIC_CLOSE)
                    italic_el, marks = None, marks + 1
            tags.pop()
            uids.pop()
            sigs.pop()
            ctxs.pop()
            text, in_link = el.tail, links > 0
        if text:
            pieces.append(text)
            if not has_text and text != _SEP and not text.isspace():
                has_text = True
            if in_link:  # characters other than space, newline, tab and carriage return
                link_chars += len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")
    if has_text:
        close_block("")

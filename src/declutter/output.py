"""Render the kept lines of an annotated :class:`~declutter.page.Page` as Markdown.

Structure comes from the DOM evidence of HTML input: headings become ``#`` lines, list items ``- `` lines,
``pre`` blocks fenced code with their indentation. Plain-text input has no such evidence, so its Markdown is
its paragraphs. JSON output is :meth:`declutter.page.Analysis.to_dict`.
"""
from __future__ import annotations

import json
import re
from typing import Callable, Optional
from urllib.parse import urljoin, urlsplit

import numpy as np

from .page import DomEvidence, Page, join_kept


def _fence(code: list[str], indent: str = "") -> str:
    """A fenced block, with a fence longer than any backtick run inside the code; ``indent`` puts it inside
    the list item before it."""
    longest = max((len(run) for line in code for run in re.findall("`+", line)), default=0)
    ticks = "`" * max(3, longest + 1)
    return "\n".join(indent + row if row else row for row in [ticks, *code, ticks])


# A table is set out as a Markdown table only when it looks like data: at least two rows, a row of two
# cells or more, and no cell longer than this (a layout table holding a page's text stays paragraphs).
MAX_TABLE_CELL_CHARS = 300


# What Markdown would read as markup in a line of an HTML page's text: emphasis stars, a code span's
# backtick, an underscore at a word's edge, a backslash before punctuation, a "<" that opens a tag or an
# autolink ...
_INLINE_MARKUP = re.compile(r"[*`]|\\(?=[!-/:-@\[-`{-~])|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])")
# ... and, at the start of a line, a heading, quote, list or fence mark or a rule (setext underline).
_LINE_START_MARKUP = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|[-=_]{3,}\s*$|~~~)")


def _escape_inline(text: str) -> str:
    """``text`` with :data:`_INLINE_MARKUP` escaped: all a heading's text needs, after its own "# "."""
    return _INLINE_MARKUP.sub(lambda m: "\\" + m.group(), text)


def escape_markdown(text: str) -> str:
    """``text`` with the characters Markdown would read as markup escaped with a backslash, so that a
    paragraph that starts "1. " or "# ", or holds "*emphasis*" or "<table>" as words, renders as it reads."""
    text = _escape_inline(text)
    m = _LINE_START_MARKUP.match(text)
    if m is None:
        return text
    end = m.end() if text[:1].isdigit() else m.start()  # "1." escapes its dot, "#" and ">" themselves
    return text[:end] + "\\" + text[end:]


def _code_span(code: str) -> str:
    """``code`` as a Markdown code span: fenced by one backtick more than its longest run of them, padded
    with a space where it starts or ends with one (CommonMark's rule)."""
    ticks = "`" * (max((len(run) for run in re.findall("`+", code)), default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def _inline(line: str, ev: DomEvidence, escape: Callable[[str], str], base: Optional[str],
            emphasis: bool = True, before: bool = True) -> str:
    """``line`` as Markdown: its inline code (``ev.extra["code"]``) as code spans, its links
    (``ev.extra["links"]``, :attr:`Config.markdown_links`) as ``[text](url)``, its emphasis
    (``ev.extra["emphasis"]``, unless ``emphasis`` is False) as ``**bold**`` and ``*italic*``, its images
    (``ev.extra["images"]``, :attr:`Config.markdown_images`) as ``![alt](src)``, the text around them
    escaped, with ``escape`` where it starts the line and :func:`_escape_inline` elsewhere. ``before``: the
    images of the textless block before the line open it (a list item's or a cell's).

    The spans nest as their elements did; one that crosses another after trimming is left out, and so is
    emphasis CommonMark would not read as such (a mark between a letter and punctuation: "**Note:**text").
    """
    code, links, images = ev.extra.get("code") or [], ev.extra.get("links") or [], ev.extra.get("images") or []
    marked = [m for m in ev.extra.get("emphasis") or [] if _flanked(line, m[0], m[1])] if emphasis else []
    opening = images_markdown(ev.extra["images_before"], base) + " " if before and "images_before" in ev.extra else ""
    if not code and not links and not marked and not images:
        return opening + escape(line)
    spans = [(s, e, "[", h) for s, e, h in links] + [(s, e, m, "") for s, e, m in marked]
    spans += [(s, e, "`", "") for s, e in code] + [(at, at, "!", (alt, src)) for at, alt, src in images]
    spans.sort(key=lambda span: (span[0], -span[1], _NESTING[span[2]]))
    return opening + _spans(line, 0, len(line), spans, escape, base, False)


# Spans of the same extent nest link, then emphasis, then code: code inside a link (the usual
# "<a><code>api()</code></a>") keeps its link, and nothing can be set inside a code span. An image is a
# point: inside every span around it, after the spans that start where it stands.
_NESTING = {"[": 0, "**": 1, "*": 1, "`": 2, "!": 3}


def _spans(line: str, begin: int, end: int, spans: list, escape: Callable[[str], str], base: Optional[str],
           in_link: bool) -> str:
    """``line[begin:end]`` as Markdown with ``spans`` (sorted by start, longest first) set inside it."""
    parts, pos, i = [], begin, 0
    while i < len(spans):
        start, stop, kind, href = spans[i]
        i += 1
        inner = []
        while i < len(spans) and spans[i][0] < stop:
            inner.append(spans[i])
            i += 1
        if start < pos or stop > end:
            continue  # it crosses a span already written
        parts.append(_escaped(line, pos, start, escape, in_link))
        if kind == "`":
            code = _code_span(line[start:stop])
            # three backticks opening a line would open a fence: left as escaped text
            parts.append(_escaped(line, start, stop, escape, in_link) if start == 0 and code.startswith("```") else code)
        elif kind == "!":
            image = images_markdown([href], base)
            parts.append((" " if start > 0 and not line[start - 1].isspace() else "") + image
                         + (" " if start < len(line) and not line[start].isspace() else ""))
        elif kind == "[" and not in_link:  # inside a span the text no longer starts the line: _escape_inline
            parts.append(f"[{_spans(line, start, stop, inner, _escape_inline, base, True)}]({_destination(href, base)})")
        elif kind == "[":
            parts.append(_spans(line, start, stop, inner, _escape_inline, base, True))
        else:
            parts.append(f"{kind}{_spans(line, start, stop, inner, _escape_inline, base, in_link)}{kind}")
        pos = stop
    parts.append(_escaped(line, pos, end, escape, in_link))
    return "".join(parts)


def images_markdown(images: list, base: Optional[str]) -> str:
    """``(alt, src)`` pairs as Markdown images, one space apart."""
    return " ".join(f"![{_escaped(alt, 0, len(alt), _escape_inline, True)}]({_destination(src, base)})"
                    for alt, src in images)


def _escaped(line: str, begin: int, end: int, escape: Callable[[str], str], in_link: bool) -> str:
    """A piece of text between spans, escaped; a backslash that ends it is escaped too, as the mark that
    follows it would otherwise be read as a literal character ("C:\\" before a code span)."""
    text = (escape if begin == 0 else _escape_inline)(line[begin:end])
    if in_link:
        text = text.replace("[", "\\[").replace("]", "\\]")
    return text + "\\" if text.endswith("\\") and (len(text) - len(text.rstrip("\\"))) % 2 else text


def _flanked(line: str, start: int, end: int) -> bool:
    """Would CommonMark read ``*`` marks around ``line[start:end]`` as emphasis? A mark next to punctuation
    inside the span needs space or punctuation outside it ("**Note:** text", not "**Note:**text")."""
    if _punctuation(line[start]) and start > 0 and not (line[start - 1].isspace() or _punctuation(line[start - 1])):
        return False
    return not (_punctuation(line[end - 1]) and end < len(line) and not (line[end].isspace() or _punctuation(line[end])))


def _punctuation(ch: str) -> bool:
    return not ch.isalnum() and not ch.isspace()


def _destination(href: str, base: Optional[str]) -> str:
    """A link's URL as a Markdown destination: made absolute against ``base`` (:func:`link_base`) when it is
    relative, and with the characters that would end it (space, parentheses, angle brackets) percent-encoded."""
    try:
        url = urljoin(base, href) if base else href
    except ValueError:  # a URL urllib cannot read ("https://[broken"): written as the page gives it
        url = href
    return url.translate(_URL_ESCAPES)


def link_base(url: Optional[str], base_href: Optional[str]) -> Optional[str]:
    """What relative links resolve against, as a browser resolves them: the page's ``<base href>`` made
    absolute against its URL, else the URL. A page with an absolute ``<base href>`` gets absolute links
    even when the caller passed no URL; a relative one without a URL stays unresolved."""
    if not base_href:
        return url
    try:
        return urljoin(url, base_href) if url else (base_href if urlsplit(base_href).scheme else url)
    except ValueError:  # a base urllib cannot read: the page's own URL, as a browser falls back to it
        return url


_URL_ESCAPES = {ord(" "): "%20", ord("("): "%28", ord(")"): "%29", ord("<"): "%3C", ord(">"): "%3E",
                ord("\n"): "", ord("\t"): ""}


def _block(line: str, dom: Optional[DomEvidence], base: Optional[str] = None) -> tuple[str, str]:
    """The Markdown of one non-code, non-table line and its kind ("heading", "item", "quote" or "para").

    A line read from HTML is escaped (:func:`escape_markdown`): its structure is told by its tags, never
    by characters that happen to look like Markdown. Plain text is left as it is: a "1." or "#" there may
    be the only structure the page has.
    """
    if dom is None:
        return "para", line
    if dom.heading:
        return "heading", "#" * dom.heading + " " + _inline(line, dom, _escape_inline, base, emphasis=False, before=False)
    if dom.is_list_item:
        return "item", _inline(line, dom, escape_markdown, base)
    if "quote" in dom.extra:  # inside a blockquote, however deep
        return "quote", "> " + _inline(line, dom, escape_markdown, base, before=False)
    return "para", _inline(line, dom, escape_markdown, base, before=False)


def _table(cells: list[tuple[tuple, str, DomEvidence]], base: Optional[str] = None) -> list[str]:
    """Kept cells of one table, ``((table, row, cell), text, evidence)`` in document order, as Markdown
    blocks: one table when every row kept the same number of cells, else one line a row with its cells
    between "|"; one paragraph per cell line where the cells do not look like a data table. Inline code,
    links, emphasis and images are set out in cells as in paragraphs."""
    rows: dict[object, dict[object, list[tuple[str, DomEvidence]]]] = {}
    for (_, row, cell), text, ev in cells:
        rows.setdefault(row, {}).setdefault(cell, []).append((text, ev))
    plain = [[" ".join(text for text, _ in parts) for parts in row.values()] for row in rows.values()]
    width = max(map(len, plain))
    if len(plain) < 2 or width < 2 or any(len(text) > MAX_TABLE_CELL_CHARS for row in plain for text in row):
        return [_inline(text, ev, escape_markdown, base) for _, text, ev in cells]
    grid = [[" ".join(_inline(text, ev, escape_markdown if i == 0 else _escape_inline, base)
                      for i, (text, ev) in enumerate(parts)).replace("|", "\\|")
             for parts in row.values()] for row in rows.values()]
    if any(len(row) != width for row in grid):
        # Empty cells make no line, so a row missing some cannot be put back in its columns: one line a row.
        return [" | ".join(row) for row in grid]
    lines = ["| " + " | ".join(row) + " |" for row in grid]
    lines.insert(1, "|" + " --- |" * width)
    return ["\n".join(lines)]


class _Markdown:
    """The Markdown of a page, built one kept line at a time: pending table cells and code lines are held
    until the line that ends them, everything else becomes a block at once."""

    def __init__(self, base: Optional[str] = None) -> None:
        self.base = base  # the page's URL, against which relative links are resolved
        self.blocks: list[str] = []
        self.code: list[str] = []
        self.code_indent = ""  # a listing inside a list item is indented into that item
        self.cells: list[tuple[tuple, str, DomEvidence]] = []
        self.last_kind = ""
        self.last_quote: object = None
        self.number = 0  # the last number of an ordered list whose items carry no list identity
        self.lists: dict[object, list] = {}  # list uid -> [its marker ("-", "*", "." or ")"), its last number]
        # depth -> (list, item, column) of the last item set out at that depth of the page's lists; column:
        # where what is inside it starts (its indent, fewer levels than its depth where an item holding it
        # was not kept, plus its marker, at least four wide)
        self.at_depth: dict[int, tuple[object, object, int]] = {}
        self.in_item_text = False  # the last item line was a further line of an item, not its first

    def add(self, line: str, ev: Optional[DomEvidence], gap: bool) -> None:
        cell = ev.extra.get("cell") if ev is not None else None
        if self.cells and (cell is None or cell[0] != self.cells[0][0][0]):
            self._flush_table()
        if cell is not None and ev is not None:  # a cell is only ever known from its evidence
            self._flush_code()
            self.cells.append((cell, line, ev))
            self.last_kind = "table"
            self.at_depth.clear()  # a table is set at the margin: it ends every list
        elif ev is not None and ev.is_pre:
            self._add_code(line, ev, gap)
        else:
            self._flush_code()
            self._add_block(line, ev, gap)

    def _add_code(self, line: str, ev: DomEvidence, gap: bool) -> None:
        images = ev.extra.get("images_before")
        if gap or images:
            self._flush_code()
        if not self.code:
            # Only right after an item (or a listing already inside one): indented anywhere else, the
            # fence would read as an indented code block holding the backticks.
            after_item = self.last_kind == "item" or (self.last_kind == "code" and self.code_indent != "")
            held = self.at_depth.get(ev.extra.get("list_depth", 0))
            self.code_indent = " " * held[2] if after_item and held is not None else ""
            if not self.code_indent:
                self.at_depth.clear()  # a listing at the margin ends every list
            if images:  # a figure before the listing: a paragraph before its fence, in the same item if any
                self.blocks.append(self.code_indent + images_markdown(images, self.base))
        self.code.append(line)
        self.last_kind = "code"

    def _add_block(self, line: str, ev: Optional[DomEvidence], gap: bool) -> None:
        kind, text = _block(line, ev, self.base)
        quote = ev.extra.get("quote") if ev is not None else None
        if kind == "quote" and self.last_kind == "quote" and quote == self.last_quote:
            self.blocks[-1] += "\n>\n" + text  # one quotation of several paragraphs, not several quotations
            return
        self.last_quote = quote
        continued = False
        if kind == "item" and ev is not None and "list" in ev.extra:
            text, continued = self._item(text, ev, gap)
        elif kind == "item":  # an <li> outside any list: numbered from the item before it, if any
            continued = self.last_kind == "item" and not gap
            self.number = self.number + 1 if continued else (ev.extra.get("start", 1) if ev is not None else 1)
            text = (f"{self.number}. " if ev is not None and ev.extra.get("ordered") else "- ") + text
        else:
            self.at_depth.clear()  # a paragraph, heading or quotation ends every list: the next one is new
            if ev is not None and "images_before" in ev.extra:  # a figure before its caption: a paragraph
                self.blocks.append(images_markdown(ev.extra["images_before"], self.base))
        if continued:
            self.blocks[-1] += "\n" + text
        else:
            self.blocks.append(text)
        self.last_kind = kind

    def _item(self, text: str, ev: DomEvidence, gap: bool) -> tuple[str, bool]:
        """A list item line with its marker and indent, and whether it continues the block before it.

        Four spaces a level: inside the content of a "- " or "1. " item, short of an indented code block
        (as wide as the marker under "100. ", whose content starts further in). Another line of the item
        before (a second paragraph, a ``<br>``) is indented under it rather than numbered as a new item;
        numbers run on per list, across nested lists and listings. A list that directly follows another of
        the same kind takes the other marker ("*" for "-", ")" for "."), which is how CommonMark tells two
        lists apart; with the same marker they would read as one.
        """
        depth, lst, item = ev.extra.get("list_depth", 1), ev.extra["list"], ev.extra.get("item")
        after_item = self.last_kind == "item"
        held = self.at_depth.get(depth)
        if item is not None and held is not None and held[:2] == (lst, item):
            self.in_item_text = True
            return " " * held[2] + text, after_item and not gap
        # Inside the nearest shallower item set out, if any: an item whose own parent item was dropped (a
        # menu's top level, the paragraph before) must not be indented four spaces too far, where CommonMark
        # reads it, and every line after it, as an indented code block.
        parents = [d for d in self.at_depth if d < depth]
        indent = " " * self.at_depth[max(parents)][2] if parents else ""
        ordered = bool(ev.extra.get("ordered"))
        if lst not in self.lists:
            base, other = (".", ")") if ordered else ("-", "*")
            before = self.at_depth.get(depth)
            follows = after_item and before is not None and before[0] != lst and self.lists[before[0]][0] == base
            self.lists[lst] = [other if follows else base, int(ev.extra.get("start", 1)) - 1]
        for deeper in [d for d in self.at_depth if d > depth]:
            del self.at_depth[deeper]
        entry = self.lists[lst]
        entry[1] += 1
        marker = f"{entry[1]}{entry[0]} " if ordered else f"{entry[0]} "
        self.at_depth[depth] = (lst, item, len(indent) + max(len(marker), 4))
        tight = after_item and not gap and not self.in_item_text  # after an item's own paragraph, a blank line
        self.in_item_text = False
        return indent + marker + text, tight

    def _flush_code(self) -> None:
        if self.code:
            self.blocks.append(_fence(self.code, self.code_indent))
            self.code = []

    def _flush_table(self) -> None:
        self.blocks += _table(self.cells, self.base)
        self.cells = []

    def text(self) -> str:
        if self.cells:
            self._flush_table()
        self._flush_code()
        return "\n\n".join(self.blocks)


def front_matter(page: Page) -> str:
    """YAML front matter for a page's Markdown: its title, what an HTML page declares about itself (author,
    date, site name, description; declutter.metadata) and its URL (the canonical one, else the one the
    caller gave) and language. A field with no value is left out; every value is a double-quoted string
    (JSON's quoting, which YAML reads too, with the characters YAML does not allow raw escaped), so a title
    holding a colon or a quote cannot break it."""
    meta = page.metadata
    fields = {"title": page.title, "author": meta.author, "date": meta.date, "site_name": meta.site_name,
              "description": meta.description, "url": meta.url or page.url, "lang": page.lang}
    rows = [f"{name}: {_yaml_string(value)}" for name, value in fields.items() if value]
    return "---\n" + "".join(row + "\n" for row in rows) + "---"


# Not allowed raw in YAML, or a line break to YAML 1.1 (NEL, the line and paragraph separators).
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _yaml_string(value: str) -> str:
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def to_markdown(page: Page) -> str:
    """The kept lines as Markdown; blocks separated by a blank line, list items by a newline (numbered in
    an ``ol``, nested ones indented), quotations, code fences and data tables (:func:`_table`)."""
    assert page.keep is not None, "to_markdown() needs an annotated page"
    dom = page.dom if page.dom is not None else [None] * len(page.lines)
    gaps = page.gaps if page.gaps is not None else [True] * len(page.lines)
    out = _Markdown(link_base(page.url, page.base_href))
    for line, keep, ev, gap in zip(page.lines, page.keep, dom, gaps):
        if keep:
            out.add(line, ev, gap)
    return out.text()


def code_continuations(page: Page, keep) -> list[bool]:
    """For each line: is it a kept code line that continues the kept code line right before it? Such a line
    follows its predecessor after a newline rather than a blank line, so that code stays code."""
    n = len(page.lines)
    if page.dom is None or page.gaps is None or n < 2:
        return [False] * n
    pre = np.fromiter((d.is_pre for d in page.dom), dtype=bool, count=n)
    if not pre.any():
        return [False] * n
    kept = np.asarray(keep, dtype=bool)
    joins = np.zeros(n, dtype=bool)
    joins[1:] = kept[1:] & kept[:-1] & pre[1:] & pre[:-1] & ~np.asarray(page.gaps, dtype=bool)[1:]
    return joins.tolist()


def to_text(page: Page) -> str:
    """The kept lines as plain text: paragraphs separated by a blank line, ``pre`` lines by a newline.

    A code block is several lines of one block (``is_pre``, no gap between them); separating them with blank
    lines would break the code, so they stay together (:func:`code_continuations`).
    """
    assert page.keep is not None, "to_text() needs an annotated page"
    if page.dom is None or page.gaps is None:  # plain text has no code blocks: every line its own paragraph
        return "\n\n".join(line for line, k in zip(page.lines, page.keep) if k)
    return join_kept(page.lines, np.asarray(page.keep, dtype=bool).tolist(), code_continuations(page, page.keep))

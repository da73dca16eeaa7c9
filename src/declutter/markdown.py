"""Markdown input: the markup that scrapers' Markdown adds is taken off before the lines are analysed.

Many crawlers hand pages over as Markdown (Jina Reader, Firecrawl, html2text, markdownify). Read as plain
text, every menu entry is a ``[Home](https://example.com/)`` whose address counts as words, and shapes
the model never saw in training hide what a line is: on wcxb-dev converted with html2text, word F1 fell
from 0.814 (its html-text `text` field, a model that never saw wcxb-dev) to 0.572; with the markup taken
off first, 0.809 (docs/benchmarks.md, "Markdown input"). :func:`to_plain` keeps every line and every word
a reader sees:

- ``[text](address)`` becomes ``text``; images (``![alt](address)``) are removed, as image alt text is for
  HTML input; reference definitions (``[1]: https://...``) become blank lines;
- heading marks (``## ``), list markers (``- ``, ``1. ``) and quote marks (``> ``) go, backslash escapes
  are resolved;
- setext underlines, thematic breaks (``---``), table rules (``|---|---|``) and code fences become blank
  lines (block boundaries); the lines inside a fence are kept unchanged.

- emphasis (``**strong**``, ``__strong__``, ``*em*``, ``_em_``), ``~~strike~~`` and ```code``` spans keep
  their text and lose their marks, where the marks pair up within a line and stand at word edges:
  ``snake_case``, ``2*3*4`` and a lone ``*`` are text and stay, and so is everything inside a code span.
- inline HTML, which Markdown passes through and a reader never sees as markup (a README's ``<sup>``, a
  table cell's ``<br>``, an ``<a href>`` a converter left): tags and comments go (a comment over several
  lines too), ``<br>`` becomes a line break and character references are decoded (``&amp;``, ``&nbsp;``),
  outside code spans and fences.

Every pattern here is bounded and never scans past the next bracket, parenthesis or emphasis mark of its
kind, so a 5 MB line costs linear time.
"""
from __future__ import annotations

import html
import re

# An inline link or image whose target looks like an address: what tells Markdown from plain text.
_ANY_LINK = re.compile(r"\[[^\[\]\n]{0,2000}\]\((?:https?:|/|#|mailto:|\.|www\.)[^()\s]{0,4000}"
                       r"(?:\s+\"[^\"\n]{0,500}\")?\)")
_IMAGE = re.compile(r"!\[[^\[\]\n]{0,2000}\]\([^()\n]{0,4000}\)")
_LINK = re.compile(r"\[([^\[\]\n]{0,2000})\]\([^()\s]{0,4000}(?:\s+\"[^\"\n]{0,500}\")?\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]{1,4000})>")
_REF_DEF = re.compile(r"\s{0,3}\[[^\[\]\n]{1,500}\]:\s+\S+.*")
_HEADING = re.compile(r"\s{0,3}#{1,6}(?:\s+|$)")
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
_RULE_LINE = re.compile(r"\s{0,3}(?:=+|-+|(?:[*_-]\s*){3,})\s*")
_TABLE_RULE = re.compile(r"\s*\|?(?:\s*:?-+:?\s*\|)+\s*(?::?-+:?\s*)?")
_FENCE = re.compile(r"\s{0,3}(?:```|~~~)")
_LIST_OR_QUOTE = re.compile(r"\s*(?:(?:[*+-]|\d{1,9}[.)])\s+|(?:>\s?)+)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")

# A pair of marks around text, at word edges (not inside snake_case or 2*3*4), content up to the next mark.
_EMPHASIS = tuple(re.compile(p) for p in (
    r"(?<![\w*\\])\*\*(?![\s*])([^*\n]{1,1000}?)(?<![\s\\])\*\*(?![\w*])",
    r"(?<![\w_\\])__(?![\s_])([^_\n]{1,1000}?)(?<![\s\\])__(?![\w_])",
    r"(?<![\w*\\])\*(?![\s*])([^*\n]{1,1000}?)(?<![\s\\])\*(?![\w*])",
    r"(?<![\w_\\])_(?![\s_])([^_\n]{1,1000}?)(?<![\s\\])_(?![\w_])",
    r"(?<![~\\])~~(?![\s~])([^~\n]{1,1000}?)(?<![\s\\])~~(?!~)",
))
_CODE_SPAN = re.compile(r"(?<![`\\])`(?!`)([^`\n]{1,1000})`(?!`)")  # its content is code: no emphasis inside
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>\n]{0,2000})?/?>|<!--[^<\n]{0,2000}?-->")
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

MIN_LINKS = 3  # inline links with an address before an auto-detected text counts as Markdown


# The header Jina Reader (r.jina.ai) puts before a page's Markdown: "Title: ...", "URL Source: ...", maybe
# "Published Time: ...", then "Markdown Content:" on a line of its own, fields a blank line apart.
_READER_HEAD = re.compile(r"\A\s*((?:[A-Z][A-Za-z ]{1,30}: [^\n]{0,2000}\n\s*){1,12})Markdown Content:[ \t]*(?:\n|\Z)")
_READER_FIELD = re.compile(r"([A-Z][A-Za-z ]{1,30}): ([^\n]*)")
READER_FIELDS = {"Title": "title", "URL Source": "url", "Published Time": "date"}


def reader_header(text: str) -> tuple[str, dict[str, str]]:
    """``text`` without a Jina Reader header, and the header's fields ("title", "url", "date"; empty when there
    is none). A reader that fetched the page wrote these lines, not the page: kept, they came out as
    the first lines of the cleaned text ("URL Source: https://...") of every such page. A header counts only
    at the very start and only with its "URL Source:" line, so a page whose own first line is "Title: ..."
    keeps it."""
    m = _READER_HEAD.match(text)
    if m is None:
        return text, {}
    fields = dict(_READER_FIELD.findall(m.group(1)))
    if "URL Source" not in fields:
        return text, {}
    return text[m.end():], {READER_FIELDS[k]: v.strip() for k, v in fields.items() if k in READER_FIELDS and v.strip()}


def looks_like_markdown(text: str) -> bool:
    """Is this plain text Markdown? At least :data:`MIN_LINKS` inline links or images with an address.

    Link syntax is what scrapers' Markdown always has and plain text almost never does: no page of the
    labelled data's `text` fields has three, except two wcxb-dev pages whose text holds raw Markdown links
    (and whose gold holds only the links' words). Headings and list markers alone are not enough:
    "# 1" and "- item" occur in plain text.
    """
    if reader_header(text[:10_000])[1]:  # what Jina Reader returns is Markdown, links or not
        return True
    found = 0
    for _ in _ANY_LINK.finditer(text):
        found += 1
        if found >= MIN_LINKS:
            return True
    return False


def to_plain(text: str) -> str:
    """The text without Markdown markup, line for line but for ``<br>`` (see the module docstring for what goes)."""
    out: list[str] = []
    in_fence = in_comment = False
    at, last_close = 0, text.rfind("-->")  # the line's offset in ``text``; where its last comment ends
    for line in text.split("\n"):
        if in_comment:  # an HTML comment over several lines: hidden until its end
            end = line.find("-->")
            in_comment = end < 0
            out.append("" if in_comment else _plain_line(line[end + 3:]))
        elif _FENCE.match(line):
            in_fence = not in_fence
            out.append("")
        elif in_fence:
            out.append(line)
        else:
            opened = _comment_left_open(line, at, last_close)
            in_comment = opened >= 0
            out.append(_plain_line(line[:opened] if in_comment else line))
        at += len(line) + 1
    return "\n".join(out)


def _comment_left_open(line: str, at: int, last_close: int) -> int:
    """Where ``line`` (at offset ``at`` of the text, whose last "-->" is at ``last_close``) opens an HTML
    comment that ends on a later line, or -1. A "<!--" that nothing closes is text: hiding the rest of the
    page after it would lose the page."""
    opened = line.rfind("<!--")
    if opened < 0 or line.find("-->", opened + 4) >= 0:
        return -1
    return opened if last_close > at + len(line) else -1


def _plain_span(text: str) -> str:
    """A stretch of a line outside code spans without inline HTML and emphasis marks."""
    if "<" in text:
        text = _INLINE_TAG.sub("", _BREAK_TAG.sub("\n", text))
    if "&" in text:
        text = _CHARACTER_REFERENCE.sub(lambda m: html.unescape(m.group()), text)
    if "*" in text or "_" in text or "~" in text:
        for pattern in _EMPHASIS:
            text = pattern.sub(r"\1", text)
    return text


def _plain_line(line: str) -> str:
    if _REF_DEF.fullmatch(line) or _RULE_LINE.fullmatch(line) or _TABLE_RULE.fullmatch(line):
        return ""
    if "[" in line:
        line = _IMAGE.sub("", line)
        line = _LINK.sub(r"\1", line)
        line = _LINK.sub(r"\1", line)  # a link around an image, or one nested level of brackets
    if "<" in line:
        line = _AUTOLINK.sub(r"\1", line)
    heading = _HEADING.match(line)
    if heading:
        line = _CLOSING_HASHES.sub("", line[heading.end():])
    else:
        marker = _LIST_OR_QUOTE.match(line)
        line = line[marker.end():] if marker else line
    if "*" in line or "_" in line or "~" in line or "`" in line or "<" in line or "&" in line:
        parts = _CODE_SPAN.split(line)  # text, code, text, code, ..., text
        for i in range(0, len(parts), 2):
            parts[i] = _plain_span(parts[i])
        line = "".join(parts)
    if "\\" in line:
        line = _ESCAPE.sub(r"\1", line)
    return line

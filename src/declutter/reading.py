"""Turn whatever the caller hands us into clean Unicode lines.

This is the only place that deals with types, bytes, encodings, newlines and control characters, so every
later stage can assume a list of non-empty, stripped ``str`` lines.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import warnings
from functools import lru_cache
from typing import Optional

import numpy as np

from . import chars, charsets

# Every newline convention we meet in scraped text: \r\n, lone \r, NEL, VT/FF, and the Unicode separators.
_NEWLINE_CHARS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_NEWLINES = re.compile("\r\n|[" + re.escape(_NEWLINE_CHARS[1:]) + "]")  # what normalizing turns into \n
_NEWLINE_CHAR = re.compile("[" + re.escape(_NEWLINE_CHARS) + "]")
_WHITESPACE = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S")
_ODD_SPACE = re.compile(r"[^\S ]|  ")  # whitespace that collapsing would change
# C0/C1 controls except tab and newline, plus NUL: they carry no text and confuse downstream tools.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]")
# C1 control characters in text are windows-1252 bytes that were decoded as Latin-1 (a scraper trusting an
# "iso-8859-1" label): "we\x92re", "New York\x97Union Square". They become the characters those bytes are,
# as ftfy's fix_c1_controls does, rather than vanish with the controls; the five bytes windows-1252 leaves
# undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay controls. U+0085 is a newline (_NEWLINE_CHARS).
_C1_AS_CP1252 = {b: c for b in range(0x80, 0xA0) if b != 0x85 for c in [bytes([b]).decode("cp1252", "ignore")] if c}
_C1 = re.compile("[\x80-\x84\x86-\x9f]")
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f%s\ufeff\ufffe\uffff]" % "".join(
    chr(b) for b in range(0x80, 0xA0) if b != 0x85 and b not in _C1_AS_CP1252))
_DOCUMENT_TAGS = r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]"  # what only a whole document opens with
_HTML_SNIFF = re.compile(
    _DOCUMENT_TAGS + r"|<(?:div|p|span|table|article|section|script|meta|title"
    r"|frameset|frame|iframe|h[1-6]|ul|ol|li|dl|pre|blockquote|form|nav|header|footer|main|style|link)\b[^>]*>",
    re.IGNORECASE,
)
_HTML_TAGS = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">, as bytes.
META_CHARSET_BYTES = 1 << 18  # how far into the head a charset declaration is looked for
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)  # bytes that say their own encoding, whatever else declares one


def _by_bom(data: bytes) -> str | None:
    """``data`` decoded in the encoding its byte order mark names (the mark removed), or None without one:
    a BOM outranks every other sign, for text and HTML alike."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    return None


def decode_bytes(data: bytes) -> str:
    """Decode text bytes: a BOM wins, then UTF-8 (kept when mostly valid), then a code page the words vouch for.

    Bytes that neither read as UTF-8 nor as text in any legacy code page (binary, undeclared UTF-16, control
    bytes) are decoded as UTF-8 with U+FFFD for every invalid sequence, so the damage stays visible and no
    page is lost; see :mod:`declutter.charsets`.
    """
    text = _by_bom(data)
    if text is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return charsets.decode_undeclared(data, fallback=None)


UTF16_SNIFF_BYTES = 4096
UTF16_NUL_SHARE = 0.4      # of the code units whose high (or low) byte is NUL: mostly ASCII text in UTF-16
UTF16_OTHER_NUL = 0.02     # of the code units whose other byte is NUL: almost never, in text


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for bytes that are UTF-16 without a byte order mark, else None.

    Windows tools and some exports write UTF-16 without a BOM. Read as UTF-8, such bytes are half NULs: the
    text survives only as a binary warning, and HTML in them is not even recognised as HTML. Text that is
    mostly ASCII puts a NUL in every code unit's high byte and almost never in its low byte, which no 8-bit
    encoding and no binary format does (their NULs, where they have any, fall on both). UTF-16 without
    ASCII (all-CJK text) has no such pattern; its characters tell it instead (:func:`charsets.cjk_utf16`).
    """
    head = data[:UTF16_SNIFF_BYTES]
    units = len(head) // 2
    if units < 8:
        return None
    even, odd = head[0:2 * units:2].count(0), head[1:2 * units:2].count(0)
    if odd >= UTF16_NUL_SHARE * units and even <= UTF16_OTHER_NUL * units:
        return "utf-16-le"
    if even >= UTF16_NUL_SHARE * units and odd <= UTF16_OTHER_NUL * units:
        return "utf-16-be"
    return charsets.cjk_utf16(head)


def declared_charset(data: bytes) -> str | None:
    """The Python codec for a ``<meta>`` charset, as browsers read its label (:func:`charsets.codec_for_label`),
    or None if absent or unknown.

    Looked for in the first 2 KB, then in the head up to META_CHARSET_BYTES: browsers honour a declaration
    that a long inline style or script pushed further down by parsing the page again (150 of the 3,721
    labelled pages declare theirs after 2 KB, 12 of them a code page other than UTF-8; one at 118 KB).
    """
    m = _META_CHARSET.search(data, 0, 2048)
    if not m and len(data) > 2048:
        head_end = _HEAD_END.search(data, 0, META_CHARSET_BYTES)
        m = _META_CHARSET.search(data, 0, head_end.start() if head_end else META_CHARSET_BYTES)
    if not m:
        return None
    return charsets.codec_for_label(m.group(1).decode("latin-1"))


def decode_html_bytes(data: bytes) -> str:
    """Decode HTML bytes as a browser would: BOM, then the declared charset, then UTF-8, then detection.

    A declared charset is overruled when the bytes are mostly valid UTF-8 with non-ASCII sequences:
    servers and templates often declare latin-1 for pages that are UTF-8, and valid multi-byte UTF-8 almost
    never happens by accident in a single-byte encoding. Undecodable bytes become U+FFFD, never an error.
    """
    text = _by_bom(data)
    if text is not None:
        return text
    declared = declared_charset(data)
    if declared is not None and declared.startswith(("utf-16", "utf-32")):
        declared = None  # a byte-level HTML text cannot be UTF-16; browsers ignore such a declaration too
    if declared is not None and declared != "utf-8":
        if not data.isascii():
            text = data.decode("utf-8", errors="replace")
            if charsets.mostly_utf8(data, text):
                return text
        try:
            return data.decode(declared, errors="replace")
        except (LookupError, UnicodeError, TypeError):
            pass  # a codec that cannot decode bytes to text (e.g. rot13): fall through
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return charsets.decode_undeclared(data, fallback="cp1252")


class NotAPageError(ValueError):
    """Input that holds no web page at all, raised instead of a "cleaned" text made of its markup or bytes.
    With ``input_format="auto"``: an XML feed or sitemap, a URL or a file name alone, a JSON record. With
    any format: bytes of an image, a PDF, a zip archive or a WARC file, an HTTP response of such a type, an
    MHTML archive without an HTML part, gzip or zstd bytes that cannot be decompressed (and an HTTP body
    that cannot be). :class:`declutter.html.HtmlError` (markup that cannot be parsed) is
    one too."""


class BinaryInputWarning(UserWarning):
    """Bytes that decode mostly to U+FFFD and control characters (an image, an archive), or compressed bytes
    that could not be decompressed whole: what is cleaned is not all the input held."""


BINARY_SHARE = 0.1  # of the first 64 KiB of decoded characters, U+FFFD or C0 controls, above which bytes are binary
_NOT_TEXT = re.compile(r"[\ufffd\x00-\x08\x0e-\x1f]")


def _warn_if_binary(data: bytes, text: str) -> None:
    """Binary input is still decoded (the documented result), but never silently: the caller is warned."""
    head = text[:65536]
    bad = len(_NOT_TEXT.findall(head))
    if len(head) >= 64 and bad > BINARY_SHARE * len(head):
        magic = {b"\x1f\x8b": "gzip data", b"PK": "a zip archive"}  # others by name: _refuse_known_formats
        what = next((name for m, name in magic.items() if data.startswith(m)), "binary data")
        warnings.warn(f"input looks like {what}, not text: {bad} of its first {len(head)} characters are invalid "
                      "bytes or control characters", BinaryInputWarning, stacklevel=4)


def decode_declared(body: bytes, charset: Optional[str]) -> str | bytes:
    """Decode with the charset an HTTP header declares, read as browsers read its label
    (:func:`charsets.codec_for_label`: "iso-8859-1" is windows-1252), unless the bytes are mostly valid UTF-8
    (servers often declare latin-1 for UTF-8 pages, as templates do in ``<meta>``); without one, with UTF-8,
    a label nobody knows or a BOM, the bytes themselves, for the usual decoder (BOM, ``<meta>``, detection)."""
    codec = charsets.codec_for_label(charset) if charset else None
    if codec is None or codec == "utf-8" or body.isascii() or body.startswith(BOM_PREFIXES):
        return body  # a BOM outranks the header, in the decoder as in browsers
    text = body.decode("utf-8", errors="replace")
    if charsets.mostly_utf8(body, text):
        return text
    try:
        return body.decode(codec, errors="replace")
    except (LookupError, UnicodeError):  # a codec that is not a text encoding, such as rot13
        return body


_NOT_PAGES = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
              (b"GIF89a", "a GIF image"), (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a zip archive"),
              (b"WARC/1.", "a WARC file"))
# MIME headers (with folded continuation lines) that declare a multipart/related archive: MHTML.
_MHTML_HEAD = re.compile(r"(?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*)*?content-type:\s*multipart/related",
                         re.IGNORECASE)
_HTTP_STATUS = re.compile(rb"HTTP/[0-9.]{1,3} [0-9]{3}[ \r\n]")
_PAGE_TYPES = ("application/xhtml+xml", "application/octet-stream", "binary/octet-stream")  # beside text/*
MAX_DECOMPRESSED = 1 << 28  # bytes a compressed input may give: far beyond any page, short of a decompression bomb


def decompressed(data: bytes) -> tuple[bytes, Optional[str]]:
    """``data`` decompressed when it is gzip or zstd (by its magic number), as a ``.html.gz`` read whole or a
    body fetched without its Content-Encoding undone; else ``data``. The second item says why the result is
    not all the data held (None when it is), as words that follow the input's name: "is gzip data cut
    short; cleaning the 6,754 bytes it holds", or over MAX_DECOMPRESSED bytes "decompresses to more than
    256 MiB; cleaning its first 256 MiB". Data that cannot be decompressed (corrupt, or zstd without the
    ``zstandard`` package) raises :class:`declutter.httpbody.PayloadError`."""
    from .httpbody import compression_of, unpack

    coding = compression_of(data)
    if coding is None:
        return data, None

    out, cut = unpack(data, coding, MAX_DECOMPRESSED + 1)
    if len(out) > MAX_DECOMPRESSED:
        mib = MAX_DECOMPRESSED >> 20
        return out[:MAX_DECOMPRESSED], f"decompresses to more than {mib} MiB; cleaning its first {mib} MiB"
    if cut:
        return out, f"is {coding} data cut short; cleaning the {len(out):,} bytes it holds"
    return out, None


def _decompressed(data: bytes) -> bytes:
    """:func:`decompressed`, its note as a :class:`BinaryInputWarning`. Bytes that cannot be decompressed
    (corrupt, or zstd without the ``zstandard`` package) are a :class:`NotAPageError`: read as they are, they
    gave binary noise that the model kept as text, a "cleaned" page of garbage."""
    from .httpbody import PayloadError, compression_of

    try:
        out, note = decompressed(data)
    except PayloadError as exc:
        raise NotAPageError(f"input is {compression_of(data)} data that cannot be decompressed ({exc})") from None
    if note:
        warnings.warn(f"input {note}", BinaryInputWarning, stacklevel=5)
    return out


def to_text(obj: object, html: bool | None = None) -> str:
    """Accept ``str`` or ``bytes``/``bytearray``/``memoryview``; anything else is a ``TypeError``.

    Bytes are decoded as HTML (:func:`decode_html_bytes`) when ``html`` is true, or when it is None and the
    bytes look like HTML; else as text (:func:`decode_bytes`). UTF-16 without a BOM
    (:func:`utf16_without_bom`) is decoded first and then read like a ``str``.
    """
    if isinstance(obj, str):
        if not _MHTML_HEAD.match(obj[:16384]):
            return without_surrogates(obj)
        obj = without_surrogates(obj).encode("utf-8")  # an MHTML file read as text: its parts are ASCII
    if isinstance(obj, (bytes, bytearray, memoryview)):
        payload = _mhtml_page(_http_payload(_refuse_known_formats(_decompressed(bytes(obj)))))
        if isinstance(payload, str):
            return payload  # decoded in the charset its Content-Type declares
        data = payload
        utf16 = utf16_without_bom(data)
        if utf16 is not None:
            return data.decode(utf16, errors="replace")  # text now, sniffed as HTML or not like a str
        if html or (html is None and looks_like_html(data[:PREAMBLE_CHARS + 65536].decode("latin-1"))):
            text = decode_html_bytes(data)
        else:
            text = decode_bytes(data)
        _warn_if_binary(data, text)
        return text
    raise TypeError(f"declutter expects str or bytes, got {type(obj).__name__}{_type_hint(obj)}")


def _mhtml_page(data: str | bytes) -> str | bytes:
    """The page of an MHTML archive (a browser's "Save as single file", ``.mhtml``/``.mht``: MIME headers,
    then the page and its images as parts), decoded in its part's charset, else its bytes for the usual
    decoder (``<meta>``, detection); anything else as it is. Read as text, such a file gave its headers
    and quoted-printable markup. An archive with no HTML part is a :class:`NotAPageError`."""
    if isinstance(data, str) or not _MHTML_HEAD.match(data[:16384].decode("latin-1")):
        return data
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() in ("text/html", "application/xhtml+xml"):
            body = part.get_payload(decode=True)
            if isinstance(body, bytes):
                return decode_declared(body, part.get_content_charset())
    raise NotAPageError("input is an MHTML archive with no HTML page in it")


def _refuse_known_formats(data: bytes) -> bytes:
    """``data``, unless its magic number names a format that holds no web page (an image, a PDF, a zip
    archive, a WARC file), which is a :class:`NotAPageError` naming it: decoded as text, such bytes gave
    noise that the model kept. Other binary bytes are still decoded, with a :class:`BinaryInputWarning`."""
    for magic, what in _NOT_PAGES:
        if data.startswith(magic):
            hint = ": declutter batch reads it, record by record" if what == "a WARC file" else ""
            raise NotAPageError(f"input is {what}, not a web page{hint}")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise NotAPageError("input is a WebP image, not a web page")
    return data


def _http_payload(data: bytes) -> str | bytes:
    """The page inside ``data`` when it is a raw HTTP response (status line, headers, body: a WARC record's
    raw stream, a proxy's dump), else ``data``.

    Read whole, the headers became a line of the page and a compressed body binary noise. As
    ``declutter batch`` reads a WARC response: chunks joined and every Content-Encoding undone
    (:mod:`declutter.httpbody`), then decoded in the charset its Content-Type declares
    (:func:`decode_declared`). A response that is no page (an image, JSON, a feed), and a binary body that
    cannot be undone (corrupt gzip, an unknown Content-Encoding), is a :class:`NotAPageError`.
    """
    if not _HTTP_STATUS.match(data):
        return data
    from .httpbody import PayloadError, split_response, unpacked_body

    response = split_response(data)
    kind = response.content_type
    if kind is not None and not kind.startswith("text/") and kind not in _PAGE_TYPES:
        raise NotAPageError(f"an HTTP response of type {kind}, not a web page")
    try:
        body, cut = unpacked_body(response, MAX_DECOMPRESSED)
    except PayloadError as exc:  # only a body that does not read as text already gets here
        raise NotAPageError(f"an HTTP response whose body cannot be decoded: {exc}") from None
    if cut:
        warnings.warn(f"HTTP response body cut short; cleaning the {len(body):,} bytes it holds",
                      BinaryInputWarning, stacklevel=5)
    return decode_declared(body, response.charset)


def _type_hint(obj: object) -> str:
    """What to pass instead of the usual wrong types: lines, a path, a file, a parsed tree."""
    kind = type(obj)
    if isinstance(obj, (list, tuple)):
        return " (a page's lines? join them: '\\n'.join(lines))"
    if isinstance(obj, os.PathLike):
        return " (read the file first: clean(path.read_bytes()), or declutter clean FILE)"
    if hasattr(obj, "read"):
        return " (read the file first: clean(f.read()))"
    if kind.__module__.split(".")[0] in ("lxml", "bs4", "html5lib", "selectolax", "parsel"):
        return " (a parsed tree: pass its HTML as a str, e.g. lxml.html.tostring(tree) or str(soup))"
    return ""


def without_surrogates(text: str) -> str:
    """``text`` with each surrogate pair joined into its character and each lone surrogate as U+FFFD.

    A ``str`` can hold surrogates that no encoding writes: JSON's "\\ud83d" escapes of an emoji cut in half
    (valid JSON, which ``json.loads`` returns as they are), text decoded with ``surrogateescape``. Left in,
    they fail every UTF-8 write after cleaning, and lxml turns them into "?". Replaced, as undecodable bytes
    are, the mark stays visible and the page can be cleaned and written like any other.
    """
    try:
        text.encode("utf-8")  # half the cost of a regex search for surrogates
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def normalize_text(text: str) -> str:
    """Unify newlines to ``\\n`` and remove control characters (tabs become spaces; C1 characters become the
    windows-1252 characters they were, :data:`_C1_AS_CP1252`).

    Most pages hold none of those characters; one table lookup over the codepoints finds that out at a
    tenth of the cost of the two regex passes, which then run only when they have something to do.
    """
    if (chars.flags_of(chars.codepoints(text)) & chars.SPECIAL).any():
        return _normalized(text)
    return text.replace("\t", " ")


def _normalized(text: str) -> str:
    """:func:`normalize_text` without its quick check (which reads the codepoints into an array)."""
    text = _NEWLINES.sub("\n", text)
    if _C1.search(text) is not None:  # rare; str.translate over a whole page costs as much as cleaning it
        text = text.translate(_C1_AS_CP1252)
    return _DROPPED.sub("", text).replace("\t", " ")


def collapse_whitespace(text: str) -> str:
    """``" ".join(normalize_text(text).split())``: single spaces, no newlines, no control characters.

    Only the control-character removal can change the result (newline unification and tabs are moot
    once whitespace is collapsed), so text without control characters skips :func:`normalize_text`.
    """
    if _CONTROLS.search(text) is None:
        return " ".join(text.split())
    return " ".join(normalize_text(text).split())


def split_lines(text: str, max_line_chars: int = 20_000) -> tuple[list[str], list[bool]]:
    """Split normalized text into stripped, non-empty lines, and say which follow a blank line.

    Blank lines carry layout: html-to-text tools put them around block elements, so a run of lines with no
    blank between them is usually a menu or a list. We keep that as ``gap_before`` per line.
    A line longer than ``max_line_chars`` is cut at the last space before the limit (or hard at the limit),
    so a 5 MB single-line input becomes a few hundred ordinary lines instead of one feature-extraction
    hot spot. Whitespace inside a line is collapsed to single spaces.
    """
    cp = chars.codepoints(text)
    return _split_page(text, cp, chars.flags_of(cp), max_line_chars)


# Text is read in pieces of about this many characters, cut at newlines: the array pass below holds about
# 30 bytes a character, so a 100 MB text read at once needed 3 GB; a piece needs about 60 MB.
PIECE_CHARS = 1 << 21


def page_lines(text: str, max_line_chars: int = 20_000) -> tuple[list[str], list[bool]]:
    """``split_lines(normalize_text(text), max_line_chars)``, reading the codepoints once.

    Without control characters or odd newlines, normalizing would only turn tabs into spaces, which
    splitting does anyway (a tab is whitespace). A text longer than :data:`PIECE_CHARS` is read piece by
    piece (:func:`_pieces`), with the same result, so memory does not grow with the text: no line spans
    two pieces, and whether a blank line precedes a piece's first line is worked out across the cut.
    """
    if len(text) <= PIECE_CHARS:
        return _page_lines_at_once(text, max_line_chars)
    lines: list[str] = []
    gaps: list[bool] = []
    tail_blank = True  # the part before the first piece's first line: the page's start counts as blank
    for i, piece in enumerate(_pieces(text, PIECE_CHARS)):
        more, more_gaps = _lines_of_piece(piece, max_line_chars)
        if more and i:
            # The piece starts with the newline it was cut at, so its first line follows that newline
            # directly (the part before it is the previous piece's last one) or follows blank parts.
            after = piece[2:] if piece.startswith("\r\n") else piece[1:]
            more_gaps[0] = tail_blank or _is_blank(_NEWLINE_CHAR.split(after, 1)[0], max_line_chars)
        lines += more
        gaps += more_gaps
        tail_blank = _is_blank(piece[_last_newline(piece) + 1:], max_line_chars)
    return lines, gaps


def _pieces(text: str, size: int):
    """``text`` in pieces of at least ``size`` characters (the last may be shorter), each after the first
    starting at the newline it was cut before (never between the two characters of \\r\\n). A line longer
    than ``size`` stays whole in its piece."""
    start, n = 0, len(text)
    while n - start > size:
        found = _NEWLINE_CHAR.search(text, start + size)
        if found is None:
            break
        cut = found.start()
        if text[cut] == "\n" and text[cut - 1] == "\r":
            cut -= 1
        if cut <= start:
            break
        yield text[start:cut]
        start = cut
    yield text[start:]


def _lines_of_piece(piece: str, max_line_chars: int) -> tuple[list[str], list[bool]]:
    """The lines of one piece; a piece holding a line far longer than a piece (one huge line) is split by
    the string loop, which holds no per-character arrays."""
    if len(piece) <= 2 * PIECE_CHARS:
        return _page_lines_at_once(piece, max_line_chars)
    return _split_lines_loop(_normalized(piece), max_line_chars)


def _last_newline(text: str) -> int:
    """The position of the last newline character of any kind in ``text`` (-1 if none)."""
    return max(text.rfind(c) for c in _NEWLINE_CHARS)


def _is_blank(part: str, max_line_chars: int) -> bool:
    """Does a part of the text between two newlines hold no line (only whitespace and control characters)?"""
    if len(part) > PIECE_CHARS:  # without a list of its words
        return _NON_SPACE.search(_DROPPED.sub("", part)) is None  # C1 characters count: they become text
    return not _page_lines_at_once(part, max_line_chars)[0]


def _page_lines_at_once(text: str, max_line_chars: int) -> tuple[list[str], list[bool]]:
    """:func:`page_lines` of a text read in one piece."""
    cp = chars.codepoints(text)
    flags = chars.flags_of(cp)
    if (flags & chars.SPECIAL).any():
        return split_lines(normalize_text(text), max_line_chars)
    return _split_page(text, cp, flags, max_line_chars)


def _split_page(text: str, cp, flags, max_line_chars: int) -> tuple[list[str], list[bool]]:
    """:func:`split_lines` given the text's codepoints and their table flags."""
    # Whole-page version of " ".join(raw.split()) for every raw line: every whitespace character but \n
    # becomes a space (a table lookup), runs of spaces shrink to one, and spaces next to a newline go.
    space = (flags & chars.SPACE).astype(bool) & (cp != 10)
    if space.any():
        text = chars.from_codepoints(np.where(space, 32, cp))
    while "  " in text:
        text = text.replace("  ", " ")
    parts = text.replace(" \n", "\n").replace("\n ", "\n").strip(" ").split("\n")
    lines = list(filter(None, parts))
    if lines and max(map(len, lines)) > max_line_chars:
        return _split_lines_loop(text, max_line_chars)
    empty = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) == 0
    gaps = np.concatenate([[True], empty[:-1]])[~empty]
    return lines, gaps.tolist()


def _split_lines_loop(text: str, max_line_chars: int = 20_000) -> tuple[list[str], list[bool]]:
    """:func:`split_lines` one raw line at a time: the reference, and the path for over-long lines."""
    lines: list[str] = []
    gaps: list[bool] = []
    gap = True
    for raw in text.split("\n"):
        # The same collapse as " ".join(raw.split()) (both split on str.isspace), without a list of every
        # word of a megabyte-long line.
        if len(raw) < 65536:
            line = " ".join(raw.split())
        else:
            line = raw.strip() if _ODD_SPACE.search(raw) is None else _WHITESPACE.sub(" ", raw).strip()
        if not line:
            gap = True
            continue
        pos = 0  # chunks are cut by position: slicing off the rest each time made a huge line quadratic
        while len(line) - pos > max_line_chars:
            cut = line.rfind(" ", pos + max_line_chars // 2, pos + max_line_chars)
            cut = cut if cut > pos else pos + max_line_chars
            lines.append(line[pos:cut].rstrip())
            gaps.append(gap)
            gap = False
            pos = cut + (line[cut] == " ")  # collapsed: at most one space to skip
        line = line[pos:]
        if line:
            lines.append(line)
            gaps.append(gap)
            gap = False
    return lines, gaps


# What may come before a document's first tag: a BOM, whitespace (templates emit blank lines), comments (a
# licence, a CMS banner) and an XML declaration. Read past, up to PREAMBLE_CHARS, before the head is sniffed.
_PREAMBLE = re.compile(r"(?:[\ufeff\s]+|<!--.*?-->|<\?[^<>]*>)*", re.DOTALL)
PREAMBLE_CHARS = 1 << 20
_DOCUMENT_START = re.compile(_DOCUMENT_TAGS, re.IGNORECASE)
# Elements whose content is not markup, or not prose split by blank lines; a comment. Each runs to its end
# tag or, cut off by the sample's end, to the end.
_NOT_PROSE = re.compile(r"<(script|style|template|svg|math|noscript|textarea|pre|xmp|listing)\b.*?(?:</\1\s*>|\Z)"
                        r"|<!--.*?(?:-->|\Z)", re.DOTALL | re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_MIN_PARAGRAPHS = 10  # fewer say too little: a short fragment that opens with a tag is HTML
# The first element of an XML document (after any <!DOCTYPE>), and the roots that name a feed or a sitemap.
_XML_DOCTYPE = re.compile(r"<!doctype[^<>]{0,2000}>\s*", re.IGNORECASE)
_XML_ROOT = re.compile(r"<([A-Za-z][\w.:-]{0,60})(\s[^<>]{0,4000})?/?>")
_XML_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "urlset", "sitemapindex", "opml"})
# An element with its end tag and no tag inside (the innermost of nested ones), and a line break: what an
# HTML fragment holds and plain text only quotes (:func:`looks_like_html_fragment`).
_FRAGMENT_ELEMENT = re.compile(r"<(p|a|b|i|u|em|strong|span|div|li|h[1-6]|blockquote|td|th|small|code|sup|sub"
                               r"|font|center|figcaption|dt|dd)\b[^<>]*>[^<>]{0,2000}?</\1\s*>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MIN_FRAGMENT_ELEMENTS = 2
_JSON_START = re.compile(r"\s*[\[{]")


def after_preamble(text: str) -> int:
    """Where ``text``'s content starts, past a leading BOM, whitespace, comments and XML declaration (read
    up to PREAMBLE_CHARS)."""
    preamble = _PREAMBLE.match(text, 0, PREAMBLE_CHARS)  # always matches, if only the empty string
    return preamble.end() if preamble else 0


def prose_paragraphs(sample: str) -> list[str]:
    """The sample's blank-line-separated stretches, each script, style, ``pre`` or comment cut to "<x>"."""
    return [p for p in _BLANK_LINE.split(_NOT_PROSE.sub("<x>", sample)) if p and not p.isspace()]


def _paragraphs_without_markup(sample: str) -> bool:
    """Do most of the sample's blank-line-separated paragraphs hold no tag?

    In HTML blank lines are whitespace between elements, so almost every stretch between them holds a tag
    (outside scripts, styles and ``pre``): over the 111 labelled HTML pages that open with another tag and
    have 10 or more stretches, at most 24% hold none (``benchmarks/sniff.py``). Plain text that quotes markup
    is the other way round (MDN's ``<table>`` page as text: 79%).
    """
    paragraphs = prose_paragraphs(sample)
    if len(paragraphs) < _MIN_PARAGRAPHS:
        return False
    return sum(_HTML_TAGS.search(p) is None for p in paragraphs) > len(paragraphs) / 2


def json_document(text: str) -> Optional[str]:
    """What JSON ``text`` is ("a JSON object", "a JSON array", "JSON Lines records"), or None for text that is
    not JSON. A scraper's record passed whole (``clean(line)`` over a JSONL file) came back as its own
    "clean" text, keys, escaped HTML and all."""
    if not _JSON_START.match(text):
        return None  # most input: no copy of it made
    body = text.strip()
    if len(body) < 2 or body[-1] not in "}]":
        return None
    try:
        value = json.loads(body)
    except ValueError:
        first = body.split("\n", 1)[0].strip()
        try:
            value = json.loads(first) if first != body else None
        except ValueError:
            return None
        return "JSON Lines records" if isinstance(value, dict) else None
    if isinstance(value, dict):
        return "a JSON object"
    return "a JSON array" if isinstance(value, list) else None


def xml_document_root(text: str) -> Optional[str]:
    """The root element's name when ``text`` is an XML document that is not HTML (a feed, a sitemap, a data
    file), else None.

    Such a document has no page body to keep: parsed as HTML its elements run together into one line
    (a sitemap's addresses and dates), and a feed's entries, escaped HTML inside, came out with their tags
    as text. A feed's root says so (``rss``, ``feed``, ``rdf:RDF``, ``urlset``, ``opml``); any other root
    that is no HTML element counts when the document opens with an XML declaration or names a namespace.
    An SVG image counts when it is a document (declared, or naming its namespace) and nothing follows it.
    An HTML root (``<html xmlns=...>``, XHTML) or a fragment opening with an HTML element (``<div>``,
    an inline ``<svg>`` icon) is HTML, and so is a custom element (``<my-app>``, a hyphen in its name).
    """
    start = after_preamble(text)
    head = text[start:start + 4096]
    doctype = _XML_DOCTYPE.match(head)
    root = _XML_ROOT.match(head, doctype.end() if doctype else 0)
    if root is None:
        return None
    name = root.group(1).lower()
    if name in _XML_ROOTS:
        return name
    declared = "<?xml" in text[:start].lower() or "xmlns" in (root.group(2) or "")
    if name == "svg":  # an image of its own, unless page content follows it (an inline icon's fragment)
        return name if declared and text.rstrip()[-6:].lower() == "</svg>" else None
    if name in _html_tags() or "-" in name:
        return None
    return name if declared else None


@lru_cache(maxsize=1)
def _html_tags() -> frozenset[str]:
    from lxml.html import defs

    return frozenset(defs.tags | defs.html5_tags | {"main", "template", "picture", "search", "slot"})


def looks_like_html_fragment(text: str) -> bool:
    """Is this a piece of HTML that opens with words rather than a tag (a CMS body field, a feed item's
    description, an element's innerHTML saved by a scraper)?

    :func:`looks_like_html` wants a tag at the start, or markup making up a third of the text, so such a
    fragment was read as text and its tags came out in the cleaned output. Plain text that quotes markup
    (documentation, code samples) quotes it on a few of its lines; a fragment has real elements, closed by
    their end tag or line breaks (``<br>``), on at least half of them. Of the 7,440 text fields of the
    labelled data, as they are and in the WET layout, none that :func:`looks_like_html` leaves as text is a
    fragment this way (docs/benchmarks.md, "Text or HTML"). Markdown with inline HTML is Markdown: the
    caller asks first.
    """
    sample = text[:65536]
    if "<" not in sample:
        return False
    elements = len(_FRAGMENT_ELEMENT.findall(sample)) + len(_LINE_BREAK.findall(sample))
    if elements < _MIN_FRAGMENT_ELEMENTS:
        return False
    lines = [line for line in sample.split("\n") if line and not line.isspace()]
    return sum(_HTML_TAGS.search(line) is not None for line in lines) >= len(lines) / 2


def looks_like_html(text: str) -> bool:
    """Is this HTML rather than plain text?

    HTML documents start with a tag (after an optional BOM, whitespace, comments or XML declaration, however
    long) and carry a document or block tag early on; a text page that merely quotes markup (documentation,
    code samples) does not, unless markup makes up most of it. A text page may also open with a tag (the
    title of MDN's page on ``<table>`` is "<table>: The Table element"), so a page opening with a tag other
    than a document's own is HTML only if its paragraphs hold markup (:func:`_paragraphs_without_markup`).
    """
    start = after_preamble(text)
    if start == len(text) and "<" in text:
        return True  # nothing but comments or an XML declaration: an empty document, not a text page
    head = text[start:start + 4096]
    if head.startswith("<") and _HTML_SNIFF.search(head):
        return bool(_DOCUMENT_START.match(head)) or not _paragraphs_without_markup(text[start:start + 65536])
    sample = text[:65536]
    tags = _HTML_TAGS.findall(sample)
    if len(tags) < 20:
        return False
    tag_chars = sum(len(t) for t in tags)
    return tag_chars > 0.3 * len(sample) and bool(_HTML_SNIFF.search(sample))

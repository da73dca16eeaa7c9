"""The page inside an HTTP response as a WARC file stores it: headers split off, chunks joined, compression undone.

WARC writers differ. Common Crawl decodes payloads and renames the headers (``X-Crawler-Content-Encoding``);
Heritrix, wget and warcprox keep the bytes the server sent, so a page may still be chunked and gzip- or
brotli-compressed; browser-based crawlers often strip the encoding but leave the header in place. So every
step here is lenient in the way jwarc and warcio are: a body that is not laid out as chunks, or that does not
start the way its declared compression starts, is taken as already decoded. Only a payload that is really
compressed and cannot be opened, or a compression we cannot read, is an error (:class:`PayloadError`), so a
batch job reports it instead of cleaning binary noise.

Decoded output is capped at :data:`MAX_DECODED` bytes (a compression bomb, or a crawl that stored huge
pages); beyond it the beginning is kept, which is all the HTML reader analyses anyway.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Callable, NamedTuple, Optional

MAX_DECODED = 64 * 1024 * 1024
_CHUNK_HEAD = re.compile(rb"[ \t]*([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def compression_of(data: bytes) -> Optional[str]:
    """"gzip" or "zstd" when ``data`` starts with that format's magic number, else None: how a file, a body
    or bytes handed to ``clean()`` say they are compressed, whatever their name or headers claim."""
    if data.startswith(_GZIP_MAGIC):
        return "gzip"
    return "zstd" if data.startswith(_ZSTD_MAGIC) else None


class PayloadError(ValueError):
    """A response body that is compressed in a way we cannot undo."""


@dataclass
class HttpResponse:
    """The parts of a response the batch reader needs; header names are lower-cased, repeats joined by ', '."""

    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> Optional[str]:
        value = self.headers.get("content-type", "").split(";")[0].strip().lower()
        return value or None

    @property
    def charset(self) -> Optional[str]:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.strip().lower() == "charset":
                return value.strip("\"' ") or None
        return None


def split_response(block: bytes) -> HttpResponse:
    """Status line and headers parted from the body; the body is returned exactly as stored."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    headers: dict[str, str] = {}
    for raw in head.split(b"\n")[1:]:
        name, colon, value = raw.decode("latin-1").partition(":")
        if not colon:
            continue
        key, value = name.strip().lower(), value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return HttpResponse(headers, body)


class Unpacked(NamedTuple):
    """Decompressed bytes, and whether the compressed stream ended early (its data is then all it held)."""

    data: bytes
    cut: bool


def unpacked_body(response: HttpResponse, limit: int = MAX_DECODED) -> Unpacked:
    """The body with chunking and every Content-Encoding undone, innermost last as HTTP applies them, and
    whether a compressed layer of it was cut short (the body is then what it held; one cut before its first
    complete block is a :class:`PayloadError`)."""
    body, cut = response.body, False
    if "chunked" in _codings(response.headers.get("transfer-encoding", "")):
        body = dechunk(body)
    for coding in reversed(_codings(response.headers.get("content-encoding", ""))):
        found = unpack(body, coding, limit)
        if found.cut and not found.data:
            raise PayloadError(f"{coding} data cut short before any complete block")
        body, cut = found.data, cut or found.cut
    return Unpacked(body[:limit], cut)


def _codings(value: str) -> list[str]:
    return [c.strip().lower() for c in value.split(",") if c.strip() and c.strip().lower() != "identity"]


def dechunk(body: bytes) -> bytes:
    """Chunks joined. A body that does not open with a chunk header was stored de-chunked and is returned
    as it is; chunks cut short by a truncated record give what they hold."""
    if not _CHUNK_HEAD.match(body):
        return body
    parts, pos = [], 0
    while True:
        head = _CHUNK_HEAD.match(body, pos)
        if head is None:
            break
        size, start = int(head.group(1), 16), head.end()
        if size == 0:
            break
        parts.append(body[start:start + size])
        pos = start + size
        pos += 2 if body.startswith(b"\r\n", pos) else 1 if body.startswith(b"\n", pos) else 0
    return b"".join(parts)


def unpack(body: bytes, coding: str, limit: int = MAX_DECODED) -> Unpacked:
    """One Content-Encoding undone (see the module docstring for when a body is taken as already decoded),
    and whether the stream was cut short: a download that broke off gives what it holds, said, not silently."""
    if not body:
        return Unpacked(body, False)
    opener = _OPENERS.get(coding)
    if opener is None:
        if _looks_decoded(body):
            return Unpacked(body, False)
        raise PayloadError(f"unsupported Content-Encoding {coding!r}")
    try:
        return opener(body, limit)
    except _NotThisCoding:
        return Unpacked(body, False)
    except PayloadError:
        if _looks_decoded(body):
            return Unpacked(body, False)
        raise


class _NotThisCoding(Exception):
    """The body does not begin the way the declared compression begins."""


def _looks_decoded(body: bytes) -> bool:
    """Markup or text at the start: a payload some crawler already decoded."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # only a character cut at the window's edge
    return b"\x00" not in head


def _gunzip(body: bytes, limit: int) -> Unpacked:
    if not body.startswith(_GZIP_MAGIC):
        raise _NotThisCoding
    out: list[bytes] = []
    data, total, cut = body, 0, False
    while data.startswith(_GZIP_MAGIC) and total < limit and not cut:  # concatenated members
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        found = _inflate(inflater, data, limit - total, "gzip")
        out.append(found.data)
        total, cut = total + len(found.data), found.cut
        data = inflater.unused_data
    return Unpacked(b"".join(out), cut)


def _inflate_any(body: bytes, limit: int) -> Unpacked:
    """'deflate' means zlib-wrapped data by the RFC, but many servers send raw deflate: try both."""
    try:
        return _inflate(zlib.decompressobj(zlib.MAX_WBITS), body, limit, "deflate")
    except PayloadError:
        return _inflate(zlib.decompressobj(-zlib.MAX_WBITS), body, limit, "deflate")


def _inflate(inflater, data: bytes, limit: int, coding: str) -> Unpacked:
    """What a zlib stream holds, up to limit bytes; cut: the stream ended before its end under that limit."""
    try:
        out = inflater.decompress(data, limit)
    except zlib.error as exc:
        raise PayloadError(f"corrupt {coding} data ({exc})") from None
    return Unpacked(out, not inflater.eof and len(out) < limit)


def _unbrotli(body: bytes, limit: int) -> Unpacked:
    try:
        import brotli
    except ImportError:
        raise PayloadError("Content-Encoding br needs the 'brotli' package (pip install 'declutter[batch]')") from None
    decompressor = brotli.Decompressor()
    try:
        out = decompressor.process(body, output_buffer_limit=limit)
    except brotli.error as exc:
        raise PayloadError(f"corrupt br data ({exc})") from None
    return Unpacked(out[:limit], len(out) < limit and not decompressor.is_finished())


def _unzstd(body: bytes, limit: int) -> Unpacked:
    if not body.startswith(_ZSTD_MAGIC):
        raise _NotThisCoding
    from .zstdframes import unzstd

    try:
        return Unpacked(*unzstd(body, limit))
    except ImportError:
        raise PayloadError("Content-Encoding zstd needs the 'zstandard' package (pip install 'declutter[batch]')") from None
    except OSError as exc:
        raise PayloadError(str(exc)) from None


_OPENERS: dict[str, Callable[[bytes, int], Unpacked]] = {
    "gzip": _gunzip, "x-gzip": _gunzip, "deflate": _inflate_any, "br": _unbrotli, "zstd": _unzstd,
}

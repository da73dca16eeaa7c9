"""Input readers for batch cleaning: folders of pages, JSONL dumps, WARC and WET files, as one record stream.

Every reader yields :class:`Record` objects in a fixed order (so a resumed job sees the same records in the
same shards). A record that cannot be read is still yielded, with ``error`` set, so it reaches
``errors.jsonl`` and the count of records in; an input that breaks off (truncated gzip or WARC) yields one
error record for the unreadable rest. Nothing is skipped silently: WARC records that are not pages
(requests, metadata, non-HTML responses) are counted by the caller through ``skipped``.

Compression is recognised by its magic bytes (gzip, zstd), not by the file name.
"""
from __future__ import annotations

import codecs
import gzip
import io
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Optional, Union

from .httpbody import PayloadError, compression_of, split_response, unpacked_body
from .reading import decode_declared
from .zstdframes import ZstdFrames

Content = Union[str, bytes]
PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".md", ".markdown", ".mhtml", ".mht")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
WARC_SUFFIXES = (".warc", ".wet")
COMPRESSION_SUFFIXES = (".gz", ".zst", ".zstd")
HTML_TYPES = ("text/html", "application/xhtml+xml")


class SourceError(ValueError):
    """An input that cannot be used at all (missing, unknown type); the job refuses to start."""


@dataclass
class Record:
    """One page to clean, or the reason it could not be read."""

    position: str                      # where it came from: "file:line", "file@offset", "dir/file"
    id: Optional[str] = None
    url: Optional[str] = None
    content: Optional[Content] = None
    error: Optional[str] = None
    # What the source says the content is: "text" for a WET conversion or a text/plain document, whose
    # lines are the page's blocks even when the first one looks like a tag; None: the cleaner sniffs it.
    input_format: Optional[str] = None
    # The language the source gives for the page (a JSONL field, a WET record's identified language); the
    # cleaner takes it as a declaration (Cleaner.read's ``lang``).
    lang: Optional[str] = None
    # Why the page is only part of what the server sent, when the source says so or its compressed body
    # breaks off ("WARC-Truncated: length", "gzip body cut short"); the row carries it as ``truncated``.
    truncated: Optional[str] = None

    @property
    def key(self) -> str:
        """The record's id where the input gives one, else its position."""
        return self.id if self.id is not None else self.position


@dataclass(frozen=True)
class SourceOptions:
    """Which JSONL fields hold the page, its id, its URL and (when named) its language."""

    field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    lang_field: Optional[str] = None


Skip = Callable[[str], None]  # told why a non-page WARC record was passed over


def input_kind(path: Path) -> str:
    """'dir', 'page', 'jsonl', 'warc' or 'arc', from the path; compression suffixes are looked through."""
    if path.is_dir():
        return "dir"
    name = _uncompressed_name(path.name)
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(".arc"):
        return "arc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PAGE_SUFFIXES):
        return "page"
    raise SourceError(f"{path}: unknown input type (expected a folder, .jsonl[.gz|.zst], .warc[.gz], .wet[.gz], .arc[.gz], .html, .txt, .md or .mhtml)")


def check_inputs(paths: list[str]) -> list[Path]:
    """The inputs as paths, refusing missing ones and unknown types before any work starts."""
    if not paths:
        raise SourceError("no input given")
    out = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise SourceError(f"{path}: no such file or directory")
        input_kind(path)
        out.append(path)
    return out


class _TolerantReader(io.RawIOBase):
    """A decompressed stream that ends (instead of raising) where the input breaks off, remembering why.

    WARC parsers read ahead; if the truncation error surfaced inside them, the good records before it
    would be lost too. Ending cleanly lets them hand over every complete record; the caller then reports
    the break as an error record. Reads go through ``read1`` where the stream has one (a ``GzipFile``): one
    step of the decompressor per read, so the error comes in a read of its own and never takes with it
    the data decoded just before the break, as ``read(n)`` did (up to 8 KiB: a few complete records).
    """

    def __init__(self, inner: BinaryIO, raw: BinaryIO):
        super().__init__()
        self.inner, self.raw = inner, raw
        self._read = getattr(inner, "read1", inner.read)
        self.failure: Optional[str] = None
        self.pos = 0

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Forward seeks only (read and discard): enough for WARC parsers that skip record bodies."""
        target = offset if whence == io.SEEK_SET else self.pos + offset if whence == io.SEEK_CUR else -1
        if target < self.pos:
            raise io.UnsupportedOperation("a decompressed stream can only seek forward")
        while self.pos < target and self.read(min(target - self.pos, 1 << 16)):
            pass
        return self.pos

    def close(self) -> None:
        if not self.closed:
            self.inner.close()
            self.raw.close()
        super().close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.failure is not None:
            return 0
        try:
            data = self._read(len(buffer))
        except (EOFError, OSError, zlib.error) as exc:
            self.failure = f"input truncated or corrupt: {exc}"
            return 0
        except Exception as exc:  # any other decompressor error: the rest of the stream is unreadable
            self.failure = f"input truncated or corrupt: {type(exc).__name__}: {exc}"
            return 0
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)


def open_stream(path: Path) -> _TolerantReader:
    """The file's bytes, gunzipped or un-zstd-ed by magic number, ending cleanly at a break."""
    return decompressed(open(path, "rb"), str(path))


def decompressed(raw: BinaryIO, name: str) -> _TolerantReader:
    """``raw`` (seekable) read through gzip or zstd when its magic number says so, ending cleanly at a break."""
    coding = compression_of(raw.read(4))
    raw.seek(0)
    if coding == "gzip":
        inner: Any = gzip.GzipFile(fileobj=raw)  # a GzipFile or a zstd reader: each reads like a binary file
    elif coding == "zstd":
        try:
            inner = ZstdFrames(raw)  # every frame; EOFError where one is cut short, after all it holds
        except ImportError:
            raw.close()
            raise SourceError(f"{name}: reading zstd needs the 'zstandard' package (pip install 'declutter[batch]')") from None
    else:
        inner = raw
    return _TolerantReader(inner, raw)


def read_all(stream: _TolerantReader) -> tuple[bytes, Optional[str]]:
    """Everything ``stream`` holds, with the reason it broke off (None when it did not)."""
    with io.BufferedReader(stream) as fh:
        data = fh.read()
    return data, stream.failure


def read_folder(path: Path, skip: Optional[Skip] = None) -> Iterator[Record]:
    """Every page file under ``path`` (recursively, sorted), as raw bytes; the cleaner decodes them.

    Other files are no records, but ``skip`` is told of each (by its suffix), so a folder of ``.htm5`` or
    suffix-less pages does not come out as an empty job without a word.
    """
    files = []
    for p in sorted(path.rglob("*")):
        if not p.is_file():
            continue
        if _uncompressed_name(p.name).endswith(PAGE_SUFFIXES):
            files.append(p)
        elif skip is not None:
            skip(f"file of another type ({p.suffix.lower() or 'no suffix'})")
    for file in files:
        yield read_page_file(file, file.relative_to(path).as_posix())


def read_page_file(file: Path, position: Optional[str] = None) -> Record:
    """One saved page (``page.html``, or ``page.html.gz`` / ``.zst``: decompressed by magic number)."""
    position = position or str(file)
    try:
        data, failure = read_all(open_stream(file))
    except OSError as exc:
        return Record(position=position, error=f"cannot read file: {exc.strerror or exc}")
    if failure:
        return Record(position=position, error=f"{failure} (after {len(data)} bytes)")
    return Record(position=position, content=data)


def _uncompressed_name(name: str) -> str:
    name = name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _jsonl_record(line: bytes, position: str, opts: SourceOptions) -> Record:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Record(position=position, error=f"invalid UTF-8 at byte {exc.start} of the line")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return Record(position=position, error=f"invalid JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(obj, dict):
        return Record(position=position, error=f"expected a JSON object, got {type(obj).__name__}")
    rid = obj.get(opts.id_field)
    url = obj.get(opts.url_field)
    record = Record(position=position, id=None if rid is None else str(rid), url=url if isinstance(url, str) else None)
    lang = obj.get(opts.lang_field) if opts.lang_field else None
    record.lang = lang if isinstance(lang, str) and lang.strip() else None  # anything else: detected instead
    content = obj.get(opts.field)
    if opts.field not in obj:
        record.error = f"missing field {opts.field!r}{_other_text_fields(obj, opts)}"
    elif content is None:
        record.error = f"field {opts.field!r} is null"
    elif not isinstance(content, str):
        record.error = f"field {opts.field!r} is {type(content).__name__}, not a string"
    else:
        record.content = content
    return record


def _other_text_fields(obj: dict, opts: SourceOptions) -> str:
    """A hint for a record without the page field: its other string fields, the page is likely one of them
    (a dump whose pages are under "html", "content" or "raw_content" needs ``--field``)."""
    skip = {opts.id_field, opts.url_field, opts.lang_field}
    names = [k for k, v in obj.items() if isinstance(v, str) and k not in skip][:5]
    return f" (its string fields: {', '.join(map(repr, names))}; choose one with --field)" if names else ""


def read_jsonl(path: Path, opts: SourceOptions) -> Iterator[Record]:
    """One record per non-blank line; blank lines are not records."""
    stream = open_stream(path)
    lineno = 0
    with io.BufferedReader(stream) as fh:
        for lineno, line in enumerate(fh, 1):
            if stream.failure and not line.endswith(b"\n"):
                lineno -= 1  # the line the break cut short: reported once, as the break
                break
            if lineno == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]  # Windows tools write one; it is not part of the first record
            if line.strip():
                yield _jsonl_record(line, f"{path}:{lineno}", opts)
    if stream.failure:
        yield Record(position=f"{path}:{lineno + 1}", error=f"{stream.failure} (after line {lineno})")


def _warc_page(rec, position: str, skip: Skip) -> Optional[Record]:
    """The page in a WARC response (HTML) or WET conversion (text) record; None for other records."""
    kind = str(rec.record_type)
    if kind not in ("response", "conversion", "resource"):
        skip(f"warc {kind} record")
        return None
    record = Record(position=position, id=rec.headers.get("WARC-Record-ID"), url=rec.headers.get("WARC-Target-URI"))
    record.lang = _identified_language(rec.headers.get("WARC-Identified-Content-Language"))
    cut_by_crawler = rec.headers.get("WARC-Truncated")
    if cut_by_crawler is not None:  # the crawler stored only part of the payload (its size or time limit)
        record.truncated = f"WARC-Truncated: {cut_by_crawler.strip() or 'unspecified'}"
    block = rec.reader.read()
    declared = rec.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and len(block) < int(declared):
        record.error = f"record truncated: {len(block)} of {declared} bytes"
        return record
    if kind == "conversion":
        record.content, record.input_format = block, "text"
    elif kind == "resource" or not rec.headers.get("Content-Type", "").startswith("application/http"):
        ctype = (rec.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in HTML_TYPES + ("text/plain",):
            skip(f"warc {kind} record of type {ctype or 'unknown'}")
            return None
        record.content, record.input_format = block, _declared_format(ctype)
    else:
        return _http_page(record, block, skip, "warc response", rec.headers.get("WARC-Identified-Payload-Type"))
    return record


# What servers send when they do not say what a body is; the crawler's own sniffing then decides.
UNTYPED = (None, "application/octet-stream", "unknown/unknown", "binary/octet-stream")


def _http_page(record: Record, block: bytes, skip: Skip, label: str, identified: Optional[str] = None
               ) -> Optional[Record]:
    """``record`` holding the HTML page of an HTTP response block, None (and skip told) for other types.

    A response with no Content-Type (or a generic binary one) is a page when the crawler identified its payload
    as HTML (Common Crawl's ``WARC-Identified-Payload-Type``), as a browser would sniff it.
    """
    response = split_response(block)
    sniffed = (identified or "").split(";")[0].strip().lower()
    if response.content_type not in HTML_TYPES and not (response.content_type in UNTYPED and sniffed in HTML_TYPES):
        skip(f"{label} of type {response.content_type or 'unknown'}")
        return None
    try:
        body = unpacked_body(response)
    except PayloadError as exc:
        record.error = f"HTTP payload: {exc}"
        return record
    if body.cut:
        why = f"{response.headers.get('content-encoding', 'compressed').strip()} body cut short"
        record.truncated = why if record.truncated is None else f"{record.truncated}; {why}"
    record.content = decode_declared(body.data, response.charset)
    return record


def read_warc(path: Path, skip: Skip) -> Iterator[Record]:
    """Pages of a WARC (HTML responses) or WET (text conversions) file, read with FastWARC."""
    try:
        from fastwarc.warc import ArchiveIterator
    except ImportError:
        raise SourceError(f"{path}: reading WARC/WET needs the 'fastwarc' package (pip install 'declutter[batch]')") from None
    stream = open_stream(path)
    count = 0
    try:
        for rec in ArchiveIterator(io.BufferedReader(stream), parse_http=False, stream_detect=False):
            count += 1
            page = _warc_page(rec, f"{path}@{rec.stream_pos}", skip)
            if page is not None:
                yield page
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # not WARC, a broken header; FastWARC's Rust panics are BaseExceptions
        yield Record(position=f"{path}#{count + 1}", error=f"unreadable WARC after {count} records: {exc}")
        return
    finally:
        stream.close()
    if stream.failure:
        yield Record(position=f"{path}#{count + 1}", error=f"{stream.failure} (after {count} WARC records)")


def read_arc(path: Path, skip: Skip) -> Iterator[Record]:
    """Pages of an ARC file, the Internet Archive's format before WARC (FastWARC reads WARC only).

    A record is one header line, ``URL IP date content-type length`` (version 2 puts more fields before
    the length), then ``length`` bytes: an HTTP response for HTTP captures, the bare document otherwise.
    """
    stream = open_stream(path)
    count = offset = 0
    with io.BufferedReader(stream) as fh:
        for line in iter(fh.readline, b""):
            start, offset = offset, offset + len(line)
            if not line.strip():
                continue  # the newline that ends each record
            fields = line.split()
            if len(fields) < 5 or not fields[-1].isdigit():
                yield Record(position=f"{path}@{start}", error=f"unreadable ARC after {count} records: bad header line")
                return
            block = fh.read(int(fields[-1]))
            offset += len(block)
            count += 1
            page = _arc_page(fields, block, f"{path}@{start}", skip)
            if page is not None:
                yield page
    if stream.failure:
        yield Record(position=f"{path}@{offset}", error=f"{stream.failure} (after {count} ARC records)")


def _arc_page(fields: list[bytes], block: bytes, position: str, skip: Skip) -> Optional[Record]:
    """The page in one ARC record; None (and skip told) for the file header and documents that are not pages."""
    url = fields[0].decode("latin-1")
    if url.startswith("filedesc://"):
        skip("arc file header record")
        return None
    record = Record(position=position, url=url)
    if len(block) < int(fields[-1]):
        record.error = f"record truncated: {len(block)} of {int(fields[-1])} bytes"
        return record
    if block.startswith(b"HTTP/"):
        return _http_page(record, block, skip, "arc response")
    ctype = fields[3].decode("latin-1").split(";")[0].lower()
    if ctype not in HTML_TYPES + ("text/plain",):
        skip(f"arc record of type {ctype}")
        return None
    record.content, record.input_format = block, _declared_format(ctype)
    return record


def _identified_language(value: Optional[str]) -> Optional[str]:
    """The first of the languages Common Crawl's WET records name ("eng,deu": the page's main language first,
    ISO 639-3 codes the cleaner reads); None when there is none."""
    first = (value or "").split(",")[0].strip()
    return first or None


def _declared_format(ctype: str) -> Optional[str]:
    """A document declared text/plain is text. One declared HTML is left to the sniff: servers also send
    plain text as text/html, and the sniff reads a real HTML page as HTML anyway."""
    return "text" if ctype == "text/plain" else None


def read_inputs(paths: list[Path], opts: SourceOptions, skip: Skip) -> Iterator[Record]:
    """All records of all inputs, in the order given (folders sorted)."""
    for path in paths:
        kind = input_kind(path)
        if kind == "dir":
            yield from read_folder(path, skip)
        elif kind == "page":
            yield read_page_file(path)
        elif kind == "jsonl":
            yield from read_jsonl(path, opts)
        elif kind == "arc":
            yield from read_arc(path, skip)
        else:
            yield from read_warc(path, skip)

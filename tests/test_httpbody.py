"""HTTP payloads as WARC writers store them: chunked, compressed, or decoded with the headers left in place."""
from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
import zstandard

from declutter.httpbody import PayloadError, dechunk, split_response, unpack, unpacked_body

PAGE = ("<html><body>" + "<p>Paragraph number %d of a page that a server compressed.</p>" * 200 + "</body></html>")
PAGE = (PAGE % tuple(range(200))).encode()


def chunked(data: bytes, size: int = 1000, ext: str = "") -> bytes:
    parts = [b"%x%s\r\n%s\r\n" % (len(data[i:i + size]), ext.encode(), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def raw_deflate(data: bytes) -> bytes:
    """Deflate without the zlib wrapper, as many servers send 'deflate'."""
    c = zlib.compressobj(wbits=-15)
    return c.compress(data) + c.flush()


def response(body: bytes, *headers: str) -> bytes:
    head = "\r\n".join(("HTTP/1.1 200 OK", "Content-Type: text/html; charset=UTF-8") + headers)
    return head.encode() + b"\r\n\r\n" + body


def decode(block: bytes) -> bytes:
    return unpacked_body(split_response(block)).data


def test_headers_are_parsed_case_insensitively_and_repeats_joined():
    r = split_response(response(b"x", "content-encoding: gzip", "Content-Encoding: br", "Broken header line"))
    assert r.content_type == "text/html" and r.charset == "UTF-8"
    assert r.headers["content-encoding"] == "gzip, br" and r.body == b"x"


@pytest.mark.parametrize("name, body, headers", [
    ("gzip", gzip.compress(PAGE), ["Content-Encoding: gzip"]),
    ("x-gzip", gzip.compress(PAGE), ["Content-Encoding: x-gzip"]),
    ("zlib deflate", zlib.compress(PAGE), ["Content-Encoding: deflate"]),
    ("raw deflate", raw_deflate(PAGE), ["Content-Encoding: deflate"]),
    ("brotli", brotli.compress(PAGE), ["Content-Encoding: br"]),
    ("zstd", zstandard.ZstdCompressor().compress(PAGE), ["Content-Encoding: zstd"]),
    ("chunked", chunked(PAGE, ext=";name=value"), ["Transfer-Encoding: chunked"]),
    ("gzip then chunked", chunked(gzip.compress(PAGE)), ["Transfer-Encoding: chunked", "Content-Encoding: gzip"]),
    ("gzip then brotli", brotli.compress(gzip.compress(PAGE)), ["Content-Encoding: gzip, br"]),
    ("identity", PAGE, ["Content-Encoding: identity"]),
])
def test_every_common_encoding_gives_the_page_back(name, body, headers):
    assert decode(response(body, *headers)) == PAGE


@pytest.mark.parametrize("headers", [["Content-Encoding: gzip"], ["Content-Encoding: br"], ["Content-Encoding: zstd"],
                                     ["Transfer-Encoding: chunked"], ["Content-Encoding: deflate"],
                                     ["Content-Encoding: some-new-coding"]])
def test_a_payload_already_decoded_under_its_old_headers_is_kept_as_it_is(headers):
    assert decode(response(PAGE, *headers)) == PAGE


def test_a_truncated_gzip_payload_gives_what_it_holds():
    whole = gzip.compress(PAGE)
    out = decode(response(whole[: len(whole) // 2], "Content-Encoding: gzip"))
    assert 0 < len(out) < len(PAGE) and PAGE.startswith(out)


@pytest.mark.parametrize("coding, compress", [
    ("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress),
    ("zstd", zstandard.ZstdCompressor().compress)])
def test_unpack_says_where_a_stream_was_cut_short(coding, compress):
    # Several blocks of varied text, so that half of the stream holds complete ones in every format.
    page = b"".join(b"<p>%d squared is %d, and %x in hex.</p>" % (i, i * i, i * 7919) for i in range(20_000))
    whole = compress(page)
    assert unpack(whole, coding) == (page, False)
    found = unpack(whole[: len(whole) // 2], coding)
    assert found.cut and 0 < len(found.data) < len(page) and page.startswith(found.data)
    assert unpack(whole, coding, limit=1000) == (page[:1000], False)  # stopped by the limit: not a cut


def test_a_truncated_zstd_payload_gives_what_it_holds_and_every_frame_is_read():
    compress = zstandard.ZstdCompressor().compress
    assert decode(response(compress(PAGE[:5000]) + compress(PAGE[5000:]), "Content-Encoding: zstd")) == PAGE
    with pytest.raises(PayloadError, match="zstd data cut short before any complete block"):
        decode(response(compress(PAGE)[:-20], "Content-Encoding: zstd"))  # one block, cut: nothing to give


def test_zero_padding_between_and_after_zstd_frames_is_skipped_as_gzip_skips_it():
    compress = zstandard.ZstdCompressor().compress
    padded = compress(PAGE[:5000]) + bytes(7) + compress(PAGE[5000:]) + bytes(5000)
    assert decode(response(padded, "Content-Encoding: zstd")) == PAGE
    assert gzip.decompress(gzip.compress(PAGE) + bytes(5000)) == PAGE  # what gzip does
    with pytest.raises(PayloadError, match="corrupt zstd data"):
        decode(response(compress(PAGE) + bytes(10) + b"garbage", "Content-Encoding: zstd"))


def test_a_truncated_chunked_body_gives_what_it_holds():
    body = chunked(PAGE)
    out = dechunk(body[: len(body) // 2])
    assert 0 < len(out) < len(PAGE) and PAGE.startswith(out)


@pytest.mark.parametrize("body, headers, message", [
    (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, ["Content-Encoding: gzip"], "corrupt gzip data"),
    (bytes(range(1, 256)) * 4, ["Content-Encoding: compress"], "unsupported Content-Encoding 'compress'"),
    (bytes(range(128, 256)) * 8, ["Content-Encoding: br"], "br"),
])
def test_a_payload_we_cannot_open_is_an_error_not_binary_noise(body, headers, message):
    with pytest.raises(PayloadError, match=message):
        decode(response(body, *headers))


def test_decoding_stops_at_the_limit():
    bomb = gzip.compress(b"<p>" + b"a" * 50_000_000)
    out = unpacked_body(split_response(response(bomb, "Content-Encoding: gzip")), limit=1_000_000).data
    assert len(out) == 1_000_000

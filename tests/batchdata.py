"""Small batch inputs built from the seed pages: JSONL (with bad lines), WARC and WET bytes, folders."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
HEADER = "Subscribe to our weekly newsletter for the best of our reporting delivered to you"
FOOTER = "Our journalism is supported by readers like you, thank you for reading today"


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("[0-9][0-9][0-9].txt"))]  # not .gold/.labels


def good_rows() -> list[dict]:
    """The seed articles as pages of one site, each wrapped in the same header and footer."""
    return [{"id": f"seed-{i}", "url": f"https://www.example-news.org/story/{i}", "text": f"{HEADER}\n\n{t}\n\n{FOOTER}"}
            for i, t in enumerate(seed_texts())]


def jsonl_bytes(with_bad_lines: bool = True) -> bytes:
    """Good rows with broken ones in between: every kind of bad JSONL record the reader must report."""
    lines = [json.dumps(r).encode() for r in good_rows()]
    if with_bad_lines:
        lines[1:1] = [b'{"id": "broken", "text": "no closing quote}',      # invalid JSON
                      b'{"id": "no-field", "body": "text under another name"}',  # missing field
                      b'{"id": "latin1", "text": "caf\xe9"}',                # invalid UTF-8
                      b'{"id": "empty", "text": "   "}',                      # no body
                      b'["not", "an", "object"]',                               # not an object
                      b'',                                                      # blank line: not a record
                      b'{"id": 7, "text": 12}']                                 # field of the wrong type
    return b"\n".join(lines) + b"\n"


BAD_JSONL_IDS = {"broken": None, "no-field": "missing field 'text' (its string fields: 'body'; choose one with --field)", "latin1": None, "empty": "record has no body",
                 "7": "field 'text' is int, not a string"}


def warc_record(kind: str, uri: str, block: bytes, content_type: str, n: int) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in headers)
    return f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{head}\r\n".encode() + body


def seed_html(text: str) -> str:
    return "<html><head><title>t</title></head><body>" + "".join(f"<p>{p}</p>" for p in text.split("\n\n")) + "</body></html>"


def warc_bytes() -> list[bytes]:
    """One gzip member per record, as Common Crawl writes them: pages, a request, an image, an empty page."""
    recs = [warc_record("warcinfo", "", b"software: test", "application/warc-fields", 0)]
    for i, text in enumerate(seed_texts()[:3]):
        html = seed_html(text)
        uri = f"https://example.org/{i}"
        recs.append(warc_record("request", uri, b"GET / HTTP/1.1\r\n\r\n", "application/http; msgtype=request", 10 + i))
        recs.append(warc_record("response", uri, http_response(html.encode("utf-8"), "text/html; charset=utf-8"),
                                "application/http; msgtype=response", 20 + i))
    recs.append(warc_record("response", "https://example.org/logo.png", http_response(b"\x89PNG....", "image/png"),
                            "application/http; msgtype=response", 30))
    recs.append(warc_record("response", "https://example.org/empty", http_response(b"", "text/html"),
                            "application/http; msgtype=response", 31))
    return [gzip.compress(r, mtime=0) for r in recs]


def wet_bytes() -> bytes:
    recs = [warc_record("conversion", f"https://example.org/{i}", t.encode("utf-8"), "text/plain", 40 + i)
            for i, t in enumerate(seed_texts())]
    return gzip.compress(b"".join(recs), mtime=0)


def arc_record(url: str, content_type: str, block: bytes, version: int = 1) -> bytes:
    """One ARC record: its header line (version 2 adds result code, checksum, location, offset and file
    name before the length), the block, the newline that ends it."""
    extra = " 200 SHA1DIGEST - 0 crawl.arc" if version == 2 else ""
    return f"{url} 1.2.3.4 20050614070159 {content_type}{extra} {len(block)}\n".encode() + block + b"\n"


def arc_bytes() -> list[bytes]:
    """An ARC file as the Internet Archive wrote them, one gzip member per record: its header, pages, a DNS lookup."""
    desc = b"1 0 Internet Archive\nURL IP-address Archive-date Content-type Archive-length\n"
    recs = [arc_record("filedesc://crawl.arc", "text/plain", desc)]
    for i, text in enumerate(seed_texts()[:2]):
        recs.append(arc_record(f"http://example.org/{i}", "text/html",
                               http_response(seed_html(text).encode("utf-8"), "text/html; charset=utf-8"), version=1 + i))
    recs.append(arc_record("dns:example.org", "text/dns", b"20050614070159\nexample.org. 3600 IN A 1.2.3.4\n"))
    return [gzip.compress(r, mtime=0) for r in recs]

"""Mangled input never crashes: seeded mutations of the fixture pages through every entry point.

The hand-written cases in test_input.py and test_html.py cover the failures we thought of; these cover
the ones we did not: fixture pages cut at random points, with tags, control characters and stray
Unicode spliced in, re-encoded as bytes, gzip- or zstd-compressed (whole or cut short) or wrapped in a raw HTTP
response, and raw random bytes. Every case must come back as a string
(JSON output as a JSON object) or the documented ``NotAPageError`` for input that holds no page (markup
lxml cannot parse at all, ``HtmlError``; an XML feed; a JSON record; an image; README, "Input handling").
On the plain-text path, every output line must be a line of the input: declutter drops lines and trims
whitespace, it never rewrites text (but for surrogates, which no encoding can write: README, "Input handling"). The seed is fixed, so a failure reproduces.

``DECLUTTER_FUZZ_CASES=600 python -m pytest tests/test_fuzz.py`` runs more cases per entry point than the
default 40 (600 take about half a minute), for a longer search after a change to reading or parsing.
"""
import gzip
import json
import os
import random
import warnings

import pytest

import declutter
from declutter import Cleaner, NotAPageError
from declutter.reading import normalize_text, split_lines, without_surrogates

CASES = int(os.environ.get("DECLUTTER_FUZZ_CASES", "40"))
TAGS = ("div", "p", "span", "table", "tr", "td", "pre", "ul", "li", "nav", "footer", "article", "script",
        "style", "noscript", "h1", "a", "br", "iframe", "frameset", "svg", "template", "textarea", "title",
        "head", "body", "html", "!--", "![CDATA[", "?xml", "code", "kbd", "b", "em", "strong", "i", "img")
ODD = "\r\n\t \x00\x0b\x0c\u2028\u2029\ufeff<>&;\"'\ud7ff\U0001f600\u202e"


def _noise(rng: random.Random, n: int) -> str:
    return "".join(rng.choice((chr(rng.randint(0x20, 0x2FFFF)), rng.choice(ODD), "ab ")) for _ in range(n))


def _mutate(rng: random.Random, page: str) -> str:
    chars = list(page)
    for _ in range(rng.randint(1, 25)):
        i = rng.randint(0, max(len(chars) - 1, 0))
        op = rng.random()
        if op < 0.3:
            del chars[i:i + rng.randint(1, 200)]
        elif op < 0.55:
            chars[i:i] = "<" + rng.choice(TAGS) + rng.choice((">", ' class="nav share">', ' href="/x">', ' src="/i.png" alt="a [b]">', "/>", " ", ""))
        elif op < 0.75:
            chars[i:i] = "</" + rng.choice(TAGS) + ">"
        else:
            chars[i:i] = _noise(rng, rng.randint(1, 20))
    return "".join(chars)


def _zstd(data: bytes, split: int) -> bytes:
    """``data`` as two zstd frames cut at ``split``; gzip where the zstandard package is missing."""
    try:
        import zstandard
    except ImportError:  # pragma: no cover - test installs include it
        return gzip.compress(data)
    compress = zstandard.ZstdCompressor().compress
    return compress(data[:split]) + compress(data[split:])


def _cases(fixtures):
    rng = random.Random(20261205)
    html = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((fixtures / "html").glob("*.html"))]
    text = [p.read_text(encoding="utf-8") for p in sorted((fixtures / "seeds").glob("[0-9][0-9][0-9].txt"))]
    for k in range(CASES):
        kind = k % 7
        if kind == 5:  # compressed bytes (gzip, or zstd in one or two frames), whole or cut short
            raw = _mutate(rng, rng.choice(html)).encode("utf-8", errors="replace")
            packed = gzip.compress(raw) if rng.random() < 0.5 else _zstd(raw, rng.randint(0, len(raw)))
            yield packed[:rng.randint(2, len(packed))] if rng.random() < 0.5 else packed
        elif kind == 6:  # a raw HTTP response around a page
            body = _mutate(rng, rng.choice(html + text)).encode("utf-8", errors="replace")
            coding = rng.choice(("gzip", "identity", "br", "deflate"))
            body = gzip.compress(body) if coding == "gzip" and rng.random() < 0.8 else body
            kind_ = rng.choice(("text/html; charset=utf-8", "text/html; charset=koi8-r", "text/plain", ""))
            yield (f"HTTP/1.1 200 OK\r\nContent-Type: {kind_}\r\nContent-Encoding: {coding}\r\n\r\n").encode() + body
        elif kind == 0:
            yield bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3000)))
        elif kind == 1:
            page = _mutate(rng, rng.choice(html))
            yield page.encode(rng.choice(("utf-8", "utf-16", "latin-1", "cp1252")), errors="replace")
        elif kind == 2:
            page = rng.choice(html)
            yield page[:rng.randint(0, len(page))]
        elif kind == 3:
            yield _mutate(rng, rng.choice(text))
        else:
            yield _noise(rng, rng.randint(0, 2000))


@pytest.fixture(scope="module")
def cases(fixtures):
    return list(_cases(fixtures))


@pytest.mark.parametrize("input_format", ["auto", "html", "text", "markdown"])
def test_mangled_input_gives_text_or_the_documented_error(cases, input_format):
    cleaner = Cleaner(input_format=input_format)
    # Markdown marks code, links, emphasis and images, and opens with front matter read from whatever the page
    # declares; its cut favours recall
    linking = Cleaner(input_format=input_format, markdown_links=True, markdown_front_matter=True, markdown_images=True,
                      favor="recall")
    for data in cases:
        for output in ("text", "markdown", "json"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # HtmlLimitWarning is the documented result for deep nesting
                try:
                    result = (linking if output == "markdown" else cleaner).clean(data, output=output)
                except NotAPageError:
                    continue
            assert isinstance(result, str), (input_format, output, data[:80])
            if output == "json":
                assert isinstance(json.loads(result), dict)


def test_plain_text_output_lines_are_input_lines(cases):
    cleaner = Cleaner(input_format="text")
    for data in cases:
        if isinstance(data, bytes):
            continue
        lines, _ = split_lines(normalize_text(without_surrogates(data)))
        known = set(lines)
        for line in cleaner.clean(data).split("\n"):
            assert line == "" or line in known, line[:80]


@pytest.mark.filterwarnings("ignore::declutter.reading.BinaryInputWarning")
def test_mangled_input_through_analyze(cases):
    for data in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                analysis = declutter.analyze(data)
            except NotAPageError:
                continue
        assert all(line.keep in (True, False) for line in analysis.lines)
        if analysis.source == "text":  # analyze() and clean() decide alike
            kept = [line.text for line in analysis.kept]
            assert kept == [line for line in declutter.clean(data).split("\n") if line]

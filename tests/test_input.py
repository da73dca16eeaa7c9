"""Bad input gets a documented result or a clear error, never a crash from deep inside."""
import json
import re
import time

import pytest

import declutter
from declutter import Cleaner, NotAPageError
from declutter.html import HtmlError
from declutter.reading import (json_document, looks_like_html, looks_like_html_fragment, normalize_text, split_lines,
                               xml_document_root)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\r\n\r\n"])
def test_empty_and_whitespace_give_empty_string(text):
    assert declutter.clean(text) == ""


@pytest.mark.parametrize("value", [None, 42, 3.5, ["a"], {"a": 1}, object()])
def test_non_text_raises_type_error_naming_the_type(value):
    with pytest.raises(TypeError, match=type(value).__name__):
        declutter.clean(value)


def test_the_usual_wrong_types_say_what_to_pass_instead(tmp_path):
    import io

    from lxml import html as lxml_html

    cases = [(["a line", "another"], "join them"), (tmp_path / "page.html", "read_bytes()"),
             (io.BytesIO(b"<p>x</p>"), "f.read()"), (lxml_html.fromstring("<p>x</p>"), "tostring")]
    for value, hint in cases:
        with pytest.raises(TypeError, match=f"got {type(value).__name__} .*{hint}"):
            declutter.clean(value)


def test_bytes_are_decoded_with_replacement(fixtures):
    raw = (fixtures / "seeds" / "001.txt").read_bytes()
    assert declutter.clean(raw) == declutter.clean(raw.decode("utf-8"))
    broken = raw.replace("Putin praised".encode(), b"Putin \xff\xfe praised")
    out = declutter.clean(broken)
    assert "\ufffd" in out and "praised" in out


@pytest.mark.parametrize("wrap", [lambda s: s, lambda s: f"<html><body><p>{s}</p></body></html>"], ids=["text", "html"])
def test_surrogates_in_a_str_are_joined_or_replaced(wrap):
    """A str from JSON's escapes may hold half an emoji: it becomes U+FFFD (as an undecodable byte does),
    not a "?" from lxml or an error when the output is written; a full pair becomes its character."""
    sentence = "The council voted on Tuesday to approve the new budget, which includes funds for parks {} and schools."
    out = declutter.clean(wrap(sentence.format("\ud800")))
    assert out == sentence.format("\ufffd")
    out.encode("utf-8")
    assert declutter.clean(wrap(sentence.format("\ud83d\ude00"))) == sentence.format("\U0001f600")


def test_mixed_newlines_and_controls_are_normalised():
    lines, gaps = split_lines(normalize_text("a\r\nb\rc\u2028d\x00e\x07f"))
    assert lines == ["a", "b", "c", "def"]


@pytest.mark.parametrize("wrap", [lambda s: s, lambda s: f"<html><body><p>{s}</p></body></html>"], ids=["text", "html"])
def test_c1_controls_are_read_as_the_windows_1252_characters_they_were(wrap):
    """A page decoded as Latin-1 though written in windows-1252 holds its quotes and dashes as C1 controls:
    they become those characters, not nothing (U+0085 is a newline, 0x81 is undefined and stays dropped)."""
    out = declutter.clean(wrap("We\x92re told \x93no\x94 \x97 the council voted on Tuesday to approve the budget\x81 for parks."))
    assert out == "We\u2019re told \u201cno\u201d \u2014 the council voted on Tuesday to approve the budget for parks."


def test_nul_and_controls_in_html_are_dropped_as_in_text():
    # libxml2 turned a NUL into U+FFFD; the text path has always dropped it.
    sentence = "Alpha\x00 beta\x01 gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi. "
    out = declutter.clean("<html><body><p>" + sentence * 3 + "</p></body></html>")
    assert out.startswith("Alpha beta gamma") and "\ufffd" not in out
    assert declutter.clean(sentence * 3).startswith("Alpha beta gamma")


def test_huge_single_line_is_chunked_not_lost():
    text = ("word " * 1_000_000).strip()  # 5 MB on one line
    t0 = time.perf_counter()
    analysis = declutter.analyze(text)
    assert time.perf_counter() - t0 < 60
    assert sum(len(d.text) for d in analysis.lines) >= len(text) - len(analysis.lines)


def test_cjk_page_is_not_emptied():
    para = "北京是中华人民共和国的首都，也是全国的政治中心和文化中心。这座城市有三千多年的历史，拥有许多世界文化遗产。"
    text = "首页\n新闻\n\n" + "\n\n".join([para] * 6) + "\n\n版权所有"
    out = declutter.clean(text)
    assert para in out


def test_text_quoting_markup_is_not_taken_for_html():
    text = "How to write a paragraph in HTML\n\nUse the <p> tag like this: <p>Hello</p>. Close it with </p>.\n"
    assert not looks_like_html(text)
    assert looks_like_html("<!DOCTYPE html><html><body><p>Hi</p></body></html>")


def _reference_page(title: str) -> str:
    """A documentation page saved as text: title, menu, prose that quotes markup, a code sample."""
    menu = ["Skip to main content", "HTML reference", "Elements", "Global attributes", "CSS guides", "Learn"]
    prose = [f"The <{title}> element represents data in rows and columns; see also <caption> and <thead>.",
             "Try it", "Attributes", "This element includes the global attributes.",
             "Accessibility: give every table a caption so that screen readers can announce it.",
             "Example", "<table>\n  <tr><td>Cell</td></tr>\n</table>", "Specifications", "Browser compatibility"]
    return f"<{title}>: The Table element - HTML | MDN\n\n" + "\n\n".join(menu + prose) + "\n"


def test_text_page_opening_with_a_quoted_tag_is_text():
    page = _reference_page("table")
    assert not looks_like_html(page)
    out = declutter.clean(page)
    assert "The <table> element represents data in rows and columns; see also <caption> and <thead>." in out.split("\n")


@pytest.mark.parametrize("fragment", [
    "".join(f"<p>Paragraph {i} of a fragment.</p>\n\n" for i in range(30)),       # blank lines between elements
    "<div>\n" + "".join(f"<h2>Part {i}</h2>\n\nText of part {i}.\n\n" for i in range(15)) + "</div>",
    "<pre>\n" + "".join(f"line {i} of a listing\n\n" for i in range(40)) + "</pre>",  # blank lines inside pre
    "<p>" + "A long paragraph of a hand-written page, wrapped at seventy columns\n" * 40 + "</p>",
])
def test_fragments_whose_text_spans_lines_are_still_html(fragment):
    assert looks_like_html(fragment)
    assert "<p>" not in declutter.clean(fragment) and "<pre>" not in declutter.clean(fragment)


@pytest.mark.parametrize("fragment", [
    "<frameset><frame src='a.html'></frameset>",
    "<h1>Title</h1>\n<ul><li>one</li><li>two</li></ul>",
    "<nav><a href='/'>Home</a></nav>",
])
def test_markup_fragments_that_start_with_a_tag_are_html(fragment):
    assert looks_like_html(fragment)
    assert "<" not in declutter.clean(fragment)   # read as HTML: markup never comes back as text


BUDGET = "The council voted on Tuesday to approve the new budget, which includes funds for parks and libraries."


@pytest.mark.parametrize("fragment", [
    BUDGET + "<br><br>It was the first budget vote of the year, officials said.<p>The mayor welcomed it.</p>",
    BUDGET.replace("new budget", "<b>new budget</b>").replace("libraries", '<a href="/libraries">libraries</a>'),
    BUDGET + "</p>\n<p>It was the first budget vote of the year, officials said.</p>\n<p>The mayor welcomed it.</p>",
])
def test_html_fragments_that_open_with_words_are_html(fragment):
    # A CMS body field, a feed item, an element's innerHTML: these were read as text, tags and all.
    assert not looks_like_html(fragment) and looks_like_html_fragment(fragment)
    analysis = declutter.analyze(fragment)
    assert analysis.source == "html" and "<" not in declutter.clean(fragment)
    assert BUDGET in declutter.clean(fragment)


@pytest.mark.parametrize("text", [
    "Use the <p> element for paragraphs and <br> for line breaks.\nThe browser renders each of them.\n"
    "Nothing else here is markup, and the page is prose about HTML.",
    BUDGET + "\n" + "\n".join(f"Line {i} of a page that quotes <b>bold</b> once in a while." if i % 4 == 0
                               else f"Line {i} of a plain page of prose." for i in range(12)),
])
def test_text_that_quotes_a_few_tags_stays_text(text):
    assert not looks_like_html_fragment(text)
    assert declutter.analyze(text).source == "text"


def test_markdown_with_inline_html_stays_markdown():
    md = "Intro<br>\n" + " ".join(f"See [part {i}](https://example.com/{i})." for i in range(4)) + "<br>"
    assert looks_like_html_fragment(md)  # markup on every line; the Markdown sniff is asked first
    assert "](https://" not in declutter.clean(md)


SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           "<url><loc>https://example.com/a</loc><lastmod>2024-01-01</lastmod></url>\n</urlset>\n")
RSS = ('<rss version="2.0"><channel><title>News</title><item><title>Budget approved</title>'
       "<description>&lt;p&gt;" + BUDGET + "&lt;/p&gt;</description></item></channel></rss>")
ATOM = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Budget</title>'
        '<content type="html">&lt;p&gt;' + BUDGET + "&lt;/p&gt;</content></entry></feed>")
SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10"><title>Logo</title></svg>\n'


@pytest.mark.parametrize("document, root", [(SITEMAP, "urlset"), (RSS, "rss"), (ATOM, "feed"), (SVG, "svg"),
                                            ('<?xml version="1.0"?><catalog><book>Road</book></catalog>', "catalog")])
def test_an_xml_document_that_is_not_html_is_refused_with_a_clear_error(document, root):
    # Until 2026-12-07 a sitemap came back whole, tags and all, and a feed's entries with their <p> as text.
    for data in (document, document.encode()):
        with pytest.raises(NotAPageError, match=f"root <{root}>, not a web page"):
            declutter.clean(data)
    assert isinstance(Cleaner(input_format="html").clean(document), str)  # asked for, it is read as HTML


RECORD = '{"id": "1", "url": "https://example.com/a", "html": "<p>' + BUDGET + '</p>"}'


@pytest.mark.parametrize("document, kind", [(RECORD, "a JSON object"), (RECORD + "\n" + RECORD, "JSON Lines records"),
                                            ('["' + BUDGET + '"]', "a JSON array")])
def test_a_json_record_is_refused_rather_than_returned_as_its_own_clean_text(document, kind):
    # clean(line) over a JSONL file gave each record back whole, keys and escaped HTML included.
    with pytest.raises(NotAPageError, match=f"^{kind}, not a web page: clean the field that holds the page"):
        declutter.clean(document)
    assert declutter.clean(json.loads(RECORD)["html"]) == BUDGET


@pytest.mark.parametrize("url", ["https://example.com/news/council-approves-budget", " http://example.com/a?b=1\n",
                                 b"https://example.com/page"])
def test_a_url_alone_is_refused_with_how_to_fetch_it(url):
    # declutter never fetches; a URL alone came back as its own "clean" text.
    with pytest.raises(NotAPageError, match="^a URL, not a web page: declutter does not fetch"):
        declutter.clean(url)
    assert declutter.clean("See https://example.com/a for the budget the council approved on Tuesday.")


@pytest.mark.parametrize("name", ["page.html", "/data/crawl/2024/index.HTM", "C:\\pages\\saved.mhtml", "dump.jsonl"])
def test_a_file_name_alone_is_refused_with_how_to_read_it(name):
    with pytest.raises(NotAPageError, match="^a file name, not a web page: read the file"):
        declutter.clean(name)
    assert declutter.clean("The council report is in budget.html, and the mayor welcomed the vote on Tuesday.")


@pytest.mark.parametrize("text", ["[1] The first reference of a list.\n[2] The second one.", "{not json} but prose",
                                  "{braces} around a line of prose {here}"])
def test_text_in_brackets_is_not_json(text):
    assert json_document(text) is None and declutter.clean(text)


def test_html_error_is_a_not_a_page_error_and_a_value_error():
    assert issubclass(HtmlError, NotAPageError) and issubclass(NotAPageError, ValueError)


@pytest.mark.parametrize("command", ["clean", "explain"])
def test_cli_given_a_feed_says_so_without_a_traceback(tmp_path, command):
    from declutter.cli import main as cli_main

    path = tmp_path / "feed.xml"
    path.write_text(RSS, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        cli_main([command, str(path)])
    assert str(exc.value).startswith(f"declutter: {path}: an XML document with root <rss>, not a web page")


@pytest.mark.parametrize("page", [
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>' + BUDGET + "</p></body></html>",
    '<svg xmlns="http://www.w3.org/2000/svg" class="icon"><path d="M0 0"/></svg><p>' + BUDGET + "</p>",
    '<?xml version="1.0"?><my-app><p>' + BUDGET + "</p></my-app>",
])
def test_xhtml_inline_svg_and_custom_elements_are_still_pages(page):
    assert xml_document_root(page) is None
    assert declutter.clean(page) == BUDGET


@pytest.mark.parametrize("data, what", [(bytes(range(256)) * 20, "binary data"),
                                        (b"PK\x05\x06" + bytes(range(256)) * 4, "a zip archive")])
def test_binary_bytes_are_decoded_but_with_a_warning(data, what):
    from declutter.reading import BinaryInputWarning

    with pytest.warns(BinaryInputWarning, match=what):
        assert isinstance(declutter.clean(data), str)


def test_compressed_bytes_are_decompressed_first(fixtures, recwarn):
    # A .html.gz read whole, or a body fetched with its Content-Encoding left on: read as it was, the binary
    # noise came back as kept text (with a warning).
    import gzip

    page = (fixtures / "html" / "readability-social-buttons.html").read_bytes()
    expected = declutter.clean(page)
    assert declutter.clean(gzip.compress(page)) == expected
    zstandard = pytest.importorskip("zstandard")
    assert declutter.clean(zstandard.ZstdCompressor().compress(page)) == expected
    assert not [w for w in recwarn if issubclass(w.category, declutter.BinaryInputWarning)]


def test_corrupt_compressed_bytes_are_no_page_and_oversized_ones_warn(monkeypatch):
    """Corrupt gzip was read as it was: binary noise, returned as a "cleaned" page of garbage."""
    import gzip

    from declutter import reading

    with pytest.raises(declutter.NotAPageError, match="input is gzip data that cannot be decompressed"):
        declutter.clean(b"\x1f\x8b\x08\x00 not really gzip at all")
    whole = gzip.compress(BUDGET.encode() * 40)
    broken = whole[:30] + bytes(b ^ 0x5A for b in whole[30:60]) + whole[60:]
    with pytest.raises(declutter.NotAPageError, match=r"corrupt gzip data \(Error -3"):
        declutter.clean(broken)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
    with pytest.raises(declutter.NotAPageError, match="an HTTP response whose body cannot be decoded: corrupt gzip"):
        declutter.clean(head + broken)
    monkeypatch.setattr(reading, "MAX_DECOMPRESSED", 40)
    with pytest.warns(declutter.BinaryInputWarning, match="decompresses to more than"):
        assert declutter.clean(gzip.compress(BUDGET.encode() * 3)) == BUDGET[:40].strip()


def test_compressed_bytes_cut_short_are_cleaned_with_a_warning(fixtures):
    # A download that broke off: gzip gave its first part and zstd (one block) nothing, both without a word.
    import gzip

    page = (fixtures / "html" / "readability-social-buttons.html").read_bytes()
    whole = gzip.compress(page)
    with pytest.warns(declutter.BinaryInputWarning, match=r"input is gzip data cut short; cleaning the [\d,]+ bytes"):
        assert declutter.clean(whole[: len(whole) * 2 // 3])
    zstandard = pytest.importorskip("zstandard")
    whole = zstandard.ZstdCompressor().compress(page)
    with pytest.warns(declutter.BinaryInputWarning, match="input is zstd data cut short; cleaning the 0 bytes"):
        assert declutter.clean(whole[: len(whole) // 2]) == ""
    halves = zstandard.ZstdCompressor().compress(page[:3000]) + zstandard.ZstdCompressor().compress(page[3000:])
    assert declutter.clean(halves) == declutter.clean(page)  # every frame, not the first
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
    body = gzip.compress(page * 3)
    with pytest.warns(declutter.BinaryInputWarning, match=r"HTTP response body cut short; cleaning the [\d,]+ bytes"):
        assert declutter.clean(head + body[: len(body) * 2 // 3])


def test_a_raw_http_response_is_read_as_batch_reads_a_warc_response(fixtures):
    # A WARC record's raw stream or a proxy's dump: the headers became a line of the page, a gzip body noise.
    import gzip

    page = (fixtures / "html" / "readability-social-buttons.html").read_bytes()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
    body = gzip.compress(page)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    assert declutter.clean(head + b"\r\n" + body) == declutter.clean(page)
    assert declutter.clean(head + b"Transfer-Encoding: chunked\r\n\r\n" + chunked) == declutter.clean(page)
    russian = "<p>" + "Это было очень интересно, и мы не знали, что он сказал нам об этом вчера. " * 4 + "</p>"
    response = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1251\r\n\r\n" + russian.encode("cp1251")
    assert declutter.clean(response) == russian[3:-4].strip()


@pytest.mark.parametrize("kind", ["image/png", "application/json", "application/rss+xml"])
def test_an_http_response_that_is_no_page_is_refused(kind):
    with pytest.raises(NotAPageError, match=f"an HTTP response of type {re.escape(kind)}, not a web page"):
        declutter.clean(b"HTTP/1.1 200 OK\r\nContent-Type: " + kind.encode() + b"\r\n\r\n{}")


MHTML = ("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.com/budget\r\n"
         "Subject: Budget\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
         '\ttype="text/html";\r\n\tboundary="----B--"\r\n\r\n------B--\r\nContent-Type: text/html\r\n'
         "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: https://example.com/budget\r\n\r\n"
         '<html><head><meta charset=3D"utf-8"></head><body><nav><a href=3D"/">Home</a></nav><p>' + BUDGET[:60]
         + "=\r\n" + BUDGET[60:].replace("libraries", "libraries =E2=80=93 and more") + "</p></body></html>\r\n"
         "------B--\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
         "------B----\r\n")


def test_an_mhtml_archive_is_cleaned_as_its_page():
    # A browser's "Save as single file": read as text it gave its MIME headers and quoted-printable markup.
    expected = BUDGET.replace("libraries", "libraries \u2013 and more")
    for data in (MHTML.encode("ascii"), MHTML, MHTML.replace("\r\n", "\n").encode("ascii")):
        assert declutter.clean(data) == expected
    with pytest.raises(NotAPageError, match="MHTML archive with no HTML page"):
        declutter.clean(MHTML.replace("Content-Type: text/html", "Content-Type: text/css").encode("ascii"))
    # Read as a str with a lone surrogate in it (a bad byte under surrogateescape): no UnicodeEncodeError.
    assert declutter.clean(MHTML.replace("Subject: Budget", "Subject: Budget \udae7")) == expected


def test_text_bytes_raise_no_binary_warning(fixtures, recwarn):
    declutter.clean((fixtures / "seeds" / "000.txt").read_bytes())
    declutter.clean(("<html><body><p>" + "Ünïcödé text. " * 50 + "</p></body></html>").encode("cp1252"))
    assert not [w for w in recwarn if "binary" in str(w.message)]


@pytest.mark.parametrize("command", ["clean", "explain"])
def test_cli_writes_utf8_whatever_the_locale_encoding(tmp_path, command):
    """A Windows console, ``PYTHONIOENCODING=ascii`` or an old C locale cannot encode CJK text; the cleaned
    page is data, written as UTF-8, never a UnicodeEncodeError after the work is done."""
    import os
    import subprocess
    import sys

    para = "北京是中华人民共和国的首都，也是全国的政治中心和文化中心。这座城市有三千多年的历史。"
    page = tmp_path / "zh.txt"
    page.write_text(para + "\n", encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    done = subprocess.run([sys.executable, "-m", "declutter.cli", command, str(page)], capture_output=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert para in done.stdout.decode("utf-8")


@pytest.mark.parametrize("markup", ["<!-- nothing -->", "\ufeff <!-- a -->\n<!-- b -->\n", '<?xml version="1.0"?>'])
def test_a_document_of_comments_only_is_empty_html_not_text(markup):
    assert looks_like_html(markup) and declutter.clean(markup) == "" and declutter.clean(markup.encode()) == ""


def test_cli_prints_declutters_warnings_as_one_readable_line(tmp_path, capsys):
    import random
    import warnings

    from declutter.cli import main as cli_main

    path = tmp_path / "image.bin"
    path.write_bytes(bytes(random.Random(7).randrange(32) for _ in range(3000)))
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert cli_main(["clean", str(path)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("declutter: warning: input looks like binary data") and "self.read(" not in err


@pytest.mark.parametrize("data, what", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "a PNG image"), (b"\xff\xd8\xff\xe0" + bytes(600), "a JPEG image"),
    (b"GIF89a" + bytes(600), "a GIF image"), (b"RIFF\x00\x01\x00\x00WEBPVP8 " + bytes(600), "a WebP image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"), (b"PK\x03\x04" + bytes(600), "a zip archive"),
    (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n", "a WARC file, not a web page: declutter batch reads it"),
])
def test_bytes_of_a_format_that_holds_no_page_are_refused_by_name(data, what):
    # Decoded as text, these gave noise the model kept (with a warning); a gzip'd one is opened first.
    import gzip

    for variant in (data, gzip.compress(data)):
        with pytest.raises(NotAPageError, match=f"^input is {what}"):
            declutter.clean(variant)


def test_explain_of_an_empty_page_says_there_is_nothing_to_judge(tmp_path, capsys):
    from declutter.cli import main as cli_main

    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert cli_main(["explain", str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith("0 of 0 lines kept; nothing to judge")  # was "p >= none"


def test_python_dash_m_runs_the_command():
    import subprocess
    import sys

    page = "Home\nThe council voted on Tuesday to approve the new budget, which includes funds for parks.\n"
    done = subprocess.run([sys.executable, "-m", "declutter", "clean", "-"], input=page.encode(),
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().strip() == page.splitlines()[1]


def test_cli_given_a_folder_names_the_command_that_cleans_one(tmp_path):
    from declutter.cli import main as cli_main

    with pytest.raises(SystemExit) as exc:
        cli_main(["clean", str(tmp_path)])
    assert "declutter batch" in str(exc.value) and str(tmp_path) in str(exc.value)


def test_cli_given_a_url_says_how_to_fetch_it_first():
    from declutter.cli import main as cli_main

    with pytest.raises(SystemExit) as exc:
        cli_main(["clean", "https://example.com/news/article-1"])
    assert "curl -sL 'https://example.com/news/article-1' | declutter clean -" in str(exc.value)


def test_cli_reads_at_most_its_cap_and_says_so(tmp_path, monkeypatch, capsys):
    """An endless input (/dev/zero, a pipe that never closes) must not eat the memory: the CLI reads up to
    MAX_INPUT bytes and says it cut; out of memory anyway, it says so instead of a traceback."""
    import declutter.cli as cli

    sentence = "The council voted on Tuesday to approve the new budget, which includes funds for parks.\n"
    path = tmp_path / "long.txt"
    path.write_text(sentence * 50, encoding="utf-8")
    monkeypatch.setattr(cli, "MAX_INPUT", len(sentence) * 3)
    assert cli.main(["clean", str(path)]) == 0
    captured = capsys.readouterr()
    assert "longer than 256 MiB" in captured.err and captured.out.strip() == sentence.strip()

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(declutter.Cleaner, "clean", no_memory)
    assert cli.main(["clean", str(path)]) == 1
    assert "out of memory" in capsys.readouterr().err


@pytest.mark.parametrize("preamble", [
    "<!-- " + "licence text " * 400 + " -->\n",             # a long leading comment
    '<?xml version="1.0" encoding="utf-8"?>\n<!-- ' + "x" * 5000 + " -->\n",
    "\n" * 5000,                                            # a template's blank lines
    "\ufeff  \n<!-- a -->" * 300,
])
def test_html_after_a_long_preamble_is_still_html(preamble):
    # The sniff read only the first 4 KB: past such a preamble the page was read as text, markup and all.
    body = "<p>" + "A sentence of the article body that is long enough to be kept by the model. " * 4 + "</p>"
    page = preamble + "<!DOCTYPE html><html><head><title>t</title></head><body>" + body + "</body></html>"
    assert looks_like_html(page)
    assert declutter.analyze(page).source == "html"
    out = declutter.clean(page)  # the body, not markup (whether the one-letter title line stays is the model's call)
    assert "A sentence of the article body" in out and "<p>" not in out and "<!--" not in out

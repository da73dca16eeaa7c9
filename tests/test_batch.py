"""Batch cleaning: every record is cleaned or listed as an error, shards are atomic, jobs resume."""
import gzip
import zlib
import json
import os
from pathlib import Path

import pytest
from batchdata import (BAD_JSONL_IDS, FOOTER, HEADER, arc_bytes, good_rows, http_response, jsonl_bytes, seed_html,
                       seed_texts, warc_bytes, warc_record, wet_bytes)

from declutter import Cleaner
from declutter.batch import BatchOptions, SerialEngine, run_batch
from declutter.cli import main as cli_main
from declutter.outdir import BatchError
from declutter.sources import SourceError, SourceOptions


def outputs(out: Path) -> list[dict]:
    rows = []
    for shard in sorted(out.glob("shard-*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh)
    return rows


def errors(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]


def check_accounting(out: Path, summary) -> None:
    """The promise of the summary: records in = cleaned + errors, and the files agree with it."""
    assert summary.records == summary.cleaned + summary.errors
    assert len(outputs(out)) == summary.cleaned and len(errors(out)) == summary.errors
    assert json.loads((out / "summary.json").read_text())["records"] == summary.records
    assert not list(out.glob("*.tmp-*"))


def batch_of_file(tmp_path, name: str, data: bytes):
    """Run the batch on one input file holding ``data``; its accounting checked. (summary, output folder)."""
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out"
    summary = run_batch([str(path)], out)
    check_accounting(out, summary)
    return summary, out


@pytest.fixture
def jsonl(tmp_path) -> Path:
    path = tmp_path / "pages.jsonl"
    path.write_bytes(jsonl_bytes())
    return path


def test_jsonl_good_and_bad_records_are_all_accounted_for(jsonl, tmp_path):
    out = tmp_path / "out"
    summary = run_batch([str(jsonl)], out, options=BatchOptions(shard_size=3))
    check_accounting(out, summary)
    assert summary.records == len(good_rows()) + 6 and summary.cleaned == len(good_rows())
    by_reason = {e["id"] or e["position"]: e["reason"] for e in errors(out)}
    for rid, reason in BAD_JSONL_IDS.items():
        if reason is not None:
            assert by_reason[rid] == reason
    assert any("invalid JSON" in r for r in by_reason.values())
    assert any("invalid UTF-8" in r for r in by_reason.values())
    assert any("expected a JSON object" in r for r in by_reason.values())
    first = outputs(out)[0]
    assert first["id"] == "seed-0" and first["url"].startswith("https://") and first["position"].endswith(":1")
    assert first["text"] == Cleaner().clean(good_rows()[0]["text"])


def test_compressed_inputs_read_like_plain(jsonl, tmp_path):
    plain = run_batch([str(jsonl)], tmp_path / "plain")
    gz = tmp_path / "pages.jsonl.gz"
    gz.write_bytes(gzip.compress(jsonl.read_bytes()))
    assert run_batch([str(gz)], tmp_path / "gz").to_dict()["cleaned"] == plain.cleaned
    zstandard = pytest.importorskip("zstandard", reason="zstd input needs the zstandard package")
    zst = tmp_path / "pages.jsonl.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(jsonl.read_bytes()))
    assert run_batch([str(zst)], tmp_path / "zst").cleaned == plain.cleaned
    unplaced = lambda rows: [{k: v for k, v in r.items() if k != "position"} for r in rows]  # noqa: E731
    assert unplaced(outputs(tmp_path / "zst")) == unplaced(outputs(tmp_path / "plain"))


def test_truncated_gzip_keeps_the_good_part_and_reports_the_break(tmp_path):
    data = gzip.compress(jsonl_bytes(with_bad_lines=False))
    cut = data[: int(len(data) * 0.6)]
    summary, out = batch_of_file(tmp_path, "cut.jsonl.gz", cut)
    assert 0 < summary.cleaned < len(good_rows())
    assert summary.errors == 1 and "truncated" in errors(out)[0]["reason"]
    # Every record that the cut stream still holds whole is cleaned: read(n) on the GzipFile dropped the last
    # few KiB it had decoded when the error came.
    held = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut)
    assert summary.cleaned == sum(1 for line in held.split(b"\n")[:-1] if line.strip())


def test_zstd_input_is_read_frame_after_frame_and_a_cut_reported(tmp_path):
    # python-zstandard's stream_reader stopped after the first frame and took a cut frame for the end of the
    # data: a multi-frame dump lost its later records, a cut one its last, both without an error row.
    zstandard = pytest.importorskip("zstandard", reason="zstd input needs the zstandard package")
    data = jsonl_bytes(with_bad_lines=False)
    half = data.index(b"\n", len(data) // 2) + 1
    compress = zstandard.ZstdCompressor().compress
    summary, out = batch_of_file(tmp_path, "frames.jsonl.zst", compress(data[:half]) + compress(data[half:]))
    assert (summary.cleaned, summary.errors) == (len(good_rows()), 0)
    whole = compress(data)
    (tmp_path / "cut").mkdir()
    summary, out = batch_of_file(tmp_path / "cut", "cut.jsonl.zst", whole[: int(len(whole) * 0.6)])
    assert summary.cleaned < len(good_rows())
    assert summary.errors == 1 and "zstd data cut short" in errors(out)[0]["reason"]


def test_field_option_selects_the_page(tmp_path):
    path = tmp_path / "other.jsonl"
    path.write_text("\n".join(json.dumps({"doc": r["id"], "body": r["text"], "link": r["url"]}) for r in good_rows()))
    out = tmp_path / "out"
    summary = run_batch([str(path)], out, source=SourceOptions(field="body", id_field="doc", url_field="link"))
    assert summary.cleaned == len(good_rows()) and outputs(out)[0]["id"] == "seed-0"


def test_warc_pages_and_skipped_records(tmp_path):
    summary, out = batch_of_file(tmp_path, "crawl.warc.gz", b"".join(warc_bytes()))
    # three HTML pages and one empty response are records; the request, image and warcinfo are not pages
    assert summary.records == 4
    assert summary.skipped == {"warc request record": 3, "warc response of type image/png": 1, "warc warcinfo record": 1}
    reasons = [e["reason"] for e in errors(out)]
    assert "record has no body" in reasons
    ids = {e["id"] for e in errors(out)} | {r["id"] for r in outputs(out)}
    assert all(i.startswith("<urn:uuid:") for i in ids)


def test_an_untyped_warc_response_identified_as_html_is_a_page(tmp_path):
    html = seed_html(good_rows()[0]["text"]).encode()
    def response(n: int, head: str, identified: str) -> bytes:
        rec = warc_record("response", f"https://example.org/{n}", b"HTTP/1.1 200 OK\r\n" + head.encode() + b"\r\n" + html,
                          "application/http; msgtype=response", n)
        return rec.replace(b"Content-Type: application/http", f"WARC-Identified-Payload-Type: {identified}\r\n"
                           "Content-Type: application/http".encode(), 1)
    recs = [response(1, "", "text/html"), response(2, "Content-Type: application/octet-stream\r\n", "text/html"),
            response(3, "", "application/pdf"), response(4, "Content-Type: image/png\r\n", "text/html")]
    summary, out = batch_of_file(tmp_path, "untyped.warc", b"".join(recs))
    assert summary.cleaned == 2 and sorted(r["url"] for r in outputs(out)) == ["https://example.org/1", "https://example.org/2"]
    assert summary.skipped == {"warc response of type unknown": 1, "warc response of type image/png": 1}


def test_warc_payloads_stored_compressed_and_chunked_are_decoded(tmp_path):
    """Heritrix and wget keep the server's gzip and chunking; a payload that cannot be opened is an error row."""
    text = seed_texts()[0]
    page = seed_html(text).encode("utf-8")
    body = gzip.compress(page)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 500]), body[i:i + 500]) for i in range(0, len(body), 500))
    blocks = [http_response(chunks + b"0\r\n\r\n", "text/html", "Transfer-Encoding: chunked", "Content-Encoding: gzip"),
              http_response(page, "text/html", "Content-Encoding: gzip"),     # decoded, header left in place
              http_response(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8, "text/html", "Content-Encoding: gzip")]
    summary, out = batch_of_file(tmp_path, "heritrix.warc.gz", b"".join(
        gzip.compress(warc_record("response", f"https://example.org/{i}", block, "application/http; msgtype=response", i))
        for i, block in enumerate(blocks)))
    assert summary.cleaned == 2 and summary.errors == 1
    assert "HTTP payload: corrupt gzip data" in errors(out)[0]["reason"]
    longest = max(text.split("\n\n"), key=len).strip()
    assert all(longest in r["text"] and "\ufffd" not in r["text"] for r in outputs(out))

def test_a_warc_page_cut_short_is_cleaned_and_marked_truncated(tmp_path):
    """A crawler's size limit (WARC-Truncated) or a gzip body that breaks off: the text it holds is cleaned,
    and the row and the summary say the page is partial, so a corpus builder can keep or drop it."""
    paragraphs = seed_texts()[0].split("\n\n")
    page = seed_html("\n\n".join(paragraphs)).encode("utf-8")
    whole = http_response(page, "text/html")
    limited = warc_record("response", "https://example.org/1", whole[: len(whole) * 2 // 3],
                          "application/http; msgtype=response", 1)
    limited = limited.replace(b"Content-Type: application/http", b"WARC-Truncated: length\r\nContent-Type: application/http", 1)
    gz = gzip.compress(page, mtime=0)
    cut_gzip = warc_record("response", "https://example.org/2", http_response(gz[: len(gz) * 2 // 3], "text/html",
                                                                              "Content-Encoding: gzip"),
                           "application/http; msgtype=response", 2)
    intact = warc_record("response", "https://example.org/3", whole, "application/http; msgtype=response", 3)
    summary, out = batch_of_file(tmp_path, "partial.warc", limited + cut_gzip + intact)
    rows = {r["url"]: r for r in outputs(out)}
    assert summary.cleaned == 3 and summary.errors == 0 and summary.truncated == 2
    assert rows["https://example.org/1"]["truncated"] == "WARC-Truncated: length"
    assert rows["https://example.org/2"]["truncated"] == "gzip body cut short"
    assert "truncated" not in rows["https://example.org/3"]
    assert paragraphs[1].strip() in rows["https://example.org/2"]["text"]  # what the cut body holds is kept
    assert json.loads((out / "summary.json").read_text())["truncated"] == 2
    assert summary.truncated == run_batch([str(tmp_path / "partial.warc")], out).truncated  # resumed shards count too



def test_a_warc_payload_declared_latin1_is_read_as_windows_1252(tmp_path):
    text = good_rows()[1]["text"].replace("Putin praised", "Putin \u201cpraised\u201d \u2014")
    body = seed_html(text).encode("cp1252")
    recs = [warc_record("response", "https://example.org/q", http_response(body, "text/html; charset=ISO-8859-1"),
                        "application/http; msgtype=response", 1)]
    summary, out = batch_of_file(tmp_path, "latin1.warc", b"".join(recs))
    assert summary.cleaned == 1 and "Putin \u201cpraised\u201d \u2014" in outputs(out)[0]["text"]


def test_arc_pages_are_read_and_other_records_counted_as_skipped(tmp_path):
    summary, out = batch_of_file(tmp_path, "crawl.arc.gz", b"".join(arc_bytes()))
    assert summary.cleaned == 2 and summary.errors == 0
    assert summary.skipped == {"arc file header record": 1, "arc record of type text/dns": 1}
    longest = max(seed_texts()[1].split("\n\n"), key=len).strip()
    assert [r["url"] for r in outputs(out)] == ["http://example.org/0", "http://example.org/1"]
    assert longest in outputs(out)[1]["text"]


def test_a_cut_or_broken_arc_is_reported_not_raised(tmp_path):
    members = arc_bytes()
    cut = tmp_path / "cut.arc.gz"
    cut.write_bytes(b"".join(members[:2]) + members[2][: len(members[2]) // 2])
    broken = tmp_path / "broken.arc"
    broken.write_bytes(gzip.decompress(members[1]) + b"this is not an ARC header line\n")
    out = tmp_path / "out"
    summary = run_batch([str(cut), str(broken)], out)
    check_accounting(out, summary)
    reasons = [e["reason"] for e in errors(out)]
    assert any("truncated" in r for r in reasons) and any("unreadable ARC after 1 records" in r for r in reasons)


def test_truncated_warc_reports_the_break(tmp_path):
    members = warc_bytes()
    summary, out = batch_of_file(tmp_path, "cut.warc.gz", b"".join(members[:4]) + members[4][: len(members[4]) // 2])
    assert any("truncated" in e["reason"] for e in errors(out))


def test_not_a_warc_is_an_error_record_not_a_crash(tmp_path):
    summary, out = batch_of_file(tmp_path, "fake.warc", b"this is not a WARC file\n")
    assert summary.errors == 1 and "unreadable WARC" in errors(out)[0]["reason"]


def test_wet_conversions_are_cleaned_as_text(tmp_path):
    summary, out = batch_of_file(tmp_path, "crawl.warc.wet.gz", wet_bytes())
    rows = outputs(out)
    assert summary.cleaned == len(good_rows()) and rows[0]["url"] == "https://example.org/0"
    assert rows[0]["text"] == Cleaner().clean(good_rows()[0]["text"].split("\n\n", 1)[1].rsplit("\n\n", 1)[0])


def test_wet_conversion_opening_with_a_tag_stays_text(tmp_path):
    # MDN's pages are titled "<table>: The Table element"; in a WET file (one block per line, few blank lines)
    # the sniff alone would read such a record as HTML and run every line into one block.
    lines = ["<table>: The Table element - HTML | MDN", "Skip to main content", "HTML reference"]
    body = ["The <table> HTML element represents tabular data: information presented in a two-dimensional "
            "table comprised of rows and columns of cells containing data.",
            "Tables should not be used for layout; use CSS instead, and give each table a caption."]
    page = "\n".join(lines + body)
    wet = gzip.compress(warc_record("conversion", "https://example.org/t", page.encode(), "text/plain", 1), mtime=0)
    summary, out = batch_of_file(tmp_path, "mdn.warc.wet.gz", wet)
    (row,) = outputs(out)
    assert row["text"] == Cleaner(input_format="text").clean(page)
    assert body[0] in row["text"].split("\n")  # its own line, the quoted <table> kept as text


GERMAN = ("Die Katze saß auf der Matte und sie war nicht glücklich über das Wetter, das in diesem Winter so kalt "
          "war wie seit Jahren nicht mehr, und der Hund lag den ganzen Tag vor dem Ofen.")


def test_a_wet_records_identified_language_is_taken_as_a_declaration(tmp_path):
    """Common Crawl names each WET record's languages (ISO 639-3, main one first); a page too short or too
    mixed for stopwords is then read in the language the crawl identified."""
    lines = ["Startseite", "Anmelden", "Schnee in Berlin", "Teilen"]  # too few stopwords to detect
    page = "\n".join(lines).encode()
    block = warc_record("conversion", "https://example.de/w", page, "text/plain", 1)
    block = block.replace(b"Content-Type:", b"WARC-Identified-Content-Language: deu,eng\r\nContent-Type:", 1)
    path = tmp_path / "crawl.warc.wet.gz"
    path.write_bytes(gzip.compress(block, mtime=0))
    out = tmp_path / "out"
    run_batch([str(path)], out, options=BatchOptions(explain=True))
    (row,) = outputs(out)
    assert row["lang"] == "de"
    assert {d["text"]: d["rule"] for d in row["lines"]}["Teilen"] == "de-share-buttons"


@pytest.mark.parametrize("explain", [False, True])
def test_metadata_option_adds_what_each_page_declares(tmp_path, explain):
    folder = tmp_path / "site"
    folder.mkdir()
    text = good_rows()[0]["text"]
    head = ('<title>t</title><meta name="author" content="Jane Doe"><link rel="canonical" href="/story">'
            '<meta property="article:published_time" content="2024-03-05T08:00:00Z">')
    (folder / "page.html").write_text(seed_html(text).replace("<title>t</title>", head), encoding="utf-8")
    (folder / "page.txt").write_text(text, encoding="utf-8")
    plain = tmp_path / "plain"
    run_batch([str(folder)], plain)
    assert not any("metadata" in r for r in outputs(plain))
    out = tmp_path / "out"
    summary = run_batch([str(folder)], out, options=BatchOptions(metadata=True, explain=explain))
    check_accounting(out, summary)
    rows = {r["id"]: r for r in outputs(out)}
    assert rows["page.html"]["metadata"] == {"title": "t", "lang": "en", "author": "Jane Doe", "date": "2024-03-05",
                                             "description": None, "site_name": None, "url": "/story"}
    assert rows["page.txt"]["metadata"]["lang"] == "en" and rows["page.txt"]["metadata"]["author"] is None
    assert [r["text"] for r in outputs(out)] == [r["text"] for r in outputs(plain)]  # the text as without the option


def test_a_jsonl_language_field_is_taken_as_a_declaration(tmp_path):
    path = tmp_path / "dump.jsonl"
    rows = [{"id": "a", "text": GERMAN, "language": "de"}, {"id": "b", "text": GERMAN, "language": 7},
            {"id": "c", "text": good_rows()[0]["text"], "language": "de"}]  # English text: plainly not German
    path.write_text("\n".join(json.dumps(r) for r in rows))
    out = tmp_path / "out"
    run_batch([str(path)], out, options=BatchOptions(explain=True), source=SourceOptions(lang_field="language"))
    assert [r["lang"] for r in outputs(out)] == ["de", "de", "en"]


@pytest.mark.filterwarnings("ignore::declutter.reading.BinaryInputWarning")
def test_folder_of_pages(tmp_path):
    folder = tmp_path / "site"
    (folder / "sub").mkdir(parents=True)
    for i, row in enumerate(good_rows()):
        (folder / ("sub" if i % 2 else "") / f"page{i}.txt").write_text(row["text"], encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"caf\xe9 " * 40)  # not UTF-8: decoded with U+FFFD, documented
    (folder / "notes.rst").write_text("not a page type")
    links = "".join(f"[Section {i}](https://example.org/{i})\n" for i in range(4))
    (folder / "page.md").write_text(links + "\n" + good_rows()[0]["text"], encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch([str(folder)], out)
    check_accounting(out, summary)
    assert summary.records == len(good_rows()) + 2
    assert summary.skipped == {"file of another type (.rst)": 1}  # not a page, but said
    rows = {r["id"]: r for r in outputs(out)}
    assert {"page0.txt", "sub/page1.txt", "page.md"} <= set(rows)
    assert "](https://example.org" not in rows["page.md"]["text"]  # read as Markdown: links became their text


def test_compressed_pages_in_a_folder_are_read_and_a_cut_one_reported(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    rows = good_rows()
    (folder / "page0.html.gz").write_bytes(gzip.compress(seed_html(rows[0]["text"]).encode("utf-8")))
    whole = gzip.compress(rows[1]["text"].encode("utf-8"))
    (folder / "page1.txt.gz").write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "out"
    summary = run_batch([str(folder)], out)
    check_accounting(out, summary)
    assert summary.cleaned == 1 and summary.errors == 1
    assert "truncated or corrupt" in errors(out)[0]["reason"] and errors(out)[0]["position"] == "page1.txt.gz"
    assert max(seed_texts()[0].split("\n\n"), key=len).strip() in outputs(out)[0]["text"]


def test_cli_clean_reads_compressed_files(tmp_path, capsys):
    text = seed_texts()[0]
    longest = max(text.split("\n\n"), key=len).strip()
    path = tmp_path / "page.txt.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")) + gzip.compress(b"\n\nA second gzip member.\n"))
    assert cli_main(["clean", str(path)]) == 0
    assert longest in capsys.readouterr().out
    path.write_bytes(gzip.compress(text.encode("utf-8"))[:-400])
    assert cli_main(["clean", str(path)]) == 0
    captured = capsys.readouterr()
    assert "gzip data cut short" in captured.err and captured.out.strip()
    path.write_bytes(b"\x1f\x8b" + b"not gzip at all" * 10)
    with pytest.raises(SystemExit, match="corrupt gzip data"):
        cli_main(["clean", str(path)])


def test_a_byte_order_mark_before_the_first_jsonl_record_is_not_data(tmp_path):
    summary, out = batch_of_file(tmp_path, "bom.jsonl", b"\xef\xbb\xbf" + jsonl_bytes(with_bad_lines=False))
    assert (summary.cleaned, summary.errors) == (len(good_rows()), 0)


def test_lone_surrogates_in_json_are_cleaned_and_written_not_a_crash(tmp_path):
    """JSON may escape half an emoji ("\\ud800"): in the text it becomes U+FFFD; in an id or URL it is
    written back as the same escape, so the row still names the record it came from."""
    path = tmp_path / "surrogate.jsonl"
    text = good_rows()[1]["text"].replace("Putin praised", "Putin \ud800 praised")
    rows = [{"id": "s", "text": text}, {"id": "id\udcff", "url": "https://example.org/\ud83d", "text": good_rows()[0]["text"]},
            {"id": "empty\ud800", "text": ""}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "out"
    summary = run_batch([str(path)], out)
    check_accounting(out, summary)
    assert (summary.cleaned, summary.errors) == (2, 1)
    cleaned = {r["id"]: r for r in outputs(out)}
    assert "Putin \ufffd praised" in cleaned["s"]["text"]
    assert cleaned["id\udcff"]["url"] == "https://example.org/\ud83d" and cleaned["id\udcff"]["text"]
    assert errors(out)[0]["id"] == "empty\ud800" and errors(out)[0]["reason"] == "record has no body"


def test_a_file_name_that_is_not_utf8_is_written_not_a_crash(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    try:
        (folder / os.fsdecode(b"caf\xe9.txt")).write_text(good_rows()[0]["text"], encoding="utf-8")
        (folder / os.fsdecode(b"empty\xff.txt")).write_bytes(b"")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    out = tmp_path / "out"
    summary = run_batch([str(folder)], out)
    check_accounting(out, summary)
    assert [r["position"] for r in outputs(out)] == [os.fsdecode(b"caf\xe9.txt")]
    assert errors(out)[0]["position"] == os.fsdecode(b"empty\xff.txt")


def test_a_saved_mhtml_page_is_a_page(tmp_path):
    from test_input import BUDGET, MHTML

    summary, out = batch_of_file(tmp_path, "saved.mhtml", MHTML.encode("ascii"))
    assert summary.cleaned == 1 and outputs(out)[0]["text"].startswith(BUDGET[:60])


def test_a_feed_in_a_jsonl_dump_is_an_error_row_that_says_what_it_is(tmp_path):
    feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>'
    rows = [{"id": "feed", "text": feed}, {"id": "page", "text": seed_texts()[0]}]
    summary, out = batch_of_file(tmp_path, "dump.jsonl", "".join(json.dumps(r) + "\n" for r in rows).encode())
    assert summary.cleaned == 1 and [e["id"] for e in errors(out)] == ["feed"]
    assert errors(out)[0]["reason"].startswith("cleaning failed: NotAPageError: an XML document with root <rss>")


def test_cleaning_errors_are_recorded_with_the_exception(jsonl, tmp_path, monkeypatch):
    original = Cleaner.clean

    def flaky(self, data, *, url=None, lang=None):
        if "Putin" in data:
            raise RuntimeError("boom")
        return original(self, data, url=url, lang=lang)

    monkeypatch.setattr(Cleaner, "clean", flaky)
    out = tmp_path / "out"
    summary = run_batch([str(jsonl)], out)
    check_accounting(out, summary)
    assert any(e["reason"] == "cleaning failed: RuntimeError: boom" for e in errors(out))


def test_markdown_format_gives_rows_of_markdown_with_or_without_explain(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    body = "".join(f"<p>{p}</p>" for p in good_rows()[0]["text"].split("\n\n")[:3])
    (folder / "page.html").write_text(f"<html><body><h1>Budget passed</h1>{body}<ol><li>Parks get more money.</li>"
                                      "<li>Schools get more money too.</li></ol></body></html>", encoding="utf-8")
    for explain in (False, True):
        out = tmp_path / f"out-{explain}"
        assert cli_main(["batch", str(folder), "-o", str(out), "--format", "markdown", "--no-progress"]
                        + (["--explain"] if explain else [])) == 0
        [row] = outputs(out)
        assert "1. Parks get more money.\n2. Schools get more money too." in row["text"]
        assert ("lines" in row) == explain


def test_explain_adds_line_decisions(jsonl, tmp_path):
    out = tmp_path / "out"
    run_batch([str(jsonl)], out, options=BatchOptions(explain=True))
    row = outputs(out)[0]
    assert row["lines"] and {"text", "keep", "prob", "reason"} <= set(row["lines"][0])
    assert row["text"] == "\n\n".join(line["text"] for line in row["lines"] if line["keep"])


def test_explain_says_which_records_read_as_clean(fixtures, tmp_path):
    seed = (fixtures / "seeds" / "002.txt").read_text(encoding="utf-8")
    body = (fixtures / "seeds" / "002.gold.txt").read_text(encoding="utf-8")
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in (("scraped", seed), ("clean", body))))
    out = tmp_path / "out"
    run_batch([str(path)], out, options=BatchOptions(explain=True))
    rows = {row["id"]: row for row in outputs(out)}
    assert rows["clean"]["reads_clean"] and rows["clean"]["text"].split() == body.split()
    assert not rows["scraped"]["reads_clean"]
    assert not any(line["reason"].startswith("page reads as clean") for line in rows["scraped"]["lines"])


def test_site_templates_mode_drops_the_shared_header(tmp_path):
    path = tmp_path / "site.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in good_rows()))
    plain, templated = tmp_path / "plain", tmp_path / "templated"
    run_batch([str(path)], plain, options=BatchOptions(shard_size=2))
    run_batch([str(path)], templated, options=BatchOptions(shard_size=2, site_templates=True))
    assert (templated / "site-templates.json").exists()
    for row in outputs(templated):
        assert HEADER not in row["text"] and FOOTER not in row["text"]
    assert [r["id"] for r in outputs(plain)] == [r["id"] for r in outputs(templated)]


class InterruptAfter(SerialEngine):
    """Runs shards in this process and simulates Ctrl-C when the n-th shard is submitted."""

    def __init__(self, n: int):
        self.n = n

    def submit(self, fn, args, done):
        self.n -= 1
        if self.n == 0:
            raise KeyboardInterrupt
        super().submit(fn, args, done)


def test_interrupted_job_resumes_to_the_same_output(jsonl, tmp_path):
    options = BatchOptions(shard_size=2)
    reference = tmp_path / "reference"
    run_batch([str(jsonl)], reference, options=options)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_batch([str(jsonl)], out, options=options, engine=InterruptAfter(3))
    assert len(list(out.glob("*.done.json"))) == 2 and not list(out.glob("*.tmp-*"))
    assert not (out / "summary.json").exists()
    # A shard killed mid-write: data present, no marker. It must be redone, not trusted.
    (out / "shard-00002.jsonl.gz").write_bytes(b"half written")
    summary = run_batch([str(jsonl)], out, options=options)
    check_accounting(out, summary)
    assert summary.shards_resumed == 2 and summary.records_resumed == 4
    for name in ("errors.jsonl", *(p.name for p in reference.glob("shard-*"))):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_two_workers_match_one(jsonl, tmp_path):
    one = run_batch([str(jsonl)], tmp_path / "one", options=BatchOptions(shard_size=2))
    two = run_batch([str(jsonl)], tmp_path / "two", options=BatchOptions(shard_size=2), workers=2)
    assert (one.records, one.cleaned, one.errors) == (two.records, two.cleaned, two.errors)
    for shard in sorted((tmp_path / "one").glob("shard-*")):
        assert shard.read_bytes() == (tmp_path / "two" / shard.name).read_bytes()


def test_unusable_output_and_inputs_are_clear_errors(jsonl, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(BatchError, match="cannot write to output directory"):
        run_batch([str(jsonl)], blocker / "out")
    with pytest.raises(SourceError, match="no such file"):
        run_batch([str(tmp_path / "missing.jsonl")], tmp_path / "out")
    with pytest.raises(SourceError, match="unknown input type"):
        run_batch([str(blocker)], tmp_path / "out")


def test_a_different_job_in_the_same_folder_is_refused(jsonl, tmp_path):
    run_batch([str(jsonl)], tmp_path / "out")
    with pytest.raises(BatchError, match="different job"):
        run_batch([str(jsonl)], tmp_path / "out", options=BatchOptions(explain=True))


def test_a_text_job_resumes_after_an_upgrade_added_markdown_settings(jsonl, tmp_path):
    """A job.json from a version without some Markdown setting refused every resume, text jobs included,
    whose rows no Markdown setting changes."""
    from declutter import Config

    first = run_batch([str(jsonl)], tmp_path / "out")
    job = json.loads((tmp_path / "out" / "job.json").read_text())
    for key in [k for k in job["config"] if k.startswith("markdown_")]:
        del job["config"][key]  # as an earlier version wrote it
    (tmp_path / "out" / "job.json").write_text(json.dumps(job))
    again = run_batch([str(jsonl)], tmp_path / "out")
    assert again.shards_resumed == again.shards and again.cleaned == first.cleaned
    markdown = tmp_path / "md"
    run_batch([str(jsonl)], markdown, config=Config(output="markdown"))
    job = json.loads((markdown / "job.json").read_text())
    del job["config"]["markdown_emphasis"]  # an earlier version wrote no emphasis: its rows differ
    (markdown / "job.json").write_text(json.dumps(job))
    with pytest.raises(BatchError, match="different job"):
        run_batch([str(jsonl)], markdown, config=Config(output="markdown"))


def test_a_job_resumes_after_an_upgrade_added_a_setting_at_its_default_but_not_with_another_value(jsonl, tmp_path):
    """favor was added after jobs had started; at its default it is the cut every earlier version made."""
    from declutter import Config

    first = run_batch([str(jsonl)], tmp_path / "out")
    job = json.loads((tmp_path / "out" / "job.json").read_text())
    del job["config"]["favor"]  # as an earlier version wrote it
    (tmp_path / "out" / "job.json").write_text(json.dumps(job))
    again = run_batch([str(jsonl)], tmp_path / "out")
    assert again.shards_resumed == again.shards and again.cleaned == first.cleaned
    with pytest.raises(BatchError, match="different job"):
        run_batch([str(jsonl)], tmp_path / "out", config=Config(favor="recall"))
    with pytest.raises(BatchError, match="different job"):
        run_batch([str(jsonl)], tmp_path / "out", config=Config(threshold=0.5))


def test_cli_batch_reports_and_exits(jsonl, tmp_path, capsys):
    assert cli_main(["batch", str(jsonl), "-o", str(tmp_path / "out"), "--shard-size", "4"]) == 0
    err = capsys.readouterr().err
    assert f"{len(good_rows()) + 6} records in = {len(good_rows())} cleaned + 6 errors" in err
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert cli_main(["batch", str(jsonl), "-o", str(blocker / "out")]) == 2
    assert "cannot write to output directory" in capsys.readouterr().err
    assert cli_main(["batch", str(jsonl), "-o", str(tmp_path / "o2"), "--engine", "dask"]) == 2
    assert "--scheduler" in capsys.readouterr().err


def test_cli_batch_workers_auto_uses_the_cpus_it_may_run_on(jsonl, tmp_path, capsys, monkeypatch):
    """``--workers auto`` is one worker per usable CPU (the affinity mask, not the host's cores); a count
    that is not positive is refused by the parser with a message, not a traceback from the pool."""
    import declutter.batch_cli as batch_cli

    seen = {}

    def fake_run_batch(inputs, out, **kwargs):
        seen["workers"] = kwargs["workers"]
        return run_batch(inputs, out, config=kwargs.get("config"), options=kwargs["options"], source=kwargs["source"])

    monkeypatch.setattr(batch_cli, "usable_cpus", lambda: 3)
    monkeypatch.setattr(batch_cli, "run_batch", fake_run_batch)
    assert cli_main(["batch", str(jsonl), "-o", str(tmp_path / "out"), "--workers", "auto"]) == 0
    assert seen["workers"] == 3
    for bad in ("0", "-2", "many"):
        with pytest.raises(SystemExit):
            cli_main(["batch", str(jsonl), "-o", str(tmp_path / "o2"), "--workers", bad])
        assert "positive number of workers or 'auto'" in capsys.readouterr().err
    monkeypatch.undo()
    assert 1 <= batch_cli.usable_cpus() <= (os.cpu_count() or 1)


def test_sigterm_mid_job_leaves_only_complete_shards(tmp_path):
    """A real ``kill``: the command exits 130, nothing half-written remains, a rerun resumes."""
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps({**r, "id": f"{r['id']}-{k}"}) for k in range(40) for r in good_rows()))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "declutter.cli", "batch", str(path), "-o", str(out), "--shard-size", "1"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("*.done.json")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "run the same command again to resume" in err
    assert not list(out.glob("*.tmp-*")) and not (out / "summary.json").exists()
    done = len(list(out.glob("*.done.json")))
    assert 0 < done < 200
    summary = run_batch([str(path)], out, options=BatchOptions(shard_size=1))
    check_accounting(out, summary)
    assert summary.shards_resumed == done and summary.cleaned == 200


def test_shards_close_at_a_record_count_or_a_content_size():
    from declutter.batch import shards
    from declutter.sources import Record

    sizes = [3, 3, 3, 10, 1, 1, 1, 1, 1]
    records = [Record(position=f"p:{i}", content="x" * n) for i, n in enumerate(sizes)]
    cut = [[r.position for r in chunk] for _, chunk in shards(records, 4, max_chars=6)]
    assert cut == [["p:0", "p:1"], ["p:2", "p:3"], ["p:4", "p:5", "p:6", "p:7"], ["p:8"]]
    assert [i for i, _ in shards(records, 4, max_chars=6)] == [0, 1, 2, 3]
    assert sum(len(c) for c in cut) == len(records)  # nothing lost at the bounds
    with pytest.raises(ValueError, match="shard_chars"):
        BatchOptions(shard_chars=0)


def test_large_pages_make_more_shards_with_the_same_output(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_bytes(jsonl_bytes(good_rows()))
    small, big = tmp_path / "small", tmp_path / "big"
    s1 = run_batch([str(data)], small, options=BatchOptions(shard_size=500, shard_chars=2_000))
    s2 = run_batch([str(data)], big, options=BatchOptions(shard_size=500))
    assert s1.shards > s2.shards == 1
    assert sorted(outputs(small), key=lambda r: r["position"]) == sorted(outputs(big), key=lambda r: r["position"])


def test_a_process_builds_one_cleaner_per_config_and_rereads_edited_rule_files(tmp_path):
    import os

    from declutter import Config
    from declutter.cleaner import shared_cleaner

    rules = tmp_path / "rules.toml"
    rules.write_text('language = "*"\n[[rules]]\nname = "mine"\ncertain = true\npatterns = [\'zzz only\']\n', encoding="utf-8")
    config = Config(extra_rules=(str(rules),))
    first = shared_cleaner(config)
    assert shared_cleaner(Config(extra_rules=(str(rules),))) is first
    assert shared_cleaner(Config(extra_rules=(str(rules),), threshold=0.6)) is not first
    rules.write_text('language = "*"\n[[rules]]\nname = "mine"\ncertain = true\npatterns = [\'yyy only\']\n', encoding="utf-8")
    st = rules.stat()
    os.utime(rules, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    again = shared_cleaner(config)
    assert again is not first
    assert any(line.rule == "mine" for line in again.analyze("yyy only\n\n" + "Body text here. " * 20).lines)


@pytest.mark.parametrize("charset, body, expected", [
    ("windows-1251", "Это было очень интересно, и мы не знали.".encode("cp1251"), "Это было очень интересно"),
    ("iso-8859-1", "Déjà vu, naïve café — über alles. ".encode("utf-8") * 5 + b"\xff", "Déjà vu, naïve café"),
    ("rot13", "Déjà vu et voilà, c'était très bien là-bas.".encode("cp1252"), "Déjà vu et voilà"),
])
def test_warc_http_charset_is_used_unless_the_body_is_mostly_utf8(tmp_path, charset, body, expected):
    html = b"<html><body>" + b"".join(b"<p>" + body + b" %d</p>" % i for i in range(6)) + b"</body></html>"
    block = http_response(html, f"text/html; charset={charset}")
    record = warc_record("response", "https://example.org/x", block, "application/http; msgtype=response", 1)
    summary, out = batch_of_file(tmp_path, "one.warc", record)
    assert summary.cleaned == 1 and expected in outputs(out)[0]["text"]


def test_cli_prints_its_version(capsys):
    import declutter

    with pytest.raises(SystemExit) as done:
        cli_main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"declutter {declutter.__version__}"


def test_the_package_version_is_the_one_pyproject_declares():
    import declutter
    from declutter.rules import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert declutter.__version__ == pyproject["project"]["version"]


def test_process_workers_get_one_blas_thread_unless_the_user_chose(monkeypatch):
    # A BLAS starts a thread per core in every worker; N workers then fought over the cores (2 workers on
    # 2 cores: a third of the throughput). Variables the user set are left alone; the rest are put back.
    import threading

    from declutter.batch import BLAS_THREAD_VARIABLES, ProcessEngine

    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(variable, raising=False)
    engine = ProcessEngine(2)
    seen: dict[str, str] = {}
    finished = threading.Event()

    def done(result, exc):
        seen[variable] = result if exc is None else repr(exc)
        finished.set()

    try:
        for variable in BLAS_THREAD_VARIABLES:
            finished.clear()
            engine.submit(os.getenv, (variable,), done)
            assert finished.wait(120)
    finally:
        engine.close()
    assert seen == {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "3"}
    assert "OPENBLAS_NUM_THREADS" not in os.environ and "OMP_NUM_THREADS" not in os.environ
    assert os.environ["MKL_NUM_THREADS"] == "3"


def test_a_null_page_field_is_said_to_be_null_and_a_missing_one_names_the_fields_there_are():
    from declutter.sources import SourceOptions, _jsonl_record

    opts = SourceOptions()
    assert _jsonl_record(b'{"id": "n", "text": null}', "x:1", opts).error == "field 'text' is null"
    missing = _jsonl_record(b'{"id": "m", "url": "https://a.example/", "raw_content": "<p>Hi</p>", "n": 3}', "x:2", opts)
    assert missing.error == "missing field 'text' (its string fields: 'raw_content'; choose one with --field)"
    assert _jsonl_record(b'{"id": "k", "n": 3}', "x:3", opts).error == "missing field 'text'"

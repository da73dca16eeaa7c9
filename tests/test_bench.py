"""``declutter bench``: datasets in, one scored row per (dataset, system, track) out, bad input named."""
import json
import os
import time
from pathlib import Path

import pytest

from declutter import peers, report
from declutter.bench import command_line, line_counts, run_bench, worst_pages
from declutter.cli import build_parser, main
from declutter.datasets import DatasetError
from declutter.metrics import word_prf
from declutter.peers import PeerUnavailable, c4_keep_line, html_to_text, lines_as_html
from declutter.run_isolated import run_isolated

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
REQUIRED = ("dataset", "system", "track", "pages", "word_f1", "word_p", "word_r", "snip_p", "snip_r", "snip_f1",
            "pages_per_s", "peak_mb")


@pytest.fixture
def seeds(fixtures) -> Path:
    return fixtures / "bench" / "seeds"


@pytest.fixture
def mini(fixtures) -> Path:
    return fixtures / "bench" / "readability-mini.jsonl"


def _row(result, system, track="text"):
    return next(r for r in result.rows if r.system == system and r.track == track)


# -- baselines and adapters --------------------------------------------------------------------------------
def test_c4_keeps_punctuated_lines_of_three_words_or_more():
    assert c4_keep_line("Putin praised the warm talks with Xi.")
    assert c4_keep_line('He said it was "everlasting!"')
    assert not c4_keep_line("Read more…")                       # no terminal punctuation
    assert not c4_keep_line("Nice post!")                       # two words
    assert not c4_keep_line("Please enable JavaScript to view the comments.")
    assert not c4_keep_line("By using this site you agree to our privacy policy.")


def test_text_track_wraps_each_line_in_an_escaped_paragraph():
    markup = lines_as_html("Fish & chips\n\n<b>not a tag</b>\n")
    assert "<p>Fish &amp; chips</p>" in markup and "<p>&lt;b&gt;not a tag&lt;/b&gt;</p>" in markup


def test_html_to_text_keeps_paragraphs_apart():
    assert html_to_text("<div><p>first end</p><p>Second start</p></div>").split("\n") == ["first end", "Second start"]
    assert html_to_text("   ") == ""


# -- runs on the committed fixtures ------------------------------------------------------------------------
def test_folder_fixture_scores_every_system_with_the_project_metric(seeds):
    result = run_bench([seeds], ("text",), peers=())
    assert [r.system for r in result.rows] == ["declutter", "keepall", "c4"]
    keepall = _row(result, "keepall")
    texts = [(seeds / f"{n}.txt").read_text(encoding="utf-8") for n in ("000", "001")]
    golds = [(seeds / f"{n}.gold.txt").read_text(encoding="utf-8") for n in ("000", "001")]
    assert keepall.pages == 2
    assert keepall.word_f1 == pytest.approx(sum(word_prf(t, g).f1 for t, g in zip(texts, golds)) / 2)
    # keep-all keeps every labelled line: recall 1, precision = body lines / all lines (14 of 25).
    assert keepall.line_r == 1.0 and keepall.line_p == pytest.approx(14 / 25)
    assert keepall.snip_f1 is None                        # the fixtures carry no snippets
    declutter_row = _row(result, "declutter")
    assert declutter_row.word_f1 > keepall.word_f1 and declutter_row.line_f1 is not None
    assert declutter_row.pages_per_s > 0 and declutter_row.peak_mb is not None and not declutter_row.failed


def test_line_counts_follow_containment_in_the_output():
    c = line_counts(["Home", "The body line.", "Footer"], [0, 1, 0], "the   BODY line.\n\nfooter")
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)


def test_html_track_runs_peers_and_lists_pages_a_system_failed_on(mini):
    result = run_bench([mini], ("html",), peers=("trafilatura", "justext"))
    assert {r.system for r in result.rows} == {"declutter", "trafilatura", "justext"}
    traf = _row(result, "trafilatura", "html")
    assert traf.pages == 2 and traf.word_f1 > 0.5 and traf.version != "not installed"
    ours = _row(result, "declutter", "html")
    assert ours.pages == 2                                   # a crashing page still counts, as empty output
    assert all(set(f) == {"id", "error"} and f["error"] for f in ours.failed)
    assert len(worst_pages(result)) == 2


def test_missing_peer_is_reported_and_skipped(mini, monkeypatch):
    def missing(module, package):
        raise PeerUnavailable(f"{package} is not installed")

    monkeypatch.setattr(peers, "_require", missing)
    result = run_bench([mini], ("html",), peers=("resiliparse",))
    row = _row(result, "resiliparse", "html")
    assert "resiliparse is not installed" in row.skipped and row.word_f1 is None and row.pages_per_s is None
    assert _row(result, "declutter", "html").skipped is None


# -- isolation: failures, hard crashes, hangs ----------------------------------------------------------------
def _flaky(data, lang):
    if data == "raise":
        raise RuntimeError("boom")
    if data == "die":
        os._exit(3)
    if data == "hang":
        time.sleep(30)
    return data.upper()


def test_failing_pages_become_empty_output_and_the_run_goes_on():
    run = run_isolated(lambda: _flaky, [("a", None), ("raise", None), ("die", None), ("hang", None), ("b", None)],
                       page_timeout=2)
    assert run.outputs == ["A", "", "", "", "B"]
    errors = dict(run.failures)
    assert "RuntimeError: boom" in errors[1] and "exit code 3" in errors[2] and "timed out" in errors[3]


# -- bad input: clear messages naming the file and line -------------------------------------------------------
def _bench_error(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as exc:
        main(["bench", *argv, "--quiet"])
    return str(exc.value)


def test_a_byte_order_mark_before_the_first_record_or_in_a_folder_file_is_not_data(tmp_path):
    """Windows tools write a UTF-8 BOM first; it made line 1 invalid JSON, and a folder's labels unreadable."""
    from declutter.datasets import read_pages

    row = {"id": "a", "text": "Home\nThe council voted on Tuesday.", "gold": "The council voted on Tuesday."}
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(row).encode() + b"\n")
    assert [p.gold for p in read_pages(path)] == [row["gold"]]
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, content in (("a.txt", row["text"]), ("a.gold.txt", row["gold"]), ("a.labels.txt", "0\n1")):
        (folder / name).write_bytes(b"\xef\xbb\xbf" + content.encode())
    [page] = read_pages(folder)
    assert page.gold == row["gold"] and page.text == row["text"] and page.labels == [0, 1]


def test_malformed_json_line_is_named(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "gold": "a"}\n{"text": "b", "gold\n', encoding="utf-8")
    assert f"{path}:2: invalid JSON" in _bench_error(capsys, str(path))


def test_a_json_array_is_named_as_such(tmp_path):
    from declutter.datasets import read_pages

    path = tmp_path / "pages.json"
    path.write_text(json.dumps([{"id": "a", "text": "x", "gold": "x"}], indent=1))
    with pytest.raises(DatasetError, match=r"pages.json:1: invalid JSON .*a JSON array\? JSONL holds one object per line"):
        list(read_pages(path))


def test_a_zstd_dataset_is_read_frame_after_frame_and_a_cut_one_refused(tmp_path):
    # Read through zstandard's stream_reader, a second frame was never read and a cut one ended the data.
    zstandard = pytest.importorskip("zstandard")
    from declutter.datasets import read_pages

    rows = [json.dumps({"id": f"p{i}", "text": f"line {i} " * 50, "gold": f"line {i}"}) + "\n" for i in range(400)]
    data = "".join(rows).encode()
    compress = zstandard.ZstdCompressor().compress
    path = tmp_path / "pages.jsonl.zst"
    path.write_bytes(compress(data[:5000]) + compress(data[5000:]))
    assert [p.id for p in read_pages(path)] == [f"p{i}" for i in range(400)]
    path.write_bytes(compress(data)[:-5])
    with pytest.raises(DatasetError, match="cannot read .*zstd data cut short"):
        list(read_pages(path))


def test_missing_field_is_named(tmp_path, capsys):
    path = tmp_path / "nogold.jsonl"
    path.write_text('{"id": "x/1", "text": "a"}\n', encoding="utf-8")
    assert f"{path}:1: missing or non-string field 'gold'" in _bench_error(capsys, str(path))


def test_empty_dataset_and_unknown_peer_are_refused(tmp_path, seeds, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert "no labelled pages" in _bench_error(capsys, str(empty))
    message = _bench_error(capsys, str(seeds), "--peers", "trafilatura,goose")
    assert "unknown peer(s) goose" in message and "boilerpy3" in message


def test_line_labels_that_do_not_fit_the_text_are_refused(tmp_path, seeds):
    for name in ("000.txt", "000.gold.txt"):
        (tmp_path / name).write_text((seeds / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "000.labels.txt").write_text("1\n0\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="12 values of 0 or 1"):
        run_bench([tmp_path], ("text",), peers=())


# -- outputs ----------------------------------------------------------------------------------------------------
def test_json_output_has_one_object_per_dataset_system_track(seeds, capsys):
    assert main(["bench", str(seeds), "--peers", "", "--json", "--quiet"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["dataset"], r["system"], r["track"]) for r in rows] == [
        ("seeds", "declutter", "text"), ("seeds", "keepall", "text"), ("seeds", "c4", "text")]
    assert all(set(REQUIRED) <= set(r) for r in rows)


def test_write_docs_replaces_only_the_generated_section(tmp_path, seeds):
    doc = tmp_path / "benchmarks.md"
    intro = f"# Benchmarks\n\nHand-written intro quoting `{report.START}` and `{report.END}`.\n\n"
    doc.write_text(f"{intro}{report.START}\nold table\n{report.END}\n\n## Notes\nKeep me.\n", encoding="utf-8")
    assert main(["bench", str(seeds), "--peers", "", "--quiet", "--write-docs", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert text.startswith(intro + report.START) and text.endswith("## Notes\nKeep me.\n")
    assert "old table" not in text and "| seeds | text | keepall | 2 |" in text and "training-set numbers" in text
    assert text.count(report.START) == 2 and "declutter bench" in text


def test_html_report_is_self_contained(seeds, tmp_path):
    out = tmp_path / "report.html"
    assert main(["bench", str(seeds), "--peers", "", "--quiet", "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page and "https://" not in page.replace("http://www.w3.org", "")
    data = page.split('id="bench-data">', 1)[1].split("</script>", 1)[0]
    parsed = json.loads(data)
    assert len(parsed["rows"]) == 3 and len(parsed["worst"]) == 2 and parsed["worst"][0]["lines"]


# -- the shared datasets (skipped on a fresh clone) ---------------------------------------------------------
@pytest.mark.skipif(not (SHARED / "wcxb-dev.jsonl.gz").exists(), reason="needs ../shared/data/wcxb-dev.jsonl.gz")
def test_wcxb_gives_snippet_scores_and_page_types():
    result = run_bench([SHARED / "wcxb-dev.jsonl.gz"], ("text",), peers=(), limit=5)
    row = _row(result, "keepall")
    assert row.pages == 5 and row.snip_f1 is not None and row.by_page_type
    assert sum(t["pages"] for t in row.by_page_type.values()) == 5


def test_limit_spreads_pages_over_the_whole_file():
    from declutter.bench import spread

    assert spread(10, 3) == {0, 3, 6} and spread(4, 10) == {0, 1, 2, 3} and spread(5, None) == set(range(5))


def test_model_option_benches_the_given_model_file(seeds, tmp_path, capsys):
    import declutter

    shipped = Path(declutter.__file__).parent / "data" / "model.npz"
    assert main(["bench", str(seeds), "--peers", "", "--json", "--quiet", "--model", str(shipped)]) == 0
    with_file = json.loads(capsys.readouterr().out)[0]
    default = _row(run_bench([seeds], ("text",), peers=()), "declutter")
    assert with_file["system"] == "declutter" and with_file["word_f1"] == pytest.approx(default.word_f1)
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not a model")
    assert f"cannot use model {bad}" in _bench_error(capsys, str(seeds), "--model", str(bad))


def test_favor_option_benches_declutter_with_that_setting(seeds, capsys):
    rows = {}
    for favor in ("precision", "balanced", "recall"):
        assert main(["bench", str(seeds), "--peers", "", "--json", "--quiet", "--favor", favor]) == 0
        rows[favor] = json.loads(capsys.readouterr().out)[0]
    p, r = ({f: rows[f][k] for f in rows} for k in ("word_p", "word_r"))
    assert p["precision"] > p["balanced"] > p["recall"]
    assert r["recall"] >= r["balanced"] > r["precision"]  # the seeds' balanced recall is already 1.0
    args = build_parser().parse_args(["bench", str(seeds), "--favor", "recall"])
    assert command_line(args).endswith("--favor=recall")


def test_without_fork_systems_run_in_process_with_the_same_accounting(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    run = run_isolated(lambda: _flaky, [("a", None), ("raise", None), ("b", None)])
    assert run.outputs == ["A", "", "B"] and run.failures[0][0] == 1 and run.peak_mb is None


def test_reader_ceiling_scores_what_the_reader_gives_the_model(tmp_path, capsys):
    """``benchmarks/reader_ceiling.py``: a page whose gold is exactly its body lines has keep-all recall 1 and
    oracle F1 1; gold words the reader never turns into lines (a select's options) lower both."""
    import runpy

    script = runpy.run_path(str(Path(__file__).resolve().parents[1] / "benchmarks" / "reader_ceiling.py"))
    body = "<p>The river rose two metres overnight and the old bridge was closed to traffic.</p>"
    pages = [
        {"id": "whole", "html": f"<nav><a href=/>Home</a></nav>{body}", "gold": body[3:-4]},
        {"id": "lost", "html": f"{body}<select><option>Alpha</option><option>Beta</option></select>",
         "gold": body[3:-4] + "\nAlpha Beta"},
    ]
    data = tmp_path / "pages.jsonl"
    data.write_text("\n".join(json.dumps(p) for p in pages), encoding="utf-8")
    scores = script["ceilings"]([str(data)], "html")
    assert scores["whole"] == [1.0, 1.0]
    recall, oracle = scores["lost"]
    assert recall < 1.0 and oracle < 1.0
    script["compare"](scores, {k: [v[0], v[1] - 0.5] for k, v in scores.items()})
    assert "oracle F1 -0.5000" in capsys.readouterr().out

"""Training smoke tests: the `declutter train` command rebuilds a usable model from fixture pages.

Real training runs on ../shared/data and is not part of CI; these tests train tiny models on the
committed fixtures to check the whole path (labelling, fitting, saving, loading, cleaning) works.
"""
import numpy as np
import pytest

from declutter import Cleaner, Config
from declutter.cli import main
from declutter.model import LineModel, StackedModel, load_model
from declutter.train import cross_validate, fit, transition_stats


def test_fixture_pages_are_labelled_on_both_tracks(examples):
    tracks = {e.track for e in examples}
    assert tracks == {"text", "html"}
    for e in examples:
        assert e.X.shape[0] == len(e.y) == len(e.w) and e.X.dtype == np.float32
        assert 0 < e.y.sum() < len(e.y), e.page_id  # every fixture page has body and boilerplate


def test_transition_stats_say_labels_come_in_runs(examples):
    stay, prior = transition_stats(examples)
    assert 0.7 < stay < 1.0 and 0.05 < prior < 0.95


def test_train_command_writes_a_model_the_cleaner_loads(fixtures, tmp_path, capsys):
    out = tmp_path / "model.npz"
    rc = main(["train", str(fixtures / "pages"), "--track", "text", "-o", str(out),
               "--epochs", "3", "--hidden", "8", "--quiet"])
    assert rc == 0 and out.exists() and "wrote" in capsys.readouterr().out
    model = load_model(out)
    assert isinstance(model, StackedModel) and model.meta_["pages"] > 0
    text = (fixtures / "seeds" / "004.txt").read_text(encoding="utf-8")
    analysis = Cleaner(model_path=str(out)).analyze(text)
    assert len(analysis.lines) > 0 and all(0.0 <= d.prob <= 1.0 for d in analysis.lines)


def test_a_model_fitted_on_fixtures_beats_keeping_everything_on_them(examples):
    from declutter.metrics import mean_word_prf

    text_examples = [e for e in examples if e.track == "text"]
    model = fit(text_examples, LineModel(hidden=16, epochs=40))
    cleaner = Cleaner(input_format="text", model=model)
    ours = mean_word_prf([(cleaner.clean(e.text), e.gold) for e in text_examples]).f1
    keep_all = mean_word_prf([(e.text, e.gold) for e in text_examples]).f1
    assert ours > keep_all + 0.05


def test_cross_validation_reports_every_dataset_and_track(examples):
    scores = cross_validate(examples, folds=2, model_factory=lambda: StackedModel(hidden=8, epochs=2, folds=2))
    assert "pages" in scores and "pages:html" in scores
    assert all(0.0 <= v <= 1.0 for v in scores.values())


def test_a_model_with_other_features_is_refused(fixtures, tmp_path):
    model = LineModel(hidden=4, epochs=1)
    model.fit(np.random.default_rng(0).random((20, 3), dtype=np.float32), np.array([0, 1] * 10), None, ["a", "b", "c"])
    path = tmp_path / "other.npz"
    model.save(path)
    with pytest.raises(ValueError, match="retrain"):
        Cleaner(model_path=str(path))


def test_a_page_whose_html_yields_no_lines_is_scored_not_skipped(tmp_path):
    import json

    from declutter.train import make_example
    from declutter.config import Config
    from declutter.datasets import read_pages
    from declutter.rules import RuleSet

    data = tmp_path / "pages.jsonl"
    data.write_text(json.dumps({"id": "p/1", "text": "Body text here.", "gold": "Body text here.",
                                "html": "<html><head><script>var a;</script></head><body></body></html>"}) + "\n")
    lp = next(read_pages(data))
    ex = make_example(lp, RuleSet.load(()), Config(), "html")
    assert ex is not None and ex.X.shape == (0, ex.X.shape[1]) and len(ex.y) == 0
    fitted = fit([ex] + [make_example(lp, RuleSet.load(()), Config(), "text")] * 4, LineModel(hidden=4, epochs=1))
    assert fitted.meta_["pages"] == 4  # the empty example teaches nothing


def test_train_reads_user_rule_files_for_labelling_and_scoring(fixtures, tmp_path, capsys):
    rules = tmp_path / "drop-hidden.toml"
    rules.write_text('[dom]\nhidden_elements = "drop"\n')
    out = tmp_path / "model.npz"
    assert main(["train", str(fixtures / "pages"), "--track", "html", "--rules", str(rules), "-o", str(out),
                 "--epochs", "1", "--hidden", "4", "--quiet"]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('[dom]\nhidden_elements = "sometimes"\n')
    with pytest.raises(SystemExit, match="hidden_elements"):
        main(["train", str(fixtures / "pages"), "--rules", str(bad), "-o", str(out), "--quiet"])


def test_cross_validation_records_every_held_out_page_behind_the_means(examples):
    records = []
    scores = cross_validate(examples, folds=2, model_factory=lambda: StackedModel(hidden=8, epochs=2, folds=2),
                            records=records)
    assert sorted((r["id"], r["track"]) for r in records) == sorted((e.page_id, e.track) for e in examples)
    text_f1 = [r["f1"] for r in records if r["track"] == "text"]
    assert scores["pages"] == pytest.approx(np.mean(text_f1), abs=1e-5)
    for r in records:
        assert 0.0 <= r["precision"] <= 1.0 and 0.0 <= r["recall"] <= 1.0 and r["fold"] in (0, 1)
        assert isinstance(r["output"], str)


def test_train_command_writes_held_out_scores_for_paired_comparisons(fixtures, tmp_path, capsys):
    import gzip
    import json

    scores = tmp_path / "scores.jsonl.gz"
    rc = main(["train", str(fixtures / "pages"), "--track", "text", "-o", str(tmp_path / "m.npz"), "--cv", "2",
               "--scores", str(scores), "--epochs", "2", "--hidden", "8", "--quiet"])
    assert rc == 0 and f"wrote {scores} (9 held-out pages)" in capsys.readouterr().out
    with gzip.open(scores, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    assert len(rows) == 9 and {r["dataset"] for r in rows} == {"pages"}


def test_train_command_refuses_scores_without_cross_validation(fixtures, tmp_path):
    with pytest.raises(SystemExit, match="--scores needs --cv"):
        main(["train", str(fixtures / "pages"), "--scores", str(tmp_path / "s.jsonl"), "--quiet"])
    with pytest.raises(SystemExit, match="no such folder"):
        main(["train", str(fixtures / "pages"), "--cv", "2", "--scores", str(tmp_path / "nope" / "s.jsonl"), "--quiet"])


def test_held_out_lines_decode_again_to_the_same_scores(fixtures, tmp_path, capsys):
    """`--lines` writes what `benchmarks/redecode.py` needs to reproduce every held-out decision exactly."""
    import gzip
    import json
    import runpy

    scores = tmp_path / "scores.jsonl.gz"
    rc = main(["train", str(fixtures / "pages"), "-o", str(tmp_path / "m.npz"), "--cv", "2", "--scores", str(scores),
               "--lines", "--epochs", "2", "--hidden", "8", "--quiet"])
    assert rc == 0
    with gzip.open(scores, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    for r in rows:
        lines = r["lines"]
        assert (len(lines["p"]) == len(lines["p_model"]) == len(lines["rule"]) == len(lines["words"])
                == len(lines["keep"]) == len(lines["label"]))
    capsys.readouterr()
    redecode = runpy.run_path(str(fixtures.parent.parent / "benchmarks" / "redecode.py"))["main"]
    assert redecode([str(scores), str(fixtures / "pages")]) == 0
    out = capsys.readouterr().out
    assert f"reproduces {len(rows)} of {len(rows)} pages' decisions exactly" in out
    text = np.mean([r["f1"] for r in rows if r["track"] == "text"])
    html = np.mean([r["f1"] for r in rows if r["track"] == "html"])
    assert f"| pages | 9 | {text:.4f} | {html:.4f} |" in out
    # The sequence step run again on the stored model probabilities with the shipped stay gives the same table.
    assert redecode([str(scores), str(fixtures / "pages"), "--stay", str(Config().sequence_stay)]) == 0
    assert f"| pages | 9 | {text:.4f} | {html:.4f} |" in capsys.readouterr().out


def test_redecode_stay_runs_the_sequence_step_again(fixtures, tmp_path, capsys):
    """``--stay`` smooths the stored model probabilities again; without them (an older run) it says so."""
    import gzip
    import json
    import runpy

    scores = tmp_path / "scores.jsonl.gz"
    main(["train", str(fixtures / "pages"), "-o", str(tmp_path / "m.npz"), "--cv", "2", "--scores", str(scores),
          "--lines", "--epochs", "2", "--hidden", "8", "--quiet"])
    redecode = runpy.run_path(str(fixtures.parent.parent / "benchmarks" / "redecode.py"))["main"]
    capsys.readouterr()
    assert redecode([str(scores), str(fixtures / "pages"), "--stay", "none"]) == 0
    assert "| pages | 9 |" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        redecode([str(scores), str(fixtures / "pages"), "--stay", "1.5"])
    old = tmp_path / "old.jsonl.gz"
    with gzip.open(scores, "rt", encoding="utf-8") as fh, gzip.open(old, "wt", encoding="utf-8") as out:
        for row in map(json.loads, fh):
            del row["lines"]["p_model"], row["lines"]["prior"]
            out.write(json.dumps(row) + "\n")
    with pytest.raises(SystemExit, match="no model probabilities"):
        redecode([str(old), str(fixtures / "pages"), "--stay", "0.8"])


def test_train_command_refuses_lines_without_scores(fixtures, tmp_path):
    with pytest.raises(SystemExit, match="--lines needs --scores"):
        main(["train", str(fixtures / "pages"), "--cv", "2", "--lines", "--quiet"])


def test_redecode_scores_a_page_without_lines_as_empty(fixtures):
    import runpy

    from declutter.page import Page

    decode = runpy.run_path(str(fixtures.parent.parent / "benchmarks" / "redecode.py"))["decode"]
    page = Page(lines=[])
    assert decode(Cleaner(), page, None) == "" and page.keep.tolist() == []


def test_the_clean_track_reads_the_gold_as_a_page_of_body_lines(fixtures):
    """`--track clean`: each page's gold becomes a text example, every line body, weighted CLEAN_WEIGHT."""
    from declutter import train
    from declutter.datasets import read_pages
    from declutter.rules import RuleSet

    lp = next(p for p in read_pages(fixtures / "pages") if p.gold.strip())
    ex = train.make_example(lp, RuleSet.load(), train.Config(), track="clean")
    text = train.make_example(lp, RuleSet.load(), train.Config(), track="text")
    assert ex.track == "clean" and ex.text == lp.gold and ex.y.all()
    assert ex.w.dtype == np.float32 and ex.w.sum() == pytest.approx(train.CLEAN_WEIGHT * np.sqrt(len(ex.y)), rel=1e-4)
    assert text.w.sum() == pytest.approx(np.sqrt(len(text.y)), rel=1e-4)


def test_clean_examples_are_scored_apart_and_kept_out_of_the_page_statistics(fixtures):
    from declutter.train import load_examples, track_means

    examples = load_examples([fixtures / "pages"], tracks=("text", "clean"))
    scraped = [e for e in examples if e.track == "text"]
    assert {e.track for e in examples} == {"text", "clean"}
    model = fit(examples, StackedModel(hidden=8, epochs=2, folds=2))
    assert (model.meta_["stay"], model.meta_["prior"]) == transition_stats(scraped)
    assert set(model.meta_["track_means"]) == {"text"} and model.meta_["track_means"] == track_means(scraped)
    scores = cross_validate(examples, folds=2, model_factory=lambda: StackedModel(hidden=8, epochs=2, folds=2))
    assert set(scores) == {"pages", "pages:clean"}


def test_held_out_clean_pages_decode_again(fixtures, tmp_path, capsys):
    import runpy

    scores = tmp_path / "scores.jsonl.gz"
    assert main(["train", str(fixtures / "pages"), "-o", str(tmp_path / "m.npz"), "--cv", "2", "--scores", str(scores),
                 "--lines", "--track", "text", "--track", "clean", "--epochs", "2", "--hidden", "8", "--quiet"]) == 0
    capsys.readouterr()
    redecode = runpy.run_path(str(fixtures.parent.parent / "benchmarks" / "redecode.py"))["main"]
    assert redecode([str(scores), str(fixtures / "pages")]) == 0
    out = capsys.readouterr().out
    assert "reproduces 18 of 18 pages' decisions exactly" in out and "| set | pages | text | HTML | clean |" in out


def test_cross_validation_of_one_site_says_why_it_cannot_run(tmp_path):
    """Every page of one site lands in one fold, so the other folds had nothing to train on: a traceback
    from deep inside numpy before."""
    import json

    rows = [{"id": f"p{i}", "url": f"https://one.example/{i}", "text": "Home\nThe council voted on Tuesday.\nShare",
             "gold": "The council voted on Tuesday."} for i in range(3)]
    path = tmp_path / "one-site.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(SystemExit, match=r"--cv 5 holds out each site's pages.*come from 1 site"):
        main(["train", str(path), "--track", "text", "--cv", "5", "-o", str(tmp_path / "m.npz"), "--quiet"])


def test_members_are_averaged_into_one_network_of_the_same_size():
    """An ensemble costs nothing at inference: its members' hidden layers side by side, their output
    weights halved, give the mean of their log-odds."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((600, 5)).astype(np.float32)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.float32)
    pair = LineModel(hidden=8, epochs=20, learning_rate=0.05, members=2).fit(X, y)
    assert pair.W1_.shape == (5, 8) and pair.W2_.shape == (8,)
    ones = [LineModel(hidden=4, epochs=20, learning_rate=0.05, seed=s).fit(X, y) for s in (0, 1)]
    mean = (ones[0].decision_function(X) + ones[1].decision_function(X)) / 2
    assert np.allclose(pair.decision_function(X), mean, atol=1e-5)
    assert (pair.predict_proba(X) > 0.5).mean() > 0.3 and ((pair.predict_proba(X) > 0.5) == y).mean() > 0.9
    with pytest.raises(ValueError, match="members must be between 1 and hidden"):
        LineModel(hidden=4, members=5)


@pytest.mark.parametrize("flags", [["--members", "200"], ["--members", "0"], ["--hidden", "0"], ["--epochs", "0"]])
def test_train_refuses_a_network_it_cannot_build_before_labelling(fixtures, tmp_path, flags):
    with pytest.raises(SystemExit, match="--members between 1 and --hidden"):
        main(["train", str(fixtures / "pages"), "-o", str(tmp_path / "m.npz"), *flags])

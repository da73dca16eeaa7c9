"""Site templates: lines a site repeats on many pages are dropped; memory stays bounded."""
import gzip
import json
import pickle
from pathlib import Path

import pytest

from declutter import Cleaner, SiteTemplates
from declutter.metrics import mean_word_prf
from declutter.sites import TEMPLATE_RULE, TemplateLearner, line_key, site_host

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# A site's header and footer, repeated around every article of the site.
HEADER = ["Subscribe to our weekly newsletter for the best of our reporting delivered to you"]
FOOTER = ["Our journalism is supported by readers like you, thank you for reading today"]


def site_pages(fixtures) -> list[tuple[str, str]]:
    """The seed articles as pages of one site, each wrapped in the same header and footer."""
    pages = []
    for i, path in enumerate(sorted((fixtures / "seeds").glob("[0-9][0-9][0-9].txt"))):
        body = path.read_text(encoding="utf-8")
        pages.append((f"https://www.example-news.org/story/{i}", "\n\n".join(HEADER + [body] + FOOTER)))
    return pages


def test_site_host_ignores_www_case_and_scheme():
    assert site_host("https://WWW.Example.com/a?b=1") == "example.com"
    assert site_host("example.com/path") == "example.com"
    assert site_host(None) is None and site_host("") is None and site_host("not a url at all") is None


def test_line_key_ignores_case_spacing_and_digits_and_is_stable():
    assert line_key("© 2013  All rights reserved") == line_key("© 2014 all rights RESERVED")
    assert line_key("Home") != line_key("About")
    # Templates learned in one process are applied in others: the key must not depend on hash() salting.
    import os
    import subprocess
    import sys

    code = "from declutter.sites import line_key; print(line_key('Home'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "12345"}).stdout
    assert int(other) == line_key("Home")


def test_learned_lines_are_those_on_enough_pages(fixtures):
    pages = site_pages(fixtures)
    templates = SiteTemplates.learn(pages, min_pages=3, min_share=0.5)
    assert list(templates) == ["example-news.org"]
    keys = templates["example-news.org"]
    assert line_key(HEADER[0]) in keys and line_key(FOOTER[0]) in keys
    body_line = pages[0][1].split("\n\n")[3]
    assert line_key(body_line) not in keys


def test_too_few_pages_learn_nothing(fixtures):
    assert len(SiteTemplates.learn(site_pages(fixtures)[:2], min_pages=3)) == 0


def test_cleaner_drops_template_lines_with_a_reason(fixtures):
    pages = site_pages(fixtures)
    cleaner = Cleaner(site_templates=SiteTemplates.learn(pages))
    url, text = pages[1]
    analysis = cleaner.analyze(text, url=url)
    marked = [d for d in analysis.lines if d.rule == TEMPLATE_RULE]
    assert {d.text for d in marked} == set(HEADER + FOOTER)
    assert all(not d.keep and "site-template" in d.reason for d in marked)
    assert HEADER[0] not in cleaner.clean(text, url=url)
    # Same text without its URL, or from another site: templates do not apply.
    for other in (None, "https://elsewhere.example/x"):
        assert not any(d.rule == TEMPLATE_RULE for d in cleaner.analyze(text, url=other).lines)
    for wrong in (123, url.encode()):  # a clear error, not a TypeError from inside the template lookup
        with pytest.raises(TypeError, match="url must be a str or None"):
            cleaner.clean(text, url=wrong)


def test_templates_drop_their_lines_and_leave_the_others_alone(fixtures):
    """A template hit is not evidence about the neighbours: every other line is judged as without it."""
    pages = site_pages(fixtures)
    with_t, without = Cleaner(site_templates=SiteTemplates.learn(pages)), Cleaner()
    for url, text in pages:
        a, b = with_t.analyze(text, url=url).lines, without.analyze(text, url=url).lines
        others = [(x, y) for x, y in zip(a, b) if x.rule != TEMPLATE_RULE]
        assert len(others) < len(a)
        assert all(x.keep == y.keep and x.prob == pytest.approx(y.prob) for x, y in others)


def test_body_length_lines_are_never_template(fixtures):
    long_line = " ".join(["word"] * 30)
    templates = SiteTemplates.from_lines({"example.org": [long_line, "Home"]})
    hits = templates.template_lines("http://example.org/a", [long_line, "Home", "Other"])
    assert hits.tolist() == [False, True, False]


def test_hand_written_templates_through_config():
    cleaner = Cleaner(site_templates={"example.org": ["Read our cookie policy and privacy notice here"]})
    text = "A first paragraph of the article, long enough to be body text for the model.\n\nRead our cookie policy and privacy notice here"
    lines = cleaner.analyze(text, url="https://example.org/x").lines
    assert lines[-1].rule == TEMPLATE_RULE and not lines[-1].keep


def letters(n: int) -> str:
    """A distinct word per number without digits (digits are ignored by line keys)."""
    return "".join(chr(ord("a") + int(d)) for d in str(n))


def test_counters_stay_bounded_and_frequent_lines_survive():
    learner = TemplateLearner(max_lines_per_host=64, max_entries=10_000)
    for page in range(500):
        lines = ["Menu line shared by every page"] + [f"unique line {letters(page * 100 + j)}" for j in range(30)]
        learner.add("http://big.example/p", lines)
        assert len(learner.hosts["big.example"].counts) <= 64
    templates = learner.templates(min_pages=3, min_share=0.5)
    assert templates["big.example"] == frozenset({line_key("Menu line shared by every page")})


def test_host_eviction_keeps_the_total_under_budget():
    learner = TemplateLearner(max_lines_per_host=16, max_entries=200)
    for host in range(100):
        for page in range(3 if host % 10 == 0 else 1):
            learner.add(f"http://h{host}.example/{page}", [f"line {c}" for c in "abcdefgh"])
    assert learner.entries <= 200
    assert learner.entries == sum(len(h.counts) for h in learner.hosts.values())
    assert learner.evicted_hosts > 0


def test_learners_merge_like_one_pass(fixtures):
    pages = site_pages(fixtures)
    cleaner = Cleaner()
    whole, a, b = TemplateLearner(), TemplateLearner(), TemplateLearner()
    for i, (url, text) in enumerate(pages):
        lines = cleaner.read(text).lines
        whole.add(url, lines)
        (a if i % 2 else b).add(url, lines)
    assert dict(a.merge(b).templates()) == dict(whole.templates())


def test_templates_pickle_for_worker_processes(fixtures):
    templates = SiteTemplates.learn(site_pages(fixtures))
    again = pickle.loads(pickle.dumps(templates))
    assert dict(again) == dict(templates) and again.body_words == templates.body_words


def test_bad_parameters_are_clear_errors():
    with pytest.raises(ValueError, match="min_pages"):
        TemplateLearner().templates(min_pages=1)
    with pytest.raises(ValueError, match="min_share"):
        TemplateLearner().templates(min_share=0)
    with pytest.raises(TypeError, match="site_templates"):
        Cleaner(site_templates=["not", "a", "mapping"])


@pytest.mark.skipif(not (DATA / "cleanportaleval.jsonl.gz").exists(), reason="needs ../shared/data/cleanportaleval.jsonl.gz")
def test_templates_do_not_hurt_on_cleanportaleval():
    with gzip.open(DATA / "cleanportaleval.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    base = Cleaner()
    templated = Cleaner(site_templates=SiteTemplates.learn(((r["url"], r["text"]) for r in rows), read=base.read))
    f1_base = mean_word_prf([(base.clean(r["text"], url=r["url"]), r["gold"]) for r in rows]).f1
    f1_sites = mean_word_prf([(templated.clean(r["text"], url=r["url"]), r["gold"]) for r in rows]).f1
    assert f1_sites >= f1_base


@pytest.mark.parametrize("item, message", [(("https://a.example/1",), "item 0 is a tuple"), ("ab", "item 0 is a str"),
                                           ((b"https://a.example/1", "text"), "item 0 has a bytes")])
def test_learning_from_items_that_are_not_url_page_pairs_names_the_item(item, message):
    with pytest.raises(TypeError, match=message):
        SiteTemplates.learn([item])
    assert len(SiteTemplates.learn([["https://a.example/1", "a list pair is a pair"], (None, "no url: skipped")])) == 0


@pytest.mark.parametrize("templates, message", [
    ({"a.example": "Home"}, r"templates\['a.example'\] must be a list of lines, got str"),  # would be single letters
    ({"a.example": 1}, "must be a list of lines, got int"),
    ({"a.example": ["Home", None]}, "must hold lines"),
    ({1: ["Home"]}, "keyed by host names"),
])
def test_hand_written_templates_of_the_wrong_shape_are_refused(templates, message):
    with pytest.raises(TypeError, match=message):
        Cleaner(site_templates=templates)


def test_learning_names_the_page_that_is_not_text():
    pages = [("https://a.example/1", "Home\n\nA story."), ("https://a.example/2", None)]
    with pytest.raises(TypeError, match="pages item 1: .*NoneType"):
        SiteTemplates.learn(pages)

"""The learned lexicon: which words lean towards body or boilerplate, and the feature columns it gives."""
import math

import numpy as np
import pytest

from declutter import Cleaner, features
from declutter.lexicon import COLUMNS, MIN_SITES, Lexicon, page_tokens, terms
from declutter.model import StackedModel, load_model
from declutter.page import Page
from declutter.train import Example, fit, with_lexicon


def _pages(sites: int, body_word: str = "election", junk_word: str = "cart"):
    """One page per site: two body lines with ``body_word``, two boilerplate lines with ``junk_word``."""
    for s in range(sites):
        lines = [f"Add to {junk_word} now", f"The {body_word} results came in late on Sunday night.",
                 f"Observers said the {body_word} was close to a tie.", f"View {junk_word}"]
        yield lines, np.array([0, 1, 1, 0]), f"site{s}.example"


def test_words_used_on_enough_sites_get_a_signed_weight():
    lex = Lexicon.fit(_pages(6))
    assert lex.weights["election"] > 0 > lex.weights["cart"]
    assert abs(lex.weights["to"]) < 0.01 < lex.weights["election"]  # on both sides of the page


def test_words_from_fewer_sites_than_the_minimum_stay_out():
    lex = Lexicon.fit(_pages(4))
    assert len(lex) == 0
    assert "cart" in Lexicon.fit(_pages(4), min_domains=4).weights


def test_columns_are_mean_known_min_max_of_each_line():
    lex = Lexicon({"add": -2.0, "cart": -1.0, "vote": 3.0})
    lines = ["Add to cart", "Vote now", "", "nothing known here", "VOTE vote add"]
    X = lex.columns(*page_tokens(lines), len(lines))
    assert X.shape == (5, len(COLUMNS)) and X.dtype == np.float32
    # terms are the words and the pairs of neighbouring words: "add to cart" has 3 + 2
    np.testing.assert_allclose(X[0], [-1.5, 2 / 5, -2.0, -1.0], rtol=1e-6)
    np.testing.assert_allclose(X[1], [3.0, 1 / 3, 3.0, 3.0], rtol=1e-6)
    assert not X[2].any() and not X[3].any()
    np.testing.assert_allclose(X[4], [4 / 3, 3 / 5, -2.0, 3.0], rtol=1e-6)


def test_pairs_of_neighbouring_words_are_terms_but_not_across_lines():
    words, line = page_tokens(["Sign in", "now Add to cart"])
    got, where = terms(words, line)
    assert got == ["sign", "in", "sign in", "now", "add", "to", "cart", "now add", "add to", "to cart"]
    assert where.tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    X = Lexicon({"sign in": -3.0}).columns(words, line, 2)
    np.testing.assert_allclose(X[0], [-3.0, 1 / 3, -3.0, -3.0], rtol=1e-6)
    assert not X[1].any()  # "in now" spans two lines: not a term


def test_an_empty_lexicon_or_page_gives_zero_columns():
    assert Lexicon().columns(*page_tokens(["Add to cart"]), 1).tolist() == [[0.0] * len(COLUMNS)]
    assert Lexicon({"a": 1.0}).columns([], np.zeros(0, dtype=np.int64), 0).shape == (0, len(COLUMNS))


@pytest.mark.parametrize("lines", [
    ["Add to cart", "The vote was close, observers said.", "Ünïcode ÉLAN 2024"],
    ["a line\nwith a newline inside", "second"],     # the whole-page view does not apply: per-line fallback
    ["北京 新闻 today", "more"],
])
def test_the_feature_pass_reads_the_same_tokens_training_reads(lines):
    page = Page(lines=lines, gaps=[True] * len(lines), lang="en")
    words, line = features.line_stats(page).tokens
    ref_words, ref_line = page_tokens(lines)
    assert list(words) == list(ref_words) and list(line) == list(ref_line)
    assert words and all(w == w.lower() and w.isalpha() for w in words)


def test_looking_words_up_once_per_distinct_word_gives_the_same_columns():
    # The feature pass hands the lexicon each word's first position on the page (linecounts.Tokens), so
    # repeated words are looked up once; the columns must be those training gets from the tokens alone.
    lines = ["Add to cart", "add to cart now", "The vote, the vote and the cart.", "sign in", "Sign in to vote"]
    lex = Lexicon({"add": -2.0, "cart": -1.0, "vote": 3.0, "sign in": -3.0, "to cart": -1.5, "the vote": 0.5})
    stats = features.line_stats(Page(lines=lines, gaps=[True] * len(lines), lang="en"))
    assert stats.first_at is not None and stats.first_at.tolist()[:7] == [0, 1, 2, 0, 1, 2, 6]
    np.testing.assert_array_equal(lex.columns(*stats.tokens, len(lines), stats.first_at),
                                  lex.columns(*page_tokens(lines), len(lines)))


def _example(site: str, k: int, word: str) -> Example:
    lines = [f"{word} widget", "A long sentence about the topic of this page, as body text goes.", "menu"]
    n = len(features.feature_names())
    return Example(f"pages/{site}-{k}", site, np.zeros((3, n), np.float32), np.array([0, 1, 0], np.float32),
                   np.ones(3, np.float32), "\n".join(lines), lines[1], lines=tuple(lines))


def test_training_columns_come_from_a_lexicon_that_never_saw_the_page_site():
    # "zork" appears on one site only: out of fold it is unknown on that site's own pages.
    examples = [_example(f"s{i}", k, "zork" if i == 0 else "shop") for i in range(12) for k in range(2)]
    filled = with_lexicon(examples, folds=4)
    lex_cols = slice(-len(COLUMNS), None)
    for before, after in zip(examples, filled):
        assert not before.X.any()  # the inputs are copied, not changed
        known_share = after.X[0, lex_cols][1]
        # "widget" is known everywhere; "zork" and "zork widget" are not known on site s0 itself
        assert known_share == pytest.approx(1 / 3 if before.group == "s0" else 1.0)


def test_the_lexicon_travels_in_the_model_file(fixtures, tmp_path):
    from declutter.train import load_examples

    examples = load_examples([fixtures / "pages"], tracks=("text",))
    model = fit(examples, StackedModel(hidden=8, epochs=2, folds=2))
    model.lexicon_ = Lexicon({"cart": -1.5, "vote": 2.0})
    path = tmp_path / "m.npz"
    model.save(path, meta=model.meta_)
    loaded = load_model(path)
    assert len(loaded.lexicon_) == 2  # read without building its dict
    assert loaded.lexicon_.weights == {"cart": -1.5, "vote": 2.0}
    text = "Add to cart\nThe vote was close, observers said on Sunday.\n"
    a = Cleaner(input_format="text", model=model).analyze(text)
    b = Cleaner(input_format="text", model=loaded).analyze(text)
    assert [d.prob for d in a.lines] == pytest.approx([d.prob for d in b.lines])


def test_training_on_pages_of_few_sites_learns_no_lexicon(fixtures):
    from declutter.train import load_examples

    examples = load_examples([fixtures / "pages"], tracks=("text",))
    assert len({e.group for e in examples}) < MIN_SITES
    model = fit(examples, StackedModel(hidden=8, epochs=2, folds=2))
    assert model.lexicon_ is None
    X = Cleaner(input_format="text", model=model).analyze("Add to cart\nSome text.\n")
    assert len(X.lines) == 2


def test_the_shipped_model_has_a_lexicon_that_knows_common_boilerplate_words():
    weights = load_model().lexicon_.weights
    assert len(weights) > 1000
    for term in ("login", "cookies", "subscribe", "share", "sign in", "add to"):
        assert weights[term] < 0, term


@pytest.mark.parametrize("weights", [{}, {"add": -2.0}, {"add to": 1.0}, {"add to": 1.0, "to cart": -1.0, "cart": 2.0}])
def test_the_integer_index_gives_each_term_its_weight(weights):
    # The index numbers words and pairs for speed; whatever mix of the two a lexicon holds, every term of a
    # page must get the weight the lexicon gives its string, and unknown terms NaN.
    lex = Lexicon(weights)
    lines = ["Add to cart now", "to cart", "cart add to"]
    words, line = page_tokens(lines)
    got, where = lex._weights_of_terms(words, line)
    names, where_names = terms(words, line)
    assert where.tolist() == where_names.tolist()
    expected = [weights.get(t, math.nan) for t in names]
    np.testing.assert_array_equal(got, expected)


def _english_lexicon(**extra: float) -> Lexicon:
    """A lexicon that knows every English stopword (so English is its own language), and ``extra``."""
    from declutter import language

    return Lexicon({**{w: 0.0 for w in sorted(language.stopwords("en"))}, **extra})


def test_a_page_in_another_language_reads_only_the_lexicons_own_alphabet():
    # Learned from English pages, a language menu's "español" weighs as boilerplate; on a Spanish page it
    # is an ordinary word, while "login" means there what it means on an English page.
    lex = _english_lexicon(**{"español": -3.5, "login": -2.0, "lengua": 0.5})
    assert lex.covers("en") and lex.covers(None) and not lex.covers("es") and not lex.covers("zh")
    assert "ñ" not in lex.alphabet() and set("login") <= lex.alphabet()
    lines = ["El español es la lengua de España.", "Login"]
    words, line = page_tokens(lines)
    spanish, english = lex.columns(words, line, 2, lang="es"), lex.columns(words, line, 2, lang="en")
    assert english[0, 2] == pytest.approx(-3.5) and spanish[0, 2] == pytest.approx(0.0)  # lowest known weight
    assert spanish[1, 2] == english[1, 2] == pytest.approx(-2.0)
    np.testing.assert_array_equal(lex.columns(words, line, 2), english)  # training: every term

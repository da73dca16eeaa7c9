"""One Cleaner shared by many threads gives every page the result it gets alone.

A Cleaner builds some of its tables on first use (a language's compiled rules, the gates' per-line-start
regexes, the lexicon's index), so the first pages of a shared cleaner are where threads could meet
half-built state; these tests start the threads together on a cleaner that has built nothing yet.
"""
from __future__ import annotations

import copy
import threading
from pathlib import Path

import pytest

import declutter
from declutter import Cleaner
from declutter.lexicon import Lexicon

PAGES = Path(__file__).parent / "fixtures" / "pages"
HTML = Path(__file__).parent / "fixtures" / "html"


def _pages() -> list:
    texts = [p.read_text(encoding="utf-8") for p in sorted(PAGES.glob("*.txt"))
             if not p.name.endswith((".gold.txt", ".labels.txt"))]
    return texts + [p.read_bytes() for p in sorted(HTML.glob("*.html"))]


def _fresh_cleaner() -> Cleaner:
    # A user rule gives the cleaner a rule set of its own, compiled by nobody yet; a copy of the shipped
    # model with a copy of its lexicon has no lexicon index yet.
    model = copy.copy(declutter.Cleaner().model)
    assert model.lexicon_ is not None
    model.lexicon_ = Lexicon(model.lexicon_.weights)
    return Cleaner(extra_rules=[{"rules": [{"name": "never-seen", "patterns": ["zzqx never seen"]}]}], model=model)


def test_threads_sharing_a_new_cleaner_get_what_each_page_gets_alone():
    pages = _pages()
    alone = [declutter.Cleaner().clean(page) for page in pages]
    assert len(pages) >= 12 and all(alone)
    cleaner = _fresh_cleaner()
    n_threads = 8
    start = threading.Barrier(n_threads)
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            start.wait()
            order = pages[k % len(pages):] + pages[:k % len(pages)]  # every thread starts on another page
            got = [cleaner.clean(page) for page in order]
            results[k] = got[len(pages) - k % len(pages):] + got[:len(pages) - k % len(pages)]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert sorted(results) == list(range(n_threads))
    for k, got in results.items():
        assert got == alone, f"thread {k}"


def test_warm_up_builds_the_first_use_tables_and_changes_no_result():
    from declutter import chars, language

    pages = _pages()
    alone = [declutter.Cleaner().clean(page) for page in pages]
    cleaner = _fresh_cleaner()
    chars.table.cache_clear()  # process-wide tables: rebuilt on demand, here by warm_up
    language._word_index.cache_clear()
    assert cleaner.warm_up(["de", "EN"]) is cleaner
    assert set(cleaner.rules._compiled) == {"de", "en"}
    assert cleaner.model.lexicon_._lookup is not None
    assert cleaner.model.lexicon_._foreign_weights is not None  # German pages read the lexicon's foreign weights
    assert chars.table.cache_info().currsize == 1 and language._word_index.cache_info().currsize == 1
    assert [cleaner.clean(page) for page in pages] == alone
    german = Cleaner(language="de", extra_rules=[{"rules": [{"name": "other", "patterns": ["zzqx"]}]}]).warm_up()
    assert set(german.rules._compiled) == {"de"}  # a fixed language is the default to prepare
    with pytest.raises(ValueError, match="'xx' has no stoplist and no rules"):
        german.warm_up(["xx"])
    assert set(_fresh_cleaner().warm_up("fr").rules._compiled) == {"fr"}  # one code as a string, not its letters

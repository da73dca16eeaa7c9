"""Markdown input (Jina Reader, Firecrawl, html2text): links, images and block marks are taken off first."""
import time

import pytest

import declutter
from declutter import Cleaner, Config
from declutter.cli import main
from declutter.markdown import looks_like_markdown, to_plain
from declutter.reading import normalize_text, split_lines
from decisions import disagreements


@pytest.mark.parametrize("markdown,plain", [
    ("[Home](https://example.com/) | [About](/about)", "Home | About"),
    ("Read [the report](https://x.org/r \"Report\") today.", "Read the report today."),
    ("![logo](https://example.com/logo.png)", ""),
    ("[![photo](https://i.example.com/p.jpg)](https://example.com/p)", ""),
    ("## A heading ##", "A heading"),
    ("* [News](https://example.com/news)", "News"),
    ("12. Twelfth step", "Twelfth step"),
    ("> > quoted twice", "quoted twice"),
    ("Paris - the city of light", "Paris - the city of light"),
    ("=====", ""),
    ("* * *", ""),
    ("|---|:--:|", ""),
    ("| 1 | 2 |", "| 1 | 2 |"),
    ("[1]: https://example.com/ref", ""),
    ("See <https://example.com> and \\*stars\\*.", "See https://example.com and *stars*."),
    ("The **council** voted on _Tuesday_, *again*, __twice__ and ~~not~~ once.",
     "The council voted on Tuesday, again, twice and not once."),
    ("Run `git status` then `__init__` and `a*b*c`.", "Run git status then __init__ and a*b*c."),
    ("snake_case_name, my_file.py, 2*3*4 and a * b stay", "snake_case_name, my_file.py, 2*3*4 and a * b stay"),
    ("**bold with my_var inside**, a ** b ** c", "bold with my_var inside, a ** b ** c"),
    # Inline HTML, which Markdown passes through: a reader sees the text, never the tags.
    ("E = mc<sup>2</sup>, said <a href=\"/e\">Einstein</a> <!-- cite -->", "E = mc2, said Einstein "),
    ('<p align="center"><img src="logo.png" alt="Logo"></p>', ""),
    ("Fish &amp; chips &#8211; &quot;cheap&quot;", "Fish & chips \u2013 \"cheap\""),
    ("Use `<div>` and `&amp;` in code, <b>not</b> here", "Use <div> and &amp; in code, not here"),
    ("x < y and y > z, a <- b", "x < y and y > z, a <- b"),
])
def test_markup_is_taken_off_line_by_line(markdown, plain):
    assert to_plain(markdown) == plain


def test_a_comment_over_several_lines_is_hidden_but_an_unclosed_one_is_text():
    md = "Intro <!-- badges\n[![build](https://ci.example.com/b.svg)](https://ci.example.com)\n--> after\nBody"
    assert to_plain(md).split("\n") == ["Intro ", "", " after", "Body"]
    prose = "Write <!-- to open a comment in HTML.\nThe rest of the page stays."
    assert to_plain(prose) == prose  # nothing closes it: hiding the rest would lose the page
    fenced = "```\n<!-- in code\n```\nAfter -->"
    assert to_plain(fenced).split("\n") == ["", "<!-- in code", "", "After -->"]


def test_a_line_break_tag_breaks_the_line():
    assert to_plain("| Size | S<br>M<br/>L |\nnext").split("\n") == ["| Size | S", "M", "L |", "next"]


def test_code_fences_keep_their_lines_unchanged():
    md = "Intro\n```python\nx = [a](b)\n# not a heading\n```\nAfter"
    assert to_plain(md).split("\n") == ["Intro", "", "x = [a](b)", "# not a heading", "", "After"]


def test_markdown_is_told_from_plain_text_by_its_links(fixtures):
    md = "# T\n[Home](https://a.com/)\n[News](https://a.com/n)\n\nBody text [link](https://b.org/x)."
    assert looks_like_markdown(md)
    assert not looks_like_markdown("- a list\n# 1 heading\n[not a link] (here)\nsee [1](https://a.com/)")
    for path in sorted((fixtures / "seeds").glob("*.txt")):
        if not path.name.endswith(".labels.txt"):
            assert not looks_like_markdown(path.read_text(encoding="utf-8"))


def seed_as_markdown(fixtures) -> tuple[str, list[str]]:
    """Seed 004 as a Markdown scraper would give it: menu lines as links, the headline as a heading."""
    text = (fixtures / "seeds" / "004.txt").read_text(encoding="utf-8")
    lines, _ = split_lines(normalize_text(text))
    labels = [int(x) for x in (fixtures / "seeds" / "004.labels.txt").read_text().split()]
    md = []
    for i, (line, label) in enumerate(zip(lines, labels)):
        if i == 1:
            md.append("# " + line)
        elif not label and len(line.split()) <= 6:
            md.append(f"[{line}](https://example.com/{i})")
        else:
            md.append(line)
    return "\n\n".join(md), [line for line, label in zip(lines, labels) if label]


def test_a_markdown_page_is_cleaned_like_its_plain_text(fixtures):
    md, body = seed_as_markdown(fixtures)
    plain = declutter.analyze((fixtures / "seeds" / "004.txt").read_text(encoding="utf-8"))
    as_markdown = declutter.analyze(md)
    out = as_markdown.text
    assert "https://example.com" not in out
    assert disagreements(as_markdown, plain) == []  # but for a line at either page's cut (tests/decisions.py)
    assert sum(line in out for line in body) >= len(body) - 2


def test_input_format_markdown_forces_it_and_text_leaves_the_markup():
    md = "[Home](https://a.com/)\n\nA long enough paragraph of body text, with [a link](https://b.org/x) inside it."
    assert "https://b.org/x" not in Cleaner(input_format="markdown").clean(md)
    assert "[a link](https://b.org/x)" in Cleaner(input_format="text", threshold=0.0).clean(md)


def test_unknown_input_format_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="'markdown'"):
        Config(input_format="md")


def test_cli_reads_markdown(fixtures, tmp_path, capsys):
    md, _ = seed_as_markdown(fixtures)
    path = tmp_path / "page.md"
    path.write_text(md, encoding="utf-8")
    assert main(["clean", "--input-format", "markdown", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Putin" in out and "https://example.com" not in out


def test_hostile_brackets_cost_linear_time():
    text = ("[a](" * 400_000) + ("](x " * 400_000) + ("**_`~~" * 200_000)  # 4 MB on one line, every pattern half-open
    t0 = time.perf_counter()
    plain = to_plain(text)
    assert time.perf_counter() - t0 < 30
    assert len(plain) > 0
    assert isinstance(declutter.clean("[x](https://a.com/) [y](https://a.com/) [z](https://a.com/)\n" + text), str)


JINA = ("Title: How to parse tables in Python\n\nURL Source: https://example.org/tables\n\n"
        "Published Time: Sun, 27 Sep 2026 10:34:10 GMT\n\nMarkdown Content:\n# How to parse tables in Python\n\n"
        "Parsing tables is a common task when you scrape the web, and there are a few ways to do it well.\n\n"
        "Another paragraph with a fair number of words, so that the page reads as an article here.\n")


def test_a_reader_header_is_the_page_s_metadata_not_its_text():
    """Jina Reader's "Title: / URL Source: / Markdown Content:" lines came out as the first lines of the text."""
    out = declutter.clean(JINA)
    assert out.startswith("How to parse tables in Python") and "URL Source" not in out and "Markdown Content" not in out
    analysis = declutter.analyze(JINA)
    assert analysis.title == "How to parse tables in Python"
    assert (analysis.metadata.url, analysis.metadata.date) == ("https://example.org/tables", "2026-09-27")
    # A page whose own first line reads "Title: ..." keeps it: without "URL Source:" it is no reader header.
    own = "Title: My page\n\nMarkdown Content:\nThe page's own words, [one](https://a.org) [two](https://b.org) [three](https://c.org).\n"
    assert declutter.clean(own).startswith("Title: My page")

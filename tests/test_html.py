"""HTML input: the DOM becomes lines with evidence; bad markup gets a result or a clear error, never a crash."""
import json
import warnings

import numpy as np
import pytest

import declutter
from declutter import Cleaner, Config
from declutter.domrules import load_dom_rules
from declutter.html import MAX_LINES, HtmlError, HtmlLimitWarning, page_from_html
from declutter.metrics import word_prf
from declutter.output import to_markdown, to_text
from declutter.reading import decode_html_bytes, looks_like_html, to_text as read_text
from declutter.rules import RuleError

ARTICLE = """<!DOCTYPE html><html lang="de-AT"><head><title>Kaffee | Beispielseite</title>
<meta property="og:title" content="Kaffee richtig mahlen"><style>p { color: red }</style>
<script>var tracking = "never shown";</script></head><body>
<nav class="site-nav"><ul><li><a href="/">Start</a></li><li><a href="/blog">Blog</a></li></ul></nav>
<main><article class="post-content"><h1>Kaffee richtig mahlen</h1>
<p>Der Mahlgrad entscheidet, wie schnell das Wasser <a href="/extraktion">Aromen</a> aus dem Pulver löst.
Zu fein gemahlen wird der Kaffee bitter.</p>
<h2>Werkzeug</h2><ul><li>Eine Kegelmühle</li><li>Eine Waage</li></ul>
<pre>mahlgrad = 18
zeit = "25 s"</pre>
<table><tr><th>Methode</th><td>Espresso</td></tr></table>
<p hidden>Versteckt</p><p style="display:none">Auch versteckt</p><div aria-hidden="true">Unsichtbar</div>
<p>Erste Zeile<br>Zweite Zeile</p><p><img src="x.jpg" alt="Alt-Text des Bildes">Bild</p>
</article></main><footer class="footer">Impressum</footer><noscript>Bitte JavaScript aktivieren</noscript>
</body></html>"""


def _page(html=ARTICLE, **options):
    return page_from_html(html, Config(**options))


def _line(page, text):
    return page.dom[page.lines.index(text)]


def test_blocks_become_lines_in_document_order():
    page = _page()
    assert page.lines[:2] == ["Start", "Blog"]
    assert page.lines[2] == "Kaffee richtig mahlen"
    assert page.lines[3].startswith("Der Mahlgrad entscheidet, wie schnell das Wasser Aromen aus dem Pulver löst. Zu fein")
    assert ["Eine Kegelmühle", "Eine Waage"] == page.lines[5:7]
    assert ["Methode", "Espresso"] == page.lines[9:11]
    assert page.source == "html" and len(page.dom) == len(page.gaps) == len(page.lines)


def test_scripts_styles_noscript_notes_and_alt_text_are_not_lines():
    text = "\n".join(_page().lines)
    for absent in ("tracking", "color: red", "JavaScript", "Alt-Text"):
        assert absent not in text


def test_hidden_elements_are_lines_marked_hidden_or_dropped_when_the_rules_say_so():
    page = _page()
    hidden = {line: d.extra["hidden"] for line, d in zip(page.lines, page.dom)}
    assert hidden["Versteckt"] == hidden["Auch versteckt"] == hidden["Unsichtbar"] == 1.0
    assert hidden["Kaffee richtig mahlen"] == 0.0
    dropping = load_dom_rules([{"dom": {"hidden_elements": "drop"}}])
    text = "\n".join(page_from_html(ARTICLE, Config(), dropping).lines)
    for absent in ("Versteckt", "Auch versteckt", "Unsichtbar"):
        assert absent not in text


def test_dom_evidence_marks_structure_boilerplate_and_links():
    page = _page()
    assert _line(page, "Start").in_boiler_tag and _line(page, "Start").link_density == 1.0
    assert _line(page, "Start").class_score < 0  # class="site-nav"
    heading = _line(page, "Kaffee richtig mahlen")
    assert heading.heading == 1 and heading.in_main_tag and heading.class_score > 0  # class="post-content"
    para = page.dom[3]
    assert para.tag == "p" and 0 < para.link_density < 0.2 and para.path.endswith("article>p")
    assert _line(page, "Eine Waage").is_list_item and _line(page, "Werkzeug").heading == 2
    assert _line(page, "Impressum").in_boiler_tag and _line(page, "Espresso").tag == "td"


def test_pre_keeps_its_lines_and_indentation():
    page = page_from_html("<pre>def f(x):\n    return x\n\n# done</pre>", Config())
    assert page.lines == ["def f(x):", "    return x", "# done"]
    assert all(d.is_pre for d in page.dom) and page.gaps == [True, False, False]


def test_br_splits_a_block_into_lines_but_source_newlines_do_not():
    page = _page()
    assert "Erste Zeile" in page.lines and "Zweite Zeile" in page.lines
    assert not page.gaps[page.lines.index("Zweite Zeile")]
    assert "Zu fein gemahlen" in page.lines[3]  # a newline in the source is only whitespace


def test_adjacent_links_are_separate_words_but_inline_markup_inside_a_word_is_not():
    page = page_from_html("<p><a href=/a>Privacy</a><a href=/b>Terms</a>, <b>T</b>he end.</p>", Config())
    assert page.lines == ["Privacy Terms, The end."]


def test_adjacent_spans_are_separate_words():
    """Pages lay spans out as items of a row (a film's year, running time and rating on a listing page);
    read as letters of one word they made tokens such as "20261h" that match nothing in the text."""
    html = ('<li><h3>Scream 7</h3><div class="meta"><span class="item">2026</span><span class="item">1h 54m</span>'
            '<span class="item">R</span></div></li>')
    assert page_from_html(html, Config()).lines == ["Scream 7", "2026 1h 54m R"]


def test_title_and_language_come_from_the_markup():
    page = _page()
    assert page.title == "Kaffee richtig mahlen"  # og:title, without the site suffix of <title>
    assert page.lang == "de"
    bare = page_from_html("<html><head><title> Only  title </title></head><body><p>x</p></body></html>", Config())
    assert bare.title == "Only title" and bare.lang is None


def test_gaps_mark_block_boundaries_but_not_items_of_one_list():
    page = _page()
    assert page.gaps[page.lines.index("Eine Kegelmühle")] and not page.gaps[page.lines.index("Eine Waage")]
    assert page.gaps[page.lines.index("Werkzeug")]


def test_markdown_keeps_headings_lists_and_code():
    page = _page()
    page.keep = np.ones(len(page.lines), dtype=bool)
    md = to_markdown(page)
    assert "# Kaffee richtig mahlen" in md and "## Werkzeug" in md
    assert "- Eine Kegelmühle\n- Eine Waage" in md
    assert "```\nmahlgrad = 18\nzeit = \"25 s\"\n```" in md
    assert 'mahlgrad = 18\nzeit = "25 s"' in to_text(page)  # plain text keeps code lines together too


def _markdown(body: str) -> str:
    page = _page(f"<html><body>{body}</body></html>")
    page.keep = np.ones(len(page.lines), dtype=bool)
    return to_markdown(page)


def test_markdown_numbers_ordered_lists_and_sets_out_data_tables():
    md = _markdown("<ol><li>First</li><li>Second</li></ol><ul><li>Loose</li></ul><ol><li>Again</li></ol>"
                   "<table><tr><th>Method</th><th>Speed</th></tr><tr><td>split</td><td>fast</td></tr>"
                   "<tr><td>re.<b>split</b></td><td>slow<br>but a | pipe</td></tr></table><p>After.</p>")
    assert "1. First\n2. Second\n\n- Loose\n\n1. Again" in md
    assert _markdown("<ol start='5'><li>Five</li><li>Six</li></ol>") == "5. Five\n6. Six"  # counts on from start
    assert _markdown("<ol start='x'><li>Bad start</li></ol>") == "1. Bad start"
    assert ("| Method | Speed |\n| --- | --- |\n| split | fast |\n| re.split | slow but a \\| pipe |\n\nAfter."
            in md)
    page = _page("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>")
    page.keep = np.ones(len(page.lines), dtype=bool)
    assert to_text(page) == "a\n\nb\n\nc\n\nd"  # plain text keeps a cell a line



def test_markdown_indents_nested_lists():
    """A nested list was set out flush with its parent, one flat list; four spaces a level keep the tree."""
    md = _markdown("<ul><li>First</li><li>Second<ul><li>nested one</li><li>nested two<ol><li>deep</li></ol></li>"
                   "</ul></li><li>Third</li></ul>")
    assert md == "- First\n- Second\n\n    - nested one\n    - nested two\n\n        1. deep\n\n- Third"


def test_markdown_tells_items_paragraphs_and_adjacent_lists_apart():
    """Each paragraph of a loose list's item was numbered as a new item from 1, two lists in a row read as
    one list, and an outer list's numbers ran on from its nested list's."""
    loose = _markdown("<ol><li><p>Mix the dough.</p><p>Let it rest.</p></li><li><p>Bake it.</p></li></ol>")
    assert loose == "1. Mix the dough.\n\n    Let it rest.\n\n2. Bake it."
    assert _markdown("<ol><li>One</li><li>Two</li></ol><ol><li>Other</li></ol>") == "1. One\n2. Two\n\n1) Other"
    assert _markdown("<ul><li>Apple</li></ul><ul><li>Cherry</li></ul><ul><li>Plum</li></ul>") == "- Apple\n\n* Cherry\n\n- Plum"
    apart = _markdown("<ul><li>Apple</li></ul><p>Between the lists.</p><ul><li>Cherry</li></ul>")
    assert apart == "- Apple\n\nBetween the lists.\n\n- Cherry"  # a paragraph already ends the first list
    nested = _markdown("<ol><li>Outer<ol><li>in one</li><li>in two</li><li>in three</li></ol></li><li>Next</li></ol>")
    assert nested.endswith("\n\n2. Next"), nested
    after_code = _markdown("<ol><li>Install:<pre>pip install x</pre>Then run it.</li><li>Done</li></ol>")
    assert after_code == "1. Install:\n\n    ```\n    pip install x\n    ```\n\n    Then run it.\n\n2. Done"


def test_markdown_keeps_a_listing_inside_its_list_item():
    md = _markdown("<ol><li>Install it:<pre>pip install x\npip install y</pre></li><li>Run it</li></ol>"
                   "<pre>top\nlevel</pre>")
    assert md == ("1. Install it:\n\n    ```\n    pip install x\n    pip install y\n    ```\n\n2. Run it\n\n"
                  "```\ntop\nlevel\n```")
    orphan = _markdown("<p>Before.</p><ul><li><pre>only code\nin the item</pre></li></ul>")
    assert orphan == "Before.\n\n```\nonly code\nin the item\n```"  # no item line to sit under: not indented

def test_markdown_marks_quotations():
    md = _markdown("<p>She said:</p><blockquote><p>We will build the park.</p><p>And the school.</p></blockquote>"
                   "<blockquote>Directly quoted.</blockquote><p>After.</p>")
    # One quotation of two paragraphs, then another quotation: "\n>\n" keeps the first one whole.
    assert md == "She said:\n\n> We will build the park.\n>\n> And the school.\n\n> Directly quoted.\n\nAfter."
    deep = _markdown("<blockquote><div><div><section><p>Quoted deep inside.</p></section></div></div></blockquote>")
    assert deep == "> Quoted deep inside."  # the path holds only the nearest three tags; the quote is found anyway


def test_markdown_keeps_a_code_block_before_the_table_that_follows_it():
    md = _markdown("<pre>x = 1\ny = 2</pre><table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>")
    assert md == "```\nx = 1\ny = 2\n```\n\n| a | b |\n| --- | --- |\n| c | d |"


def test_markdown_tables_that_cannot_be_set_out_stay_readable():
    ragged = _markdown("<table><tr><th></th><th>Name</th><th>Year</th></tr><tr><td>1</td><td>Ada</td><td>1843</td></tr></table>")
    assert ragged == "Name | Year\n\n1 | Ada | 1843"  # the empty corner cell made no line: no columns to trust
    prose = "A layout table holding the page's text, sentence after sentence. " * 6
    layout = _markdown(f"<table><tr><td>menu</td><td>{prose.strip()}</td></tr><tr><td>x</td><td>y</td></tr></table>")
    assert "| --- |" not in layout and prose.strip() in layout.split("\n\n")



def test_markdown_escapes_text_that_would_read_as_markup():
    """A paragraph that starts "1. " became a list, one that starts "# " a heading, "*stars*" emphasis and
    the words "<table> element" a table tag; the tags say what is structure, the text is text."""
    md = _markdown("<h2>C *and* C++</h2><p>1. Not a list.</p><p># Not a heading.</p><p>- Not an item.</p>"
                   "<p>The &lt;table&gt; element, *stars*, `ticks` and snake_case stay words.</p>"
                   "<ul><li>2024. A year, in a real list</li></ul><blockquote><p>&gt; Nested?</p></blockquote>"
                   "<pre>x = *y  # code is fenced, not escaped</pre>")
    assert md.split("\n\n") == ["## C \\*and\\* C++", "1\\. Not a list.", "\\# Not a heading.", "\\- Not an item.",
                                 "The \\<table> element, \\*stars\\*, \\`ticks\\` and snake_case stay words.",
                                 "- 2024\\. A year, in a real list", "> \\> Nested?",
                                 "```\nx = *y  # code is fenced, not escaped\n```"]


def _code_markdown(body: str) -> str:
    page = page_from_html(f"<html><body>{body}</body></html>", Config(), code_spans=True)
    assert page.lines == page_from_html(f"<html><body>{body}</body></html>", Config()).lines  # marks never change a line
    page.keep = np.ones(len(page.lines), dtype=bool)
    return to_markdown(page)


def test_markdown_sets_inline_code_as_code_spans():
    """Inline code came out as plain words ("set display to flex"), its meaning lost on documentation pages."""
    md = _code_markdown(
        "<h2>The <code>flex</code> value</h2><p>Change the order using <code>order</code>, call <code>etree.<b>"
        "fromstring</b>(data)</code>, press <kbd>Ctrl</kbd>, read <code><code>tree</code></code> and "
        "<a>link</a><code>bar()</code>.</p><p>Ticks: <code>a`b</code>, <code>`x</code>; spaces: <code> pad </code>"
        "; *stars* outside.</p><ul><li><code>1.</code> leads the item</li></ul>"
        "<pre>in <code>pre</code>: fenced</pre>")
    assert md.split("\n\n") == [
        "## The `flex` value",
        "Change the order using `order`, call `etree.fromstring(data)`, press `Ctrl`, read `tree` and link `bar()`.",
        "Ticks: ``a`b``, `` `x ``; spaces: `pad` ; \\*stars\\* outside.",  # the code's own space stays outside
        "- `1.` leads the item",
        "```\nin pre: fenced\n```"]
    assert _code_markdown("<p>Three <code>``</code> ticks.</p>") == "Three ``` `` ``` ticks."
    assert _code_markdown("<p><code>``x``</code> opens the line.</p>") == "\\`\\`x\\`\\` opens the line."  # no fence


def test_table_cells_carry_their_code_spans_and_links():
    md = _code_markdown("<table><tr><th>Option</th><th>Meaning</th></tr><tr><td><code>sep</code></td>"
                        "<td>the separator, <code>a|b</code> by default</td></tr><tr><td><code>end</code></td>"
                        "<td>what comes *last*</td></tr></table>")
    assert md == ("| Option | Meaning |\n| --- | --- |\n| `sep` | the separator, `a\\|b` by default |\n"
                  "| `end` | what comes \\*last\\* |")


def test_markdown_sets_bold_and_italic_as_emphasis():
    md = _code_markdown(
        "<h2>A <b>bold</b> heading</h2><p>The <strong>council</strong> voted on <em>Tuesday</em> for the "
        "<b><i>new</i> budget</b>, <b>Note:</b>text, <b>a</b><b>b</b>, <i>x </i>y, <code>x <b>y</b></code>, "
        "<b><code>z</code></b> and <i>*stars*</i>.</p><p><b>1. Bold from the start</b> of the line</p>")
    assert md.split("\n\n") == [
        "## A bold heading",  # a heading is emphasis enough
        "The **council** voted on *Tuesday* for the ***new* budget**, Note:text, **ab**, *x* y, `x y`, **`z`** and "
        "*\\*stars\\**.",  # "**Note:**text" would show its asterisks: left plain
        "**1. Bold from the start** of the line"]
    plain = page_from_html("<html><body><p>The <b>council</b> voted.</p></body></html>", Config(markdown_emphasis=False),
                           code_spans=True)
    plain.keep = np.ones(len(plain.lines), dtype=bool)
    assert to_markdown(plain) == "The council voted."
    with pytest.raises(TypeError, match="markdown_emphasis must be True or False"):
        Config(markdown_emphasis=1)


def test_emphasis_nests_with_links_and_code_and_text_output_is_unchanged():
    html = ("<html><body><article><p>Read <a href='/x'><b>this</b> guide</a>, <b><a href='/y'>that one</a></b> and "
            "<a href='/z'><code>api[0]</code></a> with a path like <code>C:\\</code><b>bold</b> for the reader who wants "
            "to know more about the council and its budget.</p></article></body></html>")
    md = Cleaner(markdown_links=True).clean(html, output="markdown")
    assert md == ("Read [**this** guide](/x), [**that one**](/y) and [`api[0]`](/z) with a path like `C:\\`**bold** for "
                  "the reader who wants to know more about the council and its budget.")
    assert Cleaner().clean(html) == declutter.clean(html) and "*" not in declutter.clean(html)
    marked = page_from_html(html, Config(markdown_links=True), code_spans=True)
    assert marked.lines == page_from_html(html, Config()).lines


def test_a_backslash_before_a_span_stays_a_backslash():
    """Text ending in a backslash right before a span made the span's mark a literal character ("\\`")."""
    md = _code_markdown("<p>Type C:\\<code>dir</code> and <b>go\\</b> now.</p>")
    assert md == "Type C:\\\\`dir` and **go\\\\** now."


IMAGES = ("<html><body><article><figure><img src='/img/chart.png' alt='A chart of [the] budget'><figcaption>The "
          "council's budget, by year, as it was voted on Tuesday evening.</figcaption></figure><p>The council voted "
          "on Tuesday <img src='/up.png' alt='up'> to approve the budget for the parks, <img src='t.gif' width='1' "
          "height='1'>a plan<img src='data:image/gif;base64,AAA' data-src='/lazy.jpg' alt='lazy'>that took months "
          "and <code>x<img src='/c.png'></code> code.</p><ul><li><img src='/a.png' alt='A'></li><li>An item after "
          "an image, with words enough to keep it.</li></ul></article></body></html>")


def test_markdown_images_are_written_where_they_stand_when_asked_for():
    md = Cleaner(markdown_images=True).clean(IMAGES, output="markdown", url="https://example.org/news/1")
    assert md.split("\n\n") == [
        "![A chart of \\[the\\] budget](https://example.org/img/chart.png)",  # a figure: before its caption
        "The council's budget, by year, as it was voted on Tuesday evening.",
        "The council voted on Tuesday ![up](https://example.org/up.png) to approve the budget for the parks, a plan "
        "![lazy](https://example.org/lazy.jpg) that took months and `x` code.",  # no tracker, no data: URI
        "- ![A](https://example.org/a.png) An item after an image, with words enough to keep it."]
    assert "![" not in Cleaner().clean(IMAGES, output="markdown")  # off by default
    assert Cleaner(markdown_images=True).clean(IMAGES) == declutter.clean(IMAGES)  # text output is the same
    marked = page_from_html(IMAGES, Config(markdown_images=True, markdown_links=True), code_spans=True)
    assert marked.lines == page_from_html(IMAGES, Config()).lines
    page = page_from_html(IMAGES, Config(markdown_images=True), code_spans=True)
    page.keep = np.array([not line.startswith("The council's") for line in page.lines])
    assert "chart.png" not in to_markdown(page)  # a figure's image goes with the line after it
    lazy = Cleaner(markdown_images=True).clean(
        "<p>A picture <img src='data:,' data-srcset='/small.jpg 480w, /big.jpg 800w' alt='lazy'> of the council "
        "and <img alt='no address'> its budget, for the parks and schools of the town.</p>", output="markdown")
    assert lazy == "A picture ![lazy](/small.jpg) of the council and its budget, for the parks and schools of the town."
    pictured = Cleaner(markdown_images=True).clean(
        "<p>The council's <picture><source srcset='/c.webp 1x, /c2.webp 2x' type='image/webp'><img alt='chart'>"
        "</picture> of the budget for the parks and schools of the town, as voted on Tuesday.</p>", output="markdown")
    assert pictured.startswith("The council's ![chart](/c.webp) of the budget")


def test_a_figure_before_a_code_listing_is_written_before_its_fence():
    """The image of a textless block goes with the next line; when that line opens a listing, the fence
    cannot hold it, and it was lost."""
    html = ("<html><body><p>The diagram and the code that draws it:</p><div><img src='/flow.png' alt='flow'></div>"
            "<pre>draw(flow)\nshow()</pre><ol><li>Then run it:<div><img src='/run.png' alt='run'></div>"
            "<pre>python draw.py</pre></li></ol></body></html>")
    page = page_from_html(html, Config(markdown_images=True), code_spans=True)
    page.keep = np.ones(len(page.lines), dtype=bool)
    assert to_markdown(page).split("\n\n") == [
        "The diagram and the code that draws it:", "![flow](/flow.png)", "```\ndraw(flow)\nshow()\n```",
        "1. Then run it:", "    ![run](/run.png)", "    ```\n    python draw.py\n    ```"]


def test_a_nested_list_whose_parent_item_was_dropped_is_not_an_indented_code_block():
    """Indented four spaces under nothing, such items (and every line after them) read as a code block."""
    html = ("<html><body><p>Deliverables:</p><ul><li>Parent<ul><li>child one</li><li>child two</li></ul></li></ul>"
            "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
            "<ul><li>Item<p>its second paragraph</p></li></ul></body></html>")
    page = page_from_html(html, Config(), code_spans=True)
    page.keep = np.array([line != "Parent" for line in page.lines])
    md = to_markdown(page)
    assert "Deliverables:\n\n- child one\n- child two" in md
    assert md.endswith("- Item\n\n    its second paragraph")
    page.keep[:] = True
    assert "- Parent\n\n    - child one\n    - child two" in to_markdown(page)
    wide = _markdown("<ol start='99'><li>Ninety-nine</li><li>Hundred<p>its own paragraph</p><ul><li>inside</li></ul></li></ol>")
    assert wide == "99. Ninety-nine\n100. Hundred\n\n     its own paragraph\n\n     - inside"  # content starts at column 5


def test_code_spans_are_left_out_where_marks_cannot_be_trusted():
    # A page holding the mark characters itself, and code that wraps a block: the line stays plain text.
    assert _code_markdown("<p>Odd \ufdd0 text with <code>code</code> in it.</p>") == "Odd \ufdd0 text with code in it."
    assert _code_markdown("<p>A <code>start<div>inside</div>end</code> tail.</p>") == "A start\n\ninside\n\nend tail."


def test_only_markdown_output_reads_code_spans():
    html = "<html><body><article>" + "<p>Install the <code>lxml</code> package before you parse the page.</p>" * 3 + "</article></body></html>"
    assert "`lxml`" in declutter.clean(html, output="markdown") and "`" not in declutter.clean(html)
    assert "`lxml`" in Cleaner(output="markdown").clean(html)
    assert "lxml" in declutter.clean(html, output="markdown").replace("`", "")


LINKED = ("<html><body><article><p>Read the <a href='/docs/intro'>intro [v2]</a> or <a href='https://x.org/a b(c)'>"
          "this <code>api()</code> page</a>, not <a href='#top'>the top</a> nor <a href='javascript:void(0)'>js</a>; "
          "<code>code with <a href='/in'>a link</a></code> and <a href='/wrap'><span>spanned</span></a> words, "
          "for the reader who wants to know more about it.</p>"
          "<p>A <a href='/card'><div>card</div></a> wraps a block and stays text, as it does in any plain page here.</p>"
          "</article></body></html>")


def test_markdown_links_are_written_when_asked_for():
    cleaner = Cleaner(markdown_links=True)
    md = cleaner.clean(LINKED, output="markdown", url="https://example.org/page/1")
    assert md.split("\n\n")[0] == (
        "Read the [intro \\[v2\\]](https://example.org/docs/intro) or [this `api()` page](https://x.org/a%20b%28c%29), "
        "not the top nor js; `code with a link` and [spanned](https://example.org/wrap) words, for the reader who "
        "wants to know more about it.")
    assert "[card]" not in md and "card" in md
    assert "](/docs/intro)" in cleaner.clean(LINKED, output="markdown")  # no URL given: left relative
    assert "](/docs/intro)" in cleaner.clean(LINKED, output="markdown", url="https://[::1/x")  # unreadable base
    broken = LINKED.replace("https://x.org/a b(c)", "https://[::1/x")
    assert "](https://[::1/x)" in cleaner.clean(broken, output="markdown", url="https://example.org/")
    assert "](" not in declutter.clean(LINKED, output="markdown")  # off by default
    assert cleaner.clean(LINKED) == declutter.clean(LINKED)  # text output is the same
    marked = page_from_html(LINKED, Config(markdown_links=True), code_spans=True)
    assert marked.lines == page_from_html(LINKED, Config()).lines
    with pytest.raises(TypeError, match="markdown_links must be True or False"):
        Config(markdown_links="yes")


def test_markdown_links_and_images_resolve_against_the_pages_base_href_as_a_browser_does():
    body = ("<p>Read the <a href='guide.html'>install guide</a> and the <a href='/faq'>answers</a> before you "
            "start <img src='img/setup.png' alt='setup'> the setup, with words enough to keep it as body.</p>")
    cleaner = Cleaner(markdown_links=True, markdown_images=True)

    def links(base: str, url=None) -> str:
        return cleaner.clean(f"<html><head>{base}</head><body>{body}</body></html>", output="markdown", url=url)

    absolute = "<base href='https://cdn.example.com/docs/v2/'>"
    for url in (None, "https://example.org/a/b.html"):  # an absolute base needs no URL, and wins over it
        md = links(absolute, url)
        assert "(https://cdn.example.com/docs/v2/guide.html)" in md and "(https://cdn.example.com/faq)" in md
        assert "![setup](https://cdn.example.com/docs/v2/img/setup.png)" in md
    relative = "<base target='_blank'><base href='/docs/'><base href='/ignored/'>"  # the first with an href
    assert "(https://example.org/docs/guide.html)" in links(relative, "https://example.org/a/b.html")
    assert "(guide.html)" in links(relative)  # a relative base and no URL: left as the page gives it
    assert "(https://example.org/a/guide.html)" in links("<base href='javascript:void(0)'>", "https://example.org/a/b.html")
    assert "(https://example.org/a/guide.html)" in links("", "https://example.org/a/b.html")


def test_markdown_of_plain_text_is_left_as_written():
    cleaner = Cleaner(input_format="text")
    text = "1. First step of the recipe, with enough words to be kept as body text.\n\n# A heading the text gave itself"
    assert cleaner.clean(text, output="markdown") == cleaner.clean(text)

def test_analysis_text_and_json_text_keep_code_blocks_as_clean_does():
    """analyze().text (and the JSON "text", and batch --explain) joined every kept line with a blank line,
    so code lost its shape there while clean() kept it."""
    html = ("<html><body><p>The council voted on Tuesday to approve the new budget for the parks and schools.</p>"
            "<pre>def f(x):\n    return x + 1\n</pre><p>Members debated for hours before the final vote was taken.</p>"
            "</body></html>")
    cleaner = Cleaner(input_format="html", threshold=0.0)  # every line kept: the join is under test, not the model
    out = cleaner.clean(html)
    assert "def f(x):\n    return x + 1" in out
    assert cleaner.analyze(html).text == out
    assert json.loads(cleaner.clean(html, output="json"))["text"] == out


def test_image_alt_text_is_left_out_unless_a_rule_file_asks_for_it():
    html = ('<html><body><p>The council voted on Tuesday to approve the <img src="c.png" alt="budget chart"> '
            "new budget for parks and schools.</p></body></html>")
    assert "budget chart" not in Cleaner(input_format="html").clean(html)
    with_alt = Cleaner(input_format="html", extra_rules=[{"dom": {"image_alt": "text"}}]).clean(html)
    assert "approve the budget chart new budget" in with_alt
    with pytest.raises(RuleError, match="image_alt must be 'skip' or 'text'"):
        Cleaner(extra_rules=[{"dom": {"image_alt": "yes"}}])


def test_clean_accepts_html_str_and_bytes_and_reports_title_and_language():
    cleaner = Cleaner(output="json")
    import json

    result = json.loads(cleaner.clean(ARTICLE.encode("utf-8")))
    assert result["source"] == "html" and result["title"] == "Kaffee richtig mahlen" and result["lang"] == "de"
    assert {line["text"] for line in result["lines"]} >= {"Eine Waage", "Espresso"}
    assert isinstance(declutter.clean(ARTICLE), str)
    assert Cleaner(output="markdown").clean(ARTICLE) is not None


def test_output_can_be_chosen_per_call():
    import json

    assert declutter.clean(ARTICLE, output="markdown") == Cleaner(output="markdown").clean(ARTICLE)
    # Every line kept (threshold 0): the output's form is under test here, not what the model keeps.
    as_markdown = Cleaner(output="markdown", threshold=0.0).clean(ARTICLE)
    assert Cleaner(threshold=0.0).clean(ARTICLE, output="markdown") == as_markdown
    assert "# Kaffee richtig mahlen" in as_markdown
    assert json.loads(Cleaner().clean(ARTICLE, output="json"))["title"] == "Kaffee richtig mahlen"
    assert Cleaner(output="json").clean(ARTICLE, output="text") == declutter.clean(ARTICLE)
    with pytest.raises(ValueError, match="output must be"):
        declutter.clean(ARTICLE, output="md")


def test_explicit_language_overrides_the_markup():
    assert Cleaner(language="en").read(ARTICLE).lang == "en"


# -- encodings --------------------------------------------------------------------------------------------

def test_declared_charset_decodes_legacy_bytes():
    html = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'
    assert "Привет, мир" in read_text(html.encode("cp1251"))
    http_equiv = html.replace('charset="windows-1251"', 'http-equiv="Content-Type" content="text/html; charset=koi8-r"')
    assert "Привет, мир" in read_text(http_equiv.encode("koi8-r"))


def test_wrong_declared_charset_does_not_garble_utf8():
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Café crème, naïve</p></body></html>'
    assert "Café crème, naïve" in decode_html_bytes(html.encode("utf-8"))
    assert "Café crème, naïve" in decode_html_bytes(html.encode("latin-1"))


def test_undeclared_non_utf8_falls_back_to_cp1252_and_bom_wins():
    html = "<html><body><p>Smart “quotes” – dash</p></body></html>"
    assert "Smart “quotes” – dash" in decode_html_bytes(html.encode("cp1252"))
    assert "Smart" in decode_html_bytes(b"\xff\xfe" + html.encode("utf-16-le"))
    unknown = html.replace("<body>", '<head><meta charset="no-such-codec"></head><body>')
    assert "“quotes”" in decode_html_bytes(unknown.encode("utf-8"))


# -- bad input --------------------------------------------------------------------------------------------

def test_not_html_goes_down_the_text_path():
    text = "Just a line of prose that mentions <b> in passing.\n\nAnd a second paragraph."
    assert not looks_like_html(text)
    assert Cleaner().read(text).source == "text"


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<!-- only a comment -->", "<p></p>",
                                  "<html><head><script>var a = 1;</script><style>p{}</style></head></html>"])
def test_empty_or_script_only_html_gives_empty_result(html):
    assert Cleaner(input_format="html").clean(html) == ""


def test_forced_html_on_plain_text_keeps_the_text():
    page = page_from_html("no markup at all, just words", Config())
    assert page.lines == ["no markup at all, just words"]


def test_truncated_html_is_recovered():
    page = _page(ARTICLE[: ARTICLE.index("Zu fein") + 10])
    assert page.lines[-1].endswith("Zu fein ge") or "Zu fein ge" in page.lines[-1]


def test_ten_thousand_deep_nesting_neither_recurses_nor_loses_the_text():
    from declutter.html import HtmlLimitWarning

    html = "<html><body>" + "<div>" * 10_000 + "<p>deep text</p>" + "</div>" * 10_000 + "<p>after</p></body></html>"
    with pytest.warns(HtmlLimitWarning, match="nested deeper than 256"):
        page = _page(html)
    assert "deep text" in page.lines and "after" in page.lines


def test_a_tag_with_thousands_of_attributes_loses_them_not_minutes():
    """libxml2 checks each attribute against all before it: 100,000 took 90 s to parse. Past
    MAX_TAG_ATTRIBUTES distinct names the tag is kept bare, as a browser shows none of them anyway."""
    flood = " ".join(f'data-a{i}="1"' for i in range(100_000))
    html = f'<html><body><div class="story" {flood}><p>The text inside the flooded tag.</p></div><p>after</p></body></html>'
    with pytest.warns(HtmlLimitWarning, match="100,001 distinct attributes"):
        page = _page(html)
    assert page.lines == ["The text inside the flooded tag.", "after"]


def test_a_stray_open_tag_that_swallows_prose_is_defused():
    prose = " ".join(f"word{i}" for i in range(5_000))  # the page's text, made attribute names by a lost ">"
    html = f"<html><body><p>before</p><div {prose}><p>after the stray tag</p></div></body></html>"
    with pytest.warns(HtmlLimitWarning):
        page = _page(html)
    assert page.lines == ["before", "after the stray tag"]


@pytest.mark.parametrize("markup", [
    "<script>for (i = 0; i<n; i++) { " + " ".join(f"v{i} = {i};" for i in range(3_000)) + " }</script>",
    "<div " + " ".join(f"a{i % 250}" for i in range(3_000)) + ">",  # many, but few distinct
])
def test_long_scripts_and_repeated_names_are_not_attribute_floods(markup):
    html = f"<html><body>{markup}<p>after</p></body></html>"
    with warnings.catch_warnings():
        warnings.simplefilter("error", HtmlLimitWarning)
        page = _page(html)
    assert page.lines[-1] == "after"


def test_a_flooded_page_that_is_parsed_again_warns_once():
    """A page whose unclosed <title> swallowed the document is parsed a second time with the title closed;
    the attribute flood before it is one cut, said once, not once per parse."""
    flood = " ".join(f"a{i}" for i in range(1_000))
    prose = "<p>" + "The story goes on and on about the harbour. " * 40 + "</p>"
    html = f"<html><head><meta {flood}><title>The harbour story\n</head><body>{prose}</body></html>"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = _page(html)
    said = [str(w.message) for w in caught if issubclass(w.category, HtmlLimitWarning)]
    assert sum("distinct attributes" in m for m in said) == 1
    assert any("about the harbour" in line for line in page.lines)


def test_a_flood_seen_inside_an_attribute_value_changes_only_that_value():
    """The scan cannot see quotes around a "<" (an SVG data: URI): what it inserts there stays inside the
    value, so the page reads as before, its later attributes and text included."""
    path = " ".join(f"L{i} {i}" for i in range(3_000))
    html = (f'<html><body><img alt="" src="data:image/svg+xml,<svg><path d=&quot;{path}&quot; fill=&quot;red&quot;/>" '
            f'class="x"><p>after</p></body></html>')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HtmlLimitWarning)
        page = _page(html)
    assert page.lines == ["after"]


def test_frameset_gives_an_empty_result():
    # The content of a frameset lives in the frame documents; <noframes> is a notice for old browsers that
    # libxml2 hands over as raw markup, so it is skipped like a script.
    html = ('<html><frameset cols="50%,50%"><frame src="a.html"><frame src="b.html">'
            "<noframes><p>Your browser does not support frames.</p></noframes></frameset></html>")
    assert Cleaner(input_format="html").clean(html) == ""


def test_huge_page_is_cut_at_the_documented_limit_with_a_warning():
    html = "<html><body>" + "<p>word</p>" * (MAX_LINES + 10) + "</body></html>"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = _page(html)
    assert len(page.lines) == MAX_LINES
    assert any(issubclass(w.category, HtmlLimitWarning) for w in caught)


def test_parser_failure_is_a_value_error_not_an_lxml_traceback(monkeypatch):
    from lxml import etree

    def broken(*args, **kwargs):
        raise etree.ParserError("Document is empty")

    monkeypatch.setattr(etree, "fromstring", broken)
    with pytest.raises(HtmlError, match="cannot parse HTML"):
        _page("<p>x</p>")
    assert issubclass(HtmlError, ValueError)


@pytest.mark.filterwarnings("ignore::declutter.reading.BinaryInputWarning")
def test_binary_garbage_declared_as_html_gives_a_result():
    data = bytes(range(256)) * 50
    assert isinstance(Cleaner(input_format="html").clean(data), str)


# -- DOM rules as data --------------------------------------------------------------------------------------

def test_footer_nav_and_dialogs_are_furniture_header_aside_and_form_only_boiler():
    """Two columns: every boiler tag, and among them the ones whose words are almost never body."""
    html = ("<body><header><p>Site header line</p></header><nav><ul><li>Home</li></ul></nav>"
            "<aside><p>An aside that may hold body</p></aside><main><p>Body text of the page.</p>"
            "<div role='dialog'><p>Accept cookies</p></div></main><footer><p>Footer line</p></footer></body>")
    page = page_from_html(html, Config())
    furniture = {line: bool(d.extra["furniture"]) for line, d in zip(page.lines, page.dom)}
    boiler = {line: d.in_boiler_tag for line, d in zip(page.lines, page.dom)}
    assert furniture == {"Site header line": False, "Home": True, "An aside that may hold body": False,
                         "Body text of the page.": False, "Accept cookies": True, "Footer line": True}
    assert boiler["Site header line"] and boiler["An aside that may hold body"] and not boiler["Body text of the page."]
    # A user rule file adds furniture like any tag list.
    user = page_from_html("<section><p>x</p></section>", Config(extra_rules=({"dom": {"furniture_tags": ["section"]}},)))
    assert user.dom[0].extra["furniture"] == 1.0


def test_user_dom_rules_extend_the_shipped_ones(tmp_path):
    rules = tmp_path / "site.toml"
    rules.write_text('[dom]\nboiler_tags = ["section"]\n[dom.class_words]\nkaffeeklatsch = -2.0\nnav = 0\n')
    page = page_from_html('<section><div class="kaffeeklatsch nav"><p>x</p></div></section>',
                          Config(extra_rules=(str(rules),)))
    assert page.dom[0].in_boiler_tag and page.dom[0].class_score == -2.0
    cleaner = Cleaner(extra_rules=(str(rules),))  # the text rule loader accepts the same file
    assert cleaner.dom_rules.prefix_words["kaffeeklatsch"] == -2.0


@pytest.mark.parametrize("table, message", [
    ({"dom": {"boiler_tag": ["nav"]}}, "unknown"),
    ({"dom": {"class_words": {"Nav": 1}}}, "lowercase"),
    ({"dom": {"class_words": {"nav": "high"}}}, "number"),
    ({"dom": {"main_tags": "article"}}, "list"),
])
def test_bad_dom_rules_name_the_problem(table, message):
    with pytest.raises(RuleError, match=message):
        load_dom_rules([table])


def test_class_words_match_token_starts_and_exact_words():
    rules = load_dom_rules()
    assert rules.class_weights("site-navigation")[0] < 0 and rules.class_weights("navBar")[0] < 0
    assert rules.class_weights("address") == (0.0, 0.0)  # "ad" is an exact word, not a prefix
    assert rules.class_weights("entry-content")[1] > 0


# -- the real pages, end to end -----------------------------------------------------------------------------

def _fixture_pages(fixtures):
    folder = fixtures / "html"
    return [(p.read_text(encoding="utf-8"), p.with_name(p.name[:-5] + ".gold.txt").read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.html"))]


def test_fixture_pages_lose_no_gold_text_in_parsing(fixtures):
    for html, gold in _fixture_pages(fixtures):
        lines = page_from_html(html, Config()).lines
        assert word_prf("\n".join(lines), gold).recall > 0.97


def test_model_trained_on_html_fixtures_recovers_their_main_content(fixtures):
    from declutter.model import LineModel
    from declutter.train import fit, load_examples

    examples = load_examples([fixtures / "html"], tracks=("html",))
    assert len(examples) == len(_fixture_pages(fixtures)) and all(e.track == "html" for e in examples)
    model = fit(examples, LineModel(hidden=16, epochs=60))
    cleaner = Cleaner(input_format="html", model=model)
    scores = [word_prf(cleaner.clean(html), gold).f1 for html, gold in _fixture_pages(fixtures)]
    assert np.mean(scores) > 0.8


def test_structure_evidence_finds_the_element_holding_the_prose():
    prose = "<p>" + " ".join(["The committee met on Tuesday to discuss the budget for next year."] * 2) + "</p>"
    html = ("<html><head><title>Budget talks resume</title></head><body>"
            "<div class='menu'><a href=/>Home</a> <a href=/n>News</a></div>"
            f"<div id='story'><h1>Budget talks resume</h1>{prose * 3}</div>"
            "<ul><li><a href=/1>Other story one</a></li><li><a href=/2>Other story two</a></li></ul></body></html>")
    page = _page(html)
    extra = {line: ev.extra for line, ev in zip(page.lines, page.dom)}
    assert extra["Budget talks resume"]["in_content_root"] == 1.0
    assert extra["Budget talks resume"]["title_overlap"] == 1.0
    assert extra["Home News"]["before_content_root"] == 1.0 and extra["Home News"]["in_content_root"] == 0.0
    assert extra["Other story two"]["after_content_root"] == 1.0
    assert extra["Other story two"]["container_link_density"] == 1.0
    assert extra["Other story one"]["log_signature_repeats"] > 0  # two items of the same template


# -- markup a browser shows that a walk of the first root would miss -------------------------------------

def test_content_after_the_closing_html_tag_is_read_like_a_browser_does():
    # libxml2 puts what follows </html> in a second root; browsers show it at the end of the body.
    html = ("<html><body><nav><a href='/'>Home</a></nav></body></html>"
            "<div class='post'><p>The template closed the document early and printed the article after it.</p></div>"
            "loose words at the very end")
    page = _page(html)
    assert page.lines == ["Home", "The template closed the document early and printed the article after it.",
                          "loose words at the very end"]


POST = "<p>" + "I moved my containers to a new laptop and the resolver no longer finds the proxy host. " * 4 + "</p>"


def test_a_page_that_shows_nothing_without_javascript_is_read_from_its_noscript():
    html = f"<html><body><div id='app'></div><noscript><div class='topic'>{POST}<p>Answer: restart it.</p></div></noscript></body></html>"
    page = _page(html)
    assert page.lines[-1] == "Answer: restart it." and "resolver" in page.lines[0]


def test_noscript_notes_and_pixels_stay_out_of_pages_with_their_own_text():
    short = "<html><body><p>Only a short page with a few words.</p><noscript>Please enable JavaScript to continue.</noscript></body></html>"
    assert _page(short).lines == ["Only a short page with a few words."]
    long = f"<html><body><article>{POST * 3}</article><noscript>{POST}</noscript></body></html>"
    assert len(_page(long).lines) == 3


def test_an_unclosed_title_does_not_swallow_the_page():
    body = "<p>" + "The council approved the new budget after a long debate about school funding. " * 20 + "</p>"
    html = f"<html><head><title>Budget approved\n<script>var x = 1;</script></head><body>{body}</body></html>"
    page = _page(html)
    assert any("council approved the new budget" in line for line in page.lines)
    assert page.title == "Budget approved"


def test_cli_writes_links_with_the_links_flag(tmp_path, capsys):
    from declutter.cli import main

    path = tmp_path / "page.html"
    path.write_text(LINKED, encoding="utf-8")
    assert main(["clean", "--format", "markdown", "--links", str(path)]) == 0
    assert "[intro \\[v2\\]](/docs/intro)" in capsys.readouterr().out
    assert main(["clean", "--format", "markdown", str(path)]) == 0
    assert "](" not in capsys.readouterr().out
    assert main(["clean", "--format", "markdown", "--links", "--url", "https://example.org/a/", str(path)]) == 0
    assert "[intro \\[v2\\]](https://example.org/docs/intro)" in capsys.readouterr().out
    bold = tmp_path / "bold.html"
    bold.write_text(LINKED.replace("<p>Read", "<p><b>Read</b>"), encoding="utf-8")
    assert main(["clean", "--format", "markdown", str(bold)]) == 0
    assert capsys.readouterr().out.startswith("**Read** the intro")
    assert main(["clean", "--format", "markdown", "--no-emphasis", str(bold)]) == 0
    assert capsys.readouterr().out.startswith("Read the intro")
    pictured = tmp_path / "pictured.html"
    pictured.write_text(IMAGES, encoding="utf-8")
    assert main(["clean", "--format", "markdown", "--images", str(pictured)]) == 0
    assert capsys.readouterr().out.startswith("![A chart of \\[the\\] budget](/img/chart.png)")

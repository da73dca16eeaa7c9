"""What an HTML page declares about itself: read from JSON-LD, <meta> tags and inline markup, never guessed."""
from __future__ import annotations

import json

import pytest

import declutter
from declutter.metadata import MAX_CHARS, Metadata, iso_date

BODY = ("<article><h1>A story</h1><p>This is the first paragraph of a story about many things that happened "
        "yesterday in the town.</p><p>This is the second paragraph, which says more about those things and "
        "why they matter to people.</p></article>")


def page(head: str = "", body: str = BODY) -> str:
    return f"<html><head><title>A story</title>{head}</head><body>{body}</body></html>"


def metadata_of(html: str, **kwargs) -> Metadata:
    return declutter.analyze(html, **kwargs).metadata


def test_json_ld_article_wins_over_the_comments_beside_it():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Comment", "datePublished": "2020-01-01", "author": {"name": "A Commenter"}},
        {"@type": ["NewsArticle"], "datePublished": "2024-03-05T10:00:00+01:00", "description": "From JSON-LD.",
         "author": [{"@type": "Person", "name": "Jane Doe"}, {"name": "John Roe &amp; Co"}, "Jane Doe"],
         "publisher": {"@type": "Organization", "name": "Daily Example Ltd"}}]}
    meta = metadata_of(page(f'<script type="application/ld+json">{json.dumps(graph)}</script>'))
    assert meta.date == "2024-03-05"
    assert meta.author == "Jane Doe; John Roe & Co"  # a CMS's escaped ampersand decoded, the repeat dropped
    assert (meta.description, meta.site_name) == ("From JSON-LD.", "Daily Example Ltd")


def test_meta_tags_by_rank_and_open_graph_names_the_site():
    head = ('<meta name="date" content="2019-02-02">'
            '<meta property="article:published_time" content="2021-07-08T09:10:11Z">'
            '<meta property="article:author" content="https://example.org/staff/jane">'  # a profile, not a name
            '<meta name="author" content="  Jane   Doe ">'
            '<meta name="description" content="Plain description.">'
            '<meta property="og:description" content="Open Graph description.">'
            '<meta property="og:site_name" content="The Daily Example">'
            '<script type="application/ld+json">{"@type": "Article", "publisher": {"name": "Daily Example Ltd"}}</script>')
    meta = metadata_of(page(head))
    assert (meta.date, meta.author) == ("2021-07-08", "Jane Doe")
    assert (meta.description, meta.site_name) == ("Open Graph description.", "The Daily Example")


def test_canonical_link_outranks_og_url_and_is_resolved_against_the_page_url():
    head = '<meta property="og:url" content="https://example.org/og"><link rel="canonical" href="/news/a-story">'
    assert metadata_of(page(head)).url == "/news/a-story"
    assert metadata_of(page(head), url="https://example.org/x/y").url == "https://example.org/news/a-story"
    lost_host = '<link rel="canonical" href="https:///paths/17">'  # a template that lost its host
    assert metadata_of(page(lost_host), url="https://example.org/x/y").url == "https://example.org/paths/17"
    broken = '<link rel="canonical" href="https://[::1/x">'  # urllib raises "Invalid IPv6 URL" (the fuzz test found it)
    assert metadata_of(page(broken)).url is None
    assert metadata_of(page(head), url="https://[::1/x").url == "/news/a-story"
    based = '<base href="https://cdn.example.org/en/">' + head  # resolved as the page's links are
    assert metadata_of(page(based)).url == "https://cdn.example.org/news/a-story"
    assert metadata_of(page(based), url="https://example.org/x/y").url == "https://cdn.example.org/news/a-story"


def test_inline_markup_when_nothing_else_is_declared():
    body = ('<div class="byline"><span itemprop="author" itemscope><span itemprop="name">Sam Writer</span></span>'
            '<time itemprop="datePublished" datetime="2022-11-30">Nov 30</time></div>' + BODY)
    assert (metadata_of(page(body=body)).author, metadata_of(page(body=body)).date) == ("Sam Writer", "2022-11-30")
    link = '<p>By <a rel="author" href="/u/kim">Kim Blogger</a></p>' + BODY
    assert metadata_of(page(body=link)).author == "Kim Blogger"
    assert metadata_of(page(body='<p>By <span rel="author">Not a link</span></p>' + BODY)).author is None


def test_nothing_is_guessed_from_the_text():
    body = "<p>By Jane Doe, March 3, 2021</p>" + BODY
    assert metadata_of(page(body=body)) == Metadata()


@pytest.mark.parametrize("block", [
    "{not json", "[]", '"a string"', "null", "[" * 100_000, '{"@type": "Article", "author": {"name": 5}}',
    '{"@type": "Article", "datePublished": ["2020-01-01"]}'])
def test_broken_or_odd_json_ld_is_ignored(block):
    assert metadata_of(page(f'<script type="application/ld+json">{block}</script>')) == Metadata()


def test_the_first_date_that_reads_as_one_wins():
    head = ('<script type="application/ld+json">{"@type": "Article", "datePublished": "{{date}}"}</script>'
            '<meta property="article:published_time" content="2023-09-10">')
    assert metadata_of(page(head)).date == "2023-09-10"


@pytest.mark.parametrize("value, expected", [
    (", USA TODAY", "USA TODAY"), ("/nexxisrentals", None), ("@jane", None), ("www.example.org/jane", None),
    ("Jane Doe, Ph.D.", "Jane Doe, Ph.D."), (" - ", None)])
def test_an_author_is_a_name(value, expected):
    assert metadata_of(page(f'<meta name="author" content="{value}">')).author == expected


def test_values_are_capped_and_bad_dates_dropped():
    head = f'<meta name="description" content="{"word " * 1000}"><meta name="date" content="2021-13-45">'
    meta = metadata_of(page(head))
    assert len(meta.description or "") == MAX_CHARS and meta.date is None


@pytest.mark.parametrize("value, expected", [
    ("2024-03-05", "2024-03-05"), ("2024-3-5T08:00:00Z", "2024-03-05"), ("2024/03/05", "2024-03-05"),
    ("Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05"), ("March 5, 2024", "2024-03-05"), ("5 March 2024", "2024-03-05"),
    ("Mar. 5, 2024", "2024-03-05"), ("2024-02-30", None), ("1850-01-01", None), ("yesterday", None), ("", None),
    ("20240305", None), ("Tue, 05 Mar 99999999999 10:00:00 GMT", None),
    ("Tue, 05 Mar 2024 10:00:00 -99999999999999999999", None)])
def test_iso_date(value, expected):
    assert iso_date(value) == expected


def test_json_output_carries_the_fields_and_text_pages_declare_nothing():
    head = '<meta name="author" content="Jane Doe"><meta name="date" content="2024-03-05">'
    out = json.loads(declutter.clean(page(head), output="json"))
    assert (out["author"], out["date"], out["description"], out["site_name"], out["url"]) == (
        "Jane Doe", "2024-03-05", None, None, None)
    text = json.loads(declutter.clean("A line of plain text that is long enough to keep, with words.\n", output="json"))
    assert {key: text[key] for key in ("author", "date", "description", "site_name", "url")} == Metadata().to_dict()


def test_clean_reads_no_metadata_for_text_output(monkeypatch):
    # 0.5 ms an HTML page that text and Markdown output never show.
    from declutter import html

    def refuse(root):
        raise AssertionError("metadata read for text output")

    monkeypatch.setattr(html, "page_metadata", refuse)
    cleaner = declutter.Cleaner()
    assert "first paragraph" in cleaner.clean(page())
    assert "first paragraph" in cleaner.clean(page(), output="markdown")
    with pytest.raises(AssertionError, match="metadata read"):
        cleaner.analyze(page())


def test_cli_explain_shows_what_the_page_declares(tmp_path, capsys):
    from declutter.cli import main

    path = tmp_path / "page.html"
    path.write_text(page('<meta name="author" content="Jane Doe"><meta name="date" content="2024-03-05">'), encoding="utf-8")
    assert main(["explain", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "# title: A story; author: Jane Doe; date: 2024-03-05"
    text = tmp_path / "page.txt"
    text.write_text("A line of plain text that is long enough to keep, with words.\n", encoding="utf-8")
    assert main(["explain", str(text)]) == 0
    assert not capsys.readouterr().out.splitlines()[1].startswith("#")  # a text page declares nothing


def test_markdown_front_matter_carries_what_the_page_declares():
    head = ('<meta name="author" content="Jane Doe"><meta name="date" content="2024-03-05">'
            '<meta property="og:site_name" content="Daily: Example News"><link rel="canonical" href="/story">')
    cleaner = declutter.Cleaner(markdown_front_matter=True)
    md = cleaner.clean(page(head).replace("<title>A story</title>", '<title>A "story": part 1</title>'),
                       output="markdown", url="https://example.org/x")
    matter, body = md.split("\n---\n\n", 1)
    assert matter.split("\n") == ["---", 'title: "A \\"story\\": part 1"', 'author: "Jane Doe"', 'date: "2024-03-05"',
                                  'site_name: "Daily: Example News"', 'url: "https://example.org/story"',
                                  'lang: "en"']  # quoted and escaped as YAML reads it
    assert body.startswith("This is the first paragraph")
    assert cleaner.clean(page(head)) == declutter.clean(page(head))  # text output: none
    assert "---" not in declutter.clean(page(head), output="markdown")  # off by default
    assert cleaner.clean("<html><head><title>T</title></head><body><p> </p></body></html>", output="markdown") == ""
    from declutter.output import _yaml_string
    assert _yaml_string("a\x85b\ufeff\u00e9") == '"a\\u0085b\\ufeff\u00e9"'  # what YAML takes raw stays raw
    with pytest.raises(ValueError, match="render\\(\\) writes text or Markdown"):
        cleaner.render(cleaner.annotate(cleaner.read(page())), "json")


def test_render_is_how_clean_ends():
    cleaner = declutter.Cleaner(output="markdown")
    judged = cleaner.annotate(cleaner.read(page(), code_spans=True))
    assert cleaner.render(judged) == cleaner.clean(page())
    assert cleaner.render(judged, "text") == cleaner.clean(page(), output="text")

"""The five seed pages: real scraped text with junk around the body."""
import declutter


def test_seed_004_teasers_after_the_article_are_dropped(fixtures):
    text = (fixtures / "seeds" / "004.txt").read_text(encoding="utf-8")
    out = declutter.clean(text)
    assert "The meeting between Vladimir Putin and Xi Jinping in Beijing has undoubtedly" in out
    assert "Love Lies Bleeding" not in out
    assert "Super Typhoon" not in out
    assert "ADVERTISEMENT" not in out


def test_explain_gives_every_line_a_reason(fixtures):
    text = (fixtures / "seeds" / "001.txt").read_text(encoding="utf-8")
    analysis = declutter.analyze(text)
    assert analysis.lines and all(d.reason for d in analysis.lines)
    leave = [d for d in analysis.lines if d.text == "Leave a Reply"]
    assert leave and not leave[0].keep and "comment-form" in leave[0].reason


def test_a_plain_text_page_is_never_explained_by_html_structure(fixtures):
    for path in sorted((fixtures / "seeds").glob("*.txt")):
        if path.name.endswith((".labels.txt", ".gold.txt")):
            continue
        analysis = declutter.Cleaner(input_format="text").analyze(path.read_text(encoding="utf-8"))
        assert not [d.reason for d in analysis.lines if "HTML " in d.reason], path.name

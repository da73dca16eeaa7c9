"""declutter: strip web-page boilerplate, keep the article body.

>>> import declutter
>>> declutter.clean(page_text)        # doctest: +SKIP
>>> declutter.analyze(page_text)      # every line with keep/drop, probability and reason  # doctest: +SKIP
"""
from __future__ import annotations

import threading
from typing import Optional

from .cleaner import Cleaner
from .config import Config
from .page import Analysis, LineDecision
from .reading import BinaryInputWarning, NotAPageError
from .rules import RuleError
from .sites import SiteTemplates

__version__ = "0.1.0"
__all__ = ["clean", "analyze", "Cleaner", "Config", "Analysis", "LineDecision", "RuleError", "SiteTemplates",
           "BinaryInputWarning", "NotAPageError", "default_cleaner"]

_default: Optional[Cleaner] = None
_default_lock = threading.Lock()


def default_cleaner() -> Cleaner:
    """The shared cleaner with default settings, built once on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Cleaner()
    return _default


def clean(text: object, *, url: Optional[str] = None, output: Optional[str] = None, lang: Optional[str] = None) -> str:
    """Main content of ``text`` (plain text or HTML, str or bytes), paragraphs separated by a blank line.

    Empty or whitespace-only input gives ``""``; bytes are decoded (BOM, or UTF-16 without one, then mostly
    valid UTF-8 with invalid bytes as U+FFFD, then the legacy code page its words vouch for or read as
    plausible text in, see ``declutter.charsets``); any other type raises ``TypeError``. Input that holds no
    page at all (an XML feed or sitemap, a JSON record passed whole, markup lxml cannot parse) raises
    :class:`NotAPageError`, a ``ValueError``.
    ``url`` is the page's address (a str, else TypeError); it matters only to cleaners built with site templates.
    ``output="markdown"`` renders headings, list items and code blocks as Markdown; ``output="json"`` gives
    the title, language and every line's decision as a JSON string. ``lang`` is the language the source gives
    for the page ("de", "deu"); it stands unless the text is plainly English or in another script.
    """
    return default_cleaner().clean(text, url=url, output=output, lang=lang)


def analyze(text: object, *, url: Optional[str] = None, lang: Optional[str] = None) -> Analysis:
    """Every line of ``text`` with its keep/drop decision, probability and reason (``lang``: as :func:`clean`)."""
    return default_cleaner().analyze(text, url=url, lang=lang)

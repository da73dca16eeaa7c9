"""What an HTML page says about itself: author, publication date, description, site name, canonical URL.

Users who move from trafilatura (``with_metadata``) expect these beside the text, and a corpus built for
search or training wants the date and author of every page. Pages declare them in three vocabularies,
read in this order, the first that gives a field winning:

1. JSON-LD (``<script type="application/ld+json">``, schema.org): the object that looks like the page's own
   article (``datePublished``, ``author``, ``publisher``), in a list or an ``@graph`` too;
2. ``<meta>`` tags: OpenGraph (``og:description``, ``og:site_name``, ``article:published_time``), plain
   HTML (``description``, ``author``), Dublin Core, Parse.ly, Sailthru and the citation tags of scholarly
   pages; ``<link rel="canonical">``. For the site name and the description these come first: JSON-LD's
   publisher is often the company behind a site ("Daily Example Ltd"), not the name it goes by;
3. inline markup: ``<time itemprop="datePublished">`` or ``<time pubdate>``, and an ``itemprop="author"`` or
   ``rel="author"`` element's text.

Nothing is guessed from the page's prose (a date in the byline, "By Jane Doe"): a declared value or none.
The date is the publication date; a page that declares only when it was last modified
(``article:modified_time``, ``og:updated_time``) gets that one, the nearest thing it states. Dates come back as ``YYYY-MM-DD`` (ISO 8601 with a time, RFC 2822 and "March 3, 2021" are read; anything
else is dropped rather than passed on in an unknown format). Values are whitespace-collapsed and at most
:data:`MAX_CHARS` characters. Reading them costs about 0.5 ms an HTML page, so :meth:`Cleaner.clean` reads
them only for JSON output and Markdown front matter (docs/benchmarks.md, "Page metadata").
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Iterator, Optional
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

if TYPE_CHECKING:  # only the HTML reader hands in a tree; page.py imports Metadata on the text path too
    from lxml import etree

MAX_CHARS = 1000  # a value longer than this is not a name, date or summary: a page dumped into an attribute
MAX_JSON_LD = 1 << 20  # bytes of one JSON-LD block read; larger ones are data dumps, not page metadata
_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
_SLASHED = re.compile(r"\s*(\d{4})/(\d{1,2})/(\d{1,2})(?![\d])")
_WRITTEN = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b. %d, %Y")
_ARTICLE_TYPES = frozenset(("article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                            "opinionnewsarticle", "techarticle", "scholarlyarticle", "report", "review", "recipe",
                            "howto", "posting", "socialmediaposting", "discussionforumposting", "liveblogposting",
                            "webpage", "itempage", "aboutpage", "faqpage", "qapage", "medicalwebpage"))

# <meta> names and properties (lowercased) for each field, best first.
_META = {
    "date": ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
             "publish-date", "publish_date", "date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
             "dcterms.created", "parsely-pub-date", "sailthru.date", "citation_publication_date",
             "citation_date", "article.published", "og:updated_time", "article:modified_time"),
    "author": ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator",
               "citation_author", "byl", "twitter:creator"),
    "description": ("og:description", "description", "twitter:description", "dc.description"),
    "site_name": ("og:site_name", "application-name", "apple-mobile-web-app-title"),
    "url": ("og:url", "twitter:url"),
}
_NOT_A_NAME = ("http://", "https://", "www.", "/", "@")  # an author value that is an address or a handle
# Fields a <meta> tag states better than JSON-LD (see the module docstring).
_META_FIRST = frozenset(("site_name", "description"))
_META_FIELD = {name: (field, rank) for field, names in _META.items() for rank, name in enumerate(names)}


@dataclass(frozen=True)
class Metadata:
    """The page's declared author, publication date (``YYYY-MM-DD``), description, site name and canonical
    URL; None where the page declares none (a plain-text page declares nothing)."""

    author: Optional[str] = None
    date: Optional[str] = None
    description: Optional[str] = None
    site_name: Optional[str] = None
    url: Optional[str] = None

    def to_dict(self) -> dict[str, Optional[str]]:
        return asdict(self)

    def resolved(self, base_url: Optional[str]) -> Metadata:
        """A relative canonical URL (``href="/story/1"``) made absolute against the page's own address."""
        if not self.url or not base_url:
            return self
        parts = _split(self.url)
        if parts is None or parts.netloc:
            return self
        try:
            return replace(self, url=urljoin(base_url, self.url))
        except ValueError:  # a base URL urllib cannot read ("https://[broken"): the canonical stays as given
            return self


def page_metadata(root: etree._Element) -> Metadata:
    """The :class:`Metadata` of a parsed page (a relative canonical URL stays relative: :meth:`Metadata.resolved`)."""
    found: dict[str, str] = {}
    metas: dict[str, tuple[int, str]] = {}  # field -> (rank, value) of the best <meta> so far
    inline: dict[str, str] = {}
    for el in root.iter("script", "meta", "link", "time"):
        tag = el.tag
        if tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json":
                for key, value in _json_ld_fields(el.text or "").items():
                    found.setdefault(key, value)
        elif tag == "meta":
            _read_meta(el, metas)
        elif tag == "link":
            if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
                inline.setdefault("url", el.get("href", ""))
        elif el.get("itemprop") == "datePublished" or el.get("pubdate") is not None:
            inline.setdefault("date", el.get("datetime") or "".join(el.itertext()))
    dates = [found.get("date"), metas.get("date", (0, None))[1], inline.get("date")]
    for key, (_, value) in metas.items():
        if key in _META_FIRST:
            found[key] = value
        else:
            found.setdefault(key, value)
    if "url" in inline:  # rel=canonical is the page's own statement of its address: it outranks og:url
        found["url"] = inline.pop("url")
    for key, value in inline.items():
        found.setdefault(key, value)
    # The first date that reads as one: a JSON-LD "datePublished": "{{date}}" left by a template must not
    # hide the <meta> tag's good one.
    found["date"] = next((d for d in map(iso_date, filter(None, dates)) if d), "")
    if "author" not in found:
        found.update(_inline_author(root))
    return _cleaned(found)


def _read_meta(el: etree._Element, metas: dict[str, tuple[int, str]]) -> None:
    """Keep ``el``'s content for its field when its name ranks better than the one kept so far."""
    content = el.get("content")
    if not content:
        return
    for attr in ("property", "name", "itemprop"):
        name = (el.get(attr) or "").strip().lower()
        hit = _META_FIELD.get(name)
        if hit is not None:
            field, rank = hit
            if field == "author" and content.strip().lower().startswith(_NOT_A_NAME):
                return  # article:author and twitter:creator often name a profile URL or handle, not a person
            if field not in metas or rank < metas[field][0]:
                metas[field] = (rank, content)
            return


def _json_ld_fields(text: str) -> dict[str, str]:
    """Fields of the article-like objects of one JSON-LD block, the first object with a field giving it.

    Only article-like objects (``Article``, ``BlogPosting``, ``WebPage``, ...) count when the block has any:
    the ``Comment`` or ``Person`` objects beside them carry dates and authors too, which are not the page's.
    """
    if len(text) > MAX_JSON_LD:
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's stack allows
        return {}
    objects = list(_objects(data))
    articles = [obj for obj in objects if _is_article(obj)]
    fields: dict[str, str] = {}
    for obj in articles or objects:
        for key, value in (("date", _text(obj.get("datePublished") or obj.get("dateCreated"))),
                           ("author", _names(obj.get("author") or obj.get("creator"))),
                           ("description", _text(obj.get("description")) if articles else None),
                           ("site_name", _names(obj.get("publisher")) if articles else None)):
            if value:
                fields.setdefault(key, value)
    return fields


def _objects(data: Any, depth: int = 0) -> Iterator[dict]:
    """The JSON objects of a JSON-LD block: the block itself, list members and ``@graph`` members."""
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph"), depth + 1)


def _is_article(obj: dict) -> bool:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds)


def _text(value: Any) -> Optional[str]:
    """A JSON-LD string value; entities decoded, since CMS plugins write "Maria &amp; Katerina" into JSON."""
    return html.unescape(value) if isinstance(value, str) else None


def _names(value: Any) -> Optional[str]:
    """A person or organisation as JSON-LD gives it (a string, ``{"name": ...}``, or a list of them), joined by "; "."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:20]:
        name = _text(item.get("name") if isinstance(item, dict) else item)
        if name and name.strip() and name.strip() not in names:
            names.append(name.strip())
    return "; ".join(names) or None


def _inline_author(root: etree._Element) -> dict[str, str]:
    """The text of the first ``itemprop="author"`` element (its ``name`` part if it has one) or ``rel="author"``
    link: forum posts and blogs that declare nothing else. Found by attribute, which libxml2 scans faster
    than it tests every element (0.37 ms against 0.8 ms a wcxb-dev page)."""
    for attr in root.xpath("//@itemprop[.='author'] | //@rel[contains(concat(' ', ., ' '), ' author ')]"):
        el = attr.getparent()
        if attr.attrname == "rel" and el.tag != "a":
            continue
        named = el.xpath(".//*[@itemprop='name']")
        source = named[0] if named else el
        text = source.get("content") or "".join(source.itertext())
        if text.strip():
            return {"author": text}
    return {}


def _cleaned(found: dict[str, str]) -> Metadata:
    values = {key: " ".join(str(value).split())[:MAX_CHARS] or None for key, value in found.items()}
    author = (values.get("author") or "").strip(" ,;|·-–—")
    # A profile URL, path or handle ("/nexxisrentals", "@jane") names no one; edge punctuation (", USA TODAY")
    # is what a template left around an empty name.
    values["author"] = None if not author or author.lower().startswith(_NOT_A_NAME) else author
    url = values.get("url")
    parts = _split(url) if url else None
    if parts is None:  # none declared, or one urllib cannot read ("https://[::1/x": an unclosed IPv6 host)
        values["url"] = None
    elif "://" in (url or "") and not parts.netloc:  # "https:///paths/17": a template that lost its host
        values["url"] = urlunsplit(("", "", *parts[2:])) or None
    return Metadata(**{key: values.get(key) for key in ("author", "date", "description", "site_name", "url")})


def _split(url: str) -> Optional[SplitResult]:
    try:
        return urlsplit(url)
    except ValueError:
        return None


def iso_date(value: str) -> Optional[str]:
    """``value`` as ``YYYY-MM-DD`` when it reads as a date (ISO 8601, "2021/03/04", RFC 2822, "March 4, 2021",
    "4 March 2021"), else None. Years outside 1900-2100 are not a publication date."""
    for pattern in (_ISO, _SLASHED):
        m = pattern.match(value)
        if m:
            return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    from email.utils import parsedate_to_datetime

    try:
        parsed = parsedate_to_datetime(value)
        return _valid(parsed.year, parsed.month, parsed.day)
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year or zone of 20 digits
        pass
    for fmt in _WRITTEN:
        try:
            parsed = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return _valid(parsed.year, parsed.month, parsed.day)
    return None


def _valid(year: int, month: int, day: int) -> Optional[str]:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None

"""Site templates: lines that repeat across many pages of one host are boilerplate no single page reveals.

A menu entry, a footer line or a "More from this blog" heading looks harmless on one page; seen on 20 of
a site's 30 pages it is plainly template. :class:`TemplateLearner` counts, per host, on how many pages each
line occurs (pass one over a corpus); :class:`SiteTemplates` holds the lines frequent enough to call
template, and :meth:`SiteTemplates.mark` turns them into ``DROP`` rule hits named ``site-template`` when a
page of that host is cleaned (pass two). Lines long enough to be body text (``body_words``) are never
marked: a repeated paragraph is more likely a quoted lead than a menu.

Memory stays bounded whatever the corpus size. Lines are stored as 64-bit hashes, each host keeps at most
``max_lines_per_host`` counters (Misra-Gries: when full, every counter is lowered by the same amount and
the zeros are dropped, so a line's count is a lower bound and a line seen on a large share of the pages
survives), and the learner keeps at most ``max_entries`` counters over all hosts, evicting the hosts with
fewest pages first (they are the furthest from ``min_pages``).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable as _Iterable, Mapping, Sequence
from typing import Any, Callable, Iterable, Iterator, Optional
from urllib.parse import urlsplit

import numpy as np

from .page import DROP, KEEP, TERMINATOR, Page

TEMPLATE_RULE = "site-template"
_DIGITS = re.compile(r"\d+")
_HOST = re.compile(r"[\w.-]+")


def site_host(url: Optional[str]) -> Optional[str]:
    """The site a URL belongs to: lower-case host without a leading ``www.``; None when there is none.

    ``www.example.com`` and ``example.com`` serve the same templates, so they count as one site.
    """
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host or not _HOST.fullmatch(host):
        return None
    return host[4:] if host.startswith("www.") else host


def line_key(line: str) -> int:
    """A stable 64-bit key for a line: case, spacing and digits ignored ("© 2013" and "© 2014" match).

    A cryptographic hash rather than ``hash()``: Python salts string hashes per process, and templates
    learned in one process are applied in others (worker processes, cluster nodes).
    """
    norm = _DIGITS.sub("0", " ".join(line.lower().split()))
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little")


class _HostCounts:
    """Per-host page count and Misra-Gries line counters."""

    __slots__ = ("pages", "counts")

    def __init__(self) -> None:
        self.pages = 0
        self.counts: dict[int, int] = {}

    def add(self, keys: set[int], capacity: int) -> int:
        """Count one page's distinct line keys; returns the change in the number of counters."""
        before = len(self.counts)
        self.pages += 1
        counts = self.counts
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        if len(counts) > capacity:
            self._shrink(capacity // 2)
        return len(self.counts) - before

    def _shrink(self, target: int) -> None:
        """Lower every counter by the count that leaves at most ``target`` of them above zero."""
        values = np.fromiter(self.counts.values(), dtype=np.int64, count=len(self.counts))
        cut = int(np.partition(values, len(values) - target - 1)[len(values) - target - 1])
        self.counts = {k: c - cut for k, c in self.counts.items() if c > cut}


class TemplateLearner:
    """Pass one: count per host on how many pages each line occurs, in bounded memory.

    Learners over parts of a corpus can be combined with :meth:`merge` (counts add up), so the counting
    can run in parallel.
    """

    def __init__(self, *, max_lines_per_host: int = 4096, max_entries: int = 2_000_000):
        if max_lines_per_host < 16 or max_entries < max_lines_per_host:
            raise ValueError("need max_lines_per_host >= 16 and max_entries >= max_lines_per_host")
        self.max_lines_per_host = max_lines_per_host
        self.max_entries = max_entries
        self.hosts: dict[str, _HostCounts] = {}
        self.entries = 0
        self.evicted_hosts = 0

    def add(self, url: Optional[str], lines: Iterable[str]) -> bool:
        """Count one page; returns False (and counts nothing) when the URL has no host."""
        host = site_host(url)
        if host is None:
            return False
        counts = self.hosts.get(host)
        if counts is None:
            counts = self.hosts[host] = _HostCounts()
        self.entries += counts.add({line_key(l) for l in lines}, self.max_lines_per_host)
        if self.entries > self.max_entries:
            self._evict()
        return True

    def merge(self, other: "TemplateLearner") -> "TemplateLearner":
        """Add the counts of ``other`` (learned on another part of the corpus) to this learner."""
        for host, theirs in other.hosts.items():
            mine = self.hosts.setdefault(host, _HostCounts())
            before = len(mine.counts)
            mine.pages += theirs.pages
            for k, c in theirs.counts.items():
                mine.counts[k] = mine.counts.get(k, 0) + c
            if len(mine.counts) > self.max_lines_per_host:
                mine._shrink(self.max_lines_per_host // 2)
            self.entries += len(mine.counts) - before
        if self.entries > self.max_entries:
            self._evict()
        return self

    def _evict(self) -> None:
        """Forget the hosts with fewest pages until a quarter of the counter budget is free again."""
        for host in sorted(self.hosts, key=lambda h: self.hosts[h].pages):
            if self.entries <= 0.75 * self.max_entries:
                break
            self.entries -= len(self.hosts.pop(host).counts)
            self.evicted_hosts += 1

    def templates(self, *, min_pages: int = 3, min_share: float = 0.5, body_words: int = 25) -> "SiteTemplates":
        """Template lines: found on at least ``min_pages`` pages and ``min_share`` of the host's pages."""
        if min_pages < 2:
            raise ValueError(f"min_pages must be >= 2 (a line on one page is no template), got {min_pages}")
        if not 0.0 < min_share <= 1.0:
            raise ValueError(f"min_share must be within (0, 1], got {min_share}")
        found: dict[str, frozenset[int]] = {}
        for host, hc in self.hosts.items():
            if hc.pages < min_pages:
                continue
            need = max(min_pages, min_share * hc.pages)
            keys = frozenset(k for k, c in hc.counts.items() if c >= need)
            if keys:
                found[host] = keys
        return SiteTemplates(found, body_words=body_words)


def _url_and_page(item: object, i: int) -> tuple[Optional[str], object]:
    """One ``(url, page)`` pair of :meth:`SiteTemplates.learn`'s input, or a TypeError that says which item
    is not one (unpacking it would fail with "too many values to unpack", or take a 2-character string apart)."""
    if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 2:
        raise TypeError(f"pages must give (url, page) pairs; item {i} is a {type(item).__name__}")
    url, content = item
    if url is not None and not isinstance(url, str):
        raise TypeError(f"pages must give (url, page) pairs with a str url; item {i} has a {type(url).__name__}")
    return url, content


class SiteTemplates(Mapping):
    """Learned template lines per host (host -> frozenset of line keys); immutable and picklable.

    >>> templates = SiteTemplates.learn((p.url, p.text) for p in pages)      # doctest: +SKIP
    >>> Cleaner(site_templates=templates).clean(page.text, url=page.url)     # doctest: +SKIP
    """

    def __init__(self, keys_by_host: Mapping[str, Iterable[int]], *, body_words: int = 25):
        self._keys = {h: frozenset(k) for h, k in keys_by_host.items()}
        self.body_words = body_words

    @classmethod
    def from_lines(cls, lines_by_host: Mapping[str, Iterable[str]], *, body_words: int = 25) -> "SiteTemplates":
        """Templates written by hand: ``{"example.com": ["Home", "Contact us"]}``.

        A host's value must be a list (or other iterable) of lines: a bare string would be read as its
        characters, a template of single letters, so it is refused like any other non-list.
        """
        keys: dict[str, set] = {}
        for host, lines in lines_by_host.items():
            if not isinstance(host, str):
                raise TypeError(f"site templates are keyed by host names (str), got {type(host).__name__}")
            if isinstance(lines, (str, bytes)) or not isinstance(lines, _Iterable):
                raise TypeError(f"site templates[{host!r}] must be a list of lines, got {type(lines).__name__}")
            lines = list(lines)
            bad = [type(line).__name__ for line in lines if not isinstance(line, str)]
            if bad:
                raise TypeError(f"site templates[{host!r}] must hold lines (str), got {bad[0]}")
            keys[site_host(host) or host] = {line_key(line) for line in lines}
        return cls(keys, body_words=body_words)

    @classmethod
    def learn(cls, pages: Iterable[tuple[Optional[str], object]], *, min_pages: int = 3, min_share: float = 0.5,
              body_words: int = 25, read: Optional[Callable[[object], Page]] = None,
              max_lines_per_host: int = 4096, max_entries: int = 2_000_000) -> "SiteTemplates":
        """Learn from ``(url, text_or_html)`` pairs; pages are split into lines as the cleaner splits them.

        ``read`` turns a page into a :class:`Page` (default: a default :class:`~declutter.Cleaner`'s
        ``read``); pass your cleaner's ``read`` so learning sees the lines that cleaning will see.
        """
        if read is None:
            from .cleaner import Cleaner  # imported here: the cleaner imports this module

            read = Cleaner().read
        learner = TemplateLearner(max_lines_per_host=max_lines_per_host, max_entries=max_entries)
        for i, item in enumerate(pages):
            url, content = _url_and_page(item, i)
            if site_host(url) is not None:
                try:
                    lines = read(content).lines
                except TypeError as exc:  # which page, of a stream of thousands
                    raise TypeError(f"pages item {i}: {exc}") from None
                learner.add(url, lines)
        return learner.templates(min_pages=min_pages, min_share=min_share, body_words=body_words)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (keys as sorted integers), so a job can save what it learned and resume."""
        return {"body_words": self.body_words, "hosts": {h: sorted(k) for h, k in sorted(self._keys.items())}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SiteTemplates":
        return cls(data["hosts"], body_words=int(data["body_words"]))

    def __getitem__(self, host: str) -> frozenset[int]:
        return self._keys[host]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def template_lines(self, url: Optional[str], lines: list[str]) -> np.ndarray:
        """Per line: is it one of the host's template lines and short enough not to be body text?"""
        keys = self._keys.get(site_host(url) or "")
        if not keys:
            return np.zeros(len(lines), dtype=bool)
        return np.fromiter((l.count(" ") + 1 < self.body_words and line_key(l) in keys for l in lines),
                           dtype=bool, count=len(lines))

    def mark(self, page: Page) -> int:
        """Turn the page's template lines into ``DROP`` rule hits; returns how many lines were marked.

        A certain ``keep`` rule and a section terminator win over the template: both are stronger,
        line-specific knowledge (and a terminator is dropped anyway, with its own effect on what follows).
        """
        if page.rule_action is None or page.rule_name is None:
            raise ValueError("mark() runs after rule matching (page.rule_action is not set)")
        hits = self.template_lines(page.url, page.lines)
        hits &= (page.rule_action != KEEP) & (page.rule_action != TERMINATOR)
        page.templated = hits & (page.rule_action != DROP)
        for i in np.flatnonzero(hits):
            page.rule_action[i] = DROP
            page.rule_name[i] = TEMPLATE_RULE
        return int(hits.sum())


def as_templates(value: object) -> Optional[SiteTemplates]:
    """``Config.site_templates`` as :class:`SiteTemplates`: learned ones as they are, a plain mapping of
    host -> lines as hand-written templates, None as none."""
    if value is None or isinstance(value, SiteTemplates):
        return value
    if isinstance(value, Mapping):
        return SiteTemplates.from_lines(value)
    raise TypeError(f"site_templates must be SiteTemplates or a mapping of host -> lines, got {type(value).__name__}")

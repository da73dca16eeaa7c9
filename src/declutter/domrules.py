"""DOM evidence rules as data: tag lists, ARIA roles and class/id words (``data/dom.toml``).

The shipped file and any user rule source (``Config.extra_rules``) that carries a ``[dom]`` table are
merged here, through the same sources the text rules load from, so one user file can hold both kinds of
rule. Schema: ``docs/rules.md``, section "HTML evidence".
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

from .rules import Rule, RuleError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_LIST_KEYS = ("skip_tags", "boiler_tags", "boiler_roles", "furniture_tags", "furniture_roles", "main_tags",
              "main_roles")
_WORD_KEYS = ("class_words", "class_exact")
# Tokens of a class/id value: lowercase runs and camelCase parts; "-", "_", digits and spaces separate.
_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
SCORE_CLIP = 3.0
# Distinct class/id values (and tokens) remembered per DomRules; a cache is emptied when it grows past this.
CACHE_SIZE = 50_000


@dataclass(frozen=True)
class DomRules:
    """Compiled DOM evidence; immutable (but for a cache of scored values), so one instance serves every thread."""

    skip_tags: frozenset[str]
    boiler_tags: frozenset[str]
    boiler_roles: frozenset[str]
    furniture_tags: frozenset[str]
    furniture_roles: frozenset[str]
    main_tags: frozenset[str]
    main_roles: frozenset[str]
    prefix_words: Mapping[str, float]
    exact_words: Mapping[str, float]
    prefix_lengths: tuple[int, ...]
    drop_hidden: bool = True
    image_alt: bool = False  # an <img>'s alt text read as text where the image stands ([dom] image_alt = "text")
    # Scores already computed: class/id value -> weights, and token -> weight. Sites repeat the same
    # values on every page ("container", "nav-link") and values share tokens, so each is scored once.
    # Two threads may both score the same value, with the same result.
    _values: dict[str, tuple[float, float]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _tokens: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def class_weights(self, value: str) -> tuple[float, float]:
        """Sums of the negative and of the positive weights of the words in one class/id attribute value."""
        weights = self._values.get(value)
        if weights is None:
            weights = _remember(self._values, value, self._score(value))
        return weights

    def _score(self, value: str) -> tuple[float, float]:
        tokens = self._tokens
        found = _TOKEN.findall(value)
        weights = list(map(tokens.get, found))
        if None in weights:
            weights = [_remember(tokens, tok, self.token_weight(tok.lower())) if w is None else w
                       for tok, w in zip(found, weights)]
        neg = pos = 0.0
        for w in filter(None, weights):  # tokens without weight would add 0.0, which changes nothing
            if w < 0:
                neg += w
            else:
                pos += w
        return neg, pos

    def token_weight(self, tok: str) -> float:
        """The weight of one lowercase token: an exact word, else its longest prefix word, else 0."""
        hit = self.exact_words.get(tok)
        if hit is None:
            hit = next((self.prefix_words[tok[:k]] for k in self.prefix_lengths if tok[:k] in self.prefix_words), None)
        return 0.0 if hit is None else hit


def _remember(cache: dict, key: str, value):
    """Store ``value`` under ``key``, emptying the cache first when it holds :data:`CACHE_SIZE` entries."""
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def _check(table: Any, where: str) -> dict[str, Any]:
    if not isinstance(table, Mapping):
        raise RuleError(f"{where}: [dom] must be a table")
    unknown = set(table) - set(_LIST_KEYS) - set(_WORD_KEYS) - {"hidden_elements", "image_alt"}
    if unknown:
        raise RuleError(f"{where}: unknown [dom] keys {sorted(unknown)}")
    if table.get("hidden_elements", "drop") not in ("drop", "evidence"):
        raise RuleError(f"{where}: [dom] hidden_elements must be 'drop' or 'evidence'")
    if table.get("image_alt", "skip") not in ("skip", "text"):
        raise RuleError(f"{where}: [dom] image_alt must be 'skip' or 'text'")
    for key in _LIST_KEYS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RuleError(f"{where}: [dom] {key} must be a list of non-empty strings")
    for key in _WORD_KEYS:
        words = table.get(key, {})
        if not isinstance(words, Mapping):
            raise RuleError(f"{where}: [dom.{key}] must be a table of word = weight")
        for word, weight in words.items():
            if not re.fullmatch(r"[a-z]+", word):
                raise RuleError(f"{where}: [dom.{key}] word {word!r} must be lowercase letters only")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                raise RuleError(f"{where}: [dom.{key}] {word} must have a number weight, got {weight!r}")
    return dict(table)


def _merge(tables: Iterable[dict[str, Any]]) -> DomRules:
    lists: dict[str, set[str]] = {k: set() for k in _LIST_KEYS}
    words: dict[str, dict[str, float]] = {k: {} for k in _WORD_KEYS}
    hidden, alt = "drop", "skip"
    for table in tables:
        hidden = table.get("hidden_elements", hidden)
        alt = table.get("image_alt", alt)
        for key in _LIST_KEYS:
            lists[key].update(v.lower() for v in table.get(key, []))
        for key in _WORD_KEYS:
            for word, weight in table.get(key, {}).items():
                # A word lives in one table only: re-declaring it elsewhere moves it there.
                for other in _WORD_KEYS:
                    words[other].pop(word, None)
                words[key][word] = float(weight)
    prefix = {w: v for w, v in words["class_words"].items() if v}
    exact = {w: v for w, v in words["class_exact"].items() if v}
    return DomRules(
        **{k: frozenset(v) for k, v in lists.items()},
        prefix_words=prefix,
        exact_words=exact,
        prefix_lengths=tuple(sorted({len(w) for w in prefix}, reverse=True)),
        drop_hidden=hidden == "drop",
        image_alt=alt == "text",
    )


@lru_cache(maxsize=1)
def _shipped_table() -> tuple[tuple[str, Any], ...]:
    text = (resources.files("declutter") / "data" / "dom.toml").read_text(encoding="utf-8")
    table = _check(tomllib.loads(text).get("dom", {}), "declutter/data/dom.toml")
    return tuple((k, v) for k, v in table.items())


def _user_table(source: Any) -> dict[str, Any] | None:
    """The ``[dom]`` table of one extra rule source, if it has one."""
    if isinstance(source, Rule):
        return None
    if isinstance(source, Mapping):
        return _check(source["dom"], "<dict>") if "dom" in source else None
    if isinstance(source, (str, Path)):
        try:
            data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
        except OSError as exc:
            raise RuleError(f"{source}: cannot read rule file ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"{source}: invalid TOML ({exc})") from None
        return _check(data["dom"], str(source)) if "dom" in data else None
    raise RuleError(f"extra rules must be paths or dicts, got {type(source).__name__}")


def load_dom_rules(extra: Iterable[Any] = ()) -> DomRules:
    """Shipped DOM rules merged with the ``[dom]`` tables of the user's rule sources."""
    tables = [dict(_shipped_table())]
    tables += [t for t in map(_user_table, extra) if t is not None]
    return _merge(tables)

"""The rule engine: boilerplate knowledge kept as data (TOML files), matched line by line.

A rule file holds ``[[rules]]`` tables (schema in ``docs/rules.md``)::

    language = "en"             # ISO 639-1 code, or "*" for rules that hold in every language
    [[rules]]
    name = "share-buttons"      # unique; a user rule with the same name replaces the shipped one
    action = "drop"             # drop | keep | terminator (a heading that opens a boilerplate section)
    certain = true              # true: decide without the model; false: only evidence (a model feature)
    match = "full"              # full: the whole line (surrounding punctuation ignored); search: anywhere
    max_words = 12              # only lines with at most this many words are tested
    contains = ["share", "tweet"]  # optional: lowercase literals, one of which must occur for the rule to run
    patterns = ["share( this)?( article| story)?", "tweet"]

All "full" patterns of one language are compiled into a single alternation with one named group per rule,
so a line costs one regex call whatever the number of rules. "search" rules scan the whole line, which is
slow in Python's regex engine, so each runs alone and only when one of its ``contains`` literals occurs
in the lowercased line (a substring test costs almost nothing).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import numpy as np

from .page import DROP, KEEP, NO_RULE, SOFT_DROP, SOFT_KEEP, TERMINATOR

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ACTIONS = ("drop", "keep", "terminator")
MATCHES = ("full", "search")


class RuleError(ValueError):
    """A rule file or dict that does not follow the schema; the message says where and what."""


@dataclass(frozen=True)
class Rule:
    name: str
    action: str
    patterns: tuple[str, ...]
    language: str = "*"
    certain: bool = False
    match: str = "full"
    max_words: int = 12
    enabled: bool = True
    contains: tuple[str, ...] = ()

    @property
    def code(self) -> int:
        """The :mod:`declutter.page` action code this rule assigns."""
        if self.action == "terminator":
            return TERMINATOR
        if self.action == "keep":
            return KEEP if self.certain else SOFT_KEEP
        return DROP if self.certain else SOFT_DROP


def _rule_from_dict(raw: Mapping[str, Any], language: str, where: str) -> Rule:
    unknown = set(raw) - {"name", "action", "patterns", "language", "certain", "match", "max_words", "enabled", "contains"}
    if unknown:
        raise RuleError(f"{where}: unknown rule keys {sorted(unknown)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise RuleError(f"{where}: every rule needs a non-empty 'name'")
    action = raw.get("action", "drop")
    if action not in ACTIONS:
        raise RuleError(f"{where}: rule {name!r}: action must be one of {ACTIONS}, got {action!r}")
    match = raw.get("match", "full")
    if match not in MATCHES:
        raise RuleError(f"{where}: rule {name!r}: match must be one of {MATCHES}, got {match!r}")
    patterns = raw.get("patterns", [])
    if isinstance(patterns, str):
        patterns = [patterns]
    if not raw.get("enabled", True):
        patterns = patterns or []
    elif not patterns or not all(isinstance(p, str) for p in patterns):
        raise RuleError(f"{where}: rule {name!r}: 'patterns' must be a non-empty list of strings")
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise RuleError(f"{where}: rule {name!r}: bad pattern {p!r}: {exc}") from None
    return Rule(
        name=name,
        action=action,
        patterns=tuple(patterns),
        language=str(raw.get("language", language)),
        certain=bool(raw.get("certain", False)),
        match=match,
        max_words=int(raw.get("max_words", 12)),
        enabled=bool(raw.get("enabled", True)),
        contains=tuple(str(c).lower() for c in raw.get("contains", ())),
    )


def rules_from_mapping(data: Mapping[str, Any], where: str = "<dict>") -> list[Rule]:
    """Rules from a parsed rule file (``{"language": ..., "rules": [...]}``)."""
    if not isinstance(data, Mapping):
        raise RuleError(f"{where}: a rule set must be a mapping, got {type(data).__name__}")
    language = str(data.get("language", "*"))
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise RuleError(f"{where}: 'rules' must be a list of tables")
    return [_rule_from_dict(r, language, f"{where} rule #{i + 1}") for i, r in enumerate(raw_rules)]


def load_rule_file(path: str | Path) -> list[Rule]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: invalid TOML ({exc})") from None
    return rules_from_mapping(data, str(path))


def shipped_rules() -> list[Rule]:
    """Every rule file inside the package (``declutter/data/rules/*.toml``), in file-name order."""
    folder = resources.files("declutter") / "data" / "rules"
    rules: list[Rule] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rules.extend(rules_from_mapping(tomllib.loads(entry.read_text(encoding="utf-8")), f"declutter/data/rules/{entry.name}"))
    return rules


def merge_rules(base: Iterable[Rule], extra: Iterable[Rule]) -> list[Rule]:
    """``extra`` rules replace same-named ``base`` rules; new names are appended."""
    merged = {r.name: r for r in base}
    for r in extra:
        merged[r.name] = r
    return [r for r in merged.values() if r.enabled]


@dataclass
class _Compiled:
    regex_full: Optional[re.Pattern[str]]
    by_group: dict[str, Rule]
    searches: list[tuple[Rule, re.Pattern[str]]]
    max_words: int


def _compile(rules: list[Rule]) -> _Compiled:
    by_group: dict[str, Rule] = {}
    full: list[str] = []
    searches: list[tuple[Rule, re.Pattern[str]]] = []
    # Keep rules first: when a keep and a drop pattern both match, the line is kept.
    order = {"keep": 0, "drop": 1, "terminator": 2}
    for i, rule in enumerate(sorted(rules, key=lambda r: order[r.action])):
        alternation = "|".join(f"(?:{p})" for p in rule.patterns)
        if rule.match == "full":
            group = f"r{i}"
            by_group[group] = rule
            full.append(f"(?P<{group}>{alternation})")
        else:
            searches.append((rule, re.compile(alternation, re.IGNORECASE)))
    regex_full = re.compile(r"^[\W_]*(?:" + "|".join(full) + r")[\W_]*$", re.IGNORECASE) if full else None
    max_words = max((r.max_words for r in rules), default=0)
    return _Compiled(regex_full, by_group, searches, max_words)


def _search(searches: list[tuple[Rule, re.Pattern[str]]], line: str, words: int) -> Optional[Rule]:
    lower = line.lower()
    for rule, regex in searches:
        if words > rule.max_words:
            continue
        if rule.contains and not any(c in lower for c in rule.contains):
            continue
        if regex.search(line):
            return rule
    return None


class RuleSet:
    """Compiled rules for every language; immutable after construction, so safe to share across threads."""

    def __init__(self, rules: Iterable[Rule]):
        self.rules: tuple[Rule, ...] = tuple(rules)
        langs = {r.language for r in self.rules} - {"*"}
        self._compiled: dict[str, _Compiled] = {"*": _compile(self._for("*"))}
        for lang in langs:
            self._compiled[lang] = _compile(self._for(lang))

    def _for(self, lang: str) -> list[Rule]:
        # English boilerplate ("Share", "Cookie settings") appears on pages in every language.
        wanted = {"*", "en", lang}
        return [r for r in self.rules if r.language in wanted]

    @classmethod
    def load(cls, extra: Iterable[Any] = ()) -> "RuleSet":
        """Shipped rules plus user rules (paths to TOML files or dicts in the same schema)."""
        user: list[Rule] = []
        for source in extra:
            if isinstance(source, Rule):
                user.append(source)
            elif isinstance(source, Mapping):
                user.extend(rules_from_mapping(source))
            elif isinstance(source, (str, Path)):
                user.extend(load_rule_file(source))
            else:
                raise RuleError(f"extra rules must be paths or dicts, got {type(source).__name__}")
        return cls(merge_rules(shipped_rules(), user))

    def languages(self) -> list[str]:
        return sorted(self._compiled)

    def match(self, lines: list[str], lang: Optional[str]) -> tuple[np.ndarray, list[Optional[str]]]:
        """Per line: the action code of the first matching rule and its name (``NO_RULE``/None if none)."""
        comp = self._compiled.get(lang or "en") or self._compiled.get("en") or self._compiled["*"]
        actions = np.zeros(len(lines), dtype=np.int8)
        names: list[Optional[str]] = [None] * len(lines)
        full, by_group, searches = comp.regex_full, comp.by_group, comp.searches
        max_chars = 12 * comp.max_words
        for i, line in enumerate(lines):
            if len(line) > max_chars:  # cheap pre-filter: rules only look at short lines
                continue
            words = line.count(" ") + 1
            m = full.match(line) if full is not None else None
            rule = by_group[m.lastgroup] if m is not None else None  # type: ignore[index]
            if rule is not None and words > rule.max_words:
                rule = None
            if rule is None and searches:
                rule = _search(searches, line, words)
            if rule is None:
                continue
            actions[i] = rule.code
            names[i] = rule.name
        return actions, names


def describe(rule: Rule) -> str:
    """A one-line human description, used by ``declutter explain``."""
    how = "certain" if rule.certain else "evidence"
    return f"{rule.name} ({rule.action}, {how}, {rule.language})"


__all__ = ["Rule", "RuleSet", "RuleError", "load_rule_file", "rules_from_mapping", "shipped_rules", "merge_rules", "describe", "replace"]

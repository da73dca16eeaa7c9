"""The rule engine: boilerplate knowledge kept as data (TOML files), matched line by line.

A rule file holds ``[[rules]]`` tables (schema in ``docs/rules.md``)::

    language = "en"             # ISO 639-1 code, or "*" for rules that hold in every language
    [[rules]]
    name = "share-buttons"      # unique; a user rule with the same name replaces the shipped one
    action = "drop"             # drop | keep | terminator (a heading that opens a boilerplate section)
    certain = true              # true: decide without the model; false: only evidence (a model feature)
    match = "full"              # full: the whole line (surrounding punctuation ignored); search: anywhere
    max_words = 12              # only lines with at most this many words are tested
    contains = ["share", "tweet"]  # optional: lowercase literals; the rule runs only on lines holding one
    patterns = ["share( this)?( article| story)?", "tweet"]

The full patterns of one language are also compiled into one alternation, so a line that is no
boilerplate label (most lines) costs one regex call for them whatever the number of rules; only lines it
hits are tried rule by rule in precedence order (:func:`precedence`), with the few search rules.
"""
from __future__ import annotations

import re
import sys
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

import numpy as np

from . import chars
from .language import normalized_language
from .linecounts import PageText
from .page import DROP, KEEP, SOFT_DROP, SOFT_KEEP, TERMINATOR
from .rulegate import FullGate, LiteralGate
from .regexrisk import nested_repeat

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
    contains: tuple[str, ...] = ()  # lowercase literals; a search rule runs only on lines holding one

    @property
    def code(self) -> int:
        """The :mod:`declutter.page` action code this rule assigns."""
        if self.action == "terminator":
            return TERMINATOR
        if self.action == "keep":
            return KEEP if self.certain else SOFT_KEEP
        return DROP if self.certain else SOFT_DROP


RULE_KEYS = {"name", "action", "patterns", "language", "certain", "match", "max_words", "enabled", "contains"}
FILE_KEYS = {"language", "rules", "dom"}  # [dom]: HTML evidence, read by domrules.py


def _checked(raw: Mapping[str, Any], key: str, kind: type, default: Any, where: str) -> Any:
    """``raw[key]`` if it has the right type; TOML ``certain = "false"`` must not silently mean True."""
    value = raw.get(key, default)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RuleError(f"{where}: {key!r} must be {kind.__name__}, got {value!r}")
    return value


def _checked_patterns(patterns: Any, enabled: bool, match: str, where: str, compile_them: bool = True) -> list[str]:
    """Valid regexes; a search pattern that matches the empty string would hit every line, and one that can
    backtrack exponentially (:mod:`declutter.regexrisk`) could hang on one line, so both are refused.

    ``compile_them=False`` checks only the types: for the shipped files, whose patterns the test suite
    compiles, since compiling each one twice here was most of a ``Cleaner``'s start-up."""
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, (list, tuple)) or not all(isinstance(p, str) and p for p in patterns):
        raise RuleError(f"{where}: 'patterns' must be a list of non-empty strings")
    if enabled and not patterns:
        raise RuleError(f"{where}: 'patterns' must not be empty (set enabled = false to switch a rule off)")
    for p in patterns if compile_them else ():
        try:
            as_joined = scoped(p)
            if _GLOBAL_FLAGS.search(as_joined):  # an error from Python 3.11; before, a warning, and the flags
                raise re.error("global flags not at the start of the expression")  # leak into joined patterns
            compiled = re.compile(p)
            re.compile(_wrapped(as_joined, match))  # as the engine uses it: joined with others, wrapped
        except re.error as exc:
            raise RuleError(f"{where}: bad pattern {p!r}: {exc}") from None
        if match == "search" and compiled.search("") is not None:
            raise RuleError(f"{where}: search pattern {p!r} matches the empty string, so it would hit every line")
        if nested_repeat(p):
            raise RuleError(f"{where}: pattern {p!r} repeats a group that can split one run of characters among "
                            "its iterations ((a+)+, (\\w+\\s?)+): Python's re tries every split on a line that "
                            "almost matches, which can take hours; give each iteration a required end "
                            "((\\w+\\s)+) or bound the outer repeat ({1,10})")
    return list(patterns)


_LEADING_FLAGS = re.compile(r"\(\?([aimsux]+)\)")
_GLOBAL_FLAGS = re.compile(r"(?<!\\)\(\?[aiLmsux]+\)")  # "(?s)", not "(?s:...)" nor an escaped "\(?s)"


def scoped(pattern: str) -> str:
    """``pattern`` with inline flags that open it (``(?s)cookie.*``) scoped to it (``(?s:cookie.*)``).

    A rule's patterns are joined into one regex with other rules' and wrapped (:func:`_wrapped`), and Python
    accepts global flags only at the very start of a regex; scoped, they mean the same for this pattern and
    leave the others alone.
    """
    m = _LEADING_FLAGS.match(pattern)
    if m is None:
        return pattern
    end = "\n)" if "x" in m.group(1) else ")"  # in verbose mode a trailing "# comment" would swallow the ")"
    return f"(?{m.group(1)}:{pattern[m.end():]}{end}"


def _wrapped(body: str, match: str, frame: str = chars.FRAME) -> str:
    """The regex a rule's joined patterns run as: a full rule must cover the line, bar ``frame`` (punctuation
    and spaces; :func:`chars.mark_frame` where the rules' own words hold combining marks)."""
    return f"^{frame}(?:{body}){frame}$" if match == "full" else body


def _rule_language(value: Any, where: str) -> str:
    """A rule's language as pages are tagged with it ("DE" and "German" are "de"), or "*" for every page."""
    if value == "*":
        return "*"
    try:
        return normalized_language(value)
    except (TypeError, ValueError) as exc:
        raise RuleError(f"{where}: {exc}") from None


def _checked_rule(rule: Rule) -> Rule:
    """A :class:`Rule` built in code, held to the schema of a rule read from a file by reading it as one."""
    return _rule_from_dict({**asdict(rule), "contains": list(rule.contains)}, rule.language, "<Rule>")


def _rule_from_dict(raw: Mapping[str, Any], language: str, where: str, compile_them: bool = True) -> Rule:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: a rule must be a table, got {type(raw).__name__}")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown rule keys {sorted(unknown)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise RuleError(f"{where}: every rule needs a non-empty 'name'")
    where = f"{where} ({name!r})"
    action = raw.get("action", "drop")
    if action not in ACTIONS:
        raise RuleError(f"{where}: action must be one of {ACTIONS}, got {action!r}")
    match = raw.get("match", "full")
    if match not in MATCHES:
        raise RuleError(f"{where}: match must be one of {MATCHES}, got {match!r}")
    enabled = _checked(raw, "enabled", bool, True, where)
    certain = _checked(raw, "certain", bool, False, where)
    max_words = _checked(raw, "max_words", int, 12, where)
    if max_words < 1:
        raise RuleError(f"{where}: 'max_words' must be at least 1, got {max_words}")
    patterns = _checked_patterns(raw.get("patterns", []), enabled, match, where, compile_them)
    contains = _checked(raw, "contains", list, [], where)
    if not all(isinstance(c, str) and c for c in contains):
        raise RuleError(f"{where}: 'contains' must be a list of non-empty strings")
    if "language" in raw:  # the file's language is read already
        language = _rule_language(raw["language"], where)
    return Rule(name=name, action=action, patterns=tuple(patterns), language=language, certain=certain,
                match=match, max_words=max_words, enabled=enabled, contains=tuple(c.lower() for c in contains))


def rules_from_mapping(data: Mapping[str, Any], where: str = "<dict>", *, compile_them: bool = True) -> list[Rule]:
    """Rules from a parsed rule file (``{"language": ..., "rules": [...]}``); ``compile_them``: see
    :func:`_checked_patterns`."""
    if not isinstance(data, Mapping):
        raise RuleError(f"{where}: a rule set must be a mapping, got {type(data).__name__}")
    unknown = set(data) - FILE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown top-level keys {sorted(unknown)} (expected 'language', [[rules]] and [dom])")
    language = _rule_language(data.get("language", "*"), where)
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise RuleError(f"{where}: 'rules' must be a list of tables")
    return [_rule_from_dict(r, language, f"{where} rule #{i + 1}", compile_them) for i, r in enumerate(raw_rules)]


def load_rule_file(path: str | Path) -> list[Rule]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule file ({exc})") from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: rule files must be UTF-8 ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: invalid TOML ({exc})") from None
    return rules_from_mapping(data, str(path))


def shipped_rules(checked: bool = False) -> list[Rule]:
    """Every rule file inside the package (``declutter/data/rules/*.toml``), in file-name order.

    Their patterns are compiled when a language is first used, not checked one by one on reading
    (``checked=True`` does that, as for a user's file; the test suite runs it)."""
    folder = resources.files("declutter") / "data" / "rules"
    rules: list[Rule] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rules.extend(rules_from_mapping(tomllib.loads(entry.read_text(encoding="utf-8")),
                                            f"declutter/data/rules/{entry.name}", compile_them=checked))
    return rules


def merge_rules(base: Iterable[Rule], extra: Iterable[Rule]) -> list[Rule]:
    """``extra`` rules replace same-named ``base`` rules; new names are appended."""
    merged = {r.name: r for r in base}
    for r in extra:
        merged[r.name] = r
    return [r for r in merged.values() if r.enabled]


def precedence(rule: Rule) -> int:
    """Lower wins when several rules match one line.

    Keep rules first (protecting a line is the user's strongest statement); then certain drops, which
    decide a line outright; then terminators, which also drop their own line once they cut the page, so a
    soft drop pattern must not hide them ("Read also:" is both a teaser link and a section heading);
    evidence-only drops last.
    """
    if rule.action == "keep":
        return 0
    if rule.action == "drop" and rule.certain:
        return 1
    if rule.action == "terminator":
        return 2
    return 3


_GROUP_REFS = re.compile(r"\(\?P[<=]|\\[1-9]|\(\?\(")


class _AnyOf:
    """Patterns tried one by one, for a rule whose patterns cannot be joined into one regex: named groups
    clash once joined (``(?P<n>..)`` twice), and a numbered back-reference (``\\1``) would point into
    another pattern's groups."""

    def __init__(self, regexes: list[re.Pattern[str]]):
        self.regexes = regexes

    def search(self, line: str) -> Optional[re.Match[str]]:
        for rx in self.regexes:
            found = rx.search(line)
            if found is not None:
                return found
        return None


RuleRegex = Union[re.Pattern[str], _AnyOf]


def _rule_regex(rule: Rule, frame: str = chars.FRAME) -> RuleRegex:
    """One regex for all of a rule's patterns (or :class:`_AnyOf` them when they use group references)."""
    patterns = [scoped(p) for p in rule.patterns]
    if len(patterns) > 1 and any(_GROUP_REFS.search(p) for p in patterns):
        return _AnyOf([re.compile(_wrapped(p, rule.match, frame), re.IGNORECASE) for p in patterns])
    return re.compile(_wrapped("|".join(f"(?:{p})" for p in patterns), rule.match, frame), re.IGNORECASE)


@dataclass
class _Compiled:
    """One language's rules: all full patterns as one pre-filter regex, then each rule in precedence order."""

    any_full: Optional[re.Pattern[str]]  # None: no pre-filter, try every full rule
    ordered: tuple[tuple[Rule, RuleRegex], ...]
    max_words: int
    full_gate: Optional[FullGate] = None        # None: no page-level gates, every line goes through _first_match
    literal_gate: Optional[LiteralGate] = None
    search_only: tuple[tuple[Rule, RuleRegex], ...] = ()  # the search rules of ``ordered``, in order
    literal_owners: dict = field(default_factory=dict)  # a search literal -> positions of the rules holding it
    _of_owners: dict = field(default_factory=dict)  # rule positions -> those rules, in order

    def candidates(self, owners: frozenset[int]) -> tuple[tuple[Rule, RuleRegex], ...]:
        """The rules at ``owners`` (positions in ``ordered``), in precedence order."""
        found = self._of_owners.get(owners)
        if found is None:
            found = tuple(self.ordered[k] for k in sorted(owners))
            if len(self._of_owners) < 100_000:  # bounded, like the gate's cache
                self._of_owners[owners] = found
        return found


def _compile(rules: list[Rule]) -> _Compiled:
    ordered = sorted(rules, key=precedence)  # sorted() is stable: file order within one precedence level
    # Every full pattern, scoped, with its rule's word limit and position (the full gate reads all three).
    full_patterns = [(scoped(p), r.max_words, k) for k, r in enumerate(ordered) if r.match == "full"
                     for p in r.patterns]
    full = [p for p, _, _ in full_patterns]
    # Group names and back-references ((?P<x>..), \1) change meaning once patterns are joined; then no
    # pre-filter, and every full rule is tried on every line.
    joinable = full and not any(_GROUP_REFS.search(p) for p in full)
    frame = chars.mark_frame() if any(chars.holds_mark(p) for p in full) else chars.FRAME
    any_full = re.compile(_wrapped("|".join(f"(?:{p})" for p in full), "full", frame), re.IGNORECASE) if joinable else None
    compiled = tuple((r, _rule_regex(r, frame)) for r in ordered)
    search = [r for r in ordered if r.match == "search"]
    # The gates need the combined regex's guarantee and a literal gate on every search rule.
    gated = any_full is not None and all(r.contains and not any("\n" in c for c in r.contains) for r in search)
    full_gate = FullGate(full_patterns, frame) if gated else None
    owners: dict[str, set[int]] = {}  # each search literal -> the positions of the rules holding it
    for k, r in enumerate(ordered):
        for c in r.contains if r.match == "search" else ():
            owners.setdefault(c, set()).add(k)
    literal_gate = LiteralGate(list(owners)) if gated else None
    search_only = tuple((r, rx) for r, rx in compiled if r.match == "search")
    return _Compiled(any_full, compiled, max((r.max_words for r in rules), default=0), full_gate, literal_gate,
                     search_only, {c: frozenset(ks) for c, ks in owners.items()})


def _first_match(line: str, comp: _Compiled, candidates: Optional[tuple] = None) -> Optional[Rule]:
    """The highest-precedence rule that matches ``line`` and allows its word count.

    Full rules are only tried when the combined full regex matched (most lines are not boilerplate
    labels); search rules are few and each is tried on the lines short enough for it. A caller that knows
    which rules could match (:func:`_lines_to_try`) passes them, in precedence order, as ``candidates``.
    """
    if candidates is None:
        full_hit = comp.any_full is None or comp.any_full.match(line) is not None
        candidates = comp.ordered if full_hit else comp.search_only
    n_words = line.count(" ") + 1
    lower = line.lower()
    for rule, rx in candidates:
        if rule.contains and not any(c in lower for c in rule.contains):
            continue  # a substring test is far cheaper than a regex search over the line
        if n_words <= rule.max_words and rx.search(line) is not None:
            return rule
    return None


class RuleSet:
    """The rules of every language, each language compiled on its first page; safe to share across threads.

    Compiling is lazy because it is the largest part of starting up (about 40 ms a language for the shipped
    rules, ten languages): a process that cleans one page, or only English pages, compiles one or two. Every
    pattern has already been checked when its rule was read, so compiling later cannot raise; a lock makes
    concurrent first pages of a language compile it once.
    """

    def __init__(self, rules: Iterable[Rule]):
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._languages = frozenset({r.language for r in self.rules} | {"*"})
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def __reduce__(self):
        return (type(self), (self.rules,))  # the lock and the compiled tables are rebuilt, not pickled

    def compiled(self, lang: Optional[str]) -> _Compiled:
        """The compiled rules a page in ``lang`` gets: its own language's (with ``*`` and ``en``), else
        English's, else the language-neutral ones."""
        key = lang or "en"
        if key not in self._languages:
            key = "en" if "en" in self._languages else "*"
        comp = self._compiled.get(key)
        if comp is None:
            with self._lock:
                comp = self._compiled.get(key)
                if comp is None:
                    comp = self._compiled[key] = _compile(self._for(key))
        return comp

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
                user.append(_checked_rule(source))
            elif isinstance(source, Mapping):
                user.extend(rules_from_mapping(source))
            elif isinstance(source, (str, Path)):
                user.extend(load_rule_file(source))
            else:
                raise RuleError(f"extra rules must be paths or dicts, got {type(source).__name__}")
        if not user and cls is RuleSet:
            return _shipped_ruleset()
        return cls(merge_rules(shipped_rules(), user))

    def languages(self) -> list[str]:
        return sorted(self._languages)

    def covers(self, lang: Optional[str]) -> bool:
        """Are there rules written for ``lang`` itself (not only the language-neutral and English ones
        every page gets)? A page in another language can hold boilerplate no rule knows."""
        return lang is not None and lang != "*" and lang in self._languages

    def match(self, lines: list[str], lang: Optional[str], view: Optional[PageText] = None
              ) -> tuple[np.ndarray, list[Optional[str]]]:
        """Per line: the action code of the first matching rule and its name (``NO_RULE``/None if none).

        ``view``: the lines' :class:`~declutter.linecounts.PageText`, when the caller has built it already.
        """
        comp = self.compiled(lang)
        actions = np.zeros(len(lines), dtype=np.int8)
        names: list[Optional[str]] = [None] * len(lines)
        for i, candidates in _lines_to_try(lines, comp, view):
            rule = _first_match(lines[i], comp, candidates)
            if rule is not None:
                actions[i] = rule.code
                names[i] = rule.name
        return actions, names


def _lines_to_try(lines: list[str], comp: _Compiled, view: Optional[PageText] = None
                  ) -> list[tuple[int, Optional[tuple]]]:
    """(index, candidate rules) of every line some rule could match, in order; None: every rule.

    Rules only look at lines of at most 12 characters per allowed word. Within those, the gates of
    :mod:`declutter.rulegate` pass the lines a full rule could match (with those full rules) and the lines
    holding a search rule's literal (with the search rules that hold a literal found on the line); every
    other line is certain to match nothing.
    """
    limit = 12 * comp.max_words
    if comp.full_gate is not None and comp.literal_gate is not None:
        view = view if view is not None else PageText.of(lines)
    if comp.full_gate is None or comp.literal_gate is None or view is None:
        return [(i, None) for i, line in enumerate(lines) if len(line) <= limit]
    lens, cp, flags, starts = view.lens, view.cp, view.flags, view.starts
    n_words = np.add.reduceat(cp == 32, starts, dtype=np.int64) + 1
    has_letter = view.per_line((flags & chars.LETTER).astype(bool)) > 0
    first_is_word = (flags[starts] & chars.WORD).astype(bool) & (cp[starts] != 95)
    gate = comp.full_gate
    short = np.flatnonzero((lens <= limit) & (n_words <= gate.max_words))
    full = gate.hits(lines, short, n_words, first_is_word, has_letter)
    low = view.lowered()
    found = comp.literal_gate.occurrences(low.text, low.cp)
    owners: dict[int, frozenset[int]] = dict(full)
    if found:
        at = low.line_of(np.fromiter((p for p, _ in found), dtype=np.int64, count=len(found))).tolist()
        by_literal = comp.literal_owners
        for i, (_, lit) in zip(at, found):
            owners[i] = owners.get(i, frozenset()) | by_literal[lit]
    return [(i, comp.candidates(owners[i])) for i in sorted(owners) if lens[i] <= limit]


@lru_cache(maxsize=1)
def _shipped_ruleset() -> RuleSet:
    """The shipped rules, read once per process and shared: a RuleSet's rules never change (it compiles
    each language once, on its first page), so every ``Cleaner`` without extra rules uses this one."""
    return RuleSet(merge_rules(shipped_rules(), []))

"""Rule patterns that can make Python's ``re`` backtrack for minutes on one line.

``re`` has no time limit. A repeated group whose body can match a run of characters in more than one way,
``(a+)+`` or ``(\\w+\\s?)+``, tries every way of splitting that run among its iterations before it gives up
on a line that almost matches: 2**n ways for a run of n characters, so a 40-letter word hangs the process.
A user rule file is configuration, but a hang is the worst answer to it, so such a pattern is refused when
the rule is read (:func:`nested_repeat`), with the piece to rewrite.

The test is the textbook one, on the parse tree ``re`` itself builds: a repeat that can iterate many times
(unbounded, or more than ``MANY`` times) whose body holds an unbounded repeat and nothing it must match
besides. ``(\\w+\\s)+`` passes, since each iteration must end on the space; ``(\\w+\\s?)+`` does not.
It does not prove a pattern safe: alternatives that overlap (``(a|ab)+``) and a body whose required
separator its repeat can also match (``([^.]{1,60} > )+``) are not caught; the shipped patterns are also
held to a word limit (``max_words``) that bounds how long a line they ever see.
"""
from __future__ import annotations

from typing import Optional

try:  # Python 3.11+
    from re import _constants as C, _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

# An outer repeat allowed more iterations than this can split a run in enough ways to hang.
MANY = 10
_BACKTRACKING = tuple(getattr(C, n) for n in ("MAX_REPEAT", "MIN_REPEAT") if hasattr(C, n))
_NO_BACKTRACK = tuple(getattr(C, n) for n in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP") if hasattr(C, n))


def _rest_can_be_empty(body, k: int) -> bool:
    """Can everything in ``body`` but its k-th item match the empty string?"""
    items = list(body)
    return sre_parse.SubPattern(body.state, items[:k] + items[k + 1:]).getwidth()[0] == 0


def _splits_a_run(body) -> bool:
    """Can one iteration of ``body`` be an unbounded repeat alone, everything else in it optional?"""
    for k, (op, av) in enumerate(body):
        if op in _BACKTRACKING:
            alone = av[1] == C.MAXREPEAT or _splits_a_run(av[2])
        elif op is C.SUBPATTERN:
            alone = _splits_a_run(av[-1])
        elif op is C.BRANCH:
            alone = any(_splits_a_run(b) for b in av[1])
        else:
            alone = False
        if alone and _rest_can_be_empty(body, k):
            return True
    return False


def _find(items) -> Optional[tuple[int, int]]:
    """(min, max) of the first outer repeat found whose iterations can split one run, else None."""
    for op, av in items:
        if op in _NO_BACKTRACK:
            continue
        if op in _BACKTRACKING:
            lo, hi, body = av
            if (hi == C.MAXREPEAT or hi > MANY) and _splits_a_run(body):
                return lo, hi
            found = _find(body)
        elif op is C.SUBPATTERN:
            found = _find(av[-1])
        elif op is C.BRANCH:
            found = next(filter(None, map(_find, av[1])), None)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            found = _find(av[1])
        else:
            found = None
        if found:
            return found
    return None


def nested_repeat(pattern: str) -> bool:
    """Does ``pattern`` repeat a group that can split one run of characters among its iterations?

    ``pattern`` must compile (the caller has checked). Case-insensitivity does not change the answer.
    """
    return _find(sre_parse.parse(pattern)) is not None

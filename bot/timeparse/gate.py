"""Cheap pre-checks for the lexicon rewrites: which literal text a regex cannot match without.

A lexicon holds ~50 ordered rewrites and a message triggers few of them; running every
``re.sub`` costs as much as the English rules themselves.  :func:`required_words` reads
the compiled pattern's syntax tree and returns words of which at least one must occur
in any match (``\\bentre\\s+...`` needs "entre"; ``\\bhoy\\s+noche|\\besta\\s+noche``
needs "noche"; ``\\d{1,2}\\s*h`` needs a digit, written :data:`DIGIT`), or an empty set
when no such guarantee exists, in which case the rewrite always runs.  ``word in text``
over a couple of words is far cheaper than a regex scan, and a wrong answer here is
impossible by construction, not just unlikely: only literals that every match must
contain are used.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The regex parser is private but stable; Python 3.11 (our floor) moved it under re.
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_LITERAL = sre_constants.LITERAL
_SUBPATTERN = sre_constants.SUBPATTERN
_BRANCH = sre_constants.BRANCH
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
_IN = sre_constants.IN
_CATEGORY = sre_constants.CATEGORY
_CATEGORY_DIGIT = sre_constants.CATEGORY_DIGIT
_MIN_WORD = 3
DIGIT = "\x00digit"  # stands for "some digit" in a gate; never occurs in a message
DIGIT_GATE = frozenset({DIGIT})


def _runs(items: Any) -> list[str]:
    """Maximal literal runs in one sequence of parsed items."""
    runs, current = [], []
    for op, arg in items:
        if op is _LITERAL:
            current.append(chr(arg))
            continue
        if current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _is_digit_class(op: Any, arg: Any) -> bool:
    return op is _IN and len(arg) == 1 and arg[0] == (_CATEGORY, _CATEGORY_DIGIT)


def _sequence(items: Any) -> frozenset[str]:
    """Best any-of set for a sequence: one required item, the one with the longest words."""
    options: list[frozenset[str]] = [frozenset({r}) for r in _runs(items) if len(r) >= _MIN_WORD]
    for op, arg in items:
        if _is_digit_class(op, arg):
            options.append(DIGIT_GATE)
        elif op is _SUBPATTERN:
            options.append(_sequence(arg[-1]))
        elif op is _BRANCH:
            branches = [_sequence(branch) for branch in arg[1]]
            if all(branches):
                options.append(frozenset().union(*branches))
        elif op in _REPEATS and arg[0] >= 1:
            options.append(_sequence(arg[2]))
    options = [o for o in options if o]
    if not options:
        return frozenset()
    # Prefer a literal word (rarer) over "some digit"; among words, the longest.
    return max(options, key=lambda o: (DIGIT not in o, min(len(w) for w in o), -len(o)))


def required_words(pattern: re.Pattern[str]) -> frozenset[str]:
    """Words one of which every match of *pattern* contains; empty when none is certain."""
    if pattern.flags & re.IGNORECASE:
        return frozenset()
    return _sequence(sre_parse.parse(pattern.pattern, pattern.flags))


_HAS_DIGIT = re.compile(r"\d")
Replacement = str | Callable[[re.Match[str]], str]


class Rewrite:
    """``pattern.sub(repl, text)``, skipped when the text lacks what every match needs."""

    __slots__ = ("digit", "pattern", "repl", "words")

    def __init__(self, pattern: re.Pattern[str] | str, repl: Replacement) -> None:
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self.repl = repl
        needed = required_words(self.pattern)
        self.words: tuple[str, ...] | None = tuple(sorted(needed - {DIGIT})) if needed else None
        self.digit = DIGIT in needed

    def could_match(self, text: str) -> bool:
        """False only when no match is possible (True may still find none)."""
        if self.words is None:
            return True
        for word in self.words:
            if word in text:
                return True
        return self.digit and _HAS_DIGIT.search(text) is not None

    def sub(self, text: str) -> str:
        return self.pattern.sub(self.repl, text) if self.could_match(text) else text

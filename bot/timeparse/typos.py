"""Near-miss spellings of day and part-of-day words ("satuday", "thrusday", "tomorrw").

A token is corrected when it is within Damerau-Levenshtein distance 1 of exactly
one vocabulary word (distance 2 for words of 8+ letters).  Short tokens (< 5
letters) and a few real words that sit close to the vocabulary are left alone.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

VOCABULARY = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "tomorrow",
    "tonight",
    "morning",
    "afternoon",
    "evening",
    "weekend",
    "lunchtime",
    "january",
    "february",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_REAL_WORDS = frozenset({"sundry", "sundae", "mourning", "evenings", "tonights", "todays"})
_MAX_TOKEN = 14
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Neighbouring keys on a row: the slip behind most one-letter typos ("sexra", "juebes").
# Such a substitution costs 1 even where other substitutions are barred (see distance).
ADJACENT_KEYS = frozenset(
    pair for row in _KEY_ROWS for a, b in pairwise(row) for pair in (a + b, b + a)
)


def distance(a: str, b: str, limit: int, substitution: int = 1) -> int:
    """Optimal-string-alignment distance, stopping early once above *limit*.

    *substitution* is the cost of replacing a letter; 2 allows only insertions, deletions
    and swaps, so that a real word ("teria") is not read as a near one ("terca").  A letter
    replaced by its neighbour on the keyboard always costs 1: that is a slip, not a word.
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1 if ca + cb in ADJACENT_KEYS else substitution
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=4096)
def correct(token: str) -> str:
    """The vocabulary word *token* is a near miss of, else *token* unchanged."""
    if len(token) < 5 or len(token) > _MAX_TOKEN or not token.isalpha() or token in _REAL_WORDS:
        return token
    matches = set()
    for word in VOCABULARY:
        limit = 2 if len(word) >= 8 else 1
        if abs(len(word) - len(token)) <= limit and distance(token, word, limit) <= limit:
            matches.add(word)
    return matches.pop() if len(matches) == 1 else token

"""Which language a short chat message is in: a pure, lexicon-driven scorer.

    detect_language("quiero una cita mañana a las 10")  -> "es"
    detect_language("morgen um 10")                      -> "de"
    detect_language("14/8 at 4")                         -> "en"
    detect_language("10:30")                             -> None  (nothing to go on)

Every lexicon file lists ``markers`` (common words of the language) and ``letters``
(characters only it uses much).  A word counts 1/k for each of the k languages that
list it, so shared words ("a", "de", "para") weigh little and distinctive ones
("übermorgen", "amanhã", "quiero") decide; a typical letter ("ñ", "ã", "ß") adds 1.
*hint* (a language or locale such as "pt-BR", e.g. from Telegram or the phone number's
country) adds a small bonus, so it only decides when the text itself is undecided.
Built for messages of a few words: no n-gram model, no I/O, microseconds per call.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.timeparse.lexicon import BASE, Lexicon, fold, lexicon_for, lexicons
from bot.timeparse.zones import ABBREVIATIONS

ZONE_WORDS = frozenset(ABBREVIATIONS)
_ZONE_AFTER_TIME = re.compile(
    r"(?:\d|\d\s*[ap]m|\bnoon|\bmidnight)\s*\b(?:"
    + "|".join(sorted(ZONE_WORDS, key=len, reverse=True))
    + r")\b"
)

HINT_BONUS = 0.5
MIN_SCORE = 0.5
COMPOUND = 10  # an unknown word this long may be a compound of a known one
# Letters glued to a number ("9am", "15h", "7th") are units, not words of a language.
_TOKEN = re.compile(r"(?<![0-9])[a-z]+")


@lru_cache(maxsize=1)
def _weights() -> dict[str, tuple[tuple[str, float], ...]]:
    """Token -> (language, weight): a time word of the lexicon weighs 2, a marker 1,
    split among the languages that share it."""
    table: dict[str, dict[str, float]] = {}
    for code, lex in lexicons().items():
        # "est", "cet", "ist" are French/German words but also zone names: "3pm EST" is English.
        for word in lex.markers - ZONE_WORDS:
            table.setdefault(word, {})[code] = 2.0 if word in lex.time_words else 1.0
    return {
        word: tuple((c, w / len(codes)) for c, w in codes.items()) for word, codes in table.items()
    }


@lru_cache(maxsize=1)
def _heads() -> dict[str, tuple[tuple[str, float], ...]]:
    """Long time words that start compounds ("dienstag" in "dienstagnachmittag")."""
    return {w: found for w, found in _weights().items() if len(w) >= 6 and w.isalpha()}


def _compound(token: str) -> tuple[tuple[str, float], ...]:
    heads = _heads()
    for end in range(len(token) - 3, 5, -1):
        found = heads.get(token[:end])
        if found:
            return found
    return ()


def _near_misses(folded: str) -> dict[str, float]:
    """Little recognised: score misspelt time words ("deamin", "segunad", "mittwoh")."""
    scores: dict[str, float] = {}
    for token in _TOKEN.findall(folded):
        for code, lex in lexicons().items():
            fixed = lex.correct(token)
            if fixed != token:
                scores[code] = scores.get(code, 0.0) + 1.0
    return scores


def language_scores(text: str, *, hint: str | None = None) -> dict[str, float]:
    """Score per language code (higher = more likely); empty when nothing matched."""
    weights = _weights()
    scores: dict[str, float] = {}
    folded = fold(text)
    for token in _TOKEN.findall(folded):
        found = weights.get(token) or (_compound(token) if len(token) >= COMPOUND else ())
        for code, weight in found:
            scores[code] = scores.get(code, 0.0) + weight

    if not text.isascii():
        lowered = text.lower()
        all_lexicons: dict[str, Lexicon] = lexicons()
        for code, lex in all_lexicons.items():
            hits = sum(lowered.count(ch) for ch in lex.letters)
            if hits:
                scores[code] = scores.get(code, 0.0) + hits
    # "10am IST", "noon EDT": a zone after a time is read by the base (English) rules.
    zones = len(_ZONE_AFTER_TIME.findall(folded))
    if zones:
        scores[BASE] = scores.get(BASE, 0.0) + zones
    if max(scores.values(), default=0.0) < 1.0:  # little evidence: look for misspellings
        for code, score in _near_misses(folded).items():
            scores[code] = scores.get(code, 0.0) + score
    hinted = lexicon_for(hint)
    if hinted is not None and scores:
        scores[hinted.code] = scores.get(hinted.code, 0.0) + HINT_BONUS
    return scores


def rank_languages(text: str, *, hint: str | None = None) -> list[str]:
    """Language codes tied for the best score, in the order to try them.

    A tie goes to the *hint*'s language first, then to English (the rules' own
    language), then alphabetically; the parser tries them in this order until one
    reading finds something.
    """
    scores = language_scores(text, hint=hint)
    hinted = lexicon_for(hint)
    if not scores:
        return [hinted.code] if hinted is not None else []
    best = max(scores.values())
    if best < MIN_SCORE:
        return []
    first = hinted.code if hinted is not None else None
    leaders = [code for code, score in scores.items() if score == best]
    return sorted(leaders, key=lambda code: (code != first, code != BASE, code))


def detect_language(text: str, *, hint: str | None = None) -> str | None:
    """The most likely language code of *text*, or None when nothing in it tells."""
    ranked = rank_languages(text, hint=hint)
    return ranked[0] if ranked else None

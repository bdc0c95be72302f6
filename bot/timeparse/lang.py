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

from bot.timeparse.lexicon import Lexicon, fold, lexicon_for, lexicons
from bot.timeparse.zones import ABBREVIATIONS

ZONE_WORDS = frozenset(ABBREVIATIONS)

HINT_BONUS = 0.5
MIN_SCORE = 0.5
_TOKEN = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def _weights() -> dict[str, tuple[tuple[str, float], ...]]:
    table: dict[str, list[str]] = {}
    for code, lex in lexicons().items():
        # "est", "cet", "ist" are French/German words but also zone names: "3pm EST" is English.
        for word in lex.markers - ZONE_WORDS:
            table.setdefault(word, []).append(code)
    return {word: tuple((c, 1 / len(codes)) for c in codes) for word, codes in table.items()}


def language_scores(text: str, *, hint: str | None = None) -> dict[str, float]:
    """Score per language code (higher = more likely); empty when nothing matched."""
    weights = _weights()
    scores: dict[str, float] = {}
    for token in _TOKEN.findall(fold(text)):
        for code, weight in weights.get(token, ()):
            scores[code] = scores.get(code, 0.0) + weight
    lowered = text.lower()
    all_lexicons: dict[str, Lexicon] = lexicons()
    for code, lex in all_lexicons.items():
        hits = sum(lowered.count(ch) for ch in lex.letters)
        if hits:
            scores[code] = scores.get(code, 0.0) + hits
    hinted = lexicon_for(hint)
    if hinted is not None and scores:
        scores[hinted.code] = scores.get(hinted.code, 0.0) + HINT_BONUS
    return scores


def detect_language(text: str, *, hint: str | None = None) -> str | None:
    """The most likely language code of *text*, or None when nothing in it tells.

    A tie goes to the *hint*'s language when it is among the best, else to a language
    other than English (the parser retries English when that reading finds nothing),
    else to the alphabetically first code.
    """
    scores = language_scores(text, hint=hint)
    if not scores:
        hinted = lexicon_for(hint)
        return hinted.code if hinted is not None else None
    best = max(scores.values())
    if best < MIN_SCORE:
        return None
    leaders = sorted(code for code, score in scores.items() if score == best)
    hinted = lexicon_for(hint)
    if hinted is not None and hinted.code in leaders:
        return hinted.code
    return sorted(leaders, key=lambda code: (code == "en", code))[0]

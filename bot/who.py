"""Which provider a message asks for (issue 13.5): a name, "anyone", or "the same person as
last time". Pure; the words are data in bot/lexicons/<lang>.toml (anyone, anyone_exact,
usual, provider_lead, name_words), read for every language at once.

A provider whose name is also an ordinary word ("Will", "May", "June") is heard only where
a name is meant -- after "with"/"con"/"mit"/"avec"/"com", or as the whole reply -- so "will
you be open?" or "any time in may" never picks somebody.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from bot.intents import ANYONE, Words, normalise, tables
from core.model import Provider

USUAL = "~usual"  # provider sentinel: whoever the customer saw last time (bot.machine asks)

__all__ = ["ANYONE", "USUAL", "asked_about", "match_provider", "names_usual"]

# Polite words that may stand around a bare name ("Will please", "Alex, thanks").
_AROUND_A_NAME = frozenset({"please", "pls", "plz", "thanks", "ok", "okay", "then", "just",
                            "por", "favor", "bitte", "merci", "s'il", "vous", "plait", "obrigado",
                            "obrigada", "gracias", "danke"})
_NUMBER = re.compile(r"\d")


def names_usual(text: str) -> bool:
    """"same person as last time", "my usual", "el de siempre", "wie letztes Mal"."""
    return bool(tables().usual.search(normalise(text)))


def match_provider(text: str, providers: Sequence[Provider]) -> str | None:
    """A provider key, ANYONE, USUAL, or None when no provider is named."""
    t = normalise(text)
    table = tables()
    if table.usual.search(t):
        return USUAL
    if t in table.anyone_exact or table.anyone.search(t):
        return ANYONE
    words = t.split()
    for p in providers:
        if _named(p, t, words, table):
            return p.key
    return None


def _named(p: Provider, t: str, words: list[str], table: Words) -> bool:
    full = normalise(p.name) or p.key
    first = full.split()[0]
    if " " in full and f" {full} " in f" {t} ":
        return True  # the full name said: "Will Smith" is meant
    if first in words:
        return first not in table.name_words or _meant_as_name(first, words, table)
    # A typo'd name counts only after "with"/"by", so no stray word picks someone.
    return (len(first) >= 4 and any(w in table.provider_lead for w in words)
            and bool(difflib.get_close_matches(first, words, n=1, cutoff=0.85)))


def _meant_as_name(name: str, words: list[str], table: Words) -> bool:
    """A name that is also a word counts after a lead word ("with will", not followed by a
    number: "by may 5" is a date), or when the message is little more than the name."""
    if all(w == name or w in _AROUND_A_NAME for w in words):
        return True
    for i, w in enumerate(words):
        if w != name or i == 0 or words[i - 1] not in table.provider_lead:
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        if not _NUMBER.match(after):
            return True
    return False


def asked_about(text: str, providers: Sequence[Provider]) -> str | None:
    """The provider a question about their days is about ("is jordan in on tuesday?",
    "does alex work saturdays?", "¿Jordan trabaja el martes?"), or None."""
    key = match_provider(text, providers)
    if key in (None, ANYONE, USUAL):
        return None
    t = normalise(text)
    table = tables()
    words = set(t.split()) | {p for p in table.provider_question if " " in p and p in t}
    asks = text.rstrip().endswith("?") or any(
        t.startswith(f"{w} ") for w in table.provider_question_start)
    return key if asks and words & table.provider_question else None

"""Build the conversation's lazily compiled tables before the first customer writes.

The lexicons, the intent and language tables and dateparser's zone patterns are compiled
on first use and cached for the life of the process; left to the first message, that is
about 150 ms of CPU (seconds on a busy machine) added to one customer's reply, in every
web process. ``serve`` calls :func:`warm_up` before it listens, so that cost is paid while
the process is not yet taking requests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot import intents
from bot.language import choosing, detect
from bot.timeparse.lexicon import lexicons
from bot.timeparse.parser import read_time

# One phrase the rules read and one they hand to dateparser (its fallback), per pass.
_PHRASES = ("tomorrow at 10am", "hi")
_NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


def warm_up() -> int:
    """Touch every cached table once; returns how many languages were warmed."""
    codes = list(lexicons())
    intents.tables()
    choosing()  # the [language] words: explicit requests and the /language menu
    zone = ZoneInfo("Europe/London")
    for code in codes:
        for phrase in _PHRASES:
            read_time(phrase, now=_NOW, tz=zone, lang=code)
    for phrase in _PHRASES:
        intents.detect(phrase)
        detect(phrase, codes)
    return len(codes)

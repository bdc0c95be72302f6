"""Which language to answer a customer in, when nothing has decided it yet.

The text is the evidence: the time parser's per-language lexicon scores (bot.timeparse.lang)
plus the intent words of bot/lexicons/<lang>.toml (intents.keyword_scores). Only a clear
lead decides ("hola" or "morgen um 10" do; "10:30", "hi" or a bare service name do not), so a
short ambiguous message never switches a conversation into a language its writer does not use.
"""

from __future__ import annotations

from collections.abc import Collection

from bot import intents
from bot.timeparse.lang import language_scores

# A clear lead: this much evidence in all, and this much more than the runner-up.
MIN_EVIDENCE = 2.0
MIN_LEAD = 1.0


def scores(text: str) -> dict[str, float]:
    """Evidence per language code: time-parser lexicon scores plus intent keywords."""
    total = dict(language_scores(text))
    for code, score in intents.keyword_scores(text).items():
        total[code] = total.get(code, 0.0) + score
    return total


def detect(text: str, offered: Collection[str]) -> str | None:
    """The offered language *text* is clearly written in, or None when it does not tell."""
    ranked = sorted(((s, code) for code, s in scores(text).items() if code in offered),
                    reverse=True)
    if not ranked or ranked[0][0] < MIN_EVIDENCE:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < MIN_LEAD:
        return None
    return ranked[0][1]

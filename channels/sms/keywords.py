"""Twilio's standard SMS keywords, honoured only when they are the WHOLE message.

"CANCEL" alone is an opt-out keyword at Twilio (its Advanced Opt-Out blocks the number at
the carrier level whatever we do), so we record it as one too; "cancel my booking",
"cancel 2" or "cancel tomorrow" are ordinary conversation. "YES" opts back in only a
number that is opted out; otherwise it is the conversation's "yes".
"""

from __future__ import annotations

from enum import StrEnum


class Keyword(StrEnum):
    OPT_OUT = "stop"  # the conversation's own word for it
    OPT_IN = "start"
    HELP = "help"


OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke",
                     "optout"})
OPT_IN = frozenset({"start", "unstop", "yes"})
OPT_IN_ALWAYS = frozenset({"start", "unstop"})
HELP = frozenset({"help", "info"})


def normalise(body: str) -> str:
    """Trim, drop trailing punctuation, lowercase: 'Stop.' and ' STOP ' are both 'stop'."""
    return body.strip().rstrip(".!").strip().lower()


def keyword(body: str, *, opted_out: bool) -> Keyword | None:
    word = normalise(body)
    if word in OPT_OUT:
        return Keyword.OPT_OUT
    if word in OPT_IN_ALWAYS or (opted_out and word in OPT_IN):
        return Keyword.OPT_IN
    if word in HELP:
        return Keyword.HELP
    return None

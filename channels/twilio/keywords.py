"""Opt-out, opt-in and help keywords, honoured only when they are the WHOLE message.

The common set is what every Twilio messaging channel honours. SMS adds "cancel" (a
carrier keyword under Twilio's Advanced Opt-Out, see ``channels.sms.keywords``); on WhatsApp
"cancel" stays ordinary conversation. "YES" opts back in only a number that is opted out;
otherwise it is the conversation's "yes".
"""

from __future__ import annotations

from enum import StrEnum


class Keyword(StrEnum):
    OPT_OUT = "stop"  # the conversation's own word for it
    OPT_IN = "start"
    HELP = "help"


OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "end", "quit", "revoke", "optout"})
OPT_IN = frozenset({"start", "unstop", "yes"})
OPT_IN_ALWAYS = frozenset({"start", "unstop"})
HELP = frozenset({"help", "info"})


def normalise(body: str) -> str:
    """Trim, drop trailing punctuation, lowercase: 'Stop.' and ' STOP ' are both 'stop'."""
    return body.strip().rstrip(".!").strip().lower()


def keyword(body: str, *, opted_out: bool, opt_out: frozenset[str] = OPT_OUT) -> Keyword | None:
    word = normalise(body)
    if word in opt_out:
        return Keyword.OPT_OUT
    if word in OPT_IN_ALWAYS or (opted_out and word in OPT_IN):
        return Keyword.OPT_IN
    if word in HELP:
        return Keyword.HELP
    return None

"""Twilio's standard SMS keywords (``channels.twilio.keywords``) plus the carrier's CANCEL.

"CANCEL" alone is an opt-out keyword at Twilio (its Advanced Opt-Out blocks the number at
the carrier level whatever we do), so we record it as one too; "cancel my booking",
"cancel 2" or "cancel tomorrow" are ordinary conversation.
"""

from __future__ import annotations

from channels.twilio import keywords as common
from channels.twilio.keywords import HELP, OPT_IN, OPT_IN_ALWAYS, Keyword, normalise

OPT_OUT = common.OPT_OUT | {"cancel"}

__all__ = ["HELP", "OPT_IN", "OPT_IN_ALWAYS", "OPT_OUT", "Keyword", "keyword", "normalise"]


def keyword(body: str, *, opted_out: bool) -> Keyword | None:
    return common.keyword(body, opted_out=opted_out, opt_out=OPT_OUT)

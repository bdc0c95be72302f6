"""Neutral ``Reply`` -> one SMS text, GSM-7 wherever possible (``channels.twilio.render``).

A carrier keyword is never offered as a word to type: "CANCEL" alone would opt out, so
a "cancel" choice reads "CANCEL A BOOKING" (its label). "YES" stays: it opts back in only
a number that is already opted out.
"""

from __future__ import annotations

from bot.messages import Reply
from channels.sms.gsm import to_gsm
from channels.sms.keywords import HELP, OPT_IN, OPT_OUT
from channels.twilio.render import TextRenderer

RESERVED = OPT_OUT | OPT_IN | HELP
SMS_TEXT = TextRenderer(reserved=RESERVED - {"yes"}, finish=to_gsm)


def render(reply: Reply) -> str:
    return SMS_TEXT.render(reply)


def render_all(replies: list[Reply]) -> str:
    return SMS_TEXT.render_all(replies)

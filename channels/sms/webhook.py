"""``POST /twilio/sms``: the shared Twilio inbound path (``channels.twilio.inbound``) with
SMS's keywords (CANCEL included), E.164 senders and GSM-7 rendering.

Twilio itself sends the carrier-required opt-out confirmation after STOP, so we stay silent.
The conversation takes milliseconds, far inside Twilio's 15 s webhook timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from starlette.routing import Route

from bot.messages import Reply
from channels.http_guard import SenderLimiter
from channels.mount import MessageHandler, ReplyLedger
from channels.sms.gsm import segments
from channels.sms.keywords import keyword
from channels.sms.render import render_all
from channels.twilio.inbound import TwilioInbound, twilio_route, twiml
from channels.twilio.optout import OptOutRegistry
from channels.twilio.phone import to_e164
from channels.twilio.signature import SIGNATURE_HEADER, TwilioSignature

log = logging.getLogger(__name__)

CHANNEL = "sms"
PATH = "/twilio/sms"

__all__ = ["CHANNEL", "PATH", "SIGNATURE_HEADER", "sms_channel", "sms_route", "twiml"]


def _render(replies: list[Reply]) -> str:
    text = render_all(replies)
    if text:
        seg = segments(text)
        log.info("sms reply: %d segment(s), %s", seg.count, seg.encoding)
    return text


def sms_channel(auth_token: str, public_base_url: str, handler: MessageHandler, *,
                limiter: SenderLimiter, opt_outs: OptOutRegistry,
                clock: Callable[[], datetime],
                ledger: ReplyLedger | None = None) -> TwilioInbound:
    """The SMS flavour of ``TwilioInbound``."""
    return TwilioInbound(CHANNEL, TwilioSignature(auth_token, public_base_url), handler,
                         limiter, opt_outs, clock, address=to_e164, keyword=keyword,
                         render=_render, ledger=ledger)


def sms_route(channel: TwilioInbound) -> Route:
    return twilio_route(PATH, channel)

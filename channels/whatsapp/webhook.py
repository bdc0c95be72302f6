"""``POST /twilio/whatsapp``: the shared Twilio inbound path with WhatsApp's addresses
(``whatsapp:+...``), its opt-out words (no carrier CANCEL here) and Unicode text.

Every inbound message (re)opens the customer's 24-hour window: it is recorded before the
conversation runs, so the replies in the TwiML answer and any notification after it know.
A tapped quick-reply button arrives as ``ButtonPayload``, read as the text typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.routing import Route

from channels.http_guard import SenderLimiter
from channels.mount import MessageHandler, ReplyLedger
from channels.twilio.inbound import TwilioInbound, twilio_route
from channels.twilio.keywords import keyword
from channels.twilio.optout import OptOutRegistry
from channels.twilio.signature import TwilioSignature
from channels.whatsapp.address import to_whatsapp
from channels.whatsapp.render import render_all
from channels.whatsapp.sender import CHANNEL
from channels.whatsapp.window import ServiceWindows

PATH = "/twilio/whatsapp"


def whatsapp_channel(*, auth_token: str, public_base_url: str, handler: MessageHandler,
                     limiter: SenderLimiter, opt_outs: OptOutRegistry, windows: ServiceWindows,
                     clock: Callable[[], datetime],
                     ledger: ReplyLedger | None = None) -> TwilioInbound:
    return TwilioInbound(CHANNEL, TwilioSignature(auth_token, public_base_url), handler,
                         limiter, opt_outs, clock, address=to_whatsapp, keyword=keyword,
                         render=render_all, on_inbound=windows.record, ledger=ledger)


def whatsapp_route(channel: TwilioInbound) -> Route:
    return twilio_route(PATH, channel)

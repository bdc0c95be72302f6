"""WhatsApp via Twilio's WhatsApp API: the SMS machinery (``channels.twilio``) plus
WhatsApp's rules: the 24-hour customer-service window and approved templates outside it.

``whatsapp_mount`` gives the web app ``POST /twilio/whatsapp``; ``WhatsAppSender`` is the
jobs' sender for ``whatsapp`` notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from channels.http_guard import SenderLimiter
from channels.mount import ChannelMount, MessageHandler, ReplyLedger
from channels.twilio.optout import OptOutRegistry
from channels.whatsapp.address import to_whatsapp
from channels.whatsapp.sender import CHANNEL, WhatsAppSender
from channels.whatsapp.templates import Templates
from channels.whatsapp.webhook import PATH, whatsapp_channel, whatsapp_route
from channels.whatsapp.window import ServiceWindows

__all__ = ["CHANNEL", "PATH", "Templates", "WhatsAppSender", "to_whatsapp", "whatsapp_mount"]


def whatsapp_mount(*, auth_token: str, public_base_url: str, handler: MessageHandler,
                   limiter: SenderLimiter, opt_outs: OptOutRegistry, windows: ServiceWindows,
                   clock: Callable[[], datetime],
                   ledger: ReplyLedger | None = None) -> ChannelMount:
    """``ledger``: the handler's replies are durable (an outbox), settle them once sent."""
    channel = whatsapp_channel(auth_token=auth_token, public_base_url=public_base_url,
                               handler=handler, limiter=limiter, opt_outs=opt_outs,
                               windows=windows, clock=clock, ledger=ledger)
    return ChannelMount(CHANNEL, (whatsapp_route(channel),))

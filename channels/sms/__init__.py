"""SMS via Twilio: customers text the business number; choices are numbered options.

``sms_mount`` gives the web app ``POST /twilio/sms``; ``SmsSender`` is the
``core.ports.Sender`` for jobs; ``OptOutRegistry`` is what both read to stay silent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from channels.http_guard import SenderLimiter
from channels.mount import ChannelMount, MessageHandler, ReplyLedger
from channels.sms.sender import SmsSender
from channels.sms.webhook import PATH, sms_channel, sms_route
from channels.twilio.optout import NoOptOuts, OptOutRegistry

__all__ = ["PATH", "NoOptOuts", "OptOutRegistry", "SmsSender", "sms_mount"]


def sms_mount(*, auth_token: str, public_base_url: str, handler: MessageHandler,
              limiter: SenderLimiter, opt_outs: OptOutRegistry,
              clock: Callable[[], datetime],
              ledger: ReplyLedger | None = None) -> ChannelMount:
    """``ledger``: the handler's replies are durable (an outbox), settle them once sent."""
    channel = sms_channel(auth_token, public_base_url, handler, limiter=limiter,
                          opt_outs=opt_outs, clock=clock, ledger=ledger)
    return ChannelMount("sms", (sms_route(channel),))

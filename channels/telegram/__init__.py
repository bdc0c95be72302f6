"""Telegram: customers chat with the bot; choices are inline keyboards.

``telegram_mount`` gives the web app its route (webhook mode) or its polling task;
``TelegramSender`` is the ``core.ports.Sender`` for jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from channels.http_guard import SenderLimiter
from channels.mount import ChannelMount, MessageHandler, ReplyLedger
from channels.telegram.api import TelegramApi
from channels.telegram.polling import TelegramPoller
from channels.telegram.sender import TelegramSender
from channels.telegram.webhook import PATH, TelegramChannel, webhook_route

__all__ = ["PATH", "TelegramApi", "TelegramChannel", "TelegramPoller", "TelegramSender",
           "telegram_mount"]


def telegram_mount(*, token: str, secret: str | None, handler: MessageHandler,
                   limiter: SenderLimiter, clock: Callable[[], datetime],
                   base_url: str | None = None, polling: bool = False,
                   ledger: ReplyLedger | None = None) -> ChannelMount:
    """Webhook mode needs ``secret``; polling mode serves no route at all. ``ledger``: the
    handler's replies are durable (an outbox), settle them there once sent."""
    api = TelegramApi(token, base_url=base_url)
    channel = TelegramChannel(api, handler, limiter, clock, ledger)
    if polling:
        poller = TelegramPoller(channel)
        return ChannelMount("telegram", (), on_startup=(api.start, poller.start),
                            on_shutdown=(poller.stop, api.stop))
    if not secret:
        raise ValueError("the Telegram webhook needs TELEGRAM_WEBHOOK_SECRET")
    return ChannelMount("telegram", (webhook_route(channel, secret=secret),),
                        on_startup=(api.start,), on_shutdown=(api.stop,))

"""How a channel plugs into the web app: routes plus start/stop hooks, nothing else.

Each channel package exposes a function returning a ``ChannelMount``; ``bookingbot.web``
mounts the enabled ones. Slack (``POST /slack/events``) and Stripe (``POST /stripe/webhook``)
plug in the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from starlette.routing import BaseRoute

from bot.messages import InboundMessage, Reply

Hook = Callable[[], Awaitable[None]]


class MessageHandler(Protocol):
    """The conversation runner as channels see it (``bot.runner.Runner.handle``).

    Synchronous (it does database work): webhooks call it in a worker thread. It records
    ``message.delivery_id`` with its effect and answers a repeated delivery with the same
    replies and no effect.
    """

    def __call__(self, message: InboundMessage) -> list[Reply]: ...


@dataclass(frozen=True)
class ChannelMount:
    name: str
    routes: Sequence[BaseRoute]
    on_startup: Sequence[Hook] = field(default_factory=tuple)
    on_shutdown: Sequence[Hook] = field(default_factory=tuple)

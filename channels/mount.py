"""How a channel plugs into the web app: routes plus start/stop hooks, nothing else.

Each channel package exposes a function returning a ``ChannelMount``; ``bookingbot.web``
mounts the enabled ones. Slack (``POST /slack/events``) and Stripe (``POST /stripe/webhook``)
plug in the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from starlette.routing import BaseRoute

from bot.messages import InboundMessage, Reply

Hook = Callable[[], Awaitable[None]]


class MessageHandler(Protocol):
    """The conversation runner as channels see it (``bot.runner.Runner.handle``).

    Synchronous (it does database work): webhooks call it in a worker thread. It records
    ``message.delivery_id`` with its effect under the sender's lock; a repeated delivery
    (a platform retry, or a copy racing in another process) has no effect and gets no
    replies, so a customer is never answered twice.
    """

    def __call__(self, message: InboundMessage) -> list[Reply]: ...


@dataclass(frozen=True)
class ChannelMount:
    name: str
    routes: Sequence[BaseRoute]
    on_startup: Sequence[Hook] = field(default_factory=tuple)
    on_shutdown: Sequence[Hook] = field(default_factory=tuple)
    # Body limits in bytes by path prefix, for routes that need more than the app-wide
    # default (``channels.asgi_guard.DEFAULT_BODY_LIMIT``); enforced for every request.
    body_limits: Mapping[str, int] = field(default_factory=dict)

"""How a channel plugs into the web app: routes plus start/stop hooks, nothing else.

Each channel package exposes a function returning a ``ChannelMount``; ``bookingbot.web``
mounts the enabled ones. Slack (``POST /slack/events``) and Stripe (``POST /stripe/webhook``)
plug in the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
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


class ReplyLedger(Protocol):
    """Where a channel says which of a delivery's replies went out (``db.reply_outbox``).

    The handler wrote its replies, in order, to a durable outbox leased to this request;
    ``settle`` marks the ones the channel delivered itself (in the webhook response, or by
    an API call) as sent, and ``dropped`` ones as never to be sent. Whatever is not settled
    is sent by the worker once the lease ends: a reply survives the process dying.
    Called on the event loop, so it must not block: an implementation queues the marks
    and writes them from a thread of its own.
    """

    def settle(self, channel: str, delivery_id: str, *, sent: Sequence[int] = (),
               dropped: Sequence[int] = (), now: datetime) -> None: ...


@dataclass(frozen=True)
class ChannelMount:
    name: str
    routes: Sequence[BaseRoute]
    on_startup: Sequence[Hook] = field(default_factory=tuple)
    on_shutdown: Sequence[Hook] = field(default_factory=tuple)
    # Body limits in bytes by path prefix, for routes that need more than the app-wide
    # default (``channels.asgi_guard.DEFAULT_BODY_LIMIT``); enforced for every request.
    body_limits: Mapping[str, int] = field(default_factory=dict)

"""Slack: providers run ``/bookings`` and get alerts; customers may book by DM.

``slack_mount`` gives the web app ``POST /slack/events`` (Events API, slash command and
interactivity on one URL); ``SlackSender``, ``provider_alert``, ``series_alert`` and
``SlackHome`` are for the jobs that deliver outbox events.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import datetime
from typing import ParamSpec, TypeVar

from slack_sdk import WebClient

from bot.ports import CustomerDirectory
from bot.session import SessionStore
from channels.http_guard import SenderLimiter
from channels.mount import ChannelMount, MessageHandler
from channels.slack.alerts import SlackHumanNotifier, provider_alert, series_alert
from channels.slack.app import MAX_BODY_BYTES, PATH, bolt_app, events_route, web_client
from channels.slack.desk import ProviderDesk
from channels.slack.dm import DmRelay
from channels.slack.home import SlackHome
from channels.slack.listeners import register
from channels.slack.sender import SlackSender
from core.ports import UnitOfWork
from core.usecases.provider import ProviderQueries

__all__ = ["PATH", "SlackHome", "SlackHumanNotifier", "SlackSender", "provider_alert",
           "series_alert", "slack_mount", "web_client"]
P = ParamSpec("P")
T = TypeVar("T")


class CarryContext(Executor):
    """Runs each listener in a copy of the submitting request's context, so what it logs
    and writes carries that request's id (``core.tracing``); a plain pool would not."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = contextvars.copy_context()

        def run() -> T:
            return context.run(fn, *args, **kwargs)

        return self._inner.submit(run)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


def slack_mount(*, client: WebClient, signing_secret: str, handler: MessageHandler,
                store: SessionStore, customers: CustomerDirectory,
                uow: Callable[[], UnitOfWork], queries: ProviderQueries,
                limiter: SenderLimiter, clock: Callable[[], datetime],
                command: str = "/bookings", executor: Executor | None = None,
                charge_fees: Callable[[str], None] | None = None) -> ChannelMount:
    """The Slack route. ``executor`` runs listeners after their ack (default: 8 threads,
    drained at shutdown so work acknowledged to Slack is finished, not dropped)."""
    pool = executor or ThreadPoolExecutor(max_workers=8, thread_name_prefix="slack")
    app = bolt_app(client=client, signing_secret=signing_secret, executor=CarryContext(pool))
    home = SlackHome(client=client, uow=uow, queries=queries, clock=clock)
    register(app, command=command,
             desk=ProviderDesk(uow=uow, queries=queries, clock=clock, command_name=command,
                               charge_fees=charge_fees),
             dm=DmRelay(handler=handler, store=store, customers=customers, limiter=limiter,
                        clock=clock),
             home=home)

    async def drain() -> None:
        await asyncio.to_thread(pool.shutdown, wait=True)

    return ChannelMount("slack", (events_route(app, signing_secret=signing_secret),),
                        on_shutdown=(drain,),
                        body_limits={PATH: MAX_BODY_BYTES})

"""Long polling (``bookingbot serve --telegram-polling``): development without a public URL.

Removes any webhook (``getUpdates`` refuses to run while one is set), then loops on
``getUpdates`` and hands each update to the same ``TelegramChannel.process`` the webhook
uses. The offset is only advanced after an update was handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TelegramError

from channels.telegram.api import ALLOWED_UPDATES
from channels.telegram.parse import MalformedUpdate
from channels.telegram.webhook import TelegramChannel
from core.tracing import new_request_id, request_scope

log = logging.getLogger(__name__)


class TelegramPoller:
    def __init__(self, channel: TelegramChannel, *, timeout_s: int = 25,
                 backoff_s: float = 3.0) -> None:
        self.channel = channel
        self.timeout_s = timeout_s
        self.backoff_s = backoff_s
        self.offset: int | None = None
        self._task: asyncio.Task[None] | None = None

    async def poll_once(self) -> int:
        """One ``getUpdates`` round; returns how many updates were handled."""
        updates = await self.channel.api.bot.get_updates(
            offset=self.offset, timeout=self.timeout_s, read_timeout=self.timeout_s + 10,
            allowed_updates=list(ALLOWED_UPDATES))
        for update in updates:
            # No HTTP request to carry one: each polled update gets a request id of its own.
            with request_scope(new_request_id()):
                await self._one(update)
            self.offset = update.update_id + 1
        return len(updates)

    async def _one(self, update: Update) -> None:
        try:
            follow_up = (await self.channel.process(update)).follow_up
        except MalformedUpdate as exc:  # skipped, so it cannot block the ones after it
            log.warning("telegram: update %s ignored: %s", update.update_id, exc)
            follow_up = None
        if follow_up is not None:
            await follow_up()

    async def run(self) -> None:
        await self.channel.api.bot.delete_webhook()
        while True:
            try:
                await self.poll_once()
            except RetryAfter as exc:
                await asyncio.sleep(float(exc.retry_after if isinstance(exc.retry_after, int)
                                          else exc.retry_after.total_seconds()))
            except (NetworkError, TelegramError) as exc:
                log.warning("telegram polling: %s; retrying in %.0fs", exc, self.backoff_s)
                await asyncio.sleep(self.backoff_s)

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="telegram-polling")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

"""``POST /telegram/webhook``: verify, parse, rate-limit, run the conversation, answer 200.

The conversation runs inside the request (it is a few milliseconds of database work, done
in a worker thread), so the delivery is recorded before Telegram gets its 200. The Bot API
calls that follow (answering the press, removing the old keyboard, sending the replies) run
as a background task after the 200 has been sent, so a slow Bot API never delays the
acknowledgement and Telegram never retries a delivery we already handled.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.error import TelegramError

from bot.messages import Reply
from bot.replies import error as error_text
from channels.http_guard import (
    RATE_NOTICE,
    BodyTooLarge,
    RateLimiter,
    Verdict,
    read_body,
    secrets_equal,
)
from channels.mount import MessageHandler
from channels.telegram.api import TelegramApi
from channels.telegram.parse import TelegramInbound, parse_update
from core.errors import DomainError

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
FollowUp = Callable[[], Awaitable[None]]


@dataclass
class TelegramChannel:
    """What webhook and long polling share: one update in, the Bot API calls to make out."""

    api: TelegramApi
    handler: MessageHandler
    limiter: RateLimiter
    clock: Callable[[], datetime]

    async def process(self, update: Update) -> FollowUp | None:
        """Raises MalformedUpdate for an update the Bot API never sends."""
        inbound = parse_update(update, received_at=self.clock())
        if inbound is None:
            return None
        verdict = self.limiter.check(f"telegram:{inbound.message.sender_id}")
        if verdict is Verdict.DROP:
            return self._follow_up(inbound, [], remove_keyboard=False)
        if verdict is Verdict.NOTICE:
            return self._follow_up(inbound, [Reply(RATE_NOTICE)], remove_keyboard=False)
        try:
            replies = await run_in_threadpool(self.handler, inbound.message)
        except DomainError as err:  # e.g. BUSY: a concurrent message won; nothing recorded
            log.warning("telegram from %s not handled: %s", inbound.chat_id, err.code.value)
            return self._follow_up(inbound, [Reply(error_text(err.code.value))],
                                   remove_keyboard=False)
        except Exception:  # the database is down, say: answer as SMS does, nothing recorded
            log.exception("telegram update from %s failed", inbound.chat_id)
            return self._follow_up(inbound, [Reply(error_text("internal"))],
                                   remove_keyboard=False)
        return self._follow_up(inbound, replies, remove_keyboard=True)

    def _follow_up(self, inbound: TelegramInbound, replies: list[Reply], *,
                   remove_keyboard: bool) -> FollowUp:
        async def run() -> None:
            try:
                if inbound.press is not None:
                    await self.api.acknowledge(inbound.press, remove_keyboard=remove_keyboard)
                for reply in replies:
                    await self.api.send_reply(inbound.chat_id, reply)
            except TelegramError as exc:  # logged, never raised into the server
                log.warning("telegram: sending to %s failed: %s", inbound.chat_id, exc)

        return run


def webhook_route(channel: TelegramChannel, *, secret: str) -> Route:
    async def webhook(request: Request) -> Response:
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return PlainTextResponse("request body too large", status_code=413)
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return PlainTextResponse("missing secret token", status_code=401)
        if not secrets_equal(given, secret):
            return PlainTextResponse("wrong secret token", status_code=403)
        try:
            raw = json.loads(body)
            if not isinstance(raw, dict):
                raise TypeError("not an object")
            update = Update.de_json(raw, channel.api.bot)
            if update is None:
                raise TypeError("empty update")
            follow_up = await channel.process(update)
        # OverflowError/OSError: a "date" past the year 9999, which PTB turns into a datetime
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError):
            return PlainTextResponse("not a Telegram update", status_code=400)
        return Response(status_code=200,
                        background=BackgroundTask(follow_up) if follow_up else None)

    return Route(PATH, webhook, methods=["POST"])

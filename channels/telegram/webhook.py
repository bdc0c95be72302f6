"""``POST /telegram/webhook``: verify, parse, rate-limit, run the conversation, answer.

The conversation runs inside the request (a few milliseconds of database work, done in a
worker thread), so the delivery and its replies are recorded before Telegram gets its
answer. A reply of one message travels in that answer itself (Telegram's webhook-reply: a
JSON body naming ``sendMessage`` and its parameters, which Telegram performs): no Bot API
call, no extra latency. Several messages all go through the Bot API, in order (Telegram
performs a webhook-reply after reading the response, so API calls could overtake it).
What else there is (answering a button press, removing the old keyboard, those messages)
runs as a background task after the response, which then settles the durable replies
(``channels.mount.ReplyLedger``) as sent; a reply the process did not live to settle is
sent by the worker from the outbox. Long polling has no response to answer in, so there
every reply goes through the Bot API.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.error import TelegramError

from bot.messages import Reply
from bot.replies import failure
from bot.timeparse.lang import detect_language
from channels.http_guard import (
    BodyTooLarge,
    SenderLimiter,
    Verdict,
    rate_notice,
    read_body,
    secrets_equal,
    verdict_for,
)
from channels.mount import MessageHandler, ReplyLedger
from channels.telegram.api import TelegramApi
from channels.telegram.parse import CHANNEL, TelegramInbound, parse_update
from channels.telegram.render import Outgoing, render, send_message_method
from core.errors import DomainError

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
FollowUp = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Answer:
    """What to do with one update: ``body`` answers the webhook (a Bot API method, or None
    for an empty 200), ``follow_up`` runs after the response has been written."""

    body: dict[str, Any] | None = None
    follow_up: FollowUp | None = None


@dataclass
class TelegramChannel:
    """What webhook and long polling share: one update in, the Bot API calls to make out."""

    api: TelegramApi
    handler: MessageHandler
    limiter: SenderLimiter
    clock: Callable[[], datetime]
    ledger: ReplyLedger | None = None  # set when the handler's replies are durable

    async def process(self, update: Update, *, webhook_reply: bool = False) -> Answer:
        """``webhook_reply``: the first message may go in the webhook's response body.
        Raises MalformedUpdate for an update the Bot API never sends."""
        inbound = parse_update(update, received_at=self.clock())
        if inbound is None:
            return Answer()
        verdict = await verdict_for(self.limiter, f"telegram:{inbound.message.sender_id}")
        if verdict is not Verdict.ALLOW:  # not the conversation's: nothing durable to settle
            lang = detect_language(inbound.message.text)
            notices = [Reply(rate_notice(lang), lang=lang)] if verdict is Verdict.NOTICE else []
            return self._answer(inbound, notices, remove_keyboard=False,
                                webhook_reply=webhook_reply, settle=False)
        try:
            replies = await run_in_threadpool(self.handler, inbound.message)
        except DomainError as err:  # e.g. BUSY: a concurrent message won; nothing recorded
            log.warning("telegram from %s not handled: %s", inbound.chat_id, err.code.value)
            return self._answer(inbound, [failure(err.code.value, inbound.message.text)],
                                remove_keyboard=False, webhook_reply=webhook_reply,
                                settle=False)
        except Exception:  # the database is down, say: answer as SMS does, nothing recorded
            log.exception("telegram update from %s failed", inbound.chat_id)
            return self._answer(inbound, [failure("internal", inbound.message.text)],
                                remove_keyboard=False, webhook_reply=webhook_reply,
                                settle=False)
        return self._answer(inbound, replies, remove_keyboard=True,
                            webhook_reply=webhook_reply, settle=self.ledger is not None)

    def _answer(self, inbound: TelegramInbound, replies: list[Reply], *,
                remove_keyboard: bool, webhook_reply: bool, settle: bool) -> Answer:
        # (index of the reply, one Telegram message of it): a long reply is several messages
        parts = [(i, part) for i, reply in enumerate(replies) for part in render(reply)]
        body = None
        # Only a lone message goes in the response: Telegram performs it after reading the
        # response, so Bot API calls for the rest could overtake it ("You're welcome!" shown
        # after the times it came before). Several go out by the API, one after another.
        if webhook_reply and len(parts) == 1:
            body = send_message_method(inbound.chat_id, parts.pop(0)[1])
        if not parts and inbound.press is None and not (settle and replies):
            return Answer(body)

        async def run() -> None:
            if inbound.press is not None:
                await self._acknowledge(inbound, remove_keyboard=remove_keyboard)
            failed = await self._send(inbound.chat_id, parts)
            if settle and replies:
                done = len(replies) if failed is None else failed
                self._settle(inbound, list(range(done)))

        return Answer(body, run)

    async def _acknowledge(self, inbound: TelegramInbound, *, remove_keyboard: bool) -> None:
        assert inbound.press is not None
        try:
            await self.api.acknowledge(inbound.press, remove_keyboard=remove_keyboard)
        except TelegramError as exc:  # logged, never raised into the server
            log.warning("telegram: acknowledging a press from %s failed: %s",
                        inbound.chat_id, exc)

    async def _send(self, chat_id: int, parts: list[tuple[int, Outgoing]]) -> int | None:
        """Send in order; the index of the first reply that did not fully go out, if any
        (it and the rest are left to the outbox)."""
        for index, part in parts:
            try:
                await self.api.send_part(chat_id, part)
            except TelegramError as exc:  # logged, never raised into the server
                log.warning("telegram: sending to %s failed: %s", chat_id, exc)
                return index
        return None

    def _settle(self, inbound: TelegramInbound, sent: list[int]) -> None:
        assert self.ledger is not None
        try:
            self.ledger.settle(CHANNEL, inbound.message.delivery_id, sent=sent, now=self.clock())
        except Exception as exc:  # never raised into the server: the worker sends them later
            log.warning("telegram: replies of update %s not settled: %s",
                        inbound.message.delivery_id, exc)


def _respond(answer: Answer) -> Response:
    background = BackgroundTask(answer.follow_up) if answer.follow_up else None
    if answer.body is None:
        return Response(status_code=200, background=background)
    return JSONResponse(answer.body, background=background)


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
            answer = await channel.process(update, webhook_reply=True)
        # OverflowError/OSError: a "date" past the year 9999, which PTB turns into a datetime
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError):
            return PlainTextResponse("not a Telegram update", status_code=400)
        if await request.is_disconnected():
            # Telegram stopped waiting (its timeout, a proxy's): the answer would reach
            # nobody, so nothing is settled as sent. The replies stay leased to this request
            # and the worker sends them when the lease ends (Telegram's retry of the update
            # is a duplicate and gets no second answer).
            log.warning("telegram update %s: the client left before the answer; the worker "
                        "will send its replies", update.update_id)
            answer = Answer()
        return _respond(answer)

    return Route(PATH, webhook, methods=["POST"])

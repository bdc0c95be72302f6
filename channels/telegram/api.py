"""The Bot API calls we make, through python-telegram-bot's ``Bot`` (async)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from bot.messages import Reply
from channels.telegram.parse import Press
from channels.telegram.render import Outgoing, render
from core.errors import PermanentSendError, SendError, TransientSendError

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
ALLOWED_UPDATES = ("message", "callback_query")


def send_error(exc: TelegramError) -> SendError:
    """Blocked bot, unknown chat or a bad token: retrying will not help. The rest may."""
    if isinstance(exc, Forbidden | InvalidToken | BadRequest):
        return PermanentSendError(f"telegram: {exc.message}")
    return TransientSendError(f"telegram: {exc.message}")


class TelegramApi:
    """One long-lived ``Bot`` bound to the running event loop: ``start`` then ``stop``."""

    def __init__(self, token: str, *, base_url: str | None = None,
                 read_timeout: float | None = None) -> None:
        """``read_timeout``: seconds to wait for an answer (python-telegram-bot's 5 s if
        None)."""
        if not token:
            raise ValueError("TELEGRAM_BOT_TOKEN is empty")
        request = HTTPXRequest(read_timeout=read_timeout) if read_timeout else None
        self.bot = Bot(token, base_url=base_url or DEFAULT_BASE_URL, request=request)

    async def start(self) -> None:
        try:
            await self.bot.initialize()  # getMe: checks the token once
        except TelegramError as exc:  # the connection pool is up; sends will retry/raise
            log.warning("telegram: getMe failed at start-up: %s", exc)

    async def stop(self) -> None:
        await self.bot.shutdown()

    async def send_reply(self, chat_id: int, reply: Reply) -> list[int]:
        return [await self.send_part(chat_id, part) for part in render(reply)]

    async def send_part(self, chat_id: int, part: Outgoing) -> int:
        sent = await self.bot.send_message(chat_id=chat_id, text=part.text,
                                           reply_markup=part.keyboard)
        return sent.message_id

    async def acknowledge(self, press: Press, *, remove_keyboard: bool = True) -> None:
        """Stop the button's spinner; remove the keyboard so a stale button cannot act twice."""
        try:
            await self.bot.answer_callback_query(press.query_id)
        except BadRequest as exc:  # too old ("query is too old"): nothing to stop any more
            log.info("telegram: answerCallbackQuery refused: %s", exc.message)
        if remove_keyboard and press.message_id is not None:
            try:
                await self.bot.edit_message_reply_markup(chat_id=press.chat_id,
                                                         message_id=press.message_id,
                                                         reply_markup=None)
            except BadRequest as exc:  # already removed ("message is not modified")
                log.info("telegram: editMessageReplyMarkup refused: %s", exc.message)

    async def set_webhook(self, url: str, *, secret: str, drop_pending: bool = False) -> bool:
        return await self.bot.set_webhook(url=url, secret_token=secret,
                                          allowed_updates=list(ALLOWED_UPDATES),
                                          drop_pending_updates=drop_pending)

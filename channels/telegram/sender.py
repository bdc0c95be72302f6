"""``TelegramSender``: ``core.ports.Sender`` for jobs (reminders, outbox), synchronous.

python-telegram-bot is async; this sender owns a private event loop and one ``Bot`` on it,
so a job thread can call ``send`` without an event loop of its own. Calls are serialised by
a lock. ``close()`` shuts the HTTP client and the loop down. Do not call ``send`` from async
code: the web app uses ``TelegramApi`` directly.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from telegram.error import TelegramError

from bot.messages import Choice, Reply
from channels.telegram.api import TelegramApi, send_error
from core.errors import PermanentSendError

# A job's send may wait longer than a webhook's follow-up: an answer given up on after 5 s
# may still have been delivered, and the retry would then send it twice (the Deliverer's
# lease margin, a minute, covers the wait).
SEND_TIMEOUT = 30.0


class TelegramSender:
    channel = "telegram"

    def __init__(self, token: str, *, base_url: str | None = None) -> None:
        self._api = TelegramApi(token, base_url=base_url, read_timeout=SEND_TIMEOUT)
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()
        self._started = False

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        try:
            chat_id = int(recipient_id)
        except ValueError as exc:
            raise PermanentSendError(f"telegram: not a chat id: {recipient_id!r}") from exc
        reply = Reply(text, tuple(Choice(label, payload) for label, payload in choices))
        with self._lock:
            if self._loop.is_closed():
                raise RuntimeError("TelegramSender is closed")
            try:
                ids = self._loop.run_until_complete(self._send(chat_id, reply))
            except TelegramError as exc:
                raise send_error(exc) from exc
        return str(ids[-1])

    async def _send(self, chat_id: int, reply: Reply) -> list[int]:
        if not self._started:
            await self._api.start()
            self._started = True
        return await self._api.send_reply(chat_id, reply)

    def close(self) -> None:
        with self._lock:
            if self._loop.is_closed():
                return
            if self._started:
                self._loop.run_until_complete(self._api.stop())
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    def __enter__(self) -> TelegramSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

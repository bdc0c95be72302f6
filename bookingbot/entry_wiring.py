"""Where customers reach the business, for the entry points (the admin's page and
``bookingbot links``): the Telegram bot's username, the SMS and WhatsApp numbers.

The username is ``TELEGRAM_BOT_USERNAME`` when set; otherwise the Bot API's ``getMe`` is
asked once with the token (through ``TELEGRAM_API_BASE_URL`` when set) and the answer kept.
A failed ``getMe`` is not kept, so the next page view tries again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from telegram.error import TelegramError

from bookingbot.channels_wiring import sms_state, whatsapp_state
from bookingbot.settings import Settings
from channels.telegram import TelegramApi
from channels.twilio.phone import to_e164
from channels.whatsapp import to_whatsapp
from core.entry_points import ChannelAddresses

log = logging.getLogger(__name__)


def ask_bot_username(token: str, base_url: str | None) -> str | None:
    async def get_me() -> str | None:
        api = TelegramApi(token, base_url=base_url)
        async with api.bot as bot:  # initialize() is the getMe call
            return bot.username

    # In a thread of its own: the caller may be inside an event loop (the admin's handlers
    # run in the thread pool, but a test or an embedding app may call from a loop).
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, get_me()).result()
    except TelegramError as exc:
        log.warning("telegram: getMe failed, entry links without Telegram: %s", exc)
        return None


class ChannelDirectory:
    """``ChannelAddresses`` for the settings; called per page view, asks Telegram once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._username = (settings.telegram_bot_username or "").lstrip("@") or None
        self._lock = threading.Lock()

    def _telegram(self) -> str | None:
        token = self.settings.telegram_bot_token
        if self._username is not None or token is None:
            return self._username
        with self._lock:
            if self._username is None:
                self._username = ask_bot_username(token.get_secret_value(),
                                                  self.settings.telegram_api_base_url)
        return self._username

    def __call__(self) -> ChannelAddresses:
        s = self.settings
        sms = to_e164(s.twilio_from_number) if sms_state(s).on and s.twilio_from_number else None
        wa = (to_whatsapp(s.twilio_whatsapp_from) if whatsapp_state(s).on
              and s.twilio_whatsapp_from else None)
        return ChannelAddresses(telegram_bot=self._telegram(), sms_number=sms,
                                whatsapp_number=wa.removeprefix("whatsapp:") if wa else None)

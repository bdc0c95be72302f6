"""The load test's side of the wire: signed webhooks as Telegram and Twilio send them, over
keep-alive HTTP/1.1 connections (raw asyncio streams, so the client costs little next to
the server), and what the webhook answered read back as the customer would see it.

Every request is recorded (``Sent``): channel, address, delivery id, status, latency and
the message the response itself carried (Telegram's webhook-reply, Twilio's TwiML), so the
exactly-once check can put the response's messages next to those at the API double.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

TELEGRAM_PATH = "/telegram/webhook"
SMS_PATH = "/twilio/sms"
TG_SECRET = "load-webhook-secret"
TWILIO_TOKEN = "load-twilio-auth-token-0123456789"
TWILIO_SID = "AC" + "1" * 32
SHOP_NUMBER = "+14155550100"
_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.S)


@dataclass
class Sent:
    """One webhook and what came back."""

    channel: str
    address: str
    delivery: str
    said: str
    status: int = 0
    latency: float = 0.0
    text: str | None = None  # the message in the response, if any
    buttons: list[tuple[str, str]] = field(default_factory=list)  # Telegram (label, data)
    level: str = ""


class Wire:
    """One keep-alive connection to ``serve``; reconnects if the server closed it."""

    def __init__(self, port: int, public: str) -> None:
        self.port = port
        self.public = public
        self._validator = RequestValidator(TWILIO_TOKEN)
        self._conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def open(self) -> None:
        if self._conn is None:
            self._conn = await asyncio.open_connection("127.0.0.1", self.port)

    async def close(self) -> None:
        if self._conn is not None:
            self._conn[1].close()
            self._conn = None

    async def exchange(self, raw: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            await self.open()
            assert self._conn is not None
            reader, writer = self._conn
            try:
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()  # the process closed an idle keep-alive: once more
                if attempt == 2:
                    raise
                continue
            lines = head.decode("latin-1").split("\r\n")
            length = next((int(x.split(":", 1)[1]) for x in lines[1:]
                           if x.lower().startswith("content-length:")), 0)
            body = await reader.readexactly(length) if length else b""
            if any(x.lower() == "connection: close" for x in lines[1:]):
                await self.close()
            return int(lines[0].split(" ")[1]), body
        raise AssertionError("unreachable")

    def telegram(self, body: dict[str, Any]) -> bytes:
        data = json.dumps(body).encode()
        return (f"POST {TELEGRAM_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: "
                f"{TG_SECRET}\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data

    def sms(self, form: dict[str, str]) -> bytes:
        signature = self._validator.compute_signature(self.public + SMS_PATH, form)
        data = urlencode(form).encode()
        return (f"POST {SMS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(data)}\r\n"
                "\r\n").encode() + data


_UPDATE_IDS = itertools.count(10_000_000)
_SMS_IDS = itertools.count(1)


def telegram_update(chat_id: int, *, text: str | None = None,
                    press: str | None = None) -> tuple[str, dict[str, Any]]:
    """(delivery id, update): a typed message, or a press of a button's ``callback_data``."""
    update_id = next(_UPDATE_IDS)
    user = {"id": chat_id, "is_bot": False, "first_name": "Load", "language_code": "en"}
    chat = {"id": chat_id, "type": "private", "first_name": "Load"}
    if press is not None:
        return str(update_id), {"update_id": update_id, "callback_query": {
            "id": f"cq{update_id}", "from": user, "chat_instance": str(chat_id), "data": press,
            "message": {"message_id": update_id, "date": int(time.time()), "chat": chat,
                        "text": "..."}}}
    return str(update_id), {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": chat}}


def sms_form(phone: str, text: str) -> tuple[str, dict[str, str]]:
    sid = f"SM{next(_SMS_IDS):08d}{phone[-10:]:0>10}{time.time_ns() % 10**14:014d}"
    return sid, {"MessageSid": sid, "SmsSid": sid, "AccountSid": TWILIO_SID, "From": phone,
                 "To": SHOP_NUMBER, "Body": text, "NumMedia": "0", "ApiVersion": "2010-04-01"}


def read_telegram(body: bytes) -> tuple[str | None, list[tuple[str, str]]]:
    """The webhook-reply's text and its inline buttons, if the response carried one."""
    if body[:1] != b"{":
        return None, []
    method = json.loads(body)
    if method.get("method") != "sendMessage":
        return None, []
    rows = (method.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons = [(b["text"], b["callback_data"]) for row in rows for b in row]
    return str(method.get("text", "")), buttons


def read_twiml(body: bytes) -> str | None:
    found = _MESSAGE.search(body.decode())
    return html.unescape(found.group(1)) if found else None

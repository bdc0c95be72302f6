"""Telegram ``Update`` -> one neutral ``InboundMessage`` (or None for what we ignore).

Only private chats are customers; group chats, edits and channel posts are ignored.
Commands map to the conversation's own words; a shared location becomes a timezone request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram import Location, Message, Update
from telegram.constants import ChatType

from bot.messages import InboundMessage
from channels.telegram.location import zone_for

CHANNEL = "telegram"

# /command -> what a customer would type. /start opens the menu (it is not the SMS "START").
COMMANDS = {
    "start": "help", "help": "help", "mybookings": "my bookings", "bookings": "my bookings",
    "cancel": "cancel", "book": "book", "reschedule": "reschedule",
}


@dataclass(frozen=True)
class Press:
    """A button press to acknowledge: answer the query and remove the old keyboard."""

    query_id: str
    chat_id: int
    message_id: int | None


@dataclass(frozen=True)
class TelegramInbound:
    message: InboundMessage
    chat_id: int
    press: Press | None = None


def command_text(text: str) -> str:
    """'/mybookings' -> 'my bookings'; '/start book' (a deep link) -> 'book'; others as typed."""
    if not text.startswith("/"):
        return text
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    if name == "start" and rest.strip():
        return rest.strip().replace("_", " ")
    return COMMANDS.get(name, text)


def location_text(location: Location) -> str:
    return f"my timezone is {zone_for(location.latitude, location.longitude)}"


def parse_update(update: Update, *, received_at: datetime) -> TelegramInbound | None:
    delivery = str(update.update_id)
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        if query.data is None or (chat is not None and chat.type != ChatType.PRIVATE):
            return None
        chat_id = chat.id if chat is not None else query.from_user.id
        message_id = query.message.message_id if query.message is not None else None
        inbound = InboundMessage(CHANNEL, str(chat_id), delivery, received_at,
                                 text="", action=query.data)
        return TelegramInbound(inbound, chat_id, Press(query.id, chat_id, message_id))
    if update.message is None:
        return None
    return _from_message(update.message, delivery, received_at)


def _from_message(msg: Message, delivery: str, received_at: datetime) -> TelegramInbound | None:
    if msg.chat.type != ChatType.PRIVATE or msg.from_user is None:
        return None
    if msg.location is not None:
        text = location_text(msg.location)
    else:
        text = command_text(msg.text or msg.caption or "")
    inbound = InboundMessage(CHANNEL, str(msg.chat.id), delivery, received_at, text=text)
    return TelegramInbound(inbound, msg.chat.id)

"""Telegram ``Update`` -> one neutral ``InboundMessage`` (or None for what we ignore).

Only private chats are customers; group chats, edits and channel posts are ignored.
Commands map to the conversation's own words; a shared location becomes a timezone request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram import Location, Message, Update, User
from telegram.constants import ChatType

from bot.messages import START_ACTION, InboundMessage
from channels.telegram.location import zone_for
from core.entry_points import is_safe_payload

CHANNEL = "telegram"

# /command -> what a customer would type. /start opens the menu (it is not the SMS "START").
COMMANDS = {
    "start": "help", "help": "help", "mybookings": "my bookings", "bookings": "my bookings",
    "cancel": "cancel", "book": "book", "reschedule": "reschedule",
}


class MalformedUpdate(ValueError):
    """A (signed) update Telegram would never send: answered 400, nothing else happens."""


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


def start_payload(text: str) -> str | None:
    """'/start haircut' (opened from ``t.me/<bot>?start=haircut``) -> 'haircut'; None for any
    other message and for a payload Telegram itself would never carry (A-Z a-z 0-9 _ -, 64)."""
    head, _, rest = text.partition(" ")
    if head.split("@", 1)[0].lower() != "/start":
        return None
    rest = rest.strip()
    return rest if is_safe_payload(rest) else None


def location_text(location: Location) -> str:
    lat, lng = location.latitude, location.longitude
    if not (isinstance(lat, int | float) and isinstance(lng, int | float)
            and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise MalformedUpdate("location out of range")
    return f"my timezone is {zone_for(lat, lng)}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedUpdate("text is not a string")
    return value


def _language_code(user: User | None) -> str | None:
    """The sender's Telegram app language ("pt-br"): a hint for the reply language."""
    code = user.language_code if user is not None else None
    return code if isinstance(code, str) and code else None


def parse_update(update: Update, *, received_at: datetime) -> TelegramInbound | None:
    """Raises MalformedUpdate for a shape the Bot API never sends (missing chat, a text
    that is not a string, a location off the globe)."""
    try:
        return _parse(update, received_at)
    except (AttributeError, TypeError, KeyError) as exc:
        raise MalformedUpdate(f"malformed update: {type(exc).__name__}") from exc


def _parse(update: Update, received_at: datetime) -> TelegramInbound | None:
    if not isinstance(update.update_id, int):
        raise MalformedUpdate("update_id is not a number")
    delivery = str(update.update_id)
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        if not isinstance(query.data, str | None) or not isinstance(query.id, str):
            raise MalformedUpdate("callback data is not a string")
        if query.data is None or (chat is not None and chat.type != ChatType.PRIVATE):
            return None
        chat_id = chat.id if chat is not None else query.from_user.id
        message_id = query.message.message_id if query.message is not None else None
        inbound = InboundMessage(CHANNEL, str(chat_id), delivery, received_at,
                                 text="", action=query.data,
                                 language_code=_language_code(query.from_user))
        return TelegramInbound(inbound, chat_id, Press(query.id, chat_id, message_id))
    if update.message is None:
        return None
    return _from_message(update.message, delivery, received_at)


def _from_message(msg: Message, delivery: str, received_at: datetime) -> TelegramInbound | None:
    if msg.chat is None or not isinstance(msg.chat.id, int):
        raise MalformedUpdate("message without a chat")
    if msg.chat.type != ChatType.PRIVATE or msg.from_user is None:
        return None
    if msg.location is not None:
        return TelegramInbound(InboundMessage(CHANNEL, str(msg.chat.id), delivery, received_at,
                                              text=location_text(msg.location)), msg.chat.id)
    typed = _text(msg.text) or _text(msg.caption)
    link = start_payload(typed)
    if link is None:
        inbound = InboundMessage(CHANNEL, str(msg.chat.id), delivery, received_at,
                                 text=command_text(typed),
                                 language_code=_language_code(msg.from_user))
    else:  # a deep link: the bot looks the payload up; the app's language is the best guess
        lang = msg.from_user.language_code
        inbound = InboundMessage(CHANNEL, str(msg.chat.id), delivery, received_at,
                                 text=command_text(typed), action=START_ACTION + link,
                                 lang_hint=lang.split("-")[0].lower()
                                 if isinstance(lang, str) else None,
                                 language_code=_language_code(msg.from_user))
    return TelegramInbound(inbound, msg.chat.id)

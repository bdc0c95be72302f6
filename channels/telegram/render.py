"""Neutral ``Reply`` -> Telegram ``sendMessage`` arguments: text plus an inline keyboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Reply

MAX_TEXT = 4096  # Telegram's limit per message
MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data


Buttons = tuple[tuple[str, str], ...]  # (label, callback data), one button per row


@dataclass(frozen=True)
class Outgoing:
    text: str
    buttons: Buttons = ()

    @property
    def keyboard(self) -> InlineKeyboardMarkup | None:
        """For the Bot API client. Built only when sent by it: the webhook reply (most
        replies) needs only the JSON, and these objects cost more to build than that."""
        if not self.buttons:
            return None
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=data)] for label, data in self.buttons])


def _fits(payload: str) -> bool:
    return 0 < len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES


def _chunks(text: str) -> list[str]:
    return [text[i:i + MAX_TEXT] for i in range(0, len(text), MAX_TEXT)] or [""]


def render(reply: Reply) -> list[Outgoing]:
    """One button per row (labels are times and names: they read best stacked).

    A payload too long for ``callback_data`` cannot be a button; the options are then
    listed as numbered text, which the conversation also understands.
    """
    text = reply.text or " "
    buttons: Buttons = ()
    if reply.choices and all(_fits(c.payload) for c in reply.choices):
        buttons = tuple((c.label, c.payload) for c in reply.choices)
    elif reply.choices:
        text += "\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(reply.choices, 1))
    parts = _chunks(text)
    return [Outgoing(p, buttons if i == len(parts) - 1 else ()) for i, p in enumerate(parts)]


def send_message_method(chat_id: int, part: Outgoing) -> dict[str, Any]:
    """``part`` as a Bot API call in a webhook's response body (Telegram's webhook-reply:
    the JSON names the ``method`` next to its parameters, and Telegram performs it)."""
    method: dict[str, Any] = {"method": "sendMessage", "chat_id": chat_id, "text": part.text}
    if part.buttons:  # InlineKeyboardMarkup.to_dict(), written out
        method["reply_markup"] = {"inline_keyboard": [
            [{"text": label, "callback_data": data}] for label, data in part.buttons]}
    return method

"""Channel-neutral message types: what every channel turns its wire format into, and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The action of a chat opened from an entry point (a deep link): "start:<payload>"
# (``bot.deeplink`` looks the payload up; ``core.entry_points`` makes them).
START_ACTION = "start:"


@dataclass(frozen=True)
class InboundMessage:
    """One customer message. ``action`` is a button payload; ``text`` what they typed."""

    channel: str
    sender_id: str
    delivery_id: str  # the channel's id for this delivery; a retry carries the same one
    received_at: datetime
    text: str = ""
    action: str | None = None
    # The language the platform says the customer uses (Telegram's language_code, given with
    # a deep link's /start): used only while the conversation's language is undecided and
    # the text does not tell.
    lang_hint: str | None = None
    # What the channel knows of the sender's language, for a customer whose language is not
    # decided yet (bot.language.choose): the app's language tag (Telegram's
    # ``from.language_code``, "pt-BR") and the phone number's country ("ES", SMS/WhatsApp).
    language_code: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Choice:
    label: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """Text plus optional choices; channels render choices as buttons or numbered options.

    ``lang`` is the language the text is written in, so a channel's own words around it
    (SMS's "Reply 1-5 or YES") are in the same one; None is the default, English."""

    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    lang: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text,
                                "choices": [[c.label, c.payload] for c in self.choices]}
        if self.lang is not None:  # stored replies written before languages stay readable
            data["lang"] = self.lang
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        return cls(str(data["text"]), tuple(Choice(str(a), str(b)) for a, b in data["choices"]),
                   data.get("lang"))

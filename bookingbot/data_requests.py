""""Send me my data" / "delete my data" in the chat, confirmed before anything happens.

A thin handler in front of the conversation (one hook, in ``channels_wiring.build_handler``
and the console chat): a trigger phrase (in any language the bot speaks) asks for
confirmation and leaves a pending request in the conversation's state; the next message
confirms it ("yes") or drops it (anything else goes on to the conversation as usual, whose
next save clears the pending key). The work itself is ``core.usecases.customer_data``.

An export in the chat is a summary of what is held (the full JSON is for the operator:
``bookingbot customer export``); an erasure anonymises the customer, and their next
message starts afresh as a new customer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import intents
from bot.messages import Choice, InboundMessage, Reply
from bot.session import Session, SessionStore
from core.usecases.customer_data import CustomerDataStore, erase_customer, export_customer
from i18n import say

KEY = "data_request"
VALID_FOR = timedelta(minutes=10)
Handler = Callable[[InboundMessage], list[Reply]]
States = Callable[[str, str], dict[str, Any]]
Merge = Callable[[str, str, dict[str, Any], datetime], None]


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return " ".join(re.sub(r"[^\w\s]", " ", "".join(
        c for c in folded if not unicodedata.combining(c))).split())


# (language, phrase) per request; matched on the accent-folded text, whole message only.
ERASE = {
    "en": ("delete my data", "erase my data", "remove my data", "forget me",
           "delete my account", "delete all my data"),
    "es": ("borra mis datos", "borrar mis datos", "elimina mis datos", "eliminar mis datos",
           "olvidame"),
    "de": ("losche meine daten", "loesche meine daten", "meine daten loschen",
           "daten loschen", "vergiss mich"),
    "fr": ("supprime mes donnees", "supprimer mes donnees", "supprimez mes donnees",
           "effacez mes donnees", "oubliez moi"),
    "pt": ("apague meus dados", "apagar meus dados", "exclua meus dados",
           "excluir meus dados", "apaga os meus dados", "esqueca me"),
}
EXPORT = {
    "en": ("send me my data", "my data", "export my data", "what data do you have",
           "what do you know about me"),
    "es": ("enviame mis datos", "mis datos", "exportar mis datos"),
    "de": ("meine daten", "schick mir meine daten", "sende mir meine daten"),
    "fr": ("mes donnees", "envoyez moi mes donnees", "envoie moi mes donnees"),
    "pt": ("meus dados", "envie meus dados", "me envie meus dados", "os meus dados"),
}
_YES = {"yes", "si", "ja", "oui", "sim", "confirm", "confirmo", "bestatigen"}


def trigger(text: str) -> tuple[str, str] | None:
    """("erase"|"export", language) when the whole message asks for one, else None."""
    plain = _plain(text)
    for kind, table in (("erase", ERASE), ("export", EXPORT)):
        for lang, phrases in table.items():
            if plain in phrases:
                return kind, lang
    return None


def _confirmed(text: str) -> bool:
    return _plain(text) in _YES or intents.is_yes(text)


def ask(kind: str, lang: str) -> Reply:
    if kind == "erase":
        text = say(lang, "This erases your name, number and our messages with you. Your "
                         "bookings stay on record without them, and we stop messaging you. "
                         "Reply YES to erase your data, or anything else to keep it.")
    else:
        text = say(lang, "I'll send you a summary of the data we hold about you. "
                         "Reply YES to go ahead.")
    return Reply(text, (Choice(say(lang, "Yes"), "yes"),))


def _summary(data: dict[str, Any], lang: str) -> str:
    customer = data["customer"]
    held = [say(lang, "Name: {name}", name=customer.get("name") or "-"),
            say(lang, "Phone: {phone}", phone=customer.get("phone_e164") or "-"),
            say(lang, "Chat: {channel} {handle}", channel=customer["channel"],
                handle=customer["sender_id"]),
            say(lang, "Bookings: {n}", n=len(data["bookings"])),
            say(lang, "Messages we sent you: {n}", n=len(data["messages_sent"]))]
    return "\n".join([say(lang, "Here is what we hold about you:"), *held])


@dataclass
class DataRequests:
    inner: Handler
    store: SessionStore
    data: CustomerDataStore
    states: States  # (channel, sender) -> the conversation's state
    merge: Merge  # merge keys into it
    who: Callable[[str, str], str]  # (channel, sender) -> customer id
    clock: Callable[[], datetime]

    def handle(self, message: InboundMessage) -> list[Reply]:
        text = message.action or message.text or ""
        asked = trigger(text)
        pending = self._pending(message) if asked is None else None
        if asked is None and (pending is None or not _confirmed(text)):
            return self.inner(message)
        now = self.clock()
        with self.store.open(message.channel, message.sender_id) as tx:
            if tx.processed_reply(message.delivery_id) is not None:
                return []  # a copy of a handled delivery: never answered twice
            session = tx.load() or Session()
            if asked is not None:
                out = [ask(*asked)]
            else:
                assert pending is not None
                out = [self._done(message, *pending)]
            new = tx.save(session, delivery_id=message.delivery_id,
                          replies=[r.to_json() for r in out], now=now)
        if not new:
            return []
        if asked is not None:  # after the save, which rewrites the state without it
            self.merge(message.channel, message.sender_id,
                       {KEY: {"kind": asked[0], "lang": asked[1],
                              "until": (now + VALID_FOR).isoformat()}}, now)
        elif pending is not None and pending[0] == "erase":
            # after the commit: the erasure deletes this very conversation row
            erase_customer(self.data, self.who(message.channel, message.sender_id), now=now)
        return out

    def _pending(self, message: InboundMessage) -> tuple[str, str] | None:
        raw = self.states(message.channel, message.sender_id).get(KEY)
        if not isinstance(raw, dict):
            return None
        try:
            until = datetime.fromisoformat(str(raw["until"]))
        except (KeyError, ValueError):
            return None
        if until < self.clock() or raw.get("kind") not in ("erase", "export"):
            return None
        return str(raw["kind"]), str(raw.get("lang") or "en")

    def _done(self, message: InboundMessage, kind: str, lang: str) -> Reply:
        if kind == "erase":
            return Reply(say(lang, "Done: your data is erased. If you write again, "
                                   "we start afresh."))
        data = export_customer(self.data, self.who(message.channel, message.sender_id))
        return Reply(_summary(data, lang))

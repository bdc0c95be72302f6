"""What a customer's next message answers, after a reminder or a waitlist offer was sent.

The documented contract between jobs and the conversation (jobs may not import bot):

* After delivering a reminder or a waitlist offer, the worker stores a ``ReplyContext`` in
  the recipient's conversation session row (``conversation_sessions.state``, under the key
  ``SESSION_KEY``), merged into the state the bot wrote, with the row's version bumped.
* The bot's own ``Session`` does not know the key, so whatever the bot saves next drops it:
  the context lives exactly until the customer's next message, or ``until``.
* ``bookingbot.reply_router.ReplyRouter`` reads it before the bot does and handles the
  answers it gives meaning to ("C"/"confirm", "reschedule", "cancel"; "yes"/"no"), and
  passes every other message to the bot unchanged.
* After a late-payment apology the context also carries ``options``: the payloads of the
  alternative slots offered (``alt:<provider>:<seconds>``), so a bare "2" by SMS picks the
  second one. It lives until the last of them starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.notifications import Kind
from jobs.notices import alternative

SESSION_KEY = "reply_context"
KINDS = (Kind.REMINDER.value, Kind.WAITLIST_OFFER.value, Kind.LATE_PAYMENT_REFUNDED.value)


@dataclass(frozen=True)
class ReplyContext:
    kind: str  # "reminder" | "waitlist_offer"
    booking_id: str  # the booking reminded of, or the offer's hold
    until: datetime  # after this the context means nothing (the start, the offer's end)
    options: tuple[str, ...] = ()  # the payloads offered, in order (late-payment choices)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "booking_id": self.booking_id,
                "until": self.until.isoformat(), "options": list(self.options)}

    @classmethod
    def from_json(cls, data: Any) -> ReplyContext | None:
        """None for anything missing or malformed: a context is a hint, never required."""
        try:
            return cls(str(data["kind"]), str(data["booking_id"]),
                       datetime.fromisoformat(str(data["until"])),
                       tuple(str(o) for o in data.get("options", ())))
        except (AttributeError, KeyError, TypeError, ValueError):
            return None

    def live(self, now: datetime) -> bool:
        return now < self.until


def context_after(kind: str, booking_id: str | None, until: datetime | None,
                  choices: tuple[tuple[str, str], ...] = ()) -> ReplyContext | None:
    """The context a just-sent notification leaves, if its kind expects an answer."""
    if kind not in KINDS or booking_id is None:
        return None
    if kind == Kind.LATE_PAYMENT_REFUNDED.value:
        options = tuple(p for _, p in choices if alternative(p) is not None)
        starts = [found[1] for found in map(alternative, options) if found is not None]
        return ReplyContext(kind, booking_id, max(starts), options) if starts else None
    if until is None:
        return None
    return ReplyContext(kind, booking_id, until)

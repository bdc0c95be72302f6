"""WhatsApp addresses as Twilio writes them: ``whatsapp:+14155550100`` (E.164 after the prefix).

That full form is the customer's sender id and the notification address, so an outbox row
is routed to WhatsApp by its channel and sent to exactly what Twilio gave us.
"""

from __future__ import annotations

from channels.twilio.phone import to_e164

PREFIX = "whatsapp:"


def to_whatsapp(raw: str) -> str | None:
    """``whatsapp:`` + E.164 for a valid number (with or without the prefix), else None."""
    number = raw[len(PREFIX):] if raw.lower().startswith(PREFIX) else raw
    e164 = to_e164(number.strip())
    return None if e164 is None else PREFIX + e164

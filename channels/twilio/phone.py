"""Phone numbers of Twilio addresses: ``i18n.phone`` for the number, ``whatsapp:`` off."""

from __future__ import annotations

from i18n import phone
from i18n.phone import to_e164

__all__ = ["country_of", "to_e164"]


def country_of(address: str) -> str | None:
    """The country a number belongs to ("+34..." -> "ES", "+1 415..." -> "US"), None when
    it does not say (an invalid number, a short code). A hint for the customer's language."""
    return phone.country_of(address.removeprefix("whatsapp:"))

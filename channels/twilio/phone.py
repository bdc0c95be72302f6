"""Phone numbers in E.164 ("+14155550100"), the one form we store and send to."""

from __future__ import annotations

import phonenumbers


def to_e164(raw: str, *, region: str | None = None) -> str | None:
    """E.164 for a valid number, else None (short codes and alphanumeric senders included)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_of(address: str) -> str | None:
    """The country a number belongs to ("+34..." -> "ES", "+1 415..." -> "US"), None when
    it does not say (an invalid number, a short code). A hint for the customer's language."""
    digits = address.removeprefix("whatsapp:")
    try:
        number = phonenumbers.parse(digits, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    return region if region and region != "ZZ" else None

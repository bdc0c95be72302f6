"""Phone numbers in E.164 ("+14155550100"), the one form we store and send to.

Here, in the leaf every room may use (core excepted), because the SMS and WhatsApp channels
and the web admin's walk-in form all read numbers people typed, and must agree on what a
valid one is.
"""

from __future__ import annotations

import phonenumbers


def to_e164(raw: str, *, region: str | None = None) -> str | None:
    """E.164 for a valid number, else None (short codes and alphanumeric senders included).
    A number without ``+`` is read as a number of ``region`` (e.g. "ES")."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_of(number: str) -> str | None:
    """The country an international number belongs to ("+34..." -> "ES"), None when it
    does not say (no ``+``, a short code, rubbish)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else None

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

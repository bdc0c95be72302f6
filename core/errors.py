"""Domain errors with stable codes, so every shell can say exactly what went wrong."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    SLOT_TAKEN = "slot_taken"
    OUTSIDE_HOURS = "outside_hours"
    TOO_SOON = "too_soon"
    TOO_FAR_AHEAD = "too_far_ahead"
    DAY_FULL = "day_full"
    IN_THE_PAST = "in_the_past"
    UNKNOWN_SERVICE = "unknown_service"
    UNKNOWN_PROVIDER = "unknown_provider"
    PROVIDER_DOES_NOT_OFFER = "provider_does_not_offer"
    UNKNOWN_BOOKING = "unknown_booking"
    HOLD_EXPIRED = "hold_expired"
    INVALID_TRANSITION = "invalid_transition"
    NOT_YOURS = "not_yours"
    BUSY = "busy"
    INVALID_CONFIG = "invalid_config"
    INVALID_REQUEST = "invalid_request"
    SERIES_PREPAID = "series_prepaid"
    # The provider's own calendar has been unreadable for longer than calendar_stale_limit:
    # new bookings with them pause rather than risk a double booking.
    CALENDAR_UNAVAILABLE = "calendar_unavailable"
    # Classes: every seat of the session is taken / more seats asked than one booking may hold.
    CLASS_FULL = "class_full"
    TOO_MANY_SEATS = "too_many_seats"
    # Intake answers can be changed only until the appointment starts.
    INTAKE_CLOSED = "intake_closed"


class DomainError(Exception):
    """A refusal the customer or operator can act on; never a crash."""

    def __init__(self, code: ErrorCode, message: str = "", **details: Any) -> None:
        super().__init__(message or code.value)
        self.code = code
        self.message = message or code.value
        self.details = details

    def __repr__(self) -> str:
        return f"DomainError({self.code.value!r}, {self.message!r})"


class SendError(Exception):
    """A message could not be delivered."""


class PermanentSendError(SendError):
    """Retrying will not help (opted out, invalid number, bot blocked)."""


class TransientSendError(SendError):
    """Worth retrying with backoff (timeouts, 5xx, rate limits)."""


class CalendarError(Exception):
    """A provider's calendar could not be read or written."""

"""Outbox payloads back into core events (the writer stores ``dataclass -> JSON``)."""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from typing import Any

from core.availability import Slot
from core.calendar_sync import CalendarSyncFailed
from core.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRescheduled,
    Event,
    HoldExpired,
    SeriesConfirmed,
    SlotFreed,
    SlotHeld,
)
from core.fees import FeeCharged, FeeChargeFailed
from core.intake import IntakeUpdated
from core.notifications import WaitlistOffered
from core.payments import LatePaymentRefunded, PaymentExpired, RefundNeedsAttention
from core.usecases.provider import ProviderMessaged

KNOWN: dict[str, type[Event]] = {cls.__name__: cls for cls in (
    SlotHeld, BookingConfirmed, BookingCancelled, BookingRescheduled, HoldExpired, SlotFreed,
    WaitlistOffered, PaymentExpired, LatePaymentRefunded, RefundNeedsAttention,
    ProviderMessaged, CalendarSyncFailed, FeeCharged, FeeChargeFailed, IntakeUpdated,
    SeriesConfirmed)}

# The audit action behind each event: tells who made the change (see core.notifications).
ACTION = {"BookingConfirmed": "booking.confirmed", "BookingCancelled": "booking.cancelled",
          "BookingRescheduled": "booking.rescheduled", "SeriesConfirmed": "booking.confirmed"}


def _slot(raw: dict[str, Any]) -> Slot:
    return Slot(str(raw["provider_key"]), datetime.fromisoformat(raw["start"]),
                datetime.fromisoformat(raw["end"]))


def _value(raw: Any, hint: Any) -> Any:
    if hint is datetime:
        return datetime.fromisoformat(raw)
    if hint == tuple[Slot, ...]:
        return tuple(_slot(s) for s in raw)
    if hint == tuple[str, ...]:
        return tuple(str(s) for s in raw)
    if hint == tuple[datetime, ...]:
        return tuple(datetime.fromisoformat(s) for s in raw)
    return raw  # str, int, bool: JSON already has them right


def decode_event(kind: str, payload: dict[str, Any]) -> Event | None:
    """The event, or None for a kind the jobs do not know (they are not claimed at all)."""
    cls = KNOWN.get(kind)
    if cls is None:
        return None
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _value(payload[f.name], hints[f.name])
                  for f in dataclasses.fields(cls) if f.name in payload})

"""Outbox payloads back into core events (the writer stores ``dataclass -> JSON``)."""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from typing import Any

from core.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRescheduled,
    Event,
    HoldExpired,
    SlotFreed,
    SlotHeld,
)
from core.notifications import WaitlistOffered

KNOWN: dict[str, type[Event]] = {cls.__name__: cls for cls in (
    SlotHeld, BookingConfirmed, BookingCancelled, BookingRescheduled, HoldExpired, SlotFreed,
    WaitlistOffered)}

# The audit action behind each event: tells who made the change (see core.notifications).
ACTION = {"BookingConfirmed": "booking.confirmed", "BookingCancelled": "booking.cancelled",
          "BookingRescheduled": "booking.rescheduled"}


def _value(raw: Any, hint: Any) -> Any:
    if hint is datetime:
        return datetime.fromisoformat(raw)
    return raw  # str, int, bool: JSON already has them right


def decode_event(kind: str, payload: dict[str, Any]) -> Event | None:
    """The event, or None for a kind the jobs do not know (they are not claimed at all)."""
    cls = KNOWN.get(kind)
    if cls is None:
        return None
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _value(payload[f.name], hints[f.name])
                  for f in dataclasses.fields(cls) if f.name in payload})

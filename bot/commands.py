"""What the pure machine asks the runner to do, and the results the runner feeds back.

The machine never touches the database: it returns commands; the runner executes each one
through a core use case and calls ``step`` again with the result (the two-phase step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.session import BookingView, Offer

# --- commands (imperative) ------------------------------------------------------------


@dataclass(frozen=True)
class FindSlots:
    """Free slots starting in [start, end); with none, the nearest ones after it."""

    service_key: str
    provider_key: str | None
    start: datetime
    end: datetime
    # The runner keeps a bounded number of slots: with a fine slot_step, the first ones in
    # time order may all lie before the asked time or outside the part of day. These say
    # which ones to keep: the nearest to ``near``, inside ``part`` in zone ``tz``.
    near: datetime | None = None
    part: str | None = None
    tz: str | None = None


@dataclass(frozen=True)
class HoldSlot:
    """Hold the slot the customer is about to confirm, so nobody else can take it meanwhile."""

    service_key: str
    provider_key: str
    start: datetime
    # The customer asked for this provider: if the slot is gone, the alternatives are theirs.
    keep_provider: bool = False


@dataclass(frozen=True)
class Book:
    service_key: str
    provider_key: str
    start: datetime
    hold_id: str | None = None  # the hold taken at "Confirm?": confirmed, never re-taken
    answers: tuple[tuple[str, str], ...] = ()  # intake answers, kept on the booking


@dataclass(frozen=True)
class ListBookings:
    pass


@dataclass(frozen=True)
class CancelBooking:
    booking_id: str


@dataclass(frozen=True)
class RescheduleBooking:
    booking_id: str
    provider_key: str
    new_start: datetime
    hold_id: str | None = None  # the hold taken on the new slot at "Move it?": used, not lost


@dataclass(frozen=True)
class SaveAnswers:
    """The customer changed the intake answers of their booking (until it starts)."""

    booking_id: str
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RecallProvider:
    """Who the customer saw last time ("same person as last time")."""


@dataclass(frozen=True)
class JoinWaitlist:
    service_key: str
    provider_key: str | None
    start: datetime
    end: datetime


@dataclass(frozen=True)
class BookSeries:
    service_key: str
    provider_key: str | None
    first_day: date
    at: time
    tz: str
    count: int
    every_weeks: int
    # Intake answers, asked once before "Book them all?": stored on every date's hold.
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NotifyHuman:
    """Hand the conversation to a person: recorded, and sent on every team channel."""

    text: str


# Fire-and-forget: the runner carries them out and feeds nothing back.
@dataclass(frozen=True)
class EndHandoff:
    """The customer went back to the bot ("bot", "start over")."""


@dataclass(frozen=True)
class ReleaseHold:
    """The customer left "Confirm?" without booking: free the slot for others at once."""

    booking_id: str


@dataclass(frozen=True)
class KeepHold:
    """An intake answer came in: keep the hold on the chosen slot alive a while longer."""

    booking_id: str


@dataclass(frozen=True)
class SetTimezone:
    tz: str


@dataclass(frozen=True)
class SetOptOut:
    opted_out: bool


@dataclass(frozen=True)
class SetLanguage:
    """Store the customer's language (and what decided it) on their record."""

    lang: str
    source: str


Command = (FindSlots | HoldSlot | ReleaseHold | Book | ListBookings | CancelBooking
           | RescheduleBooking | JoinWaitlist | BookSeries | NotifyHuman | EndHandoff
           | SetTimezone | SetOptOut | RecallProvider | SetLanguage | KeepHold | SaveAnswers)

# --- results (past tense) -------------------------------------------------------------


@dataclass(frozen=True)
class SlotsFound:
    offers: tuple[Offer, ...]  # inside the window asked for
    alternatives: tuple[Offer, ...] = ()  # the nearest after it, when the window had none
    # A named provider had nothing in the window: the others' free slots in it.
    others: tuple[Offer, ...] = ()


@dataclass(frozen=True)
class ProviderRecalled:
    """The provider of the customer's last booking (past first, else upcoming), or None."""

    provider_key: str | None


@dataclass(frozen=True)
class Held:
    """The slot is held for the customer until ``expires_at`` (UTC)."""

    booking_id: str
    offer: Offer
    expires_at: datetime


@dataclass(frozen=True)
class Booked:
    booking: BookingView
    payment_due_minor: int = 0
    payment_url: str | None = None
    payment_until: datetime | None = None
    test_payment: bool = False  # the demo gateway: say so, never pretend money moved
    calendar_url: str | None = None  # "add to calendar" (.ics) when the feed is configured


@dataclass(frozen=True)
class BookingsListed:
    bookings: tuple[BookingView, ...]


@dataclass(frozen=True)
class Cancelled:
    booking: BookingView
    refund_minor: int


@dataclass(frozen=True)
class Rescheduled:
    booking: BookingView


@dataclass(frozen=True)
class AnswersSaved:
    booking: BookingView


@dataclass(frozen=True)
class WaitlistJoined:
    pass


@dataclass(frozen=True)
class SeriesBooked:
    booked: tuple[datetime, ...]  # held, not confirmed, while a payment_url waits
    failed: tuple[tuple[date, str], ...]  # (local date, error code)
    # A card-on-file service: the dates stay held until this page saves the card.
    payment_url: str | None = None
    payment_until: datetime | None = None
    test_payment: bool = False


@dataclass(frozen=True)
class HandedOff:
    """Where the request went ("slack", "sms"; empty: nowhere) and whether it is on record."""

    via: tuple[str, ...]
    recorded: bool


@dataclass(frozen=True)
class Failed:
    """A use case refused: ``code`` is a core ErrorCode value; alternatives when useful."""

    code: str
    alternatives: tuple[Offer, ...] = ()


Result = (SlotsFound | Held | Booked | BookingsListed | Cancelled | Rescheduled
          | WaitlistJoined | SeriesBooked | HandedOff | Failed | ProviderRecalled
          | AnswersSaved)

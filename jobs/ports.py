"""What the jobs need from outside, as Protocols. db/jobs_store.py satisfies ``JobsStore``
structurally (db/ may not import jobs/); the composition root hands everything in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from core.delivery import Outcome
from core.model import Business
from core.notifications import BookingFacts, Draft, Message, Notice, Recipient

Clock = Callable[[], datetime]
# A page of reminder candidates (facts, offsets already recorded) -> the drafts to store.
PlanPage = Callable[[Sequence[tuple[BookingFacts, frozenset[timedelta]]]], Sequence[Draft]]


class OutboxItem(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def attempts(self) -> int:
        """Attempts including this claim; also the claim's token."""
    @property
    def request_id(self) -> str | None:
        """The HTTP request that emitted the event (``core.tracing``), if any."""


class Claimed(Protocol):
    """A notification this worker has leased for delivery."""

    @property
    def id(self) -> int: ...
    @property
    def token(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def choices(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def booking_id(self) -> str | None: ...
    @property
    def start(self) -> datetime | None: ...
    @property
    def valid_until(self) -> datetime | None:
        """For answers it expects: the appointment start, or the waitlist offer's end."""
    @property
    def attempts(self) -> int: ...
    @property
    def quiet_tz(self) -> str | None: ...
    @property
    def opted_out(self) -> bool: ...
    @property
    def booking_status(self) -> str | None: ...
    @property
    def booking_start(self) -> datetime | None: ...
    @property
    def variables(self) -> tuple[str, ...]:
        """The template values of ``core.notifications.Message`` (WhatsApp templates)."""
    @property
    def lang(self) -> str | None: ...
    @property
    def request_id(self) -> str | None:
        """The HTTP request this notification follows from (``core.tracing``), if any."""


class JobsStore(Protocol):
    def business(self) -> Business: ...

    def add_drafts(self, drafts: Sequence[Draft], *, now: datetime) -> int:
        """Store notifications; keys already stored are left alone. Returns how many new."""

    def known(self, keys: Sequence[str]) -> set[str]: ...

    def provider_recipients(self) -> dict[str, Recipient]: ...

    def claim_outbox(self, *, now: datetime, limit: int, lease: timedelta,
                     kinds: Sequence[str]) -> Sequence[OutboxItem]: ...

    def booking_facts(self, booking_id: str, *,
                      action: str | None = None) -> BookingFacts | None: ...

    def complete_outbox(self, item_id: int, attempts: int, drafts: Sequence[Draft], *,
                        now: datetime, note: str | None = None) -> bool: ...

    def fail_outbox(self, item_id: int, attempts: int, *, error: str, now: datetime,
                    retry_at: datetime | None) -> None: ...

    def claim_notifications(self, *, now: datetime, limit: int,
                            lease: timedelta) -> Sequence[Claimed]: ...

    def finish_many(self, outcomes: Sequence[Outcome]) -> int:
        """Record a group of outcomes in one commit (each only if its claim is still ours,
        with the conversation state a sent one leaves); returns how many were recorded."""

    def release(self, notification_ids: Sequence[int], token: str, *,
                now: datetime) -> None: ...

    def plan_reminder_page(self, *, now: datetime, offsets: Sequence[timedelta],
                           slack: timedelta, after: tuple[datetime, str] | None, limit: int,
                           plan: PlanPage) -> tuple[int, int, tuple[datetime, str] | None]:
        """Plan one keyset page of reminder candidates after ``after`` and store the drafts
        ``plan`` makes of it, in one transaction; (candidates, stored, last key)."""

    def cleanup(self, *, sessions_before: datetime, deliveries_before: datetime) -> int: ...

    def merge_session_state(self, channel: str, address: str, values: dict[str, Any], *,
                            now: datetime) -> None:
        """Shallow-merge ``values`` into the conversation session state of (channel, address)."""


class Renderer(Protocol):
    """Text for a notice about a booking, in the recipient's zone (bookingbot.notify_texts)."""

    def __call__(self, notice: Notice, facts: BookingFacts) -> Message: ...


class NoticeText(Protocol):
    """Text for a notice that concerns no booking (a provider's calendar alert), in the
    recipient's zone (bookingbot.notify_texts.notice_text)."""

    def __call__(self, notice: Notice) -> Message: ...


# Called with a provider's key after one of their bookings was confirmed, cancelled or moved
# (the composition root refreshes their Slack App Home). Runs after the event's commit.
BookingChanged = Callable[[str], None]

# The provider's agenda for one local day, rendered for Slack: (provider key, day, now).
AgendaText = Callable[[str, date, datetime], Message]

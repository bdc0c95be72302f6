"""Providers' own calendars, decided without I/O: what is due, how fresh a copy is, what a
failure means, and which of our bookings must be written to (or removed from) a calendar.

The policy for a calendar that cannot be read:

* within ``calendar_stale_limit`` of the last good read, the last good copy stays in use;
* beyond it (or when it was never read), new bookings with that provider **pause**: a
  ``calendar:unavailable`` busy block covers the whole booking horizon, so no slot is
  offered and a hold is refused, until a read succeeds again. A barber would rather lose a
  booking than be double-booked over a personal appointment we could not see;
* the first failure of a streak emits one ``CalendarSyncFailed`` (a Slack alert saying when
  bookings will pause); the streak ends with the next good read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from core.booking import Booking, BookingStatus
from core.events import Event
from core.interval import Interval, merge
from core.model import Business, Provider, Rules

# The busy block that pauses bookings with a provider whose calendar is too long unreadable.
UNAVAILABLE_SOURCE = "calendar:unavailable"
CALENDAR_SOURCES = "calendar:"  # every source this module writes starts with it
# A booking request re-reads a failing calendar at most this often (each try may take the
# HTTP timeout; the customer should not wait for it on every message).
ON_DEMAND_RETRY = timedelta(minutes=1)
# Failed writes to a provider's calendar are retried after 1, 2, 4 ... minutes, at most hourly.
WRITE_RETRY_CAP = timedelta(hours=1)
MAX_ERROR = 500


class Freshness(StrEnum):
    FRESH = "fresh"  # read within calendar_max_age
    AGING = "aging"  # last read fine but older than calendar_max_age: re-read before booking
    STALE = "stale"  # reads fail; the last good copy is within calendar_stale_limit: in use
    UNAVAILABLE = "unavailable"  # failing beyond the limit, or never read: bookings pause


@dataclass(frozen=True)
class SyncState:
    provider_key: str
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = None
    failing_since: datetime | None = None  # start of the current failure streak
    alerted: bool = False  # the current streak's alert has been emitted
    paused: bool = False  # the calendar:unavailable block is in place
    blocks: int = 0  # busy intervals in the copy in use


@dataclass(frozen=True)
class CalendarSyncFailed(Event):
    """A provider's calendar could not be read: emitted once per failure streak.

    ``booking_id`` is empty (no booking is concerned); ``pause_at`` is when new bookings
    with the provider pause unless a read succeeds first (``failing_since`` if never read).
    """

    provider_key: str
    error: str
    failing_since: datetime
    pause_at: datetime


def sync_window(now: datetime, rules: Rules) -> Interval:
    """What is read: from now to the booking horizon (plus a day: the horizon is in local days)."""
    return Interval(now, now + timedelta(days=rules.max_days_ahead + 1))


def pause_at(state: SyncState | None, rules: Rules) -> datetime | None:
    """When the copy in use stops being trusted; None for a calendar never tried."""
    if state is None:
        return None
    if state.last_success_at is not None:
        return state.last_success_at + rules.calendar_stale_limit
    return state.failing_since


def freshness(state: SyncState | None, now: datetime, rules: Rules) -> Freshness:
    if state is None or state.last_success_at is None:
        return Freshness.AGING if state is None or state.failing_since is None \
            else Freshness.UNAVAILABLE
    if state.failing_since is not None and state.failing_since > state.last_success_at:
        limit = pause_at(state, rules)
        return Freshness.UNAVAILABLE if limit is not None and now >= limit else Freshness.STALE
    if now - state.last_success_at > rules.calendar_max_age:
        return Freshness.AGING
    return Freshness.FRESH


def is_due(state: SyncState | None, now: datetime, rules: Rules) -> bool:
    """For the sweep: never tried, or last tried a sync interval ago (failing ones too)."""
    return (state is None or state.last_attempt_at is None
            or now - state.last_attempt_at >= rules.calendar_sync_interval)


def due_providers(business: Business, states: Mapping[str, SyncState],
                  now: datetime) -> list[Provider]:
    return [p for p in business.providers
            if p.calendar is not None and is_due(states.get(p.key), now, business.rules)]


def needs_refresh(state: SyncState | None, now: datetime, rules: Rules) -> bool:
    """For a booking request: the copy is older than calendar_max_age (or unusable), and
    the calendar was not just tried."""
    if freshness(state, now, rules) is Freshness.FRESH:
        return False
    return (state is None or state.last_attempt_at is None
            or now - state.last_attempt_at >= ON_DEMAND_RETRY)


def after_success(state: SyncState | None, provider_key: str, now: datetime,
                  blocks: int) -> SyncState:
    base = state or SyncState(provider_key)
    return replace(base, last_attempt_at=now, last_success_at=now, failing_since=None,
                   alerted=False, paused=False, blocks=blocks)


@dataclass(frozen=True)
class FailureDecision:
    state: SyncState
    alert: CalendarSyncFailed | None  # the streak's first failure: tell the provider
    pause: bool  # bookings with the provider pause (beyond the staleness limit)


def after_failure(state: SyncState | None, provider_key: str, error: str, now: datetime,
                  rules: Rules) -> FailureDecision:
    base = state or SyncState(provider_key)
    failing = base.failing_since
    if failing is None or (base.last_success_at is not None and failing <= base.last_success_at):
        failing = now  # a new streak
    message = error[:MAX_ERROR]
    new = replace(base, last_attempt_at=now, last_failure_at=now, last_error=message,
                  failing_since=failing)
    pause = freshness(new, now, rules) is Freshness.UNAVAILABLE
    alert = None
    if not base.alerted or failing == now:
        limit = pause_at(new, rules) or now
        alert = CalendarSyncFailed(booking_id="", provider_key=provider_key, error=message,
                                   failing_since=failing, pause_at=limit)
    return FailureDecision(replace(new, alerted=True, paused=pause), alert, pause)


def pause_span(now: datetime, rules: Rules) -> Interval:
    """The block that pauses a provider's bookings: the whole horizon from now."""
    return sync_window(now, rules)


def clip_busy(busy: Iterable[Interval], window: Interval) -> list[Interval]:
    """Busy intervals inside ``window``, merged (sources may overlap or spill over)."""
    return merge(Interval(max(iv.start, window.start), min(iv.end, window.end))
                 for iv in busy if iv.overlaps(window))


# -- writing our bookings into providers' calendars ------------------------------------------


@dataclass(frozen=True)
class WrittenEvent:
    """What we last wrote (or tried to write) to a provider's calendar for one booking."""

    booking_id: str
    provider_key: str
    start: datetime
    end: datetime
    external_id: str | None = None
    synced_at: datetime | None = None  # None: not (known to be) written yet
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class WriteItem:
    """A booking whose calendar event may be out of date, with what was written for it."""

    booking: Booking
    customer_name: str | None
    written: WrittenEvent | None


class WriteAction(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


@dataclass(frozen=True)
class WriteTask:
    action: WriteAction
    provider_key: str  # whose calendar: for a delete after a move, the old provider's
    item: WriteItem


def plan_writes(item: WriteItem, *, writable: frozenset[str], now: datetime) -> list[WriteTask]:
    """The calendar calls that bring a booking's event in line with the booking.

    Confirmed and not yet over: an event at the booking's time in its provider's calendar.
    Cancelled or expired (or moved to another provider): no event. Completed and no-show
    bookings keep theirs. A row waiting out a retry delay plans nothing yet.
    """
    b, w = item.booking, item.written
    if w is not None and w.next_attempt_at is not None and w.next_attempt_at > now:
        return []
    tasks: list[WriteTask] = []
    wanted = (b.status is BookingStatus.CONFIRMED and b.end > now
              and b.provider_key in writable)
    keep = b.status in (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
    if w is not None and w.provider_key in writable and not keep and (
            not wanted or w.provider_key != b.provider_key):
        tasks.append(WriteTask(WriteAction.DELETE, w.provider_key, item))
    current = (w is not None and w.synced_at is not None and w.provider_key == b.provider_key
               and (w.start, w.end) == (b.start, b.end))
    if wanted and not current:
        tasks.append(WriteTask(WriteAction.UPSERT, b.provider_key, item))
    return tasks


def retry_at(attempts: int, now: datetime) -> datetime:
    return now + min(timedelta(minutes=2 ** min(attempts, 10)), WRITE_RETRY_CAP)


def event_text(business: Business, booking: Booking,
               customer_name: str | None) -> tuple[str, str]:
    """Title and description of a booking's event in a provider's calendar (and feed)."""
    service = business.service(booking.service_key)
    what = service.name if service is not None else booking.service_key
    who = customer_name or "a customer"
    title = f"{what}: {who}"
    description = (f"Booked with {business.name} via {booking.channel}.\n"
                   f"Booking {booking.id}")
    return title, description

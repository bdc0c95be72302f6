"""Calendar use cases: read a provider's calendar into busy blocks, check freshness before a
booking, and write our bookings into providers' calendars.

Outside calls (HTTP) never run inside a transaction: each use case reads what it needs in
one short unit of work, talks to the calendar, then records the result in another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Protocol

from core.calendar_sync import (
    Freshness,
    SyncState,
    WriteAction,
    WriteItem,
    WriteTask,
    WrittenEvent,
    after_failure,
    after_success,
    clip_busy,
    event_text,
    freshness,
    needs_refresh,
    pause_span,
    plan_writes,
    retry_at,
    sync_window,
)
from core.errors import CalendarError, DomainError, ErrorCode
from core.events import Event
from core.interval import Interval
from core.model import Business
from core.ports import CalendarSource, CalendarWriter


class CalendarStateRepository(Protocol):
    def get(self, provider_key: str, *, for_update: bool = False) -> SyncState | None: ...

    def save(self, state: SyncState) -> None: ...

    def all(self) -> dict[str, SyncState]: ...

    def forget(self, provider_key: str) -> None:
        """Drop the state and every calendar block of a provider who has no calendar now."""


class CalendarBlocks(Protocol):
    def replace(self, provider_key: str, busy: Sequence[Interval], *, source: str) -> int:
        """Swap every calendar block of the provider (time off untouched) for ``busy``."""

    def pause(self, provider_key: str, span: Interval | None) -> None:
        """Put the calendar:unavailable block over ``span``, or lift it (None)."""


class CalendarEvents(Protocol):
    def pending(self, *, writable: frozenset[str], now: datetime, limit: int) -> list[WriteItem]:
        """Bookings whose event may be out of date: confirmed and upcoming for a writable
        provider without a matching written event, or with an event they should not have."""

    def save(self, written: WrittenEvent) -> None: ...

    def remove(self, booking_id: str) -> None: ...


class CalendarUnitOfWork(Protocol):
    calendar_state: CalendarStateRepository
    calendar_blocks: CalendarBlocks
    calendar_events: CalendarEvents

    def __enter__(self) -> CalendarUnitOfWork: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def commit(self) -> None: ...

    def lock_provider(self, provider_key: str) -> None: ...

    def business(self) -> Business: ...

    def emit(self, events: Sequence[Event]) -> None: ...


@dataclass(frozen=True)
class SyncOutcome:
    provider_key: str
    ok: bool
    freshness: Freshness
    blocks: int = 0
    error: str | None = None
    alerted: bool = False


def sync_calendar(uow: Callable[[], CalendarUnitOfWork], *, provider_key: str,
                  source: CalendarSource, now: datetime) -> SyncOutcome:
    """Read one provider's calendar over the booking horizon and store it as busy blocks."""
    with uow() as tx:
        business = tx.business()
    provider = business.provider(provider_key)
    if provider is None or provider.calendar is None:
        raise DomainError(ErrorCode.UNKNOWN_PROVIDER,
                          f"provider {provider_key!r} has no calendar to sync")
    window = sync_window(now, business.rules)
    try:
        busy, error = clip_busy(source.busy(window), window), None
    except CalendarError as exc:
        busy, error = [], str(exc) or type(exc).__name__
    except Exception as exc:  # an adapter bug must still count as a failed read, not vanish
        busy, error = [], f"{type(exc).__name__}: {exc}"
    with uow() as tx:
        tx.lock_provider(provider_key)  # one writer per provider: bookings wait, then see all
        state = tx.calendar_state.get(provider_key, for_update=True)
        if error is None:
            tx.calendar_blocks.replace(provider_key, busy, source=provider.calendar.source)
            tx.calendar_blocks.pause(provider_key, None)
            new = after_success(state, provider_key, now, len(busy))
            alerted = False
        else:
            decision = after_failure(state, provider_key, error, now, business.rules)
            new = decision.state
            tx.calendar_blocks.pause(provider_key, pause_span(now, business.rules)
                                     if decision.pause else None)
            alerted = decision.alert is not None
            if decision.alert is not None:
                tx.emit([decision.alert])
        tx.calendar_state.save(new)
        tx.commit()
    return SyncOutcome(provider_key, error is None, freshness(new, now, business.rules),
                       new.blocks, error, alerted)


def refresh_if_stale(uow: Callable[[], CalendarUnitOfWork], *, provider_key: str,
                     source: CalendarSource, now: datetime) -> Freshness:
    """Before a booking: re-read the calendar when the copy is older than calendar_max_age.

    Raises ``DomainError(CALENDAR_UNAVAILABLE)`` when the calendar has been unreadable for
    longer than calendar_stale_limit (bookings with the provider are paused meanwhile).
    """
    with uow() as tx:
        business = tx.business()
        provider = business.provider(provider_key)
        if provider is None or provider.calendar is None:
            return Freshness.FRESH  # nothing to check
        state = tx.calendar_state.get(provider_key)
    verdict = freshness(state, now, business.rules)
    if needs_refresh(state, now, business.rules):
        verdict = sync_calendar(uow, provider_key=provider_key, source=source, now=now).freshness
    if verdict is Freshness.UNAVAILABLE:
        raise DomainError(ErrorCode.CALENDAR_UNAVAILABLE,
                          f"{provider.name}'s calendar cannot be read right now",
                          provider=provider_key)
    return verdict


@dataclass
class WriteReport:
    upserted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.upserted or self.deleted or self.failed)

    def __str__(self) -> str:
        return (f"{len(self.upserted)} written, {len(self.deleted)} removed, "
                f"{len(self.failed)} failed")


def write_bookings(uow: Callable[[], CalendarUnitOfWork], *,
                   writer_for: Callable[[str], CalendarWriter | None], now: datetime,
                   limit: int = 100) -> WriteReport:
    """Bring providers' calendars in line with our bookings: one event per confirmed booking,
    moved with it, removed when it is cancelled. Safe to run twice or on two workers: the
    writers are idempotent per booking id, and a matching written event plans nothing."""
    with uow() as tx:
        business = tx.business()
        writers = {p.key: w for p in business.providers
                   if p.calendar is not None and p.calendar.writable
                   and (w := writer_for(p.key)) is not None}
        items = tx.calendar_events.pending(writable=frozenset(writers), now=now, limit=limit)
    report = WriteReport()
    for item in items:
        for task in plan_writes(item, writable=frozenset(writers), now=now):
            if not _write(uow, task, business=business, writer=writers[task.provider_key],
                          now=now, report=report):
                break  # a failed delete before a move: retry both later, in order
    return report


def _write(uow: Callable[[], CalendarUnitOfWork], task: WriteTask, *, business: Business,
           writer: CalendarWriter, now: datetime, report: WriteReport) -> bool:
    booking, written = task.item.booking, task.item.written
    try:
        if task.action is WriteAction.DELETE:
            writer.delete(booking.id)
        else:
            title, description = event_text(business, booking, task.item.customer_name)
            external_id = writer.upsert(booking, title=title, description=description)
    except CalendarError as exc:
        report.failed.append(booking.id)
        attempts = (written.attempts if written is not None else 0) + 1
        failed = written or WrittenEvent(booking.id, booking.provider_key, booking.start,
                                         booking.end)
        with uow() as tx:
            tx.calendar_events.save(replace(failed, attempts=attempts, last_error=str(exc)[:500],
                                            next_attempt_at=retry_at(attempts, now)))
            tx.commit()
        return False
    with uow() as tx:
        if task.action is WriteAction.DELETE:
            tx.calendar_events.remove(booking.id)
            report.deleted.append(booking.id)
        else:
            tx.calendar_events.save(WrittenEvent(booking.id, booking.provider_key, booking.start,
                                                 booking.end, external_id, now))
            report.upserted.append(booking.id)
        tx.commit()
    return True

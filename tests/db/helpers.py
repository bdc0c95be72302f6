"""Builders shared by the db tests: a small business, bookings, and the overlap audit query."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from core.booking import Booking, BookingStatus
from core.interval import Interval
from core.model import (
    Business,
    DatedException,
    DayHours,
    ExceptionKind,
    LocalSpan,
    PaymentMode,
    Provider,
    Rules,
    Service,
)
from core.money import Money
from core.policy import DEFAULT_POLICY
from db.catalog import sync_business
from db.uow import SqlUnitOfWork

TABLES = ("business", "services", "providers", "customers", "bookings", "booking_audit",
          "waitlist_entries", "busy_blocks", "outbox", "class_sessions", "staff_accounts",
          "login_throttle", "handoffs", "resources", "resource_bookings", "booking_answers")
NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # a Monday
T0 = datetime(2030, 1, 8, 9, 0, tzinfo=UTC)  # tomorrow 09:00 UTC

OVERLAPS_SQL = text("""
    SELECT count(*) FROM bookings a JOIN bookings b
      ON a.provider_key = b.provider_key AND a.id < b.id AND a.session_key <> b.session_key
     WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
       AND a.block_start < b.block_end AND b.block_start < a.block_end
""")


def weekday_hours() -> tuple[DayHours, ...]:
    day = DayHours(spans=(LocalSpan(time(9), time(17)),),
                   breaks=(LocalSpan(time(12, 30), time(13, 15)),))
    sat = DayHours(spans=(LocalSpan(time(10), time(14)),))
    return (day,) * 5 + (sat, DayHours())


def make_business(**changes: object) -> Business:
    services = (
        Service("cut", "Haircut", timedelta(minutes=30), Money(2500, "EUR"), Money(0, "EUR"),
                buffer_after=timedelta(minutes=10), aliases=("trim", "haircut")),
        Service("color", "Colour", timedelta(minutes=90), Money(9000, "EUR"), Money(2000, "EUR"),
                payment=PaymentMode.DEPOSIT, buffer_before=timedelta(minutes=15),
                buffer_after=timedelta(minutes=15)),
        Service("consult", "Consultation", timedelta(minutes=15), Money(0, "EUR"),
                Money(0, "EUR")),
    )
    exceptions = (
        DatedException(date(2030, 12, 25), ExceptionKind.CLOSED, note="Christmas"),
        DatedException(date(2030, 1, 9), ExceptionKind.HOURS,
                       hours=DayHours(spans=(LocalSpan(time(12), time(20)),))),
        DatedException(date(2030, 1, 10), ExceptionKind.TIME_OFF,
                       blocked=(LocalSpan(time(14), time(15, 30)),), note="dentist"),
    )
    providers = (
        Provider("alice", "Alice", ZoneInfo("Europe/London"), frozenset({"cut", "color"}),
                 weekday_hours(), exceptions, slack_user_id="U123"),
        Provider("bob", "Bob", ZoneInfo("Asia/Kolkata"), frozenset({"cut", "consult"}),
                 weekday_hours()),
    )
    fields: dict[str, object] = {
        "name": "Salon", "tz": ZoneInfo("Europe/London"), "currency": "EUR",
        "services": services, "providers": providers,
        "rules": Rules(max_per_day=6, reminders=(timedelta(hours=24),)), "policy": DEFAULT_POLICY,
    }
    fields.update(changes)
    return Business(**fields)  # type: ignore[arg-type]


def seed(uow: Callable[[], SqlUnitOfWork], business: Business | None = None) -> str:
    """Sync the business and create one customer; returns the customer id."""
    with uow() as u:
        sync_business(u.session, business or make_business(), raw_text="salon: {}", now=NOW)
        customer = u.customers.get_or_create("telegram", "42", now=NOW, name="Ann")
        u.commit()
    return customer.id


def make_booking(customer_id: str, *, provider: str = "alice", service: str = "cut",
                 start: datetime = T0, minutes: int = 30, before: int = 0, after: int = 0,
                 status: BookingStatus = BookingStatus.CONFIRMED,
                 hold_until: datetime | None = None, series_id: str | None = None) -> Booking:
    end = start + timedelta(minutes=minutes)
    block = Interval(start, end).widen(timedelta(minutes=before), timedelta(minutes=after))
    if status is BookingStatus.HELD and hold_until is None:
        hold_until = NOW + timedelta(minutes=10)
    return Booking(id=str(uuid.uuid4()), provider_key=provider, service_key=service,
                   customer_id=customer_id, channel="telegram", start=start, end=end,
                   block=block, status=status, created_at=NOW, hold_expires_at=hold_until,
                   series_id=series_id, currency="EUR", price_minor=2500, due_minor=0)


def overlap_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(OVERLAPS_SQL).scalar_one())

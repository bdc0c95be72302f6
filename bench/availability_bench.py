"""30 days of free slots for one busy provider, end to end on PostgreSQL and SQLite.

Mon-Sat 09:00-18:00 with lunch 12:30-13:15, two holidays, one afternoon off, buffers
5/10 min, a 15-minute grid, across a DST change; 1,000 bookings in the window (busy
mornings) and a few calendar blocks. End to end is the use case the bot calls
(``available_slots``: one unit of work, the bookings and busy time read from the
database, the slots computed), timed with a past of 0, 10,000 and 100,000 bookings
before the window (mostly still confirmed; some completed, cancelled, no-show): the time
should not grow with the past.

Anchor, same run: ``free_slots`` on the same 1,000 bookings already in memory (no database),
the floor under the end-to-end figure. Also printed: the bookings query alone.
Target: median < 20 ms end to end at 100,000 past bookings, on both databases.

Resources line (issue 16): the same provider and window for a service that needs a
treatment room as well (``requires: [room]``), two rooms (one with its own hours, one
holiday), the 1,000 bookings each holding room 1: availability is the provider's free
slots intersected with a free room. Target: median < 20 ms end to end, on both databases.

    .venv/bin/python bench/availability_bench.py [--runs 50] [--pg URL] [--resources-only]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time as clock
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import insert, make_url

from core.availability import Taken, free_slots
from core.interval import Interval
from core.model import (
    Business,
    DatedException,
    DayHours,
    ExceptionKind,
    LocalSpan,
    Provider,
    Resource,
    Rules,
    Service,
)
from core.money import Money
from core.policy import DEFAULT_POLICY
from core.timeutil import local_instant
from core.usecases import available_slots
from db.bookings import B
from db.catalog import sync_business
from db.engine import make_engine
from db.migrate import upgrade
from db.repositories import BB
from db.tables import CustomerRow, ResourceBookingRow, table_of
from db.uow import BusinessCache, SqlUnitOfWork, session_factory

TZ = ZoneInfo("Europe/London")
FIRST = date(2026, 3, 16)  # spans the 2026-03-29 DST change
NOW = datetime(2026, 3, 15, 12, tzinfo=UTC)
WINDOW = Interval(NOW, NOW + timedelta(days=30))
HISTORY = (0, 10_000, 100_000)
TARGET_MS = 20.0
# Most past bookings stay "confirmed" (completing one is a manual step); some were not.
PAST_STATUSES = ("confirmed",) * 16 + ("completed", "completed", "cancelled", "no_show")


def build_business() -> Business:
    workday = DayHours(spans=(LocalSpan(time(9), time(18)),),
                       breaks=(LocalSpan(time(12, 30), time(13, 15)),))
    exceptions = (
        DatedException(FIRST + timedelta(days=4), ExceptionKind.CLOSED, note="holiday"),
        DatedException(FIRST + timedelta(days=18), ExceptionKind.CLOSED, note="holiday"),
        DatedException(FIRST + timedelta(days=9), ExceptionKind.TIME_OFF,
                       blocked=(LocalSpan(time(15), time(18)),)),
    )
    provider = Provider(key="ana", name="Ana", tz=TZ, services=frozenset({"cut"}),
                        weekly=(workday,) * 6 + (DayHours(),), exceptions=exceptions)
    service = Service(key="cut", name="Haircut", duration=timedelta(minutes=30),
                      price=Money(3000, "GBP"), deposit=Money(0, "GBP"),
                      buffer_before=timedelta(minutes=5), buffer_after=timedelta(minutes=10))
    return Business(name="Bench", tz=TZ, currency="GBP", services=(service,),
                    providers=(provider,), rules=Rules(max_days_ahead=60, max_per_day=40),
                    policy=DEFAULT_POLICY)


def window_bookings(n: int = 1000) -> list[Taken]:
    """``n`` five-minute visits back to back from 09:00 on each working day: busy mornings,
    free afternoons (the bookings cannot overlap: the database refuses it)."""
    days = [FIRST + timedelta(days=d) for d in range(30)
            if (FIRST + timedelta(days=d)).weekday() < 6]
    taken = []
    for i in range(n):
        day = days[i % len(days)]
        start = local_instant(day, time(9), TZ)
        assert start is not None
        start += timedelta(minutes=5 * (i // len(days)))
        taken.append(Taken("ana", start, Interval(start, start + timedelta(minutes=5))))
    return taken


BUSY = [Interval(NOW + timedelta(days=d, hours=10), NOW + timedelta(days=d, hours=11))
        for d in range(0, 30, 3)]


def _row(customer: str, start: datetime, minutes: int, status: str) -> dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    return {"id": str(uuid.uuid4()), "provider_key": "ana", "service_key": "cut",
            "customer_id": customer, "channel": "telegram", "start_at": start, "end_at": end,
            "block_start": start, "block_end": end, "status": status,
            "hold_expires_at": None, "series_id": None, "currency": "GBP",
            "price_minor": 3000, "due_minor": 0, "paid_minor": 0, "refunded_minor": 0,
            "created_at": start - timedelta(days=7), "updated_at": start}


def seed(url: str, taken: list[Taken]) -> str:
    engine = make_engine(url)
    customer = str(uuid.uuid4())
    with session_factory(engine).begin() as s:
        sync_business(s, build_business(), raw_text="bench", now=NOW)
        s.execute(insert(table_of(CustomerRow)), [{
            "id": customer, "channel": "telegram", "sender_id": "1", "name": None, "tz": None,
            "phone_e164": None, "opted_out": False, "created_at": NOW}])
        s.execute(insert(B), [_row(customer, t.start, 5, "confirmed") for t in taken])
        s.execute(insert(BB), [{"provider_key": "ana", "start_at": b.start, "end_at": b.end,
                                "source": "ics:bench", "external_id": str(i), "note": ""}
                               for i, b in enumerate(BUSY)])
    engine.dispose()
    return customer


def add_history(url: str, customer: str, already: int, total: int) -> None:
    """Past bookings back to back (30 min each) going back from the window's start."""
    engine = make_engine(url)
    rows = [_row(customer, NOW - timedelta(minutes=30 * (i + 1)), 30,
                 PAST_STATUSES[i % len(PAST_STATUSES)]) for i in range(already, total)]
    for chunk in range(0, len(rows), 5000):
        with session_factory(engine).begin() as s:
            s.execute(insert(B), rows[chunk:chunk + 5000])
    engine.dispose()


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm: the business cache, the pool, prepared statements
    out = []
    for _ in range(runs):
        started = clock.perf_counter()
        fn()
        out.append((clock.perf_counter() - started) * 1000)
    return out


def spread(ms: list[float]) -> str:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return (f"min {ms[0]:.2f} / median {statistics.median(ms):.2f} / p99 {p99:.2f} / "
            f"max {ms[-1]:.2f} ms")


@contextmanager
def database(backend: str, pg: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    name = f"bb_bench_{uuid.uuid4().hex[:8]}"
    libpq = make_url(pg).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(pg).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_backend(backend: str, pg: str, runs: int, taken: list[Taken],
                anchor: list[float]) -> list[tuple[int, float]]:
    medians = []
    with database(backend, pg) as url:
        upgrade(url)
        customer = seed(url, taken)
        engine = make_engine(url)
        sessions = session_factory(engine)
        cache = BusinessCache()  # one per process, as bookingbot.bootstrap keeps it
        done = 0
        for size in HISTORY:
            add_history(url, customer, done, size)
            done = size
            if backend == "postgresql":
                with engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE bookings")

            def end_to_end() -> object:
                return available_slots(SqlUnitOfWork(sessions, cache), service_key="cut",
                                       provider_key="ana", window=WINDOW, now=NOW)

            def query() -> object:
                with SqlUnitOfWork(sessions, cache) as u:
                    return u.bookings.taken("ana", WINDOW.widen(timedelta(days=2),
                                                                timedelta(days=2)), NOW)

            slots = len(end_to_end())  # type: ignore[arg-type]
            e2e, sql = timed(end_to_end, runs), timed(query, runs)
            ratio = statistics.median(e2e) / statistics.median(anchor)
            print(f"  {backend:10s} past {size:>7,}: end to end {spread(e2e)}; "
                  f"ratio to anchor {ratio:.1f}; query alone median "
                  f"{statistics.median(sql):.2f} ms; {slots} slots")
            medians.append((size, statistics.median(e2e)))
        engine.dispose()
    return medians


ROOMS = (Resource("room1", "Room 1", "room"),
         Resource("room2", "Room 2", "room", weekly=(DayHours(spans=(
             LocalSpan(time(12), time(18)),)),) * 5 + (DayHours(),) * 2, exceptions=(
             DatedException(FIRST + timedelta(days=2), ExceptionKind.CLOSED),)))


def clinic_business() -> Business:
    base = build_business()
    treat = replace(base.services[0], key="treat", name="Treatment", requires=("room",))
    ana = replace(base.providers[0], services=frozenset({"cut", "treat"}))
    return replace(base, services=(*base.services, treat), providers=(ana,), resources=ROOMS)


def seed_rooms(url: str, taken: list[Taken]) -> None:
    """The 1,000 window bookings as treatments, each holding room 1 (they never overlap)."""
    engine = make_engine(url)
    customer = str(uuid.uuid4())
    rows = [{**_row(customer, t.start, 5, "confirmed"), "service_key": "treat"} for t in taken]
    for r in rows:  # a one-to-one booking is its own session (the room row carries it)
        r["session_key"] = r["id"]
    with session_factory(engine).begin() as s:
        sync_business(s, clinic_business(), raw_text="bench", now=NOW)
        s.execute(insert(table_of(CustomerRow)), [{
            "id": customer, "channel": "telegram", "sender_id": "1", "name": None, "tz": None,
            "phone_e164": None, "opted_out": False, "created_at": NOW}])
        s.execute(insert(B), rows)
        s.execute(insert(table_of(ResourceBookingRow)), [{
            "booking_id": r["id"], "kind": "room", "resource_key": "room1",
            "status": "confirmed", "block_start": r["block_start"],
            "block_end": r["block_end"], "session_key": r["session_key"]} for r in rows])
    engine.dispose()


def run_resources(backend: str, pg: str, runs: int, taken: list[Taken]) -> float:
    with database(backend, pg) as url:
        upgrade(url)
        seed_rooms(url, taken)
        engine = make_engine(url)
        sessions, cache = session_factory(engine), BusinessCache()

        def end_to_end(service: str = "treat") -> list[Any]:
            return available_slots(SqlUnitOfWork(sessions, cache), service_key=service,
                                   provider_key="ana", window=WINDOW, now=NOW)

        slots = len(end_to_end())
        e2e = timed(end_to_end, runs)
        plain = timed(lambda: end_to_end("cut"), runs)  # same provider, no room needed
        engine.dispose()
    ratio = statistics.median(e2e) / statistics.median(plain)
    print(f"  {backend:10s} provider + room, {len(taken):,} bookings holding a room: "
          f"end to end {spread(e2e)}; {slots} slots; the provider alone (no room) median "
          f"{statistics.median(plain):.2f} ms, ratio {ratio:.2f}")
    return statistics.median(e2e)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--resources-only", action="store_true",
                        help="only the provider + room line")
    args = parser.parse_args()
    business, taken = build_business(), window_bookings()

    def pure() -> object:
        return free_slots(business=business, service_key="cut", provider_key="ana",
                          window=WINDOW, now=NOW, taken=taken, busy={"ana": BUSY})

    anchor = timed(pure, args.runs)
    print(f"30 days of slots, {len(taken)} bookings in the window, {args.runs} runs each")
    print(f"  anchor: free_slots in memory, no database: {spread(anchor)}")
    ok = True
    for backend in () if args.resources_only else ("postgresql", "sqlite"):
        medians = run_backend(backend, args.pg, args.runs, taken, anchor)
        growth = medians[-1][1] / medians[0][1]
        print(f"  {backend}: growth 0 -> 100,000 past bookings x{growth:.2f}")
        ok = ok and medians[-1][1] < TARGET_MS
    for backend in ("postgresql", "sqlite"):
        ok = run_resources(backend, args.pg, args.runs, taken) < TARGET_MS and ok
    print("OK" if ok else f"FAILED (target: median < {TARGET_MS:.0f} ms at 100,000 past)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

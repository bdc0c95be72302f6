"""Many threads race for a handful of overlapping slots of one provider.

Each "prevented" test is paired with a control that runs the same naive
check-then-insert against a database whose guard was removed, and shows that
overlaps then do happen, so the prevented test is able to fail.

The interleaving is forced, not left to timing: every thread checks its first attempt, then
all of them meet at a barrier, then they write. So the first round of checks all see a free
schedule whatever the machine's load, and among those first attempts there are clashing pairs
(asserted), which only the database can then refuse.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from core.booking import Booking, BookingStatus
from core.errors import DomainError
from db.engine import SQLITE_BEGIN_OPTION, make_engine
from db.migrate import upgrade
from db.uow import SqlUnitOfWork, session_factory
from tests.db.conftest import fresh_database
from tests.db.helpers import NOW, T0, make_booking, overlap_count, seed

THREADS = 16
ATTEMPTS = 240


def attempts(customer_id: str, seed_value: int = 7) -> list[Booking]:
    """5 hourly slots; each attempt shifted by -20..+20 min and 20..60 min long."""
    rng = random.Random(seed_value)
    out = []
    for _ in range(ATTEMPTS):
        start = T0 + timedelta(hours=rng.randrange(5), minutes=rng.choice([-20, -10, 0, 10, 20]))
        status = rng.choice([BookingStatus.HELD, BookingStatus.CONFIRMED])
        out.append(make_booking(customer_id, start=start, minutes=rng.choice([20, 30, 45, 60]),
                                after=rng.choice([0, 5]), status=status,
                                hold_until=NOW + timedelta(hours=1)))
    return out


def check_then_insert(writer: sessionmaker[Session], reader: sessionmaker[Session],
                      booking: Booking, *, same_tx: bool,
                      between: Callable[[], object] = lambda: None) -> str:
    """The naive service: look, wait for ``between``, write. Only the database can stop a clash."""
    window = booking.block
    try:
        if same_tx:
            with SqlUnitOfWork(writer) as u:
                seen = u.bookings.occupying(booking.provider_key, window, NOW)
                between()
                if seen:
                    return "seen_taken"
                u.bookings.add(booking)
                u.commit()
            return "ok"
        with SqlUnitOfWork(reader) as u:
            seen = u.bookings.occupying(booking.provider_key, window, NOW)
        between()
        if seen:
            return "seen_taken"
        with SqlUnitOfWork(writer) as u:
            u.bookings.add(booking)
            u.commit()
        return "ok"
    except DomainError as exc:
        return exc.code.value


def clashing_pairs(bookings: list[Booking]) -> int:
    return sum(1 for i, a in enumerate(bookings) for b in bookings[i + 1:]
               if a.provider_key == b.provider_key and a.block.overlaps(b.block))


def race(engine: Engine, customer_id: str) -> Counter[str]:
    writer = session_factory(engine)
    reader = session_factory(engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}))
    same_tx = engine.dialect.name == "postgresql"  # READ COMMITTED check, then insert
    start = threading.Barrier(THREADS, timeout=120)
    checked = threading.Barrier(THREADS, timeout=120)  # all first checks done, no write yet

    def worker(batch: list[Booking]) -> list[str]:
        start.wait()
        first, *rest = batch
        return [check_then_insert(writer, reader, first, same_tx=same_tx, between=checked.wait),
                *(check_then_insert(writer, reader, b, same_tx=same_tx) for b in rest)]

    todo = attempts(customer_id)
    assert clashing_pairs(todo[:THREADS]) > 0  # the forced first round contains a real race
    with ThreadPoolExecutor(THREADS) as pool:
        results = pool.map(worker, [todo[i::THREADS] for i in range(THREADS)])
        return Counter(r for batch in results for r in batch)


def test_database_prevents_overlaps_under_contention(engine: Engine) -> None:
    customer_id = seed(lambda: SqlUnitOfWork(session_factory(engine)))
    outcomes = race(engine, customer_id)
    assert sum(outcomes.values()) == ATTEMPTS
    assert outcomes["ok"] > 0
    assert outcomes["slot_taken"] > 0, outcomes  # the database, not the check, refused some
    assert outcomes["busy"] == 0, outcomes  # conflicting writers queue; no deadlock stalls
    assert overlap_count(engine) == 0, outcomes


@pytest.fixture
def unguarded_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A separately migrated database with the exclusion constraint / triggers dropped."""
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    conn.execute(text("ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap"))
                    conn.execute(text("DROP TRIGGER bookings_serialise_provider ON bookings"))
                else:
                    conn.execute(text("DROP TRIGGER bookings_no_overlap_insert"))
                    conn.execute(text("DROP TRIGGER bookings_no_overlap_update"))
            yield engine
        finally:
            engine.dispose()


def test_control_without_the_guard_overlaps_happen(unguarded_engine: Engine) -> None:
    customer_id = seed(lambda: SqlUnitOfWork(session_factory(unguarded_engine)))
    outcomes = race(unguarded_engine, customer_id)
    assert outcomes["slot_taken"] == 0
    assert overlap_count(unguarded_engine) > 0, outcomes

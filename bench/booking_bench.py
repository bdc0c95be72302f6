"""Booking write throughput through the real Python path, against pgbench as a yardstick.

Modes, each at 1, 4 and 16 threads:
  raw contended   - ``SqlUnitOfWork`` -> ``lock_provider`` -> ``bookings.add`` -> commit; every
                    thread books one provider, 200 ten-minute-apart starts, 30-60 min long, so
                    ranges partially overlap. SLOT_TAKEN is an expected outcome.
  raw uncontended - the same without the lock, a random provider of 1,000 and a random start
                    over ~7,600 years: the same single INSERT that pgbench runs.
  hold_slot       - the booking path the bot takes (the use case: lock, lapsed holds, what is
                    taken, busy time, insert, audit, outbox), distinct slots.
  hold + confirm  - the same and then ``confirm`` (a second transaction), distinct slots.
  psycopg floor   - (PostgreSQL) the statements of one hold in its round trips, by psycopg
                    alone: the driver's share of hold_slot, so its ceiling in this process.
Anchor, same run: pgbench running that single INSERT (autocommit) with the same number of
clients, against the same table with its exclusion constraint. Overlaps must be 0 always.
Run: ``.venv/bin/python bench/booking_bench.py [--seconds 3] [--pg-url URL]``
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import Engine, Executable, make_url, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, sessionmaker

from core.booking import Actor, AuditEntry, Booking, BookingStatus, snapshot
from core.errors import DomainError
from core.events import SlotHeld
from core.interval import Interval
from core.model import Business, DayHours, LocalSpan, Provider, Rules, Service
from core.money import Money
from core.policy import DEFAULT_POLICY
from core.usecases import confirm, hold_slot
from db import pipeline
from db.bookings import _INSERT, booking_values, stale_query, taken_query
from db.catalog import _REVISION, sync_business
from db.engine import make_engine, normalise_url
from db.migrate import upgrade
from db.outbox import _INSERT_NEW, outbox_row
from db.repositories import _AUDIT_INSERT, audit_values, busy_query
from db.uow import _LOCK_PROVIDER, BusinessCache, SqlUnitOfWork, session_factory

PROVIDERS = 1000
PRE_PING = os.environ.get("BENCH_PRE_PING", "1") == "1"  # as in production: after 10 s idle
THREAD_COUNTS = (1, 4, 16)
BASE = datetime(2031, 1, 1, tzinfo=UTC)
SPREAD_MIN = 4_000_000_000  # uncontended starts: ~7,600 years of minutes
NOW = datetime(2030, 1, 1, tzinfo=UTC)
USECASE_NOW = datetime(2032, 1, 1, tzinfo=UTC)  # use-case slots: the 700 days after this
OVERLAPS = text("""
    SELECT count(*) FROM bookings a JOIN bookings b
      ON a.provider_key = b.provider_key AND a.id < b.id
     WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
       AND a.block_start < b.block_end AND b.block_start < a.block_end
""")
PGBENCH_SQL = """\\set p random(0, {last})
\\set m random(0, {spread})
INSERT INTO bookings (id, provider_key, service_key, customer_id, channel, start_at, end_at,
  block_start, block_end, status, hold_expires_at, series_id, currency, price_minor, due_minor,
  paid_minor, refunded_minor, created_at, updated_at)
VALUES (gen_random_uuid()::text, 'p' || lpad(:p::text, 4, '0'), 'svc', '{cid}', 'bench',
  timestamptz '2031-01-01 00:00+00' + :m * interval '1 minute',
  timestamptz '2031-01-01 00:00+00' + (:m + 30) * interval '1 minute',
  timestamptz '2031-01-01 00:00+00' + :m * interval '1 minute',
  timestamptz '2031-01-01 00:00+00' + (:m + 30) * interval '1 minute',
  'confirmed', NULL, NULL, 'EUR', 2500, 0, 0, 0, now(), now());
"""


@dataclass
class Result:
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    overlaps: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def build_business() -> Business:
    svc = Service("svc", "Service", timedelta(minutes=30), Money(2500, "EUR"), Money(0, "EUR"))
    week = (DayHours(spans=(LocalSpan(dtime(0), dtime(0)),)),) * 7  # open round the clock
    providers = tuple(Provider(f"p{i:04d}", f"P{i}", ZoneInfo("UTC"), frozenset({"svc"}), week)
                      for i in range(PROVIDERS))
    rules = Rules(min_notice=timedelta(0), max_days_ahead=730)
    return Business("Bench", ZoneInfo("UTC"), "EUR", (svc,), providers, rules, DEFAULT_POLICY)


def prepare(url: str) -> tuple[Engine, str]:
    upgrade(url)
    engine = make_engine(url, pool_size=20, max_overflow=10, pre_ping=PRE_PING)
    with SqlUnitOfWork(session_factory(engine)) as u:
        sync_business(u.session, build_business(), raw_text="bench", now=NOW)
        customer = u.customers.get_or_create("bench", "1", now=NOW)
        u.commit()
    return engine, customer.id


def attempt_booking(rng: random.Random, customer_id: str, *, contended: bool) -> Booking:
    if contended:
        provider = "p0000"
        start = BASE + timedelta(minutes=10 * rng.randrange(200))
        length = timedelta(minutes=rng.choice([30, 45, 60]))
    else:
        provider = f"p{rng.randrange(PROVIDERS):04d}"
        start = BASE + timedelta(minutes=rng.randrange(SPREAD_MIN))
        length = timedelta(minutes=30)
    return Booking(id=str(uuid.uuid4()), provider_key=provider, service_key="svc",
                   customer_id=customer_id, channel="bench", start=start, end=start + length,
                   block=Interval(start, start + length), status=BookingStatus.CONFIRMED,
                   created_at=NOW, currency="EUR", price_minor=2500)


Attempt = Callable[[random.Random], str]


def raw_attempt(sessions: sessionmaker[Session], customer_id: str, *,
                contended: bool) -> Attempt:
    """One ``SqlUnitOfWork`` -> (lock) -> ``bookings.add`` -> commit."""
    def attempt(rng: random.Random) -> str:
        booking = attempt_booking(rng, customer_id, contended=contended)
        with SqlUnitOfWork(sessions) as u:
            if contended:
                u.lock_provider(booking.provider_key)
            u.bookings.add(booking)
            u.commit()
        return "ok"
    return attempt


def usecase_attempt(sessions: sessionmaker[Session], customer_id: str, *,
                    confirm_too: bool) -> Attempt:
    """What the bot does: ``hold_slot`` (lock, lapsed holds, what is taken, busy time,
    insert, audit, outbox) and, with ``confirm_too``, ``confirm`` in a second transaction.
    Distinct slots: a random provider of 1,000 and a random half hour within 700 days."""
    cache = BusinessCache()
    actor = Actor("customer", customer_id, "bench")

    def attempt(rng: random.Random) -> str:
        start = USECASE_NOW + timedelta(days=1, minutes=30 * rng.randrange(700 * 48))
        held = hold_slot(SqlUnitOfWork(sessions, cache), service_key="svc",
                         provider_key=f"p{rng.randrange(PROVIDERS):04d}", start=start,
                         customer_id=customer_id, actor=actor, now=USECASE_NOW)
        if confirm_too:
            confirm(SqlUnitOfWork(sessions, cache), held.id, actor=actor, now=USECASE_NOW)
        return "ok"
    return attempt


def floor_attempt(engine: Engine, customer_id: str) -> Attempt:
    """The statements one ``hold_slot`` sends, in its round trips (the revision alone;
    BEGIN, lock and three reads; the INSERT; audit, outbox and COMMIT), by psycopg alone:
    no SQLAlchemy execution, no rules checked. What the driver costs is the ceiling of
    the hold_slot row; the distance between the two is ours."""
    local, dialect = threading.local(), engine.dialect
    dsn = _libpq(engine.url.render_as_string(hide_password=False))
    actor = Actor("customer", customer_id, "bench")

    def connection() -> psycopg.Connection[Any]:
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn, options="-c timezone=UTC")
        return local.conn

    def attempt(rng: random.Random) -> str:
        raw, provider = connection(), f"p{rng.randrange(PROVIDERS):04d}"
        start = USECASE_NOW + timedelta(days=1, minutes=30 * rng.randrange(700 * 48))
        block = Interval(start, start + timedelta(minutes=30))
        around = Interval(start - timedelta(days=1), start + timedelta(days=1))
        hold = replace(attempt_booking(rng, customer_id, contended=False), provider_key=provider,
                       start=start, end=block.end, block=block, status=BookingStatus.HELD,
                       hold_expires_at=USECASE_NOW + timedelta(minutes=10))
        raw.autocommit = True
        raw.execute(*_sent(dialect, _REVISION, {})).fetchall()
        raw.autocommit = False
        _pipelined(raw, [_sent(dialect, _LOCK_PROVIDER, {"provider": provider}),
                         _sent(dialect, *stale_query(provider, block, USECASE_NOW)),
                         _sent(dialect, *taken_query(provider, around, USECASE_NOW, None)),
                         _sent(dialect, *busy_query(provider, around, "postgresql"))])
        raw.execute(*_sent(dialect, _INSERT, {**booking_values(hold), "created_at": NOW,
                                              "updated_at": NOW}))
        entry = AuditEntry(hold.id, NOW, actor, "booking.held", snapshot(None), snapshot(hold))
        _pipelined(raw, [_sent(dialect, _AUDIT_INSERT, audit_values(entry)),
                         _sent(dialect, _INSERT_NEW[True],
                               outbox_row(SlotHeld(hold.id, NOW), NOW))], commit=True)
        return "ok"
    return attempt


def _sent(dialect: Dialect, statement: Executable, params: dict[str, Any]) -> tuple[str, Any]:
    bound = pipeline.bound(dialect, statement, params)
    assert bound is not None
    return bound[0], bound[1]


def _pipelined(raw: psycopg.Connection[Any], statements: list[tuple[str, Any]], *,
               commit: bool = False) -> None:
    cursors = [raw.cursor() for _ in statements]
    with raw.pipeline():
        for cursor, (sql, params) in zip(cursors, statements, strict=True):
            cursor.execute(sql, params)
        if commit:
            raw.commit()
    for cursor in cursors:
        cursor.fetchall() if cursor.description else None
        cursor.close()


def python_run(engine: Engine, attempt: Attempt, *, threads: int, seconds: float) -> Result:
    result, lock = Result(), threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def worker(n: int) -> None:
        rng, latencies, outcomes = random.Random(n), [], {}
        barrier.wait()
        deadline = time.perf_counter() + seconds
        while (t0 := time.perf_counter()) < deadline:
            try:
                outcome = attempt(rng)
            except DomainError as exc:
                outcome = exc.code.value
            latencies.append(time.perf_counter() - t0)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        with lock:
            result.latencies.extend(latencies)
            for k, v in outcomes.items():
                result.outcomes[k] = result.outcomes.get(k, 0) + v

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    result.elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        result.overlaps = int(conn.execute(OVERLAPS).scalar_one())
        conn.execute(text("DELETE FROM booking_audit"))
        conn.execute(text("DELETE FROM outbox"))
        conn.execute(text("DELETE FROM bookings"))
    return result


def pgbench_binary() -> str | None:
    return shutil.which("pgbench") or next(
        (p for p in ("/usr/lib/postgresql/15/bin/pgbench",) if Path(p).exists()), None)


def pgbench_run(binary: str, url: str, customer_id: str, *, clients: int,
                seconds: float) -> Result:
    u = make_url(url)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "insert.sql"
        script.write_text(PGBENCH_SQL.format(last=PROVIDERS - 1, spread=SPREAD_MIN,
                                             cid=customer_id))
        cmd = [binary, "-n", "-f", str(script), "-c", str(clients), "-j", str(clients),
               "-T", str(max(1, round(seconds))), "-l", "-h", u.host or "127.0.0.1",
               "-p", str(u.port or 5432), "-U", u.username or "postgres", u.database or ""]
        env = {**os.environ, **({"PGPASSWORD": u.password} if u.password else {})}
        out = subprocess.run(cmd, cwd=tmp, env=env, check=True, capture_output=True,
                             text=True).stdout
        result = Result()
        for log in Path(tmp).glob("pgbench_log.*"):
            for line in log.read_text().splitlines():
                result.latencies.append(int(line.split()[2]) / 1e6)
    tps = next(float(line.split()[2]) for line in out.splitlines() if line.startswith("tps = "))
    result.elapsed = len(result.latencies) / tps if tps else 0.0
    result.outcomes = {"ok": len(result.latencies)}
    return result


def row(label: str, r: Result) -> str:
    outcomes = " ".join(f"{k}={v}" for k, v in sorted(r.outcomes.items()))
    return (f"  {label:<28} {r.rate:9.0f}/s  p50 {r.pct(0.5):7.2f} ms  p99 {r.pct(0.99):7.2f} ms"
            f"  overlaps={r.overlaps}  [{outcomes}]")


def bench_backend(name: str, url: str, *, seconds: float, pgbench: str | None) -> None:
    engine, customer_id = prepare(url)
    sessions = session_factory(engine)
    modes: list[tuple[str, Callable[[], Attempt]]] = [
        ("raw contended", lambda: raw_attempt(sessions, customer_id, contended=True)),
        ("raw uncontended", lambda: raw_attempt(sessions, customer_id, contended=False)),
        ("hold_slot", lambda: usecase_attempt(sessions, customer_id, confirm_too=False)),
        ("hold + confirm", lambda: usecase_attempt(sessions, customer_id, confirm_too=True)),
    ]
    if engine.dialect.name == "postgresql":
        modes.append(("hold, psycopg floor", lambda: floor_attempt(engine, customer_id)))
    try:
        print(f"\n{name}")
        for threads in THREAD_COUNTS:
            anchor = None
            if pgbench is not None:
                anchor = pgbench_run(pgbench, url, customer_id, clients=threads,
                                     seconds=seconds)
                with engine.begin() as conn:
                    anchor.overlaps = int(conn.execute(OVERLAPS).scalar_one())
                    conn.execute(text("DELETE FROM bookings"))
                print(row(f"pgbench INSERT x{threads}", anchor))
            for mode, make in modes:
                r = python_run(engine, make(), threads=threads, seconds=seconds)
                ratio = f"  ratio {r.rate / anchor.rate:.2f}" if anchor and anchor.rate else ""
                print(row(f"{mode} x{threads}", r) + ratio)
                if r.overlaps:
                    raise SystemExit(f"OVERLAPS FOUND: {r.overlaps}")
    finally:
        engine.dispose()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--pg-url", default=os.environ.get(
        "BOOKINGBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    print(__doc__)
    server = normalise_url(args.pg_url)
    name = f"bb_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        pg_url = make_url(server).set(database=name).render_as_string(hide_password=False)
        bench_backend("PostgreSQL", pg_url, seconds=args.seconds, pgbench=pgbench_binary())
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with tempfile.TemporaryDirectory() as tmp:
        bench_backend("SQLite (WAL, BEGIN IMMEDIATE)", f"sqlite:///{tmp}/bench.db",
                      seconds=args.seconds, pgbench=None)


if __name__ == "__main__":
    main()

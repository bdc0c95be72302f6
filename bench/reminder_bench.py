"""How long 10,000 due reminders take to plan and deliver with two workers on PostgreSQL.

Each worker is a process of its own (what two ``bookingbot worker`` processes are; the
``--threads`` switch runs them as threads of one process instead, to show the GIL's share).
The Sender posts every message (JSON) to a chat-API double in another process that counts
what it got; the bench then checks that every reminder arrived exactly once.

Anchor, same run: the same number of bare HTTP posts to the same double from the same
number of clients, with no database at all: the floor the sends alone cost here.
Target: under 10 s for the lot. Each measure runs ``--runs`` times (min/median/max).

    .venv/bin/python bench/reminder_bench.py [--count 10000] [--workers 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from platform_double import HttpSender, PlatformDouble
from sqlalchemy import insert, make_url

from bookingbot.notify_texts import render
from core.model import Business, DayHours, LocalSpan, Provider, Rules, Service
from core.money import Money
from core.policy import DEFAULT_POLICY
from db.bookings import B
from db.catalog import sync_business
from db.engine import make_engine
from db.jobs_store import SqlJobsStore
from db.jobs_tables import NOTIFICATIONS
from db.migrate import upgrade
from db.offers import JobsUnitOfWork
from db.tables import CustomerRow, table_of
from db.uow import session_factory
from jobs.sweeps import Jobs, JobSettings

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
PROVIDERS = 10
CUSTOMERS = 200
TARGET_S = 10.0


def business() -> Business:
    open_all_day = DayHours(spans=(LocalSpan(dtime(0), dtime(0)),))
    providers = tuple(Provider(f"p{i}", f"Provider {i}", ZoneInfo("UTC"), frozenset({"cut"}),
                               (open_all_day,) * 7) for i in range(PROVIDERS))
    service = Service("cut", "Haircut", timedelta(minutes=1), Money(0, "EUR"), Money(0, "EUR"))
    return Business("Bench", ZoneInfo("UTC"), "EUR", (service,), providers,
                    Rules(reminders=(timedelta(hours=24),)), DEFAULT_POLICY)


def seed(url: str, count: int) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)
    customers = [{"id": str(uuid.uuid4()), "channel": "telegram", "sender_id": str(1000 + i),
                  "name": None, "tz": None, "phone_e164": None, "opted_out": False,
                  "created_at": NOW} for i in range(CUSTOMERS)]
    rows = []
    for i in range(count):
        start = NOW + timedelta(hours=1, minutes=i // PROVIDERS)
        rows.append({
            "id": str(uuid.uuid4()), "provider_key": f"p{i % PROVIDERS}", "service_key": "cut",
            "customer_id": customers[i % CUSTOMERS]["id"], "channel": "telegram",
            "start_at": start, "end_at": start + timedelta(minutes=1), "block_start": start,
            "block_end": start + timedelta(minutes=1), "status": "confirmed",
            "hold_expires_at": None, "series_id": None, "currency": "EUR", "price_minor": 0,
            "due_minor": 0, "paid_minor": 0, "refunded_minor": 0,
            "created_at": NOW - timedelta(days=3), "updated_at": NOW})
    with sessions.begin() as s:
        sync_business(s, business(), raw_text="bench", now=NOW)
        s.execute(insert(table_of(CustomerRow)), customers)
        s.execute(insert(B), rows)
    engine.dispose()


def run_worker(url: str, port: int, barrier: Any, out: Any) -> None:
    """One worker: plan, then deliver, exactly as ``bookingbot worker``'s sweeps do."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    jobs = Jobs(SqlJobsStore(sessions), {"telegram": HttpSender(port)}, render,
                lambda: JobsUnitOfWork(sessions, clock=lambda: NOW), lambda: NOW,
                settings=JobSettings(batch=200))
    jobs.store.business()  # warm the connection and the business cache, as a running worker
    barrier.wait()
    t0 = time.perf_counter()
    jobs.reminders()
    t1 = time.perf_counter()
    sent = jobs.deliver()["sent"]
    out.put((t1 - t0, time.perf_counter() - t1, sent))
    engine.dispose()


def run_sender(_url: str, port: int, barrier: Any, out: Any, count: int) -> None:
    """The anchor's client: ``count`` bare posts, no database."""
    sender = HttpSender(port)
    sender.send("0", "warm-up")
    barrier.wait()
    t0 = time.perf_counter()
    for i in range(count):
        sender.send(str(i % CUSTOMERS), f"anchor {uuid.uuid4()}")
    out.put((0.0, time.perf_counter() - t0, count))


def race(target: Callable[..., None], args: tuple[Any, ...], n: int,
         threads: bool) -> tuple[float, list[tuple[float, float, int]]]:
    """Start ``n`` copies at one barrier; wall time until the last is done."""
    ctx: Any = multiprocessing.get_context("spawn")
    barrier = threading.Barrier(n + 1) if threads else ctx.Barrier(n + 1)
    out: Any = ctx.Queue()
    kind: Any = threading.Thread if threads else ctx.Process
    runners = [kind(target=target, args=(*args[:2], barrier, out, *args[2:]))
               for _ in range(n)]
    for r in runners:
        r.start()
    barrier.wait()
    start = time.perf_counter()
    results = [out.get(timeout=600) for _ in range(n)]
    elapsed = time.perf_counter() - start
    for r in runners:
        r.join()
    return elapsed, results


def one_run(server: str, double: PlatformDouble, args: argparse.Namespace) -> dict[str, Any]:
    name = f"bb_bench_{uuid.uuid4().hex[:8]}"
    libpq = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url, "heads")
        seed(url, args.count)
        double.reset()
        anchor, _ = race(run_sender, (url, double.port, args.count // args.workers),
                         args.workers, args.threads)
        double.reset()
        elapsed, per_worker = race(run_worker, (url, double.port), args.workers, args.threads)
        got = double.received()
        engine = make_engine(url)
        with engine.connect() as conn:
            statuses = Counter(r[0] for r in conn.execute(
                NOTIFICATIONS.select().with_only_columns(NOTIFICATIONS.c.status)))
        engine.dispose()
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    once = len(got) == args.count and max(got.values(), default=0) == 1
    return {"elapsed": elapsed, "anchor": anchor, "per_worker": per_worker, "once": once,
            "got": got, "statuses": dict(statuses)}


def spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", action="store_true",
                        help="run the workers as threads of one process")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    shape = "threads of one process" if args.threads else "processes"
    print(f"due reminders: {args.count}, workers: {args.workers} ({shape}), PostgreSQL, "
          f"{args.runs} runs")
    runs = []
    with PlatformDouble() as double:
        for i in range(args.runs):
            r = one_run(args.pg, double, args)
            runs.append(r)
            plans = ", ".join(f"{p:.2f}+{d:.2f} s ({n} sent)" for p, d, n in r["per_worker"])
            got = r["got"]
            print(f"  run {i + 1}: {r['elapsed']:.2f} s ({args.count / r['elapsed']:.0f}/s); "
                  f"anchor {r['anchor']:.2f} s; ratio {r['elapsed'] / r['anchor']:.2f}; "
                  f"per worker plan+deliver {plans}; double got {sum(got.values())} "
                  f"messages, {len(got)} distinct, max {max(got.values(), default=0)} "
                  f"per message; rows {r['statuses']}")
    ours = [r["elapsed"] for r in runs]
    anchors = [r["anchor"] for r in runs]
    ratios = [r["elapsed"] / r["anchor"] for r in runs]
    print(f"ours, s (min / median / max):    {spread(ours)}  (target < {TARGET_S:.0f} s)")
    print(f"anchor: {args.count} bare posts: {spread(anchors)}")
    print(f"ratio ours / anchor:             {spread(ratios)}")
    ok = all(r["once"] for r in runs) and statistics.median(ours) < TARGET_S
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

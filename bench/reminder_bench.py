"""How long 10,000 due reminders take to plan and deliver with two workers on PostgreSQL.

The Sender posts every message (JSON) to a small threaded HTTP server on 127.0.0.1 that
stands in for a chat platform and records what it got; the bench then checks that every
reminder arrived exactly once. Target: under 60 s for the lot.

    .venv/bin/python bench/reminder_bench.py [--count 10000] [--workers 2] [--pg URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from zoneinfo import ZoneInfo

import psycopg
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


class Platform(BaseHTTPRequestHandler):
    """The test double: answers like a chat API and counts every message by its body."""

    protocol_version = "HTTP/1.1"  # keep-alive, as real SDK clients use
    disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms ACK stalls)
    received: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.received[json.loads(body)["text"]] += 1
            n = sum(self.received.values())
        reply = json.dumps({"ok": True, "id": n}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


class HttpSender:
    """``core.ports.Sender`` over HTTP, one keep-alive connection per thread."""

    channel = "telegram"

    def __init__(self, port: int) -> None:
        self._port = port
        self._local = threading.local()

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection("127.0.0.1", self._port,
                                                                 timeout=10)
        body = json.dumps({"chat_id": recipient_id, "text": text, "choices": list(choices)})
        conn.request("POST", "/sendMessage", body, {"Content-Type": "application/json"})
        return str(json.loads(conn.getresponse().read())["id"])


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


def worker(url: str, sender: HttpSender, barrier: threading.Barrier,
           out: dict[str, float]) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)
    jobs = Jobs(SqlJobsStore(sessions), {"telegram": sender}, render,
                lambda: JobsUnitOfWork(sessions, clock=lambda: NOW), lambda: NOW,
                settings=JobSettings(batch=200))
    barrier.wait()
    t0 = time.perf_counter()
    jobs.reminders()
    t1 = time.perf_counter()
    sent = jobs.deliver()["sent"]
    t2 = time.perf_counter()
    name = threading.current_thread().name
    out[f"{name} plan s"], out[f"{name} deliver s"], out[f"{name} sent"] = t1 - t0, t2 - t1, sent
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    server_url = make_url(args.pg)
    name = f"bb_bench_{uuid.uuid4().hex[:8]}"
    libpq = server_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server_url.set(database=name).render_as_string(hide_password=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Platform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        upgrade(url, "heads")
        seed(url, args.count)
        sender = HttpSender(server.server_address[1])
        barrier = threading.Barrier(args.workers + 1)
        out: dict[str, float] = {}
        threads = [threading.Thread(target=worker, args=(url, sender, barrier, out),
                                    name=f"worker{i + 1}") for i in range(args.workers)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        engine = make_engine(url)
        with engine.connect() as conn:
            statuses = Counter(r[0] for r in conn.execute(NOTIFICATIONS.select().with_only_columns(
                NOTIFICATIONS.c.status)))
        engine.dispose()
        got = Platform.received
        print(f"due reminders: {args.count}, workers: {args.workers} (PostgreSQL)")
        for key in sorted(out):
            print(f"  {key}: {out[key]:.2f}")
        print(f"total: {elapsed:.2f} s, {args.count / elapsed:.0f} reminders/s")
        print(f"double received: {sum(got.values())} messages, {len(got)} distinct, "
              f"max per message {max(got.values(), default=0)}; rows {dict(statuses)}")
        ok = len(got) == args.count and max(got.values()) == 1 and elapsed < 60
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        server.shutdown()
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())

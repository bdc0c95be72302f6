"""Median and p99 time to handle one inbound message (parse -> state -> use cases -> reply).

Runs a realistic dialogue loop through the real runner on SQLite and on PostgreSQL
(``BOOKINGBOT_TEST_PG_URL``, default the local server; skipped if unreachable).
Usage: .venv/bin/python bench/message_bench.py [rounds]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from bookingbot.bootstrap import database
from bookingbot.business_file import load_business_file
from bookingbot.chat import DEMO, make_runner
from bot.messages import InboundMessage
from db.catalog import sync_business

# One loop of an ordinary conversation; "no" keeps the calendar from filling up.
DIALOGUE = ["hi", "haircut tomorrow afternoon", "more", "1", "no", "fri 10:30", "start over",
            "my bookings", "I'm in London", "cancel"]


def bench(url: str, rounds: int) -> list[float]:
    db = database(url)
    try:
        business, raw = load_business_file(DEMO)
        with db.sessions() as s, s.begin():
            sync_business(s, business, raw_text=raw, now=datetime.now(UTC))
        runner = make_runner(db)
        timings = []
        for i in range(rounds):
            for text in DIALOGUE:
                msg = InboundMessage("bench", f"user{i % 5}", str(uuid.uuid4()),
                                     datetime.now(UTC), text=text)
                start = time.perf_counter()
                runner.handle(msg)
                timings.append((time.perf_counter() - start) * 1000)
        return timings[len(DIALOGUE):]  # the first loop warms caches and pools
    finally:
        db.close()


def report(name: str, ms: list[float]) -> None:
    p99 = statistics.quantiles(ms, n=100)[98]
    print(f"{name:10s} messages={len(ms):5d} median={statistics.median(ms):6.2f} ms "
          f"p99={p99:6.2f} ms max={max(ms):6.2f} ms")


def pg_database() -> tuple[str, str] | None:
    server = os.environ.get("BOOKINGBOT_TEST_PG_URL",
                            "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    libpq = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"bb_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(libpq, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None
    return libpq, make_url(server).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp:
        report("sqlite", bench(f"sqlite:///{Path(tmp) / 'bench.db'}", rounds))
    pg = pg_database()
    if pg is None:
        print("postgresql: not reachable, skipped")
        return
    libpq, url = pg
    try:
        report("postgresql", bench(url, rounds))
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


if __name__ == "__main__":
    main()

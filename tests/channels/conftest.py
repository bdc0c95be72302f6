"""Fixtures: a migrated SQLite database with the test salon, the real runner, the doubles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bookingbot.bootstrap import Database, database
from bot.runner import Runner
from db.catalog import sync_business
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from tests.channels.doubles import FakeTelegram, FakeTwilio
from tests.db.helpers import make_business

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC
STATE_TABLES = ("customers", "bookings", "booking_audit", "conversation_sessions",
                "processed_deliveries", "outbox")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    handle = database(f"sqlite:///{tmp_path / 'channels.db'}")
    with handle.sessions.begin() as session:
        sync_business(session, make_business(), raw_text="salon: {}", now=NOW)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def runner(db: Database) -> Runner:
    return Runner(uow=db.uow, store=SqlSessionStore(db.engine),
                  customers=SqlCustomerDirectory(db.sessions), clock=lambda: NOW)


def snapshot(db: Database) -> dict[str, list[Any]]:
    """Everything a message could change, to assert that a refused one changed nothing."""
    with db.engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
                for t in STATE_TABLES}


def confirmed_bookings(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT b.start_at, b.provider_key, b.service_key, c.channel, c.sender_id "
            "FROM bookings b JOIN customers c ON c.id = b.customer_id "
            "WHERE b.status = 'confirmed'"))]


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    server = FakeTelegram()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio()
    server.start()
    try:
        yield server
    finally:
        server.stop()

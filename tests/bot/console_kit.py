"""Scripted customers on the console channel, in process: each line goes through
channels.console's own parsing (a number picks a shown choice) and rendering, into the same
handler the terminal uses (bookingbot.channels_wiring.build_handler) over a real database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.payments.test_mode import TestModeGateway
from bookingbot.bootstrap import Database, database
from bookingbot.channels_wiring import build_handler
from bookingbot.chat import make_runner
from bookingbot.payments_wiring import payment_starter
from bookingbot.settings import Settings
from bot.messages import Choice, InboundMessage, Reply
from bot.runner import Runner
from channels.console import CHANNEL, render, to_message
from core.model import Business
from db.catalog import sync_business
from tests.bot.conftest import NOW, make_business
from tests.db.conftest import BACKENDS, fresh_database


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@dataclass
class Console:
    """One customer at the terminal."""

    handle: Callable[[InboundMessage], list[Reply]]
    sender: str
    clock: Clock
    shown: tuple[Choice, ...] = ()
    transcript: list[str] = field(default_factory=list)

    def __call__(self, line: str) -> str:
        msg = to_message(line, sender_id=self.sender, shown=self.shown, now=self.clock())
        out = self.handle(msg)
        with_choices = [r for r in out if r.choices]
        self.shown = with_choices[-1].choices if with_choices else ()
        said = "\n".join(render(r) for r in out)
        self.transcript.append(f"{self.sender}> {line}\n{said}")
        print(self.transcript[-1])
        return said


@dataclass
class Shop:
    db: Database
    runner: Runner
    clock: Clock
    handle: Callable[[InboundMessage], list[Reply]]

    def customer(self, sender: str, tz: str | None = None) -> Console:
        if tz is not None:
            info = self.runner.customers.identify(CHANNEL, sender, now=self.clock())
            self.runner.customers.set_tz(info.id, tz)
        return Console(self.handle, sender, self.clock)

    def rows(self, sql: str, **params: object) -> list[tuple[object, ...]]:
        with self.db.sessions() as s:
            return [tuple(r) for r in s.execute(text(sql), params).all()]


def open_shop(url: str, business: Business | None = None) -> Shop:
    db = database(url)
    with db.sessions() as s, s.begin():
        sync_business(s, business or make_business(), raw_text="", now=NOW)
    clock = Clock()
    runner = make_runner(db)
    runner.clock = clock
    # Deposits and prepayments go through the real checkout flow on the test gateway.
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    runner.start_payment = payment_starter(db, TestModeGateway(), settings)
    runner.test_payments = True
    return Shop(db, runner, clock, build_handler(db, runner))


@pytest.fixture(params=BACKENDS)
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    """The demo-like barbers on SQLite and on PostgreSQL."""
    with fresh_database(str(request.param), tmp_path) as url:
        s = open_shop(url)
        yield s
        s.db.close()


@pytest.fixture
def sqlite_shop(tmp_path: Path) -> Iterator[Shop]:
    with fresh_database("sqlite", tmp_path) as url:
        s = open_shop(url)
        yield s
        s.db.close()

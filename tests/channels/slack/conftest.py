"""Fixtures: a migrated database (SQLite per test; PostgreSQL once per run, emptied between
tests) with the test salon, the fake Slack Web API, and the Slack route under TestClient."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from bookingbot.bootstrap import Database, database
from bookingbot.web import build_app
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.slack import slack_mount, web_client
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.migrate import upgrade
from db.provider_queries import SqlProviderQueries
from tests.channels.asgi import AppClient
from tests.channels.slack.fake_slack import FakeSlack
from tests.channels.slack.harness import SECRET, SlackDriver, TrackingExecutor
from tests.db.conftest import BACKENDS, fresh_database
from tests.db.helpers import seed

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # Monday 08:00 UTC = 08:00 in London


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[Callable[[], str]]:
    made: list[str] = []
    with ExitStack() as stack:

        def get() -> str:
            if not made:
                url = stack.enter_context(fresh_database("postgres", Path(".")))
                upgrade(url, "heads")
                made.append(url)
            return made[0]

        yield get


def _empty(db: Database) -> None:
    names = [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"]
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def slack_db(backend: str, tmp_path: Path, pg_url: Callable[[], str]) -> Iterator[Database]:
    if backend == "postgres":
        handle = database(pg_url(), migrate=False)
    else:
        url = f"sqlite:///{tmp_path / 'slack.db'}"
        upgrade(url, "heads")
        handle = database(url, migrate=False)
    try:
        seed(handle.uow)  # type: ignore[arg-type]
        yield handle
    finally:
        if backend == "postgres":
            _empty(handle)
        handle.close()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@dataclass
class Harness:
    slack: SlackDriver
    db: Database
    runner: Runner
    fake: FakeSlack


@pytest.fixture
def harness(slack_db: Database, fake_slack: FakeSlack,
            caplog: pytest.LogCaptureFixture) -> Iterator[Harness]:
    caplog.set_level(logging.INFO)
    executor = TrackingExecutor()
    store = SqlSessionStore(slack_db.engine)
    customers = SqlCustomerDirectory(slack_db.sessions)
    runner = Runner(uow=slack_db.uow, store=store, customers=customers, clock=lambda: NOW)
    mount = slack_mount(client=web_client("xoxb-test", base_url=fake_slack.api_url),
                        signing_secret=SECRET, handler=runner.handle, store=store,
                        customers=customers, uow=slack_db.uow, queries=SqlProviderQueries(),
                        limiter=RateLimiter(), clock=lambda: NOW, executor=executor)
    try:
        with AppClient(build_app(slack_db, mounts=[mount])) as client:
            yield Harness(SlackDriver(client, fake_slack, executor), slack_db, runner,
                          fake_slack)
    finally:
        executor.shutdown(wait=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]  # a listener failed in the background

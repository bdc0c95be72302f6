"""Jobs fixtures over both backends, reusing tests/db's database helpers.

Migrates to ``heads`` so these tests run whether or not sibling revisions (payments)
are chained after 0003 yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from db.engine import make_engine
from db.migrate import upgrade
from tests.db.conftest import BACKENDS, fresh_database
from tests.db.helpers import NOW, TABLES
from tests.jobs.harness import Clock

JOB_TABLES = (*TABLES, "notifications", "waitlist_offers", "conversation_sessions",
              "processed_deliveries", "payments", "refunds", "stripe_events", "fee_charges",
              "calendar_sync_state", "calendar_events")


@pytest.fixture(scope="session")
def jobs_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    made: dict[str, str] = {}
    with ExitStack() as stack:

        def get(backend: str) -> str:
            if backend not in made:
                url = stack.enter_context(fresh_database(backend, tmp_path_factory.mktemp("j")))
                upgrade(url, "heads")
                made[backend] = url
            return made[backend]

        yield get


@pytest.fixture(params=BACKENDS)
def jobs_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def empty(eng: Engine) -> None:
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(JOB_TABLES)} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(JOB_TABLES):
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def jobs_url(jobs_backend: str, jobs_urls: Callable[[str], str]) -> str:
    return jobs_urls(jobs_backend)


@pytest.fixture
def jengine(jobs_url: str) -> Iterator[Engine]:
    eng = make_engine(jobs_url)
    empty(eng)
    try:
        yield eng
    finally:
        empty(eng)
        eng.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW - timedelta(days=1))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """2030-01-<day> hh:mm UTC."""
    return NOW.replace(day=day, hour=hour, minute=minute)

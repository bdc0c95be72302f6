"""Fixtures over both backends: a temp-file SQLite database and a fresh PostgreSQL database.

PostgreSQL comes from ``BOOKINGBOT_TEST_PG_URL`` (default: the local trust-auth server).
Unreachable -> skip, unless ``CI=true``, where it fails: CI must prove both backends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, normalise_url
from db.migrate import upgrade
from db.uow import SqlUnitOfWork, session_factory
from tests.db.helpers import TABLES

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pg_server_url() -> str:
    return normalise_url(os.environ.get("BOOKINGBOT_TEST_PG_URL", DEFAULT_PG_URL))


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def require_postgres() -> str:
    url = pg_server_url()
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3):
            pass
    except psycopg.OperationalError as exc:
        message = (f"PostgreSQL not reachable at {make_url(url).render_as_string()}; "
                   f"set BOOKINGBOT_TEST_PG_URL or start it ({exc.__class__.__name__})")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextmanager
def fresh_postgres(prefix: str = "bb_test") -> Iterator[str]:
    """A new empty database on the test server, dropped afterwards."""
    server = require_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    if backend == "postgres":
        with fresh_postgres() as url:
            yield url
    else:
        yield f"sqlite:///{directory / f'bb_{uuid.uuid4().hex[:8]}.db'}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, unmigrated database."""
    with fresh_database(backend, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """One migrated database per backend for the whole run (tables emptied between tests)."""
    made: dict[str, str] = {}
    with ExitStack() as stack:

        def get(backend: str) -> str:
            if backend not in made:
                url = stack.enter_context(fresh_database(backend, tmp_path_factory.mktemp("db")))
                upgrade(url)
                made[backend] = url
            return made[backend]

        yield get


@pytest.fixture
def engine(backend: str, migrated_urls: Callable[[str], str]) -> Iterator[Engine]:
    eng = make_engine(migrated_urls(backend))
    try:
        yield eng
    finally:
        _empty(eng)
        eng.dispose()


def _empty(eng: Engine) -> None:
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(TABLES):
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def uow(sessions: sessionmaker[Session]) -> Callable[[], SqlUnitOfWork]:
    return lambda: SqlUnitOfWork(sessions)


@pytest.fixture
def unguarded_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A separately migrated database without the resource guard (migrations 0023, 0028):
    the controls of the room races."""
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    conn.execute(text("ALTER TABLE resource_bookings "
                                      "DROP CONSTRAINT resource_bookings_no_overlap"))
                    conn.execute(text("DROP TRIGGER resource_bookings_serialise "
                                      "ON resource_bookings"))
                else:
                    for kind in ("insert", "update"):
                        conn.execute(text(f"DROP TRIGGER resource_bookings_no_overlap_{kind}"))
            yield engine
        finally:
            engine.dispose()

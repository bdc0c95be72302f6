"""The composition root: the one place that knows every adapter and wires them together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from bookingbot.cli_errors import CommandError
from bookingbot.settings import Settings, sqlite_path
from core.ports import UnitOfWork
from db.engine import make_engine, normalise_url
from db.migrate import upgrade
from db.uow import BusinessCache, SqlUnitOfWork


def utcnow() -> datetime:
    """The shell's clock. The core never reads the clock; it is handed ``now``."""
    return datetime.now(UTC)


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    # One per process: the catalogue is re-read only when its revision changes.
    cache: BusinessCache = field(default_factory=BusinessCache)

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.sessions, self.cache)

    def uow_factory(self) -> Callable[[], UnitOfWork]:
        return self.uow

    def close(self) -> None:
        self.engine.dispose()


def database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open the database; the embedded SQLite default is created and migrated on first use."""
    settings = Settings()
    resolved = url or settings.database_url
    try:
        backend = make_url(normalise_url(resolved)).get_backend_name()
    except ArgumentError:
        raise CommandError(f"{resolved!r} is not a database URL; use sqlite:///path.sqlite3 "
                           "or postgresql+psycopg://user:pw@host/db") from None
    if backend not in ("sqlite", "postgresql"):
        raise CommandError(f"unsupported database in {resolved!r}; use sqlite:/// or "
                           "postgresql+psycopg://")
    path = sqlite_path(resolved)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        upgrade(resolved)
    engine = make_engine(resolved, statement_timeout=settings.db_statement_timeout)
    return Database(resolved, engine, sessionmaker(engine, expire_on_commit=False))

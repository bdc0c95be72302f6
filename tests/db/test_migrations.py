"""Migrations run from empty on both backends and produce exactly the models' schema."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import db
from db.engine import make_engine
from db.migrate import downgrade, upgrade
from db.tables import Base
from tests.db.helpers import TABLES


def _guard_present(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                sql = "SELECT count(*) FROM pg_constraint WHERE conname = 'bookings_no_overlap'"
                return conn.execute(text(sql)).scalar_one() == 1
            sql = ("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                   "AND name LIKE 'bookings_no_overlap_%'")
            return conn.execute(text(sql)).scalar_one() == 2
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_everything(empty_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # nothing depends on the working directory
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            assert set(TABLES) <= set(inspect(conn).get_table_names())
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()
    assert _guard_present(empty_url)


def test_upgrade_twice_then_down_and_up_again(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade(empty_url)
    downgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            assert not set(TABLES) & set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    upgrade(empty_url)
    assert _guard_present(empty_url)


def _import_all_models() -> None:
    """Every db module that defines tables registers them on Base.metadata when imported."""
    for info in pkgutil.iter_modules(db.__path__):
        if info.name != "migrations":
            importlib.import_module(f"db.{info.name}")


def test_migration_matches_the_models(empty_url: str) -> None:
    _import_all_models()
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []

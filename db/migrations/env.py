"""Alembic environment: the URL comes from ``Config.attributes['url']`` (see db.migrate)."""

from __future__ import annotations

from alembic import context

from db.engine import make_engine, normalise_url
from db.tables import Base

config = context.config


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: call db.migrate.upgrade(url)")
    return normalise_url(str(url))


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(_url(), pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=Base.metadata)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()

"""The per-sender message counter every web process shares (migration 0025).

One row per sender key: the start of its current fixed window and the messages counted in it.
One upsert per message, in autocommit, answers "how many so far in this window, this one
included" under the row's lock, so two processes counting at once never lose a hit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Engine, Integer, String, Table, case
from sqlalchemy.dialects.postgresql import insert

from db.tables import Base
from db.types import UTCDateTime

RATE_LIMITS = Table(
    "rate_limits", Base.metadata,
    Column("sender_key", String(300), primary_key=True),
    Column("window_start", UTCDateTime(), nullable=False),
    Column("hits", Integer, nullable=False),
)

def _utcnow() -> datetime:
    return datetime.now(UTC)

class SqlHitCounter:
    """``channels.http_guard.HitCounter`` on PostgreSQL."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utcnow) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("the shared rate limit needs PostgreSQL (SQLite is one process)")
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._clock = clock

    def hit(self, key: str, window_s: float) -> int:
        now = self._clock()
        row = RATE_LIMITS.c
        new = insert(RATE_LIMITS).values(sender_key=key, window_start=now, hits=1)
        # Both CASEs read the row as it was: a window that has run out starts again at 1.
        lapsed = RATE_LIMITS.c.window_start <= now - timedelta(seconds=window_s)
        stmt = new.on_conflict_do_update(
            index_elements=[row.sender_key],
            set_={"window_start": case((lapsed, now), else_=row.window_start),
                  "hits": case((lapsed, 1), else_=row.hits + 1)},
        ).returning(RATE_LIMITS.c.hits)
        with self._engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

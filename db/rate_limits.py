"""The per-sender message counter every web process shares (migration 0025).

One row per sender key: the start of its current fixed window and the messages counted in it.
One upsert per message, in autocommit, answers "how many so far in this window, this one
included" under the row's lock, so two processes counting at once never lose a hit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Engine, Integer, String, Table, text

from db import pipeline
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
        with self._engine.connect() as conn:
            return int(pipeline.fetch(conn, _HIT, {
                "key": key, "now": now, "lapsed": now - timedelta(seconds=window_s)}).scalar_one())


# Built once: the statement runs on every inbound message, and building and keying a fresh
# Core construct cost more CPU than the round trip. Both CASEs read the row as it was: a
# window that has run out (started at or before :lapsed) starts again at 1.
_HIT = text("""
    INSERT INTO rate_limits (sender_key, window_start, hits) VALUES (:key, :now, 1)
    ON CONFLICT (sender_key) DO UPDATE SET
        window_start = CASE WHEN rate_limits.window_start <= :lapsed THEN :now
                            ELSE rate_limits.window_start END,
        hits = CASE WHEN rate_limits.window_start <= :lapsed THEN 1
                    ELSE rate_limits.hits + 1 END
    RETURNING hits""")

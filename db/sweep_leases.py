"""Once per period across every worker: a lease row per periodic sweep (migration 0026).

A worker runs a sweep only if it moves that sweep's ``due_at`` forward, in one UPDATE that
only one transaction can win; the others see the row already moved and skip. A worker that
dies mid-sweep holds nothing: the next period is claimed by whoever comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Engine, String, Table, update
from sqlalchemy.dialects import postgresql, sqlite

from db.tables import Base
from db.types import UTCDateTime

SWEEP_LEASES = Table(
    "sweep_leases", Base.metadata,
    Column("name", String(64), primary_key=True),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("holder", String(128), nullable=True),  # who ran it last (for a person reading)
)

# Scheduler ticks drift by milliseconds; a lease ending this much early still lets the
# worker that holds it run on its next tick instead of skipping a whole period.
SLACK = timedelta(milliseconds=500)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SqlSweepGate:
    """``jobs.ports.SweepGate``: ``claim(name, period)`` is True for one worker a period."""

    def __init__(self, engine: Engine, holder: str,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self._engine = engine
        self._holder = holder
        self._clock = clock

    def register(self, names: Iterable[str]) -> None:
        """The rows the claims update; idempotent, safe from many workers at once."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        rows = [{"name": n, "due_at": EPOCH} for n in names]
        if not rows:
            return
        with self._engine.begin() as conn:
            conn.execute(dialect.insert(SWEEP_LEASES).values(rows).on_conflict_do_nothing())

    def claim(self, name: str, period_s: float) -> bool:
        now = self._clock()
        stmt = (update(SWEEP_LEASES)
                .where(SWEEP_LEASES.c.name == name, SWEEP_LEASES.c.due_at <= now)
                .values(due_at=now + timedelta(seconds=period_s) - SLACK, holder=self._holder))
        with self._engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

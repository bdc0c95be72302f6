"""Busy blocks of any length are found by the bounded query (two index ranges: recent
starts, and long blocks), on both databases; and the planner uses the partial index."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine, text

from core.booking import MAX_BLOCK
from core.interval import Interval
from db.uow import SqlUnitOfWork
from tests.db.helpers import T0, seed

Uow = Callable[[], SqlUnitOfWork]
DAY = timedelta(days=1)


def test_long_and_short_blocks_overlapping_the_window_are_found(uow: Uow) -> None:
    seed(uow)
    window = Interval(T0, T0 + DAY)
    blocks = {
        "holiday": Interval(T0 - 30 * DAY, T0 + 2 * DAY),  # long, started long before
        "exactly_max": Interval(T0 - MAX_BLOCK, T0 + timedelta(hours=1)),  # at the bound
        "inside": Interval(T0 + timedelta(hours=2), T0 + timedelta(hours=3)),
        "ended_before": Interval(T0 - 40 * DAY, T0 - 20 * DAY),  # long, over before
        "short_before": Interval(T0 - 8 * DAY, T0 - 7 * DAY),  # before the window
        "after": Interval(T0 + DAY, T0 + 2 * DAY),  # touches the end: no overlap
    }
    with uow() as u:
        for name, span in blocks.items():
            u.busy_blocks.add("alice", span, source="timeoff", external_id=name)
        u.commit()
    with uow() as u:
        found = u.busy.busy("alice", window)
    want = ["holiday", "exactly_max", "inside"]
    assert found == sorted((blocks[n] for n in want), key=lambda i: (i.start, i.end))


def test_the_long_blocks_part_uses_the_partial_index(engine: Engine) -> None:
    long_ = ("busy_blocks.end_at - busy_blocks.start_at > interval '7 days'"
             if engine.dialect.name == "postgresql"
             else "julianday(busy_blocks.end_at) - julianday(busy_blocks.start_at) > 7")
    explain = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))  # an empty table: force a choice
        plan = " ".join(str(r[-1]) for r in conn.execute(text(
            f"{explain} SELECT start_at FROM busy_blocks WHERE provider_key = 'alice' "
            f"AND {long_} AND start_at <= '2030-01-01' AND end_at > '2030-01-08'")))
    assert "ix_busy_blocks_long" in plan, plan

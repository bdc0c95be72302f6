"""Periodic sweeps run once per period across every worker (issue 17), on both databases:
one lease row per sweep, claimed by a single UPDATE only one worker can win."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from db.sweep_leases import SWEEP_LEASES, SqlSweepGate
from jobs.scheduler import INTERVALS, PERIODIC, schedule
from tests.jobs.harness import Clock


def _name() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"  # the lease rows outlive a test: each its own


def test_one_worker_a_period_then_whoever_comes_first(jengine: Engine, clock: Clock) -> None:
    a, b = (SqlSweepGate(jengine, holder, clock) for holder in ("a", "b"))
    name = _name()
    a.register([name])
    b.register([name])  # idempotent: every worker registers at start
    assert (a.claim(name, 30), b.claim(name, 30)) == (True, False)
    clock.advance(timedelta(seconds=20))
    assert (a.claim(name, 30), b.claim(name, 30)) == (False, False)
    clock.advance(timedelta(seconds=10))  # a died or is late: b takes the next period
    assert (b.claim(name, 30), a.claim(name, 30)) == (True, False)


def test_eight_workers_claiming_at_once_one_wins(jengine: Engine, clock: Clock) -> None:
    name = _name()
    gates = [SqlSweepGate(jengine, f"w{i}", clock) for i in range(8)]
    gates[0].register([name])
    start = threading.Barrier(len(gates))
    wins: list[bool] = []

    def claim(gate: SqlSweepGate) -> None:
        start.wait()  # all eight UPDATE the one row together
        wins.append(gate.claim(name, 30))

    threads = [threading.Thread(target=claim, args=(g,)) for g in gates]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(wins) == [False] * 7 + [True]


class Counting:
    """Stands in for ``Jobs``: counts which sweeps ran."""

    def __init__(self) -> None:
        self.runs: Counter[str] = Counter()

    def __getattr__(self, name: str) -> object:
        def sweep() -> None:
            self.runs[name] += 1
        return sweep


def test_two_workers_scan_once_a_period_and_both_deliver(jengine: Engine, clock: Clock) -> None:
    with jengine.begin() as conn:  # the named scans' rows, fresh for this test
        conn.execute(SWEEP_LEASES.delete())
    calendar = _name()
    both = Counting()
    for holder in ("w1", "w2"):
        extra = [(calendar, 60.0, lambda: both.runs.update([calendar]))]
        scheduler = schedule(both, BackgroundScheduler(), INTERVALS, extra,  # type: ignore[arg-type]
                             gate=SqlSweepGate(jengine, holder, clock))
        for job in scheduler.get_jobs():
            job.func()  # each worker's first tick, at the same instant
    assert {n: both.runs[n] for n in PERIODIC} == dict.fromkeys(PERIODIC, 1)
    assert both.runs[calendar] == 1
    for shared in ("deliver", "outbox", "refunds"):  # claims spread these: both workers run
        assert both.runs[shared] == 2

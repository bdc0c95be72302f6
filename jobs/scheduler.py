"""APScheduler 3 drives the sweeps on intervals; it holds no state that matters.

A 3.x job store cannot be shared by several processes, so nothing is stored in it: the
database is the source of truth and any number of workers may run these same intervals.
Each job runs at most one instance at a time and missed runs coalesce into one.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from types import FrameType
from typing import Any, Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from jobs.sweeps import Jobs

log = logging.getLogger(__name__)

# Seconds between runs. Delivery and the outbox are quick to notice new work; reminders
# are computed from the database, so a 30 s sweep means at most 30 s late. Refund retries
# wait a minute or more anyway (core.payments.RETRY_DELAYS).
INTERVALS: dict[str, float] = {
    "expire": 15, "outbox": 2, "reminders": 30, "agendas": 300, "deliver": 2,
    "refunds": 60, "cleanup": 3600,
}


# Periodic scans: one run a period is the point, whoever runs it, so with a ``SweepGate``
# only the worker that claims the period runs them. Delivery, the outbox and refunds claim
# their rows one by one, so every worker takes part in those (that is how work spreads).
PERIODIC = frozenset({"expire", "reminders", "agendas", "cleanup"})


class SweepGate(Protocol):
    def register(self, names: Iterable[str]) -> None: ...

    def claim(self, name: str, period_s: float) -> bool:
        """True for one worker per ``period_s`` (db.sweep_leases.SqlSweepGate)."""


def _guarded(name: str, sweep: Callable[[], Any], gate: SweepGate | None = None,
             period_s: float = 0.0) -> Callable[[], None]:
    def run() -> None:
        try:
            if gate is not None and not gate.claim(name, period_s):
                return  # another worker has this period
            result = sweep()
        except Exception:  # one failing sweep must not stop the others; the next run retries
            log.exception("sweep %s failed", name)
            return
        if result:
            log.info("sweep %s: %s", name, result)
    return run


# Sweeps that live outside ``Jobs`` (e.g. calendar sync): (name, seconds, function).
Extra = Sequence[tuple[str, float, Callable[[], Any]]]


def schedule(jobs: Jobs, scheduler: BaseScheduler,
             intervals: Mapping[str, float] = INTERVALS, extra: Extra = (),
             gate: SweepGate | None = None) -> BaseScheduler:
    """Add every sweep to ``scheduler``; the first run of each is immediate (catch-up).
    ``gate``: the periodic scans (and every ``extra`` sweep) run once a period across all
    workers sharing the gate's database."""
    first = datetime.now(UTC)  # the scheduler's own wall clock, not the sweeps' clock
    sweeps = [(name, seconds, getattr(jobs, name)) for name, seconds in intervals.items()]
    gated = {name for name, _, _ in sweeps if name in PERIODIC} | {name for name, _, _ in extra}
    if gate is not None:
        gate.register(sorted(gated))
    for name, seconds, sweep in [*sweeps, *extra]:
        scheduler.add_job(_guarded(name, sweep, gate if name in gated else None, seconds),
                          "interval", seconds=seconds,
                          id=name, name=name, max_instances=1, coalesce=True,
                          next_run_time=first, replace_existing=True)
    return scheduler


def start_in_process(jobs: Jobs, intervals: Mapping[str, float] = INTERVALS,
                     extra: Extra = ()) -> BaseScheduler:
    """Run the sweeps on a background thread of this process (the console demo).
    Call ``.shutdown()`` on the result when done."""
    scheduler = schedule(jobs, BackgroundScheduler(daemon=True, timezone=UTC), intervals, extra)
    scheduler.start()
    return scheduler


def run_blocking(jobs: Jobs, intervals: Mapping[str, float] = INTERVALS,
                 extra: Extra = (), gate: SweepGate | None = None) -> None:
    """Run the sweeps until SIGINT or SIGTERM (the ``worker`` process).

    The scheduler runs on its background thread and the main thread only waits for a
    signal, whose handler just sets an event. (With APScheduler's BlockingScheduler an
    interrupt landing while it hands a job to its executor is caught and logged there,
    "Error submitting job", and the worker ran on for ever; shutting down from inside the
    handler can deadlock on the executor's lock.)"""
    scheduler = schedule(jobs, BackgroundScheduler(daemon=True, timezone=UTC), intervals,
                         extra, gate)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        scheduler.start()
        while not stop.wait(1.0):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        # Delivery finishes the send in hand (bounded by the sender's timeout) and hands the
        # rest of its batch back; nothing new is claimed (Jobs.stop). What a SIGKILL
        # interrupts instead is taken over by any worker when its lease ends.
        jobs.stop()
        log.info("worker stopping: finishing the work in hand, handing back the rest")
        if scheduler.running:
            scheduler.shutdown(wait=True)
        log.info("worker stopped")

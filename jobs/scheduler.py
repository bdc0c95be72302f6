"""APScheduler 3 drives the sweeps on intervals; it holds no state that matters.

A 3.x job store cannot be shared by several processes, so nothing is stored in it: the
database is the source of truth and any number of workers may run these same intervals.
Each job runs at most one instance at a time and missed runs coalesce into one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from jobs.sweeps import Jobs

log = logging.getLogger(__name__)

# Seconds between runs. Delivery and the outbox are quick to notice new work; reminders
# are computed from the database, so a 30 s sweep means at most 30 s late. Refund retries
# wait a minute or more anyway (core.payments.RETRY_DELAYS).
INTERVALS: dict[str, float] = {
    "expire": 15, "outbox": 2, "reminders": 30, "agendas": 300, "deliver": 2,
    "refunds": 60, "cleanup": 3600,
}


def _guarded(name: str, sweep: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        try:
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
             intervals: Mapping[str, float] = INTERVALS, extra: Extra = ()) -> BaseScheduler:
    """Add every sweep to ``scheduler``; the first run of each is immediate (catch-up)."""
    first = datetime.now(UTC)  # the scheduler's own wall clock, not the sweeps' clock
    sweeps = [(name, seconds, getattr(jobs, name)) for name, seconds in intervals.items()]
    for name, seconds, sweep in [*sweeps, *extra]:
        scheduler.add_job(_guarded(name, sweep), "interval", seconds=seconds,
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
                 extra: Extra = ()) -> None:
    """Run the sweeps in the foreground until interrupted (the ``worker`` process)."""
    scheduler = schedule(jobs, BlockingScheduler(timezone=UTC), intervals, extra)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)

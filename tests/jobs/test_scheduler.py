"""APScheduler only drives the sweeps: every sweep is scheduled, at most one instance each,
first run immediately (catch-up after downtime). Nothing is started, nothing sleeps."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from bookingbot.cli import _parser
from jobs.scheduler import INTERVALS, run_blocking, schedule
from tests.jobs.harness import Clock, make_world


def test_every_sweep_is_scheduled_once_per_interval(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    scheduler = schedule(w.jobs, BackgroundScheduler(timezone=UTC))
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert set(jobs) == set(INTERVALS) == {"expire", "outbox", "reminders", "agendas",
                                           "deliver", "refunds", "cleanup"}
    for name, job in jobs.items():
        assert job.trigger.interval.total_seconds() == INTERVALS[name]
        assert job.max_instances == 1
        assert job.coalesce


class Broken:
    def __getattr__(self, name: str) -> object:
        def fail() -> None:
            raise RuntimeError(f"{name} is broken")
        return fail


def test_a_failing_sweep_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    scheduler = schedule(Broken(), BackgroundScheduler(timezone=UTC))  # type: ignore[arg-type]
    for job in scheduler.get_jobs():
        job.func()  # the guard logs it; the next run tries again
    assert len([r for r in caplog.records if "failed" in r.getMessage()]) == len(INTERVALS)


def test_the_worker_subcommand_exists() -> None:
    args = _parser().parse_args(["worker", "--db", "sqlite:///x.db"])
    assert (args.command, args.db) == ("worker", "sqlite:///x.db")


def test_the_worker_schedules_the_calendar_sweeps_too(jengine: Engine, clock: Clock,
                                                      tmp_path: object) -> None:
    from bookingbot.bootstrap import database  # noqa: PLC0415 - only this test needs it
    from bookingbot.calendar_wiring import calendar_sweeps  # noqa: PLC0415
    from bookingbot.settings import Settings  # noqa: PLC0415

    w = make_world(jengine, clock)
    db = database(str(jengine.url.render_as_string(hide_password=False)))
    try:
        extra = calendar_sweeps(db, Settings(_env_file=None), clock)  # type: ignore[call-arg]
        scheduler = schedule(w.jobs, BackgroundScheduler(timezone=UTC), extra=extra)
        ids = {j.id for j in scheduler.get_jobs()}
        assert {"calendar_sync", "calendar_write"} <= ids
        assert set(INTERVALS) <= ids
    finally:
        db.close()


class SignalsOnFirstSweep:
    """Every sweep, the first time any runs, sends this process SIGTERM (a platform stop)."""

    def __init__(self) -> None:
        self.sent = threading.Event()

    def __getattr__(self, name: str) -> object:
        def sweep() -> None:
            if not self.sent.is_set():
                self.sent.set()
                os.kill(os.getpid(), signal.SIGTERM)
        return sweep


def test_sigterm_stops_the_blocking_worker_and_restores_handlers() -> None:
    jobs = SignalsOnFirstSweep()
    rescued = threading.Event()

    def watchdog() -> None:  # only if the worker ignored the signal: stop the test run
        if not stopped.wait(30):
            rescued.set()
            os.kill(os.getpid(), signal.SIGINT)

    stopped = threading.Event()
    before = signal.getsignal(signal.SIGTERM)
    threading.Thread(target=watchdog, daemon=True).start()
    run_blocking(jobs, intervals={"deliver": 3600})  # type: ignore[arg-type]
    stopped.set()
    assert jobs.sent.is_set()
    assert not rescued.is_set()
    assert signal.getsignal(signal.SIGTERM) is before

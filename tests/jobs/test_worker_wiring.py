"""The composition root's wiring: real texts, the real agenda, the console sender."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import Engine

from bookingbot.bootstrap import Database
from bookingbot.worker import ConsoleSender, build_jobs, start_in_process
from db.uow import session_factory
from tests.jobs.conftest import at
from tests.jobs.harness import Clock, make_world


def test_build_jobs_sends_texts_and_the_agenda(jengine: Engine, jobs_url: str,
                                               clock: Clock) -> None:
    w = make_world(jengine, clock)
    db = Database(jobs_url, jengine, session_factory(jengine))
    out = io.StringIO()
    senders = {"telegram": ConsoleSender("telegram", out),
               "slack": ConsoleSender("slack", out)}
    jobs = build_jobs(db, senders=senders, clock=clock, provider_channel="C1")
    w.book(w.customer(), at(8, 9))
    clock.set(at(7, 9, 30))  # Monday 09:30 London: agendas due, the 24 h reminder too
    report = jobs.run_once()
    text = out.getvalue()
    assert report["sent"] >= 4
    assert "Confirmed: Haircut with Alice, Tue 8 Jan 9:00 AM GMT." in text
    assert "Reminder: Haircut with Alice, Tue 8 Jan 9:00 AM GMT." in text
    assert "[Confirm | " in text  # another customer's buttons, named but not offered
    assert "[to U123 via slack] *Alice, Mon 7 Jan*" in text
    assert "[to C1 via slack] *Bob," in text
    clock.advance(timedelta(hours=1))
    assert not +jobs.run_once()


def test_in_process_starter_starts_and_stops(jengine: Engine, jobs_url: str,
                                             clock: Clock) -> None:
    make_world(jengine, clock)
    db = Database(jobs_url, jengine, session_factory(jengine))
    stop = start_in_process(db, out=io.StringIO(), clock=clock, intervals={"outbox": 3600})
    stop()

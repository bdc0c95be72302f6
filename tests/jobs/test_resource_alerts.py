"""The provider's Slack alert and agenda name the room a booking holds."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine

from channels.slack.texts import agenda_text
from core.usecases.provider import agenda, booking_ref
from db.provider_queries import SqlProviderQueries
from tests.db.resource_kit import clinic
from tests.jobs.conftest import at
from tests.jobs.harness import PROVIDER_CHANNEL, Clock, rules
from tests.jobs.seams import settle, worker_world


def test_the_alert_and_the_agenda_name_the_room(jengine: Engine, jobs_url: str,
                                                clock: Clock) -> None:
    w = worker_world(jengine, jobs_url, clock, business=replace(clinic(), rules=rules()))
    ann = w.customer()
    b = w.book(ann, at(8, 10), service="facial")
    laser = w.book(w.customer(sender="43", name="Bea"), at(8, 11), service="laser")
    settle(w)
    alerts = [s.text for s in w.sent("slack") if s.address == PROVIDER_CHANNEL
              and s.text.startswith("New booking")]
    assert alerts == [
        "New booking: Facial with Alice, Tue 8 Jan 10:00 AM GMT, for Ann (jobs), in "
        f"Room 1. ref `{booking_ref(b.id)}`",
        "New booking: Laser treatment with Alice, Tue 8 Jan 11:00 AM GMT, for Bea (jobs), "
        f"in Room 1, Laser. ref `{booking_ref(laser.id)}`"]
    day = agenda(w.uow(), SqlProviderQueries(clock=clock), provider_key="alice",
                 day=at(8, 10).date(), now=clock())
    lines = agenda_text(day).splitlines()
    assert any("*Facial* · Room 1 · Ann" in line for line in lines), lines
    assert any("*Laser treatment* · Room 1, Laser · Bea" in line for line in lines), lines

"""Waitlist backfill for a treatment that needs a room: the offer's hold takes the room, and a
freed slot whose room was taken meanwhile is offered to nobody."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine, select

from core.booking import Actor
from core.interval import Interval
from core.usecases import cancel, join_waitlist
from db.jobs_tables import WAITLIST_OFFERS
from tests.db.resource_kit import clinic
from tests.jobs.conftest import at
from tests.jobs.harness import Clock, World, make_world, rules

SLOT = at(10, 9)  # 09:00 UTC: Alice (London) and Bob (Kolkata, 14:30) both work


def _world(jengine: Engine, clock: Clock) -> tuple[World, str, str, str]:
    w = make_world(jengine, clock, replace(clinic(room_count=1), rules=rules()))
    ann, bea = w.customer(), w.customer(sender="43", name="Bea")
    cal = w.customer(sender="44", name="Cal")
    join_waitlist(w.uow(), customer_id=bea, channel="telegram", service_key="facial",
                  provider_key=None, window=Interval(at(10, 8), at(10, 12)), now=clock())
    return w, ann, bea, cal


def _offer_holds(w: World) -> list[str]:
    with w.engine.connect() as c:
        return [r[0] for r in c.execute(select(WAITLIST_OFFERS.c.booking_id))]


def test_the_offer_holds_the_room_too(jengine: Engine, clock: Clock) -> None:
    w, ann, _, _ = _world(jengine, clock)
    gone = w.book(ann, SLOT, service="facial")
    cancel(w.uow(), gone.id, actor=Actor("customer", ann, "telegram"), now=clock())
    w.jobs.run_once()
    (hold_id,) = _offer_holds(w)
    with w.uow() as u:
        assert u.resources.of_booking(hold_id) == {"room": "room1"}


def test_a_freed_slot_whose_room_went_is_offered_to_nobody(jengine: Engine,
                                                           clock: Clock) -> None:
    w, ann, _, cal = _world(jengine, clock)
    gone = w.book(ann, SLOT, service="facial")
    cancel(w.uow(), gone.id, actor=Actor("customer", ann, "telegram"), now=clock())
    w.book(cal, SLOT, service="massage", provider="bob")  # takes the one room first
    w.jobs.run_once()
    assert _offer_holds(w) == []  # Alice is free, the room is not

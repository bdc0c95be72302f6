"""Waitlist backfill: the freed slot is held for one customer at a time and passes down the
line on "no" or timeout; "yes" books it. The hold itself is the guard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from core.booking import Actor, BookingStatus
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.usecases import cancel, join_waitlist
from core.usecases.waitlist_offers import accept_offer, decline_offer
from db.bookings import B
from db.jobs_tables import WAITLIST_OFFERS
from tests.jobs.conftest import at
from tests.jobs.harness import Clock, World, make_world

SLOT = at(10, 11)


def _world(jengine: Engine, clock: Clock) -> tuple[World, dict[str, str]]:
    w = make_world(jengine, clock)
    who = {"ann": w.customer(), "bea": w.customer(sender="43", name="Bea"),
           "cal": w.customer("sms", "+447700900555", name="Cal", tz="Europe/London"),
           "dan": w.customer(sender="44", name="Dan", opted_out=True)}
    for name in ("dan", "bea", "cal"):  # dan first but opted out: never offered
        join_waitlist(w.uow(), customer_id=who[name], channel="telegram", service_key="cut",
                      provider_key=None, window=Interval(at(10, 8), at(10, 18)), now=clock())
        clock.advance(timedelta(seconds=1))
    return w, who


def _free_the_slot(w: World, who: dict[str, str]) -> None:
    gone = w.book(who["ann"], SLOT)
    cancel(w.uow(), gone.id, actor=Actor("customer", who["ann"], "telegram"), now=w.clock())
    w.jobs.run_once()


def _offers(w: World) -> list[tuple[str, str]]:
    with w.engine.connect() as c:
        rows = c.execute(select(WAITLIST_OFFERS.c.customer_id, WAITLIST_OFFERS.c.status)
                         .order_by(WAITLIST_OFFERS.c.offered_at)).all()
    return [(r[0], r[1]) for r in rows]


def _holds_on_slot(w: World) -> int:
    with w.engine.connect() as c:
        return len(c.execute(select(B.c.id).where(
            B.c.start_at == SLOT, B.c.status.in_(("held", "confirmed")))).all())


def test_offer_passes_down_the_line_on_timeout_and_yes_books(jengine: Engine,
                                                             clock: Clock) -> None:
    w, who = _world(jengine, clock)
    _free_the_slot(w, who)
    assert _offers(w) == [(who["bea"], "open")]
    assert _holds_on_slot(w) == 1
    offer_text = [s for s in w.sent("telegram") if s.address == "43"][-1]
    assert "reply YES within 15 min" in offer_text.text
    assert offer_text.choices == (("Yes, book it", "yes"), ("No thanks", "no"))

    clock.advance(timedelta(minutes=15))  # bea never answers
    w.jobs.run_once()
    assert _offers(w) == [(who["bea"], "expired"), (who["cal"], "open")]
    assert _holds_on_slot(w) == 1
    assert any("has lapsed" in s.text for s in w.sent("telegram") if s.address == "43")
    assert any("A slot opened" in s.text for s in w.sent("sms"))

    offer_id = _open_offer(w, who["cal"])
    late = Actor("customer", who["bea"], "telegram")
    with pytest.raises(DomainError):  # not hers any more
        accept_offer(w.uow(), offer_id, actor=late, now=clock())
    booking = accept_offer(w.uow(), offer_id, actor=Actor("customer", who["cal"], "sms"),
                           now=clock())
    assert booking.status is BookingStatus.CONFIRMED
    assert booking.start == SLOT
    w.jobs.run_once()
    assert _offers(w) == [(who["bea"], "expired"), (who["cal"], "accepted")]
    with w.uow() as u:
        waiting = [e.customer_id for e in u.waitlist.waiting("cut")]
    assert waiting == [who["dan"], who["bea"]]  # cal's entry is done; bea's stays
    assert w.sent_kinds()[("booking_confirmed", "provider")] >= 1
    assert all(s.address != "44" for s in w.sent("telegram"))  # dan opted out


def test_no_passes_it_on_and_a_lapsed_offer_cannot_be_taken(jengine: Engine,
                                                            clock: Clock) -> None:
    w, who = _world(jengine, clock)
    _free_the_slot(w, who)
    bea = Actor("customer", who["bea"], "telegram")
    decline_offer(w.uow(), _open_offer(w, who["bea"]), actor=bea, now=clock())
    w.jobs.run_once()
    assert _offers(w) == [(who["bea"], "declined"), (who["cal"], "open")]
    cal_offer = _open_offer(w, who["cal"])
    clock.advance(timedelta(minutes=15))
    with pytest.raises(DomainError) as err:  # the window has passed: no sneaking in
        accept_offer(w.uow(), cal_offer, actor=Actor("customer", who["cal"], "sms"),
                     now=clock())
    assert err.value.code is ErrorCode.HOLD_EXPIRED
    w.jobs.run_once()
    assert _offers(w) == [(who["bea"], "declined"), (who["cal"], "expired")]
    assert _holds_on_slot(w) == 0  # nobody left who has not been asked


def test_a_slot_taken_meanwhile_is_offered_to_nobody(jengine: Engine, clock: Clock) -> None:
    w, who = _world(jengine, clock)
    gone = w.book(who["ann"], SLOT)
    cancel(w.uow(), gone.id, actor=Actor("customer", who["ann"], "telegram"), now=clock())
    w.book(who["ann"], SLOT)  # rebooked before the dispatcher ran
    w.jobs.run_once()
    assert _offers(w) == []
    assert _holds_on_slot(w) == 1


def _open_offer(w: World, customer_id: str) -> str:
    with w.uow() as u:
        (offer,) = u.offers.open_for_customer(customer_id)
    return offer.id

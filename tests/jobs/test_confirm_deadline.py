"""Confirmation deadlines with an injected clock, on both backends, by the worker as
``bookingbot worker`` builds it: the reminder before the deadline asks; "C" keeps the
booking; silence releases it at the deadline (refund per the policy at that instant, the
waitlist offered the slot, customer and provider told), once however often the sweep runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Engine, text

from core.booking import BookingStatus
from core.interval import Interval
from core.usecases import join_waitlist
from core.usecases.confirmations import release_unconfirmed
from tests.db.helpers import make_business
from tests.jobs.conftest import at
from tests.jobs.harness import PROVIDER_CHANNEL, Clock, World, rules
from tests.jobs.seams import TEST_GATEWAY, paid_booking, router, say, settle, worker_world

WINDOW = timedelta(hours=12)
START = at(8, 10)  # Tue 10:00 UTC (London: GMT); the deadline is Mon 22:00


def world(jengine: Engine, jobs_url: str, clock: Clock, *, business_wide: bool = False) -> World:
    base = make_business(rules=rules(confirm_by=WINDOW if business_wide else None))
    services = tuple(replace(s, confirm_by=None if business_wide else WINDOW)
                     if s.key in ("cut", "color") else s for s in base.services)
    return worker_world(jengine, jobs_url, clock, gateway=TEST_GATEWAY,
                        business=replace(base, services=services))


def status(w: World, booking_id: str) -> BookingStatus:
    with w.uow() as u:
        found = u.bookings.get(booking_id)
    assert found is not None
    return found.status


def telegram(w: World, address: str = "42") -> list[str]:
    return [s.text for s in w.sent("telegram") if s.address == address]


def test_the_reminder_asks_and_silence_releases_the_booking_to_the_waitlist(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = world(jengine, jobs_url, clock)
    ann, bea = w.customer(), w.customer(sender="43", name="Bea")
    booking = w.book(ann, START)
    join_waitlist(w.uow(), customer_id=bea, channel="telegram", service_key="cut",
                  provider_key="alice", window=Interval(START, START + timedelta(hours=1)),
                  now=clock())
    clock.set(START - timedelta(hours=24))
    settle(w)
    assert ("Reminder: Haircut with Alice, Tue 8 Jan 10:00 AM GMT. Please confirm by Mon 7 "
            "Jan 10:00 PM GMT (reply C), or the booking will be released.") in telegram(w)
    clock.set(START - WINDOW - timedelta(seconds=1))
    settle(w)
    assert status(w, booking.id) is BookingStatus.CONFIRMED  # a second early: kept
    clock.set(START - WINDOW)
    settle(w)  # the release, the outbox, the waitlist offer, delivery; a second run: nothing
    assert status(w, booking.id) is BookingStatus.CANCELLED
    assert ("Haircut with Alice, Tue 8 Jan 10:00 AM GMT was not confirmed in time, so it was "
            "released. Reply \"book\" to pick another time.") in telegram(w)
    provider = [s.text for s in w.sent("slack") if s.address == PROVIDER_CHANNEL
                and s.text.startswith("Released")]
    assert len(provider) == 1
    assert provider[0].startswith("Released (not confirmed in time): Haircut, Tue 8 Jan "
                                  "10:00 AM GMT, Ann. The slot was offered to the waitlist.")
    assert any(t.startswith("A slot opened: Haircut with Alice, Tue 8 Jan 10:00 AM GMT")
               for t in telegram(w, "43"))
    assert release_unconfirmed(w.uow(), now=clock() + timedelta(minutes=5)) == []


def test_confirming_from_the_reminder_keeps_it(jengine: Engine, jobs_url: str,
                                               clock: Clock) -> None:
    w = world(jengine, jobs_url, clock, business_wide=True)
    booking = w.book(w.customer(), START)
    clock.set(START - timedelta(hours=24))
    settle(w)
    clock.advance(timedelta(minutes=5))
    (answer,) = say(router(w), "C")
    assert answer.text == "Thanks, see you Tue 8 Jan 10:00 AM GMT!"
    clock.set(START - timedelta(hours=2))
    settle(w)
    assert status(w, booking.id) is BookingStatus.CONFIRMED
    with jengine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attendance_confirmations")).scalar() == 1


def test_control_the_same_booking_unconfirmed_is_released(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    """The test above can fail: without the "C" the same booking goes at the deadline."""
    w = world(jengine, jobs_url, clock, business_wide=True)
    booking = w.book(w.customer(), START)
    clock.set(START - timedelta(hours=24))
    settle(w)
    clock.set(START - timedelta(hours=2))
    settle(w)
    assert status(w, booking.id) is BookingStatus.CANCELLED


def test_a_customer_never_asked_is_never_released(jengine: Engine, jobs_url: str,
                                                  clock: Clock) -> None:
    """Booked after the 24 h reminder's time: no reminder asked, so the deadline does not
    apply (and a booking made after the deadline itself counts as confirmed)."""
    w = world(jengine, jobs_url, clock)
    clock.set(START - timedelta(hours=20))
    asked_late = w.book(w.customer(), START)
    clock.set(START - timedelta(hours=3))
    last_minute = w.book(w.customer(sender="43", name="Bea"), START + timedelta(hours=1))
    clock.set(START - timedelta(minutes=30))
    settle(w)
    assert status(w, asked_late.id) is BookingStatus.CONFIRMED
    assert status(w, last_minute.id) is BookingStatus.CONFIRMED


def test_a_paid_deposit_is_refunded_as_the_policy_gives_at_the_deadline(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = world(jengine, jobs_url, clock)
    booking = paid_booking(w, w.customer(), START)  # a 20.00 deposit through Checkout
    clock.set(START - timedelta(hours=24))
    settle(w)
    clock.set(START - WINDOW)  # 12 h before: the 2 h+ tier, 50 %
    settle(w)
    with jengine.connect() as conn:
        refunds = conn.execute(text("SELECT amount_minor, status FROM refunds")).all()
    assert [tuple(r) for r in refunds] == [(1000, "succeeded")]
    assert status(w, booking.id) is BookingStatus.CANCELLED

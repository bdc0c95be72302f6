"""Issue 13 point 7 for moving a booking: the new slot is held while the customer reads
"Move it?", so their yes cannot lose it to a faster customer; every other answer releases
it. Two customers on the console channel over SQLite and PostgreSQL; the interleaving is
the script's order (each message is handled to the end before the next one starts), so no
timing decides anything. The control is the same race with the hold gone (lapsed)."""

from __future__ import annotations

from datetime import timedelta

from bot import commands as c
from bot.machine import step
from bot.messages import InboundMessage
from bot.session import BookingView, Offer, Purpose, Session, State
from bot.transition import Context
from tests.bot.conftest import NOW
from tests.bot.console_kit import Console, Shop

NEW = NOW + timedelta(days=2, hours=1)  # Thu 4 Dec 10:00 AM in New York


def _statuses(shop: Shop) -> list[tuple[str, str, str]]:
    rows = shop.rows("SELECT c.sender_id, b.status, b.start_at FROM bookings b JOIN customers c "
                     "ON c.id = b.customer_id ORDER BY b.created_at, b.id")
    return [(str(a), str(b), str(t)[:16]) for a, b, t in rows]


def _booked_wednesday(ann: Console) -> None:
    ann("beard trim with alex wednesday at 10am")
    ann("1")
    assert "Booked!" in ann("yes")


def test_the_move_holds_the_new_slot_and_the_yes_cannot_lose_it(shop: Shop) -> None:
    ann, bob = shop.customer("ann"), shop.customer("bob", "Asia/Kolkata")
    _booked_wednesday(ann)
    seen = bob("beard trim with alex thursday at 8:30pm")  # Thu 10:00 AM New York
    assert "1) Thu 4 Dec 8:30 PM" in seen  # bob is offered it before ann holds it
    offers = ann("move my booking to thursday at 10am")
    assert "1) Thu 4 Dec 10:00 AM" in offers
    assert "Thu 4 Dec 10:00 AM" in ann("1")  # "Move ... to Thu 4 Dec 10:00 AM?"
    assert sorted(s for _, s, _ in _statuses(shop)) == ["confirmed", "held"]
    late = bob("1")  # bob picks the slot ann is looking at
    assert "Sorry, that slot just went" in late
    assert "moved to Beard Trim with Alex, Thu 4 Dec 10:00 AM EST" in ann("yes")
    assert sorted(_statuses(shop)) == [("ann", "cancelled", "2025-12-04 15:00"),  # the hold
                                       ("ann", "confirmed", "2025-12-04 15:00")]  # moved
    [(action,)] = shop.rows("SELECT action FROM booking_audit WHERE action LIKE '%for_move'")
    assert action == "booking.hold_used_for_move"


def test_control_without_the_hold_the_faster_customer_takes_the_slot(shop: Shop) -> None:
    ann, bob = shop.customer("ann"), shop.customer("bob")
    _booked_wednesday(ann)
    ann("move my booking to thursday at 10am")
    ann("1")
    shop.clock.advance(timedelta(minutes=11))  # past rules.hold: the guard is gone
    bob("beard trim with alex thursday at 10am")
    bob("1")
    assert "Booked!" in bob("yes")
    late = ann("yes")
    assert "moved to" not in late  # without a hold the first customer's yes fails
    assert "Sorry, that slot just went" in late  # and gets the nearest free times
    assert ("bob", "confirmed", "2025-12-04 15:00") in _statuses(shop)


def test_no_at_move_it_releases_the_new_slot_at_once(shop: Shop) -> None:
    ann, bob = shop.customer("ann"), shop.customer("bob")
    _booked_wednesday(ann)
    ann("move my booking to thursday at 10am")
    ann("1")
    assert "1) Thu 4 Dec 10:00 AM" not in bob("beard trim with alex thursday at 10am")
    ann("no")
    assert sorted(s for _, s, _ in _statuses(shop)) == ["cancelled", "confirmed"]
    assert "1) Thu 4 Dec 10:00 AM" in bob("beard trim with alex thursday at 10am")
    # ann's booking did not move
    assert ("ann", "confirmed", "2025-12-03 15:00") in _statuses(shop)


def test_the_move_with_its_hold_is_pure(ctx: Context) -> None:
    booking = BookingView("b1", "beard", "alex", NOW + timedelta(days=1, hours=1))
    picking = Session(state=State.PICK_SLOT, purpose=Purpose.RESCHEDULE, service_key="beard",
                      provider_key="alex", booking_id="b1", bookings=(booking,),
                      offers=(Offer("alex", NEW),))
    pick = step(picking, InboundMessage("t", "u", "d1", NOW, text="1"), NOW, ctx)
    assert pick.commands == (c.HoldSlot("beard", "alex", NEW, keep_provider=True),)
    held = step(pick.session, c.Held("h1", Offer("alex", NEW), NOW + timedelta(minutes=10)),
                NOW, ctx)
    assert held.session.state is State.CONFIRM_RESCHEDULE
    assert held.session.hold_id == "h1"
    yes = step(held.session, InboundMessage("t", "u", "d2", NOW, text="yes"), NOW, ctx)
    assert yes.commands == (c.RescheduleBooking("b1", "alex", NEW, hold_id="h1"),)
    no = step(held.session, InboundMessage("t", "u", "d3", NOW, text="no"), NOW, ctx)
    assert no.commands == (c.ReleaseHold("h1"),)
    assert no.session.hold_id is None
    other = step(held.session, InboundMessage("t", "u", "d4", NOW, text="hmm"), NOW, ctx)
    assert c.ReleaseHold("h1") not in other.commands  # still deciding: still held

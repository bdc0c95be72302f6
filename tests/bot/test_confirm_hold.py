"""Issue 13 point 7: the slot is held while the customer reads "Confirm?". Two customers
on the console channel over SQLite and PostgreSQL; the interleaving is the script's order
(each message is handled to the end before the next), so no timing decides anything."""

from __future__ import annotations

from datetime import timedelta

from tests.bot.console_kit import Console, Shop


def _statuses(shop: Shop) -> list[tuple[str, str]]:
    rows = shop.rows("SELECT c.sender_id, b.status FROM bookings b JOIN customers c "
                     "ON c.id = b.customer_id ORDER BY b.created_at, b.id")
    return [(str(a), str(b)) for a, b in rows]


def _times(said: str) -> str:
    return said.split(":", 1)[1]  # the listed times, after the intro line's colon


def test_the_faster_picker_holds_and_the_first_yes_cannot_fail(shop: Shop) -> None:
    ann, bob = shop.customer("ann", "America/New_York"), shop.customer("bob", "Asia/Kolkata")
    ann("beard trim with alex tomorrow at 10am")
    bob("beard trim with alex tomorrow at 8:30pm")  # the same instant in Kolkata: same list
    assert "Confirm?" in ann("1")
    assert _statuses(shop) == [("ann", "held")]
    late = bob("1")  # bob picks the slot ann is looking at
    assert "Sorry, that slot just went" in late
    assert "8:30 PM" not in _times(late)  # the nearest free ones, without the held slot
    assert "Booked! Beard Trim with Alex, Wed 3 Dec 10:00 AM EST" in ann("yes")
    assert _statuses(shop) == [("ann", "confirmed")]


def test_no_releases_the_hold_and_the_other_customer_gets_the_slot(shop: Shop) -> None:
    ann, bob = shop.customer("ann", "Europe/London"), shop.customer("bob")
    ann("beard trim with alex tomorrow at 3pm")  # 10:00 AM EST
    ann("1")
    first = bob("beard trim with alex tomorrow at 10am")
    assert "10:00 AM" not in _times(first).split("\n")[1]  # not the nearest: it is held
    assert "Wed 3 Dec 10:00 AM" not in first
    assert "when suits you" in ann("no")
    assert _statuses(shop) == [("ann", "cancelled")]  # released at once, not at expiry
    again = bob("beard trim with alex tomorrow at 10am")
    assert "1) Wed 3 Dec 10:00 AM" in again
    bob("1")
    assert "Booked!" in bob("yes")
    assert sorted(_statuses(shop)) == [("ann", "cancelled"), ("bob", "confirmed")]
    [(action,)] = shop.rows("SELECT action FROM booking_audit WHERE action LIKE '%released'")
    assert action == "booking.hold_released"


def test_changing_the_time_at_confirm_moves_the_hold(shop: Shop) -> None:
    cat = shop.customer("cat", "America/Chicago")
    cat("haircut with jordan tomorrow at 1pm")
    assert "Confirm?" in cat("1")
    assert "free times" in cat("actually 3pm")
    cat("1")
    assert sorted(s for _, s in _statuses(shop)) == ["cancelled", "held"]
    assert "Booked!" in cat("yes")
    assert sorted(s for _, s in _statuses(shop)) == ["cancelled", "confirmed"]


def test_a_hold_that_ran_out_can_be_taken_and_the_late_yes_is_told(shop: Shop) -> None:
    ann, bob = shop.customer("ann"), shop.customer("bob")
    ann("beard trim with alex tomorrow at 10am")
    ann("1")
    shop.clock.advance(timedelta(minutes=11))  # past rules.hold (10m)
    offers = bob("beard trim with alex tomorrow at 10am")
    assert "1) Wed 3 Dec 10:00 AM" in offers  # a lapsed hold no longer blocks others
    bob("1")
    assert "Booked!" in bob("yes")
    late = ann("yes")
    assert "ran out" in late
    assert "Booked!" not in late
    assert ("bob", "confirmed") in _statuses(shop)


def test_paying_service_keeps_its_hold_through_checkout(shop: Shop) -> None:
    dee: Console = shop.customer("dee", "America/New_York")
    dee("colour tomorrow at 11am")
    dee("1")
    [(held_id,)] = shop.rows("SELECT id FROM bookings")
    assert "Held for you" in dee("yes")
    assert _statuses(shop) == [("dee", "held")]  # the same hold, now waiting for payment
    assert shop.rows("SELECT id FROM bookings") == [(held_id,)]

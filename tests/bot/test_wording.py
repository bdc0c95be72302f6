"""Issue 13 point 11: what the customer is told about their bookings, on the console channel
over a real database, in several zones."""

from __future__ import annotations

import pytest

from core.booking import reference
from tests.bot.console_kit import Shop

ZONES = ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
ZONE_NAMES = {"America/New_York": "EST", "Asia/Kolkata": "IST", "Australia/Lord_Howe": "+11"}


def _ids(where: Shop) -> list[str]:
    return [str(r[0]) for r in where.rows("SELECT id FROM bookings ORDER BY start_at")]


@pytest.mark.parametrize("tz", ZONES)
def test_booking_reference_is_given_and_stable(sqlite_shop: Shop, tz: str) -> None:
    ann = sqlite_shop.customer("ann", tz)
    ann("beard trim with alex tomorrow at 10am")
    ann("1")
    done = ann("yes")
    [booking_id] = _ids(sqlite_shop)
    ref = reference(booking_id)
    assert f"Ref {ref}." in done
    assert f"(ref {ref})" in ann("my bookings")  # the same code every time it is shown
    assert ZONE_NAMES[tz] in done


def test_reference_is_short_and_derived_from_the_id() -> None:
    a, b = reference("e48727d7-b202-494c-80dc-a23e05738e2a"), reference("another id")
    assert a == reference("e48727d7-b202-494c-80dc-a23e05738e2a")
    assert a != b
    assert len(a) == len(b) == 6
    assert not set(a + b) & set("ILOU")  # nothing that reads as another letter


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Kolkata"])
def test_unpaid_hold_is_listed_as_awaiting_payment_with_a_zoned_deadline(
        sqlite_shop: Shop, tz: str) -> None:
    bea = sqlite_shop.customer("bea", tz)
    bea("colour tomorrow at 11am")
    summary = bea("1")
    assert "Cancel:" in summary  # a deposit is paid up front, so the policy is quoted
    held = bea("yes")
    assert "Held for you" in held
    zone = ZONE_NAMES[tz]
    assert f" {zone})" in held.split("link valid until", 1)[1]  # "(link valid until 5:18 PM EST)"
    listing = bea("my bookings")
    assert "awaiting payment, pay by" in listing
    deadline = listing.split("pay by ", 1)[1]
    assert zone in deadline
    [(status,)] = sqlite_shop.rows("SELECT status FROM bookings")
    assert status == "held"


def test_confirmed_booking_is_not_awaiting_payment(sqlite_shop: Shop) -> None:
    cal = sqlite_shop.customer("cal")
    cal("haircut tomorrow at 2pm")
    cal("1")
    cal("yes")
    assert "awaiting payment" not in cal("my bookings")


def test_paid_in_the_shop_quotes_no_refund_policy(sqlite_shop: Shop) -> None:
    dan = sqlite_shop.customer("dan", "Europe/London")
    dan("haircut tomorrow at 2pm")
    summary = dan("1")
    assert "Price" in summary
    assert "refund" not in summary.lower()
    assert "Cancel:" not in summary


@pytest.mark.parametrize("tz", ["America/New_York", "Europe/Berlin"])
def test_recurring_series_shows_the_total_before_booking(sqlite_shop: Shop, tz: str) -> None:
    eve = sqlite_shop.customer("eve", tz)
    asked = eve("haircut every wednesday at 2pm for 4 weeks")
    assert "Total 120.00 USD (4 x 30.00 USD)" in asked
    assert "Book them all?" in asked
    assert sqlite_shop.rows("SELECT id FROM bookings") == []  # nothing before the yes


def _book(console: object, when: str) -> None:
    say = console  # a Console: say(line) -> reply text
    assert callable(say)
    say(f"beard trim with alex {when}")
    say("1")
    assert "Booked!" in say("yes")


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Kolkata"])
def test_cancel_the_one_on_a_day_picks_it_without_asking(shop: Shop, tz: str) -> None:
    fay = shop.customer("fay", tz)
    _book(fay, "on the 10th at 10am")
    _book(fay, "on the 12th at 10am")
    asked = fay("cancel the one on the 12th")
    assert "Which booking" not in asked
    assert "Cancel Beard Trim" in asked
    assert " 12 Dec" in asked
    assert "Cancelled" in fay("yes")
    rows = shop.rows("SELECT status, start_at FROM bookings ORDER BY start_at")
    assert [r[0] for r in rows] == ["confirmed", "cancelled"]


def test_cancel_naming_no_booking_still_asks_which(sqlite_shop: Shop) -> None:
    gus = sqlite_shop.customer("gus")
    _book(gus, "on the 10th at 10am")
    _book(gus, "on the 12th at 10am")
    assert "Which booking do you want to cancel?" in gus("cancel the one on the 15th")


def test_cancel_by_reference(sqlite_shop: Shop) -> None:
    hal = sqlite_shop.customer("hal")
    _book(hal, "on the 10th at 10am")
    _book(hal, "on the 12th at 10am")
    first = _ids(sqlite_shop)[0]
    asked = hal("cancel")
    assert "Which booking" in asked
    assert "Cancel Beard Trim" in hal(reference(first).lower())

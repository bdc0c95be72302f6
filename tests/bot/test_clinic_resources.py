"""examples/clinic.yaml on the console channel, over SQLite and PostgreSQL: treatments that
need a treatment room as well as a person. Two physios take both rooms at 10:00; Sam is free
then, but a facial is offered only once a room is free again; the laser needs a room and the
machine, in the machine's own hours. Each message is handled to the end before the next, so
the script's order is the interleaving."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bookingbot.business_file import load_business_file
from tests.bot.console_kit import Shop, open_shop
from tests.db.conftest import BACKENDS, fresh_database

CLINIC = Path(__file__).resolve().parents[2] / "examples" / "clinic.yaml"


@pytest.fixture(params=BACKENDS)
def clinic(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    business, _ = load_business_file(CLINIC)
    with fresh_database(str(request.param), tmp_path) as url:
        shop = open_shop(url, business)
        yield shop
        shop.db.close()


def _rooms(shop: Shop) -> list[tuple[str, str, str]]:
    rows = shop.rows("SELECT c.sender_id, b.service_key, r.resource_key FROM resource_bookings r "
                     "JOIN bookings b ON b.id = r.booking_id JOIN customers c "
                     "ON c.id = b.customer_id WHERE r.status = 'confirmed' "
                     "ORDER BY c.sender_id, r.kind")
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def _book(shop: Shop, who: str, ask: str, pick: str = "1") -> str:
    customer = shop.customer(who, "Europe/London")
    customer(ask)
    said = customer(pick)
    if "Before you confirm" in said:  # physio's intake questions (tests/bot/test_intake.py)
        customer("no injuries")
        customer("yes")
        said = customer("skip")
    assert "Confirm?" in said, said
    booked = customer("yes")
    assert "Booked!" in booked, booked
    return booked


def test_a_treatment_needs_a_free_room_as_well_as_a_person(clinic: Shop) -> None:
    # Friday 5 Dec 2025 (now is Tuesday 2 Dec 14:00 UTC): Priya, Sam and Jo all work.
    assert "Fri 5 Dec 10:00 AM" in _book(clinic, "ann", "physio with priya on friday at 10am")
    assert "Fri 5 Dec 10:00 AM" in _book(clinic, "bob", "physio with jo on friday at 10am")
    assert _rooms(clinic) == [("ann", "physio", "room-1"), ("bob", "physio", "room-2")]

    cat = clinic.customer("cat", "Europe/London")
    offered = cat("facial with sam on friday at 10am")
    # Sam is free at 10:00, but both rooms are in use (and being cleaned) until 11:00.
    assert "Sorry, 10:00 AM is taken" in offered, offered
    assert "10:45 AM" not in offered, offered
    assert "1) Fri 5 Dec 11:00 AM" in offered, offered
    assert "Confirm?" in cat("1")
    assert "Booked!" in cat("yes")
    assert ("cat", "facial", "room-1") in _rooms(clinic)


def test_the_laser_needs_a_room_and_the_machine_in_its_hours(clinic: Shop) -> None:
    # Monday 8 Dec: Sam works 10:00-18:00, the machine only 10:00-13:00.
    dee = clinic.customer("dee", "Europe/London")
    said = dee("laser with sam on monday at 3pm")
    afternoon = re.findall(r"\d\) Mon 8 Dec ([1-9]:\d\d PM)", said)
    assert afternoon == [], said  # Sam is free, the machine is not
    # Sam's nearest free times that the machine allows: its last start that day (it stops at
    # 13:00) comes first (bot.executor._nearest_with), the earlier ones after it.
    assert "1) Mon 8 Dec 12:30 PM" in said, said
    dee("start over")
    # Thursday 4 Dec: the machine works 10:00-13:00 and 14:00-16:00.
    _book(clinic, "eve", "laser with sam on thursday at 10am")
    assert _rooms(clinic) == [("eve", "laser", "laser"), ("eve", "laser", "room-1")]
    fay = clinic.customer("fay", "Europe/London")
    offered = fay("laser on thursday at 1pm")  # the machine breaks 13:00-14:00
    assert "Sorry, 1:00 PM is taken" in offered, offered
    assert "1) Thu 4 Dec 12:30 PM" in offered, offered  # ends 13:00, as the machine breaks
    assert "Thu 4 Dec 2:00 PM" in offered, offered
    assert "1:30 PM" not in offered, offered

"""Issue 13 point 1: what the customer said is kept across turns until they change it.
Scripted customers on the console channel over a real database, in several zones."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.machine import step
from bot.messages import InboundMessage
from bot.session import Purpose, Session, State
from bot.transition import Context
from tests.bot.conftest import NOW, make_business
from tests.bot.console_kit import Shop, open_shop
from tests.db.conftest import fresh_database

ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney"]


def _local(shop: Shop, tz: str, sql: str = "SELECT start_at FROM bookings") -> list[datetime]:
    out = []
    for (raw,) in shop.rows(sql):
        at = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
        out.append(at.astimezone(ZoneInfo(tz)))
    return out


def _offered_days(said: str) -> set[str]:
    """The weekday names on the offered slot lines ('  1) Sat 6 Dec 9:00 AM')."""
    return {line.split(") ", 1)[1][:3] for line in said.splitlines()
            if ") " in line and line.strip()[:1].isdigit() and "More" not in line}


@pytest.mark.parametrize("tz", ZONES)
def test_saturday_morning_survives_the_service_question(sqlite_shop: Shop, tz: str) -> None:
    ann = sqlite_shop.customer("ann", tz)
    assert "Which service" in ann("anything saturday morning?")
    offers = ann("haircut")
    assert "when suits you" not in offers
    assert _offered_days(offers) == {"Sat"}
    ann("1")
    ann("yes")
    [start] = _local(sqlite_shop, tz)
    assert start.weekday() == 5  # in the customer's zone
    if "outside our opening hours" not in offers:  # London's morning is the shop's night
        assert start.hour < 12


def test_a_bare_time_falls_on_the_day_under_discussion(sqlite_shop: Shop) -> None:
    bo = sqlite_shop.customer("bo")
    bo("haircut saturday morning")
    again = bo("what about 3pm?")  # Saturday 3 PM, not today's
    assert _offered_days(again) == {"Sat"}
    assert "3:00 PM" in again.splitlines()[1]


def test_a_bare_day_keeps_the_part_of_day(sqlite_shop: Shop) -> None:
    cy = sqlite_shop.customer("cy")
    cy("beard trim thursday afternoon")
    friday = cy("and friday?")
    assert _offered_days(friday) == {"Fri"}
    assert " AM" not in friday  # still the afternoon


def test_changing_the_service_keeps_the_time(sqlite_shop: Shop) -> None:
    di = sqlite_shop.customer("di")
    di("haircut friday at 2pm")
    moved = di("actually a beard trim")
    assert "Beard Trim, free times" in moved
    assert "Fri 5 Dec 2:00 PM" in moved


def test_a_long_message_keeps_every_fact(sqlite_shop: Shop) -> None:
    ed = sqlite_shop.customer("ed", "America/Chicago")
    said = ed("Hi there, hope you're well! I was wondering if I could get a beard trim with "
              "Jordan on Thursday at 4:30, I finish work at 4 so that would be perfect")
    assert "Beard Trim, free times" in said
    assert "Thu 4 Dec 4:30 PM" in said.splitlines()[1]
    summary = ed("1")
    assert "Beard Trim with Jordan, Thu 4 Dec 4:30 PM CST" in summary


def test_waitlist_with_one_service_never_asks_which(tmp_path: Path) -> None:
    full = make_business()
    one = replace(full, services=full.services[:1], providers=tuple(
        replace(p, services=frozenset({"haircut"})) for p in full.providers))
    with fresh_database("sqlite", tmp_path) as url:
        shop = open_shop(url, one)
        fay = shop.customer("fay")
        said = fay("put me on the waitlist for tomorrow 9:30")
        assert "Which service" not in said
        assert "waitlist" in said
        [(service, start)] = shop.rows("SELECT service_key, window_start FROM waitlist_entries")
        assert service == "haircut"
        assert "2025-12-03" in str(start)
        booked = shop.customer("gil")
        assert "Which service" not in booked("book")
        shop.db.close()


def test_waitlist_time_said_before_the_service_is_kept(sqlite_shop: Shop) -> None:
    hal = sqlite_shop.customer("hal")
    assert "Which service" in hal("put me on the waitlist for tomorrow 9:30")
    assert "waitlist" in hal("haircut")
    [(service,)] = sqlite_shop.rows("SELECT service_key FROM waitlist_entries")
    assert service == "haircut"


def test_memory_is_pure_and_serialised(ctx: Context) -> None:
    msg = InboundMessage("test", "u1", "d1", NOW, text="anything saturday morning?")
    first = step(Session(), msg, NOW, ctx)
    assert first.session.state is State.ASK_SERVICE
    assert first.session.window is not None
    restored = Session.from_json(first.session.to_json())
    again = step(restored, replace(msg, text="haircut", delivery_id="d2"), NOW, ctx)
    assert again.session.purpose is Purpose.BOOK
    assert again.commands == step(restored, replace(msg, text="haircut"), NOW, ctx).commands
    [find] = again.commands
    assert find.start == first.session.window[0]  # type: ignore[union-attr]

"""Issue 13 point 6: a taken time, "asap", a date past the horizon and a fine slot_step, on
the console channel over a real database, in several zones and on a DST day."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from core.model import Business, DayHours, LocalSpan
from tests.bot.conftest import make_business
from tests.bot.console_kit import Shop, open_shop
from tests.db.conftest import fresh_database

_LINE = re.compile(r"^\s+\d\) (\w{3} \d+ \w{3} [\d:]+ [AP]M)$", re.MULTILINE)


def _shown(said: str) -> list[str]:
    return _LINE.findall(said)


def _shop(tmp_path: Path, business: Business) -> Iterator[Shop]:
    with fresh_database("sqlite", tmp_path) as url:
        shop = open_shop(url, business)
        yield shop
        shop.db.close()


def _book(shop: Shop, who: str, text: str) -> None:
    c = shop.customer(who)
    c(text)
    c("1")
    assert "Booked!" in c("yes")


@pytest.mark.parametrize(("tz", "asked", "before", "after"), [
    ("America/New_York", "9:15", "Sat 6 Dec 9:00 AM", "Sat 6 Dec 9:30 AM"),
    ("Europe/London", "2:15pm", "Sat 6 Dec 2:00 PM", "Sat 6 Dec 2:30 PM"),
    ("Asia/Kolkata", "7:45pm", "Sat 6 Dec 7:30 PM", "Sat 6 Dec 8:00 PM"),
])
def test_a_taken_time_is_said_and_the_nearest_around_it_offered(
        sqlite_shop: Shop, tz: str, asked: str, before: str, after: str) -> None:
    _book(sqlite_shop, "first", "beard trim saturday at 9:15am")  # 9:15 EST is gone
    late = sqlite_shop.customer("late", tz)
    said = late(f"beard trim saturday at {asked}")
    assert f"{asked.removesuffix('pm')}" in said.splitlines()[0]
    assert "is taken" in said.splitlines()[0]
    shown = _shown(said)
    assert set(shown[:2]) == {before, after}  # one before, one after, nearest first
    assert sqlite_shop.rows("SELECT count(*) FROM bookings") == [(1,)]


def test_between_start_times_or_outside_hours_is_not_called_taken(sqlite_shop: Shop) -> None:
    ann = sqlite_shop.customer("ann")
    off_grid = ann("haircut saturday at 9:10")
    assert "isn't free" in off_grid
    assert "taken" not in off_grid
    assert {"Sat 6 Dec 9:00 AM", "Sat 6 Dec 9:15 AM"} <= set(_shown(off_grid)[:2])
    closed = ann("saturday at 7:30pm")
    assert "outside our opening hours" in closed
    assert "taken" not in closed


@pytest.mark.parametrize("words", ["haircut asap", "next available haircut",
                                   "earliest haircut you have?"])
def test_asap_offers_the_earliest_free_times(sqlite_shop: Shop, words: str) -> None:
    said = sqlite_shop.customer("bo")(words)
    # Tue 2 Dec 9:00 AM now, one hour's notice: 10:00 is the earliest, then in time order
    assert _shown(said)[:3] == ["Tue 2 Dec 10:00 AM", "Tue 2 Dec 10:15 AM", "Tue 2 Dec 10:30 AM"]


def test_asap_after_the_service_question(sqlite_shop: Shop) -> None:
    cy = sqlite_shop.customer("cy", "America/Los_Angeles")
    cy("beard trim")
    assert _shown(cy("earliest you have"))[0] == "Tue 2 Dec 7:00 AM"  # 10:00 EST


@pytest.mark.parametrize("tz", ["America/New_York", "Australia/Sydney"])
def test_past_the_horizon_says_how_far_and_offers_the_last_days(sqlite_shop: Shop,
                                                               tz: str) -> None:
    di = sqlite_shop.customer("di", tz)
    said = di("haircut on 20 february")
    assert "up to 30 days ahead, until Thu 1 Jan" in said
    days = {label.split(" ", 1)[1].rsplit(" ", 2)[0] for label in _shown(said)}
    assert days <= {"30 Dec", "31 Dec", "1 Jan", "2 Jan"}  # the last days, not an odd date
    assert days


@pytest.fixture
def fine_step(tmp_path: Path) -> Iterator[Shop]:
    base = make_business()
    yield from _shop(tmp_path, replace(base, rules=replace(base.rules,
                                                            slot_step=timedelta(minutes=1))))


def test_a_one_minute_slot_step_still_offers_the_asked_time(fine_step: Shop) -> None:
    said = fine_step.customer("ed")("haircut next wednesday at 11")
    assert _shown(said)[0] == "Wed 3 Dec 11:00 AM"
    afternoon = fine_step.customer("fi")("haircut next week in the afternoon")
    assert _shown(afternoon)[0] == "Mon 8 Dec 12:00 PM"  # not Monday morning's first minutes


@pytest.fixture
def sundays(tmp_path: Path) -> Iterator[Shop]:
    base = make_business()
    span = DayHours((LocalSpan(time(9), time(17)),))
    alex = replace(base.providers[0], weekly=tuple(span for _ in range(7)))
    yield from _shop(tmp_path, replace(base, providers=(alex, *base.providers[1:])))


def test_taken_on_the_day_clocks_go_forward(sundays: Shop) -> None:
    sundays.clock.now = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)  # Fri; Sun 8 Mar is DST
    _book(sundays, "early", "haircut sunday at 3pm")
    [(start,)] = sundays.rows("SELECT start_at FROM bookings")
    assert str(start).startswith("2026-03-08 19:00")  # 3 PM EDT, not EST
    gus = sundays.customer("gus", "Europe/London")
    said = gus("haircut sunday at 7pm")  # 3 PM EDT is 7 PM GMT that day
    assert "7:00 PM is taken" in said
    assert set(_shown(said)[:2]) == {"Sun 8 Mar 6:30 PM", "Sun 8 Mar 7:30 PM"}

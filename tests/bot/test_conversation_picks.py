"""Issue 13 point 2: a reply that names or describes a shown time picks it. Console customers
over a real database in several zones, and the pure step for the edge cases."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot import commands as c
from bot import picks
from bot.machine import step
from bot.messages import InboundMessage
from bot.session import Offer, Purpose, Session, State
from bot.transition import Context
from tests.bot.conftest import NOW
from tests.bot.console_kit import Shop

_LINE = re.compile(r"^\s+(\d)\) (\w{3} \d+ \w{3} [\d:]+(?: [AP]M)?)$", re.MULTILINE)


def _shown(said: str) -> list[str]:
    return [m.group(2) for m in _LINE.finditer(said)]


def _clock_key(label: str) -> datetime:
    """'Sat 6 Dec 9:30 AM' / 'Sat 6 Dec 09:30' -> a sortable time (the year does not matter)."""
    fmt = "%a %d %b %I:%M %p" if label.endswith("M") else "%a %d %b %H:%M"
    return datetime.strptime(label, fmt).replace(year=2025, tzinfo=UTC)


def _summary_time(said: str) -> str:
    return said.split(", ", 1)[1].split(". ", 1)[0]  # "Sat 6 Dec 9:30 AM EST"


@pytest.mark.parametrize(("tz", "at"), [("America/New_York", "2pm"),
                                        ("America/Los_Angeles", "1pm"),
                                        ("Asia/Kolkata", "11:30pm")])
def test_descriptions_pick_the_option_they_describe(sqlite_shop: Shop, tz: str,
                                                    at: str) -> None:
    cy = sqlite_shop.customer("cy", tz)
    shown = _shown(cy(f"haircut friday at {at}"))  # nearest first: not in time order
    assert len(shown) == 5
    assert shown != sorted(shown, key=_clock_key)
    for words, label in [("the earliest", min(shown, key=_clock_key)),
                         ("the later one", max(shown, key=_clock_key)),
                         ("the first one", shown[0]), ("the second", shown[1]),
                         ("the last one", shown[-1])]:
        summary = cy(words)
        assert label in _summary_time(summary), words
        assert "Confirm?" in summary
        cy("no")
        assert _shown(cy(f"friday at {at}")) == shown  # the service is still known


def test_the_time_itself_picks_that_option(sqlite_shop: Shop) -> None:
    di = sqlite_shop.customer("di")
    shown = _shown(di("beard trim saturday morning"))
    assert shown[2] == "Sat 6 Dec 9:30 AM"
    assert "Sat 6 Dec 9:30 AM EST" in di("9:30")
    di("yes")
    [(start,)] = sqlite_shop.rows("SELECT start_at FROM bookings")
    assert str(start).startswith("2025-12-06 14:30")  # 9:30 EST


def test_a_time_not_shown_searches_again_keeping_the_service(sqlite_shop: Shop) -> None:
    ed = sqlite_shop.customer("ed", "Europe/London")
    ed("colour saturday morning")  # London's morning is the shop's night: nearest times
    again = ed("what about 6pm")
    assert "Colour, free times" in again
    assert "Sat 6 Dec 6:00 PM" in again  # Saturday, the day under discussion


def test_a_number_past_the_end_says_why(sqlite_shop: Shop) -> None:
    fay = sqlite_shop.customer("fay")
    fay("haircut saturday at 10")
    said = fay("option 6")
    assert "only 5 times here" in said
    assert len(_shown(said)) == 5  # and the times again
    assert "Confirm?" in fay("2")


def _msg(text: str) -> InboundMessage:
    return InboundMessage("test", "u1", "d1", NOW, text=text)


SLOT = datetime(2025, 12, 3, 19, 0, tzinfo=UTC)


def test_yes_to_a_single_offer_picks_it(ctx: Context) -> None:
    one = Session(State.PICK_SLOT, Purpose.BOOK, service_key="haircut",
                  offers=(Offer("alex", SLOT),))
    t = step(one, _msg("yes"), NOW, ctx)
    assert t.session.chosen == Offer("alex", SLOT)
    assert t.commands == (c.HoldSlot("haircut", "alex", SLOT),)  # held, then "Confirm?"


def test_yes_to_several_offers_asks_which(ctx: Context) -> None:
    many = Session(State.PICK_SLOT, Purpose.BOOK, service_key="haircut",
                   offers=tuple(Offer("alex", SLOT + timedelta(minutes=15 * i))
                                for i in range(3)))
    t = step(many, _msg("yes please"), NOW, ctx)
    assert t.session.state is State.PICK_SLOT
    assert "Which one" in t.replies[0].text
    assert len(t.replies[1].choices) == 3
    assert step(many, _msg("6"), NOW, ctx).replies[0].text.startswith("There are only 3")
    picked = step(replace(many, page=0), _msg("the third one"), NOW, ctx)
    assert picked.session.chosen == many.offers[2]
    assert step(many, _msg("the fifth"), NOW, ctx).session.state is State.PICK_SLOT


STARTS = [datetime(2026, 12, 8, 9, tzinfo=UTC) + timedelta(hours=h) for h in range(4)]


@pytest.mark.parametrize(("lang", "said", "index"), [
    ("es", "el primero", 0), ("es", "la segunda por favor", 1), ("es", "el último", 3),
    ("de", "der erste bitte", 0), ("de", "die zweite", 1), ("de", "den letzten", 3),
    ("fr", "le premier", 0), ("fr", "la deuxième s'il vous plaît", 1), ("fr", "le dernier", 3),
    ("pt", "o primeiro", 0), ("pt", "a terceira por favor", 2), ("pt", "o último", 3),
    ("es", "the first one", 0),  # English words still count in a Spanish conversation
])
def test_position_words_in_each_language(lang: str, said: str, index: int) -> None:
    assert picks.position(said, STARTS, lang) == index
    assert picks.describes(said, lang)


@pytest.mark.parametrize(("lang", "said"), [
    ("es", "por la tarde"), ("es", "el primero de enero a las 10"), ("pt", "a quinta"),
    ("pt", "segunda"), ("de", "erste Woche im Januar"), ("fr", "le premier mars"),
])
def test_days_and_times_are_no_pick(lang: str, said: str) -> None:
    assert picks.position(said, STARTS, lang) is None

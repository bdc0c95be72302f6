"""Issue 13: the conversation suite's dialogues, the same scripts on the console channel and
through the real Telegram and SMS webhooks (tests/channels/replay.py), each asserting the
outcome in the database (booking row, hold, handoff record, the owner's text) and the gist
of the replies. One script per point: memory, picks, taken time, small talk, a receptionist
question, the hold at "Confirm?", a handoff, provider choice, a move, another language.

The shop: Alex (Mon-Sat 9-17) and Jordan (Tue-Sat 11-19, no Colour) in New York; the clock
is Tue 2 Dec 2025, 9:00 AM there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.channels.replay import CHANNELS, OWNER, Replay, replay


def _bookings(r: Replay) -> list[tuple[str, str, str, datetime]]:
    """(status, service, provider, start in UTC) of every booking."""
    out = []
    for status, service, provider, start in r.shop.rows(
            "SELECT status, service_key, provider_key, start_at FROM bookings ORDER BY start_at"):
        at = start if isinstance(start, datetime) else datetime.fromisoformat(str(start))
        out.append((str(status), str(service), str(provider), at))
    return out


def _local(at: datetime, tz: str) -> datetime:
    return at.astimezone(ZoneInfo(tz))


def memory(r: Replay) -> None:
    tz = "Asia/Kolkata"
    ann = r.customer(tz)
    assert "Which service" in ann("anything saturday morning?")
    offers = ann("haircut")
    assert "Sat 6 Dec" in offers
    assert "when suits you" not in offers
    assert "Confirm?" in ann("1")
    assert "Booked!" in ann("yes")
    [(status, service, _, start)] = _bookings(r)
    assert (status, service) == ("confirmed", "haircut")
    assert _local(start, tz).weekday() == 5  # a Saturday for the customer


def picks(r: Replay) -> None:
    bo = r.customer()
    offers = bo("beard trim wednesday at 10am")
    assert "10:15 AM" in offers
    assert "10:15 AM" in bo("the 10:15 one")  # the time itself picks it
    bo("yes")
    [(status, _, _, start)] = _bookings(r)
    assert status == "confirmed"
    assert _local(start, "America/New_York").strftime("%a %H:%M") == "Wed 10:15"


def taken_time(r: Replay) -> None:
    first, second = r.customer(), r.customer("Europe/London")
    first("beard trim with alex wednesday at 10am")
    first("1")
    assert "Booked!" in first("yes")
    said = second("beard trim with alex wednesday at 3pm")  # the same 10:00 AM EST
    assert "3:00 PM is taken" in said
    assert "2:45 PM" in said  # the nearest, before ...
    assert "3:15 PM" in said  # ... and after


def small_talk(r: Replay) -> None:
    cy = r.customer()
    assert "free times" in cy("haircut tomorrow at 11am")
    thanks = cy("thanks!")
    assert "You're welcome" in thanks
    assert "11:00 AM" in thanks  # the times again: the flow goes on
    assert "Hello again" in cy("hi")
    assert "Confirm?" in cy("1")
    assert "Booked!" in cy("ok")
    assert [b[0] for b in _bookings(r)] == ["confirmed"]


def receptionist(r: Replay) -> None:
    di = r.customer()
    assert "when suits you" in di("beard trim")
    price = di("how much is a beard trim?")
    assert "15.00" in price
    assert "when suits you" in price  # back to the booking
    assert "12 Main St" in di("where are you?")
    assert "free times" in di("tomorrow at 10am")
    di("1")
    di("yes")
    assert [b[:2] for b in _bookings(r)] == [("confirmed", "beard")]


def hold_at_confirm(r: Replay) -> None:
    ed, fi = r.customer(), r.customer()
    ed("beard trim with alex tomorrow at 10am")
    assert "Confirm?" in ed("1")
    assert [b[0] for b in _bookings(r)] == ["held"]  # held while ed reads it
    late = fi("beard trim with alex tomorrow at 10am")
    assert "10:00 AM is taken" in late  # fi is not offered the held slot
    assert "Booked!" in ed("yes")
    assert [b[0] for b in _bookings(r)] == ["confirmed"]


def handoff(r: Replay) -> None:
    gus = r.customer()
    told = gus("can I talk to a real person please")
    assert "passed your message" in told
    [(channel, text)] = r.shop.rows("SELECT channel, text FROM handoffs")
    assert (channel, text) == (r.channel, "can I talk to a real person please")
    assert [m for m in r.texts_to(OWNER) if "asked for a person" in m]  # the owner's SMS
    assert gus("hello?") == ""  # quiet: a person answers this conversation now
    assert "I'm back" in gus("bot")


def provider_choice(r: Replay) -> None:
    hal = r.customer("Europe/London")
    said = hal("haircut with jordan on monday at 3pm")  # 10 AM EST; Jordan is off Mondays
    assert "Jordan isn't working on Mon 8 Dec" in said
    assert "1) Mon 8 Dec 3:00 PM" in hal("anyone")
    assert "with Alex" in hal("1")
    hal("yes")
    ivy = r.customer()
    ivy("beard trim with jordan thursday at 11am")
    ivy("1")
    ivy("yes")
    usual = ivy("haircut friday at noon with the same person as last time")
    assert "Jordan, as last time." in usual
    assert "with Jordan" in ivy("1")
    ivy("yes")
    assert sorted((b[0], b[2]) for b in _bookings(r)) == [
        ("confirmed", "alex"), ("confirmed", "jordan"), ("confirmed", "jordan")]
    assert "Jordan doesn't do Colour; Alex does." in ivy("colour with jordan friday at 2pm")


def move(r: Replay) -> None:
    jo = r.customer()
    jo("beard trim with alex wednesday at 10am")
    jo("1")
    jo("yes")
    assert "Thu 4 Dec 10:00 AM" in jo("move my booking to thursday at 10am")
    assert "Thu 4 Dec 10:00 AM" in jo("1")
    assert sorted(b[0] for b in _bookings(r)) == ["confirmed", "held"]  # the new slot held
    assert "moved to" in jo("yes")
    [moved] = [b for b in _bookings(r) if b[0] == "confirmed"]
    assert _local(moved[3], "America/New_York").strftime("%a %H:%M") == "Thu 10:00"


def spanish(r: Replay) -> None:
    kai = r.customer()
    offers = kai("quiero un haircut mañana a las 10")
    assert "horas libres" in offers
    thanks = kai("gracias")
    assert "De nada" in thanks
    assert "mié 3 dic, 10:00" in thanks  # the times again, in Spanish
    assert "Haircut con Alex" in kai("1")
    assert "Reservado" in kai("vale")
    assert [b[0] for b in _bookings(r)] == ["confirmed"]


@dataclass(frozen=True)
class Script:
    name: str
    run: Callable[[Replay], None]


SCRIPTS = [Script(f.__name__, f) for f in (memory, picks, taken_time, small_talk, receptionist,
                                           hold_at_confirm, handoff, provider_choice, move,
                                           spanish)]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_the_same_dialogue_on_every_channel(script: Script, channel: str,
                                            tmp_path: Path) -> None:
    with replay(channel, tmp_path) as r:
        script.run(r)

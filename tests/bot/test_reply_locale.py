"""The session's language reaches every reply: dates, prices and zones per locale.

English stays the house style (the other bot tests pin it); here a session in another
language gets its dates and prices the local way, with the zone still named.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot import commands as c
from bot.machine import step
from bot.messages import InboundMessage
from bot.session import BookingView, Offer, Purpose, Session, State
from bot.transition import Context
from tests.bot.conftest import NOW
from tests.bot.holding import picked

SLOT = datetime(2025, 12, 3, 19, 0, tzinfo=UTC)  # Wed 3 Dec 2:00 PM EST


def msg(text: str) -> InboundMessage:
    return InboundMessage("test", "u1", "d1", NOW, text=text)


def test_lang_round_trips_and_survives_reset() -> None:
    session = Session(State.ASK_TIME, Purpose.BOOK, tz="Europe/Madrid", lang="es")
    again = Session.from_json(session.to_json())
    assert again.lang == "es"
    assert again.reset().lang == "es"
    assert Session.from_json(Session().to_json()).lang is None  # old rows: business default


def test_summary_in_spanish_formats_date_and_price(ctx: Context) -> None:
    pick = Session(State.PICK_SLOT, Purpose.BOOK, tz="Europe/Madrid", lang="es",
                   service_key="colour", offers=(Offer("alex", SLOT),))
    t = picked(pick, "1", NOW, ctx)
    text = t.replies[0].text
    assert "mié 3 dic, 20:00 (CET)" in text
    assert "80,00\xa0US$" in text  # CLDR: a no-break space
    assert "20,00\xa0US$" in text


def test_offers_in_portuguese_name_the_zone(ctx: Context) -> None:
    asking = Session(State.ASK_TIME, Purpose.BOOK, tz="America/Sao_Paulo", lang="pt_BR",
                     service_key="haircut")
    found = c.SlotsFound((Offer("alex", SLOT),), ())
    t = step(replace(asking, state=State.PICK_SLOT, window=(SLOT, SLOT)), found, NOW, ctx)
    reply = t.replies[0]
    assert reply.text.endswith("(UTC-03):")
    assert reply.choices[0].label == "qua., 3 de dez., 16:00"


def test_booking_list_in_german(ctx: Context) -> None:
    listing = Session(tz="Europe/Berlin", lang="de")
    booking = BookingView("b1", "haircut", "alex", SLOT, 3000, "USD")
    t = step(listing, c.BookingsListed((booking,)), NOW, ctx)
    assert "Mi., 3. Dez., 20:00 (CET)" in t.replies[0].text


def test_dst_day_in_german_names_summer_time(ctx: Context) -> None:
    # Sunday 29 March 2026: Berlin springs forward at 2:00; 11:00 local is CEST (UTC+2).
    sunday = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    listing = Session(tz="Europe/Berlin", lang="de")
    booking = BookingView("b1", "haircut", "alex", sunday, 3000, "USD")
    t = step(listing, c.BookingsListed((booking,)), datetime(2026, 3, 28, tzinfo=UTC), ctx)
    assert "So., 29. März, 11:00 (CEST)" in t.replies[0].text

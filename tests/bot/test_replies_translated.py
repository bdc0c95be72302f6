"""Whole replies in each language: the catalog's words, the locale's dates and prices, the
zone named, on an ordinary day and across a DST change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest

from bot import commands as c
from bot.machine import step
from bot.messages import InboundMessage
from bot.recurring import series_text
from bot.session import BookingView, Offer, Purpose, SeriesRequest, Session, State
from bot.transition import Context
from core.model import Business
from core.money import Money
from tests.bot.conftest import make_business
from tests.bot.holding import picked

WED = datetime(2026, 12, 9, 9, 0, tzinfo=UTC)  # Wed 9 Dec: 10:00 in Madrid (CET)
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def msg(text: str, now: datetime = NOW) -> InboundMessage:
    return InboundMessage("test", "u1", "d1", now, text=text)


def in_reais(business: Business) -> Business:
    services = tuple(replace(s, price=Money(s.price.amount_minor, "BRL"),
                             deposit=Money(s.deposit.amount_minor, "BRL"))
                     for s in business.services)
    return replace(business, currency="BRL", services=services)


@pytest.mark.parametrize(("lang", "words"), [
    ("es", "¡Hola! Te escribe Demo Barbers."), ("de", "Hallo! Hier ist Demo Barbers."),
    ("fr", "Bonjour ! Ici Demo Barbers."), ("pt", "Olá! Aqui é Demo Barbers."),
])
def test_help_in_each_language(ctx: Context, lang: str, words: str) -> None:
    t = step(Session(lang=lang), msg("help"), NOW, ctx)
    assert t.replies[0].text.startswith(words)
    assert len(t.replies[0].choices) == 4


def test_spanish_summary_reads_like_the_issue() -> None:
    ctx = Context(make_business())
    pick = Session(State.PICK_SLOT, Purpose.BOOK, tz="Europe/Madrid", lang="es",
                   service_key="haircut", offers=(Offer("alex", WED),))
    text = picked(pick, "1", NOW, ctx).replies[0].text
    assert text.startswith("Haircut con Alex, mié 9 dic, 10:00 (CET). Precio 30,00\xa0US$.")
    assert text.endswith("¿Confirmo?")


def test_portuguese_price_in_reais() -> None:
    ctx = Context(in_reais(make_business()))
    pick = Session(State.PICK_SLOT, Purpose.BOOK, tz="America/Sao_Paulo", lang="pt_BR",
                   service_key="colour", offers=(Offer("alex", WED),))
    text = picked(pick, "1", NOW, ctx).replies[0].text.replace("\xa0", " ")
    assert "qua., 9 de dez., 06:00 (UTC-03)" in text
    assert "Preço R$ 80,00, sinal R$ 20,00." in text
    assert "Será cobrado um pagamento de R$ 20,00." in text


@pytest.mark.parametrize(("lang", "expected"), [
    ("es", "Próximas reservas"), ("fr", "prochains rendez-vous"),
])
def test_a_dst_day_names_the_summer_zone(lang: str, expected: str) -> None:
    # Sunday 29 March 2026: Europe springs forward at 2:00; 11:00 local is CEST (UTC+2).
    ctx = Context(make_business())
    sunday = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    booking = BookingView("b1", "haircut", "alex", sunday, 3000, "USD")
    session = Session(tz="Europe/Madrid", lang=lang)
    text = step(session, c.BookingsListed((booking,)), datetime(2026, 3, 28, tzinfo=UTC),
                ctx).replies[0].text
    assert expected.lower() in text.lower()
    day = {"es": "dom 29 mar, 11:00 (CEST)", "fr": "dim. 29 mars, 11:00 (CEST)"}[lang]
    assert day in text


def test_series_plural_follows_the_language(ctx: Context) -> None:
    base = Session(State.ASK_SERVICE, Purpose.SERIES, lang="de", service_key="haircut")
    tue = date(2026, 12, 8)

    def series(lang: str, count: int, every: int = 1) -> str:
        request = SeriesRequest(tue, time(10), count, every)
        return series_text(replace(base, lang=lang, series=request), ctx)

    assert series("de", 1) == ("Haircut jeden Di. um 10:00 (EST), 1-mal ab Di., 8. Dez. "
                               "Gesamt 30,00\xa0$ (1 x 30,00\xa0$)")
    assert series("de", 6, 2).startswith("Haircut alle 2 Wochen am Di. um 10:00 (EST), 6-mal "
                                         "ab Di., 8. Dez. Gesamt")
    assert series("es", 1).startswith("Haircut cada mar a las 10:00 (EST), 1 vez desde el "
                                      "mar 8 dic. Total")
    assert ", 3 veces desde el mar 8 dic." in series("es", 3)
    assert ", 1 fois à partir du mar. 8 déc. Total" in series("fr", 1)
    assert ", 4 vezes a partir de ter., 8 de dez. Total" in series("pt", 4)

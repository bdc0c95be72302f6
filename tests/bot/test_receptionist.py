"""Issue 13 point 4: receptionist questions answered from the business file mid-flow, then
back to where the conversation was. Console channel, real database, several zones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.model import BusinessInfo, FaqEntry
from tests.bot.conftest import make_business
from tests.bot.console_kit import Shop, open_shop
from tests.db.conftest import BACKENDS, fresh_database

INFO = BusinessInfo(
    address="12 Main St, Springfield (side door on Elm St)", phone="+12125550100",
    about="Demo Barbers: classic cuts since 1999.",
    faq=(FaqEntry("Do you have parking?", "Free parking behind the shop, enter from Elm St.",
                  ("parking", "car park")),
         FaqEntry("Can I bring my dog?", "Dogs are welcome!")))


def _desk(backend: str, tmp_path: Path) -> Iterator[Shop]:
    with fresh_database(backend, tmp_path) as url:
        s = open_shop(url, replace(make_business(), info=INFO))
        yield s
        s.db.close()


@pytest.fixture(params=BACKENDS)
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    yield from _desk(str(request.param), tmp_path)


@pytest.fixture
def sqlite_desk(tmp_path: Path) -> Iterator[Shop]:
    yield from _desk("sqlite", tmp_path)


def test_hours_mid_pick_then_the_offers_again(desk: Shop) -> None:
    ann = desk.customer("ann", "Asia/Kolkata")
    assert "free times" in ann("beard trim with alex tomorrow at 10am")
    said = ann("what are your opening hours?")
    assert "Our hours:" in said
    assert "Mon 9:00 AM-5:00 PM" in said  # Alex's hours, in the shop's zone ...
    assert "EST" in said  # ... named
    assert "Sun closed" in said
    assert "Back to your times" in said  # the offers again: the pick still works
    assert "Confirm?" in ann("1")
    assert "Booked!" in ann("yes")
    assert len(desk.rows("SELECT id FROM bookings WHERE status = 'confirmed'")) == 1


def test_price_question_while_asked_for_a_time_keeps_the_service(desk: Shop) -> None:
    bob = desk.customer("bob", "Europe/London")
    assert "Beard Trim: when suits you?" in bob("a beard trim please")
    said = bob("how much is it and how long does a beard trim take?")
    assert "Beard Trim 15 min, 15.00 USD" in said
    assert "Haircut" not in said.split("\n")[0]  # only the service asked about
    assert "Beard Trim: when suits you?" in said  # the same question again
    assert "free times" in bob("tomorrow at 3pm")


def test_address_and_faq_during_confirm_then_yes_books(desk: Shop) -> None:
    cat = desk.customer("cat", "America/New_York")
    cat("haircut tomorrow at 2pm")
    cat("1")
    said = cat("where are you?")
    assert "12 Main St, Springfield" in said
    assert "Confirm?" in said  # the summary again
    parking = cat("is there parking?")
    assert "Free parking behind the shop" in parking  # the owner's answer, not the address
    assert "Confirm?" in parking
    assert "Booked!" in cat("yes")
    assert len(desk.rows("SELECT id FROM bookings WHERE status = 'confirmed'")) == 1


def test_faq_question_without_keywords_is_matched_by_its_wording(sqlite_desk: Shop) -> None:
    dan = sqlite_desk.customer("dan")
    assert "Dogs are welcome!" in dan("can i bring my dog")


@pytest.mark.parametrize(("question", "gist"), [
    ("which services do you have?", "We offer: Haircut 30 min, 30.00 USD"),
    ("what services do you offer", "Colour 60 min, 80.00 USD (deposit 20.00 USD)"),
    ("who works on monday?", "Alex 9:00 AM-5:00 PM EST"),
    ("who works on sunday", "nobody, we're closed"),
    ("can I pay by card?", "Colour: a 20.00 USD deposit online when booking"),
    ("what's your cancellation policy?", "24h+ ahead full refund"),
    ("what's your phone number", "+12125550100"),
    ("tell me about you", "classic cuts since 1999"),
    ("are you open on sunday?", "closed"),
])
def test_questions_at_the_top_level(sqlite_desk: Shop, question: str, gist: str) -> None:
    eve = sqlite_desk.customer("eve", "America/Chicago")
    said = eve(question)
    assert gist in said
    assert sqlite_desk.rows("SELECT id FROM bookings") == []


def test_who_works_on_saturday_names_each_one(desk: Shop) -> None:
    fay = desk.customer("fay", "Australia/Lord_Howe")
    said = fay("who works on saturday?")
    assert "Alex" in said
    assert "Jordan 11:00 AM-7:00 PM EST" in said
    monday = fay("who is working monday")
    assert "Jordan" not in monday  # Jordan does not work Mondays


def test_without_an_address_the_bot_says_so_honestly(sqlite_shop: Shop) -> None:
    gus = sqlite_shop.customer("gus")
    said = gus("where are you located?")
    assert "I don't have that here" in said

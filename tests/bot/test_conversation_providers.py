"""Issue 13 point 5: choosing a provider -- "with alex please", "anyone", "same person as
last time" -- honoured in availability and offers. Scripted customers on the console
channel over a real database, in several zones, plus the understanding in every language.

The test shop (tests/bot/conftest.py): Alex works Mon-Sat 9-17, Jordan Tue-Sat 11-19 (New
York); Jordan does no Colour. The clock starts on Tue 2 Dec 2025, 9:00 AM in New York.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot import commands as c
from bot import who
from bot.machine import step
from bot.messages import InboundMessage
from bot.session import Session
from bot.transition import Context
from core.model import Business
from tests.bot.conftest import NOW, make_business
from tests.bot.console_kit import Shop, open_shop
from tests.db.conftest import fresh_database

ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney"]


def _booked(shop: Shop) -> list[tuple[str, str]]:
    rows = shop.rows("SELECT c.sender_id, b.provider_key FROM bookings b JOIN customers c "
                     "ON c.id = b.customer_id WHERE b.status = 'confirmed' ORDER BY b.start_at")
    return [(str(a), str(b)) for a, b in rows]


@pytest.mark.parametrize("tz", ZONES)
def test_a_provider_in_the_first_message_is_kept_through_the_flow(sqlite_shop: Shop,
                                                                  tz: str) -> None:
    ann = sqlite_shop.customer("ann", tz)
    ann("haircut with jordan on friday afternoon")
    assert "with Jordan" in ann("1")
    assert "when suits you" in ann("no")  # another time, the same person
    ann("saturday afternoon")
    assert "with Jordan" in ann("1")
    assert "Booked! Haircut with Jordan" in ann("yes")
    assert _booked(sqlite_shop) == [("ann", "jordan")]


def test_a_provider_named_mid_flow_changes_the_offers_and_is_kept(sqlite_shop: Shop) -> None:
    bo = sqlite_shop.customer("bo")
    first = bo("beard trim wednesday at 10am")  # Jordan starts at 11: these are Alex's
    assert "Wed 3 Dec 10:00 AM" in first
    jordan = bo("with jordan please")
    assert "1) Wed 3 Dec 11:00 AM" in jordan  # Jordan's nearest
    bo("1")
    assert "Booked! Beard Trim with Jordan" in bo("yes")
    assert _booked(sqlite_shop) == [("bo", "jordan")]


def test_anyone_clears_the_provider(sqlite_shop: Shop) -> None:
    cy = sqlite_shop.customer("cy", "Europe/London")
    said = cy("haircut with jordan on monday at 3pm")  # 10 AM in New York; Jordan is off
    assert "Jordan isn't working on Mon 8 Dec" in said
    assert "Alex is free then" in said
    assert "Tue 9 Dec" in said  # Jordan's next free times
    again = cy("anyone")
    assert "1) Mon 8 Dec 3:00 PM" in again  # the time asked for, with whoever is free
    assert "with Alex" in cy("1")
    assert "Booked! Haircut with Alex, Mon 8 Dec 3:00 PM GMT" in cy("yes")
    assert _booked(sqlite_shop) == [("cy", "alex")]


@pytest.mark.parametrize("words", ["whoever", "anyone is fine", "any"])
def test_whoever_after_a_name_searches_everyone_again(sqlite_shop: Shop, words: str) -> None:
    di = sqlite_shop.customer("di")
    di("beard trim with jordan wednesday at 10am")
    assert "Wed 3 Dec 10:00 AM" in di(words)  # Alex's 10:00, now that anyone will do


def test_a_provider_who_does_not_do_the_service_says_who_does(sqlite_shop: Shop) -> None:
    ed = sqlite_shop.customer("ed", "Asia/Kolkata")
    said = ed("colour with jordan tomorrow at 9:30pm")
    assert "Jordan doesn't do Colour; Alex does." in said
    assert "Colour, free times" in said
    assert "Colour with Alex" in ed("1")


def test_a_provider_who_does_not_do_it_said_before_the_service(sqlite_shop: Shop) -> None:
    fi = sqlite_shop.customer("fi")
    assert "Which service" in fi("with jordan please")
    said = fi("colour")
    assert "Jordan doesn't do Colour; Alex does." in said
    assert "when suits you" in said


def test_same_person_as_last_time_is_the_last_visit_not_the_next(sqlite_shop: Shop) -> None:
    gus = sqlite_shop.customer("gus", "Australia/Sydney")
    gus("beard trim with jordan thursday at 3am")  # Wed 3 Dec 11:00 AM in New York
    gus("1")
    gus("yes")
    gus("haircut with alex on tuesday at 2am")  # Mon 8 Dec 10:00 AM in New York: later
    gus("1")
    gus("yes")
    assert _booked(sqlite_shop) == [("gus", "jordan"), ("gus", "alex")]
    sqlite_shop.clock.advance(timedelta(days=2))  # Thu 4 Dec: the Jordan visit is past
    said = gus("beard trim on saturday at 4am with the same person as last time")
    assert "Jordan, as last time." in said
    assert "with Jordan" in gus("1")


def test_my_usual_with_only_an_upcoming_booking_is_that_one(sqlite_shop: Shop) -> None:
    hal = sqlite_shop.customer("hal")
    hal("haircut with jordan friday at 1pm")
    hal("1")
    hal("yes")
    said = hal("beard trim thursday at noon with my usual")
    assert "Jordan, as last time." in said
    assert "with Jordan" in hal("1")


def test_same_person_with_no_history_says_so_and_offers_anyone(sqlite_shop: Shop) -> None:
    ivy = sqlite_shop.customer("ivy")
    said = ivy("haircut tomorrow at 10am, same stylist as last time please")
    assert "can't find an earlier booking" in said
    assert "Wed 3 Dec 10:00 AM" in said  # anyone's (Alex's) times
    assert "with Alex" in ivy("1")


def test_same_person_mid_flow_after_the_offers(sqlite_shop: Shop) -> None:
    jo = sqlite_shop.customer("jo")
    jo("beard trim with jordan thursday at 11am")
    jo("1")
    jo("yes")
    jo("haircut friday at 11am")
    said = jo("the same barber as last time")
    assert "Jordan, as last time." in said
    assert "with Jordan" in jo("1")


def _will_and_may() -> Business:
    base = make_business()
    alex, jordan = base.providers
    return replace(base, providers=(replace(alex, key="will", name="Will"),
                                    replace(jordan, key="may", name="May")))


@pytest.mark.parametrize("text", [
    "will you be open on saturday?", "i will come tomorrow at 10", "may i book a haircut",
    "haircut on may 5", "can i book by may 3", "anything in june?", "it will be a haircut",
    "is there any time tomorrow", "any slots on friday?", "any time friday is good"])
def test_a_name_that_is_a_word_does_not_hijack_a_sentence(text: str) -> None:
    assert who.match_provider(text, _will_and_may().providers) is None


@pytest.mark.parametrize(("text", "key"), [
    ("with will please", "will"), ("haircut with may tomorrow", "may"), ("Will", "will"),
    ("may please", "may"), ("con May mañana", "may"), ("mit Will morgen", "will"),
    ("avec May demain", "may"), ("com Will amanhã", "will"), ("see will at 3", "will")])
def test_a_name_that_is_a_word_counts_where_a_name_is_meant(text: str, key: str) -> None:
    assert who.match_provider(text, _will_and_may().providers) == key


def test_a_word_name_in_conversation(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as url:
        shop = open_shop(url, _will_and_may())
        kim = shop.customer("kim")
        first = kim("will you have a haircut tomorrow at 11am?")
        assert "Wed 3 Dec 11:00 AM" in first
        assert "with May" in kim("with may please") + kim("1")
        shop.db.close()


@pytest.mark.parametrize("text", ["la misma persona que la última vez", "el de siempre",
                                  "wie letztes Mal", "dieselbe Person bitte",
                                  "comme la dernière fois", "la même coiffeuse",
                                  "o mesmo da última vez", "a de sempre",
                                  "same person as last time", "my usual"])
def test_same_person_in_every_language(text: str) -> None:
    assert who.match_provider(text, make_business().providers) == who.USUAL


@pytest.mark.parametrize(("text", "key"), [
    ("con Jordan", "jordan"), ("mit Jordan bitte", "jordan"), ("avec Alex", "alex"),
    ("com o Alex", "alex"), ("with jordn please", "jordan")])
def test_a_name_in_every_language(text: str, key: str) -> None:
    assert who.match_provider(text, make_business().providers) == key


@pytest.mark.parametrize("text", ["cualquiera", "me da igual", "egal", "egal wer",
                                  "peu importe", "n'importe qui", "tanto faz", "qualquer um"])
def test_anyone_in_every_language(text: str) -> None:
    assert who.match_provider(text, make_business().providers) == who.ANYONE


@pytest.mark.parametrize("text", ["egal wann", "cualquier hora", "peu importe l'heure",
                                  "qualquer horário", "tanto faz o horário"])
def test_any_time_is_not_anyone(text: str) -> None:
    assert who.match_provider(text, make_business().providers) is None


def test_same_person_asks_the_runner_then_reads_the_message_again(ctx: Context) -> None:
    msg = InboundMessage("test", "u1", "d1", NOW, text="haircut tomorrow 10am my usual")
    first = step(Session(), msg, NOW, ctx)
    assert [type(c).__name__ for c in first.commands] == ["RecallProvider"]
    restored = Session.from_json(first.session.to_json())
    known = step(restored, c.ProviderRecalled("jordan"), NOW, ctx)
    [find] = known.commands
    assert isinstance(find, c.FindSlots)
    assert (find.service_key, find.provider_key) == ("haircut", "jordan")
    assert known.session.usual_provider == "jordan"
    again = step(known.session, msg, NOW, ctx)  # known now: no second look-up
    assert [type(cmd).__name__ for cmd in again.commands] == ["FindSlots"]


def test_will_you_be_open_is_a_question_not_a_provider(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as url:
        shop = open_shop(url, _will_and_may())
        lee = shop.customer("lee")
        said = lee("will you be open on saturday?")
        assert "Our hours" in said
        assert "free times" not in said
        shop.db.close()

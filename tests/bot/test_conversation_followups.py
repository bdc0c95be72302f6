"""Classes of failure found by talking to the console as new customers would (issue 13):
"same time" when moving, "something later/earlier" with times shown, "ok, what about ..."
read as a new time rather than a yes, the waitlist for the day under discussion, and a
German "wie letztes Mal" that was taken for a timezone ("letz-tz-es")."""

from __future__ import annotations

import pytest

from bot import intents
from bot.intents import Intent
from bot.questions import Topic, topic_of
from bot.zones import zone_request
from tests.bot.console_kit import Shop


@pytest.mark.parametrize(("tz", "asked", "moved"), [
    ("America/Chicago", "haircut with alex thursday 8:30am", "Fri 5 Dec 8:30 AM"),
    ("Asia/Kolkata", "haircut with alex thursday 8:30pm", "Fri 5 Dec 8:30 PM"),
])
def test_move_it_to_another_day_same_time(sqlite_shop: Shop, tz: str, asked: str,
                                          moved: str) -> None:
    ann = sqlite_shop.customer("ann", tz)
    ann(asked)
    ann("1")
    ann("yes")
    offers = ann("can you move it to friday same time")
    assert f"1) {moved}" in offers
    assert "isn't free" not in offers  # "same time" is the booking's time, not now


@pytest.mark.parametrize("text", ["la misma hora el viernes", "Freitag, gleiche Uhrzeit",
                                  "vendredi même heure", "sexta no mesmo horário"])
def test_same_time_in_other_languages(sqlite_shop: Shop, text: str) -> None:
    bo = sqlite_shop.customer("bo", "America/New_York")
    bo("beard trim with alex thursday at 10am")
    bo("1")
    bo("yes")
    bo("reschedule")
    assert "10:00" in bo(text).splitlines()[1]  # Friday, at the booking's 10:00


def test_later_and_earlier_than_the_times_shown(sqlite_shop: Shop) -> None:
    cy = sqlite_shop.customer("cy", "America/New_York")
    cy("haircut tomorrow at 3pm")  # 3:00 PM and the nearest around it
    later = cy("nah, something later?")
    first_later = later.splitlines()[1]
    assert "Wed 3 Dec 3:45 PM" in first_later  # after the last one shown (3:30 PM)
    earlier = cy("anything earlier")
    assert "Wed 3 Dec 9:00 AM" in earlier.splitlines()[1]  # before the first shown
    assert "Confirm?" in cy("the later one")  # a pick, not a search


@pytest.mark.parametrize("text", ["más tarde", "später bitte", "plus tard", "mais tarde"])
def test_later_in_other_languages_is_not_an_afternoon(sqlite_shop: Shop, text: str) -> None:
    di = sqlite_shop.customer("di", "America/New_York")
    di("haircut tomorrow at 4pm")  # 4:00 PM and around it, up to 4:30 PM; Jordan till 7
    said = di(text)
    assert "1) Wed 3 Dec 4:45 PM" in said  # after the last shown, not "the afternoon"


def test_ok_with_a_new_time_is_a_new_time_not_a_yes(sqlite_shop: Shop) -> None:
    ed = sqlite_shop.customer("ed", "America/Denver")
    ed("beard trim on the 24th of january")  # past the horizon: the last days are shown
    said = ed("ok what about the 1st of january then")
    assert "Which one?" not in said
    assert "Thu 1 Jan" in said


def test_waitlist_for_that_day_keeps_the_service_and_the_day(sqlite_shop: Shop) -> None:
    fi = sqlite_shop.customer("fi", "America/New_York")
    fi("haircut with jordan on friday at 2pm")
    said = fi("put me on the waitlist for that day")
    assert "Which service" not in said
    assert "waitlist" in said
    [(service, provider, start)] = sqlite_shop.rows(
        "SELECT service_key, provider_key, window_start FROM waitlist_entries")
    assert (service, provider) == ("haircut", "jordan")
    assert "2025-12-05" in str(start)


@pytest.mark.parametrize("text", ["wie letztes Mal, Beard Trim am Samstag um 16 Uhr",
                                  "Platz im Innenhof", "letztes Mal war gut"])
def test_words_containing_tz_are_no_timezone_request(text: str) -> None:
    assert zone_request(text) == (False, None)


@pytest.mark.parametrize(("text", "zone"), [("tz: EST", "EST"), ("my tz is UTC", "UTC"),
                                            ("I'm in London", "Europe/London")])
def test_timezone_requests_still_work(text: str, zone: str) -> None:
    assert zone_request(text) == (True, zone)


@pytest.mark.parametrize(("text", "topic"), [
    ("¿cuánto cuesta?", Topic.PRICES), ("¿a qué hora abren el sábado?", Topic.HOURS),
    ("¿dónde están?", Topic.ADDRESS), ("¿quién trabaja el sábado?", Topic.STAFF),
    ("Was kostet ein Haarschnitt?", Topic.PRICES), ("Öffnungszeiten?", Topic.HOURS),
    ("Wo sind Sie?", Topic.ADDRESS), ("Kann ich mit Karte bezahlen?", Topic.PAYMENT),
    ("Combien ça coûte ?", Topic.PRICES), ("Quels sont vos horaires ?", Topic.HOURS),
    ("Où êtes-vous ?", Topic.ADDRESS), ("Si j'annule, je suis remboursé ?", Topic.POLICY),
    ("Quanto custa?", Topic.PRICES), ("Que horas abrem amanhã?", Topic.HOURS),
    ("Qual é o endereço?", Topic.ADDRESS), ("Quais serviços vocês têm?", Topic.SERVICES)])
def test_receptionist_questions_in_every_language(text: str, topic: Topic) -> None:
    assert topic_of(text) is topic


@pytest.mark.parametrize("text", ["quiero cambiar el horario de mi cita", "d'autres horaires",
                                  "mudar o horário", "quiero un corte mañana a las 10"])
def test_booking_words_are_no_question(text: str) -> None:
    assert topic_of(text) is None


def test_how_much_mid_booking_prices_the_service_being_booked(sqlite_shop: Shop) -> None:
    gil = sqlite_shop.customer("gil", "Europe/Madrid")
    gil("quiero un haircut mañana a las 17")
    said = gil("¿cuánto cuesta?")
    assert "Haircut 30 min" in said
    assert "Beard Trim" not in said  # the one being booked, not the whole list
    assert "1)" in said  # then back to the times


@pytest.mark.parametrize("text", ["any chance of a haircut this evening?",
                                  "by any chance do you have friday free"])
def test_any_chance_is_no_cancel(text: str) -> None:
    assert intents.detect(text) is not Intent.CANCEL


def test_a_typo_still_cancels() -> None:
    assert intents.detect("cancle it") is Intent.CANCEL


def test_any_chance_books(sqlite_shop: Shop) -> None:
    hal = sqlite_shop.customer("hal", "America/New_York")
    said = hal("any chance of a haircut tomorrow evening?")
    assert "no upcoming bookings" not in said
    assert "Haircut, free times" in said


def test_a_named_provider_closed_then_offers_their_same_day_times_first(
        sqlite_shop: Shop) -> None:
    ivy = sqlite_shop.customer("ivy", "America/Los_Angeles")
    said = ivy("haircut with alex thursday at 3pm")  # 6 PM in New York: Alex ends at 5
    assert "Alex has nothing free then" in said
    assert "Jordan is free then" in said
    assert "1) Thu 4 Dec 1:30 PM" in said  # Alex's last one that day, before the next days


@pytest.mark.parametrize(("text", "expect"), [
    ("is jordan in on tuesday?", "Tue 2 Dec: Jordan 11:00 AM-7:00 PM EST"),
    ("does alex work on sunday?", "Sun 7 Dec: Alex is off"),
    ("¿Jordan trabaja el lunes?", "lun 8 dic: Jordan libra"),
    ("Arbeitet Jordan am Samstag?", "Sa., 6. Dez.: Jordan"),
])
def test_a_question_about_a_providers_days(sqlite_shop: Shop, text: str,
                                           expect: str) -> None:
    jo = sqlite_shop.customer("jo", "America/New_York")
    said = jo(text)
    assert expect in said
    assert "Which service" not in said
    assert sqlite_shop.rows("SELECT id FROM bookings") == []


@pytest.mark.parametrize("text", ["is jordan free tomorrow at 2pm?",
                                  "is jordan in tomorrow for a beard trim?"])
def test_a_provider_with_a_time_or_a_service_is_a_booking_request(sqlite_shop: Shop,
                                                                   text: str) -> None:
    kai = sqlite_shop.customer("kai", "America/New_York")
    said = kai(text)
    assert "free times" in said or "Which service" in said or "when suits you" in said

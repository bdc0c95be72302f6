"""Issue 14: the customer's language. An explicit request wins and is stored on the customer
(mid-flow without losing the pending booking); otherwise Telegram's language, the phone's
country, the first clear message, then the business default. Pure pieces first, then
console customers over SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import delete

from bot import language
from bot.language import Source, Stored
from bot.messages import InboundMessage
from bot.session import Session, State
from core.model import Languages
from db.conversations import SESSIONS
from tests.bot.conftest import NOW, make_business
from tests.bot.console_kit import Shop

ALL = ("en", "es", "de", "fr", "pt")


@pytest.mark.parametrize(("text", "lang"), [
    ("español", "es"), ("Español", "es"), ("en español por favor", "es"),
    ("¿puedes hablar en español?", "es"), ("castellano", "es"),
    ("in English please", "en"), ("english", "en"), ("English?", "en"),
    ("can you speak english", "en"), ("auf Deutsch", "de"), ("Deutsch bitte", "de"),
    ("auf deutsch, bitte", "de"), ("en français", "fr"), ("en francais svp", "fr"),
    ("français", "fr"), ("em português", "pt"), ("em portugues por favor", "pt"),
    ("português", "pt"), ("spanish please", "es"), ("in german", "de"),
])
def test_an_explicit_request_names_the_language(text: str, lang: str) -> None:
    assert language.requested(text, ALL) == lang


@pytest.mark.parametrize("text", [
    "I'm Spanish, book me a cut", "en", "por favor", "2", "español y english",
    "hola quiero una cita", "book a haircut in english tomorrow", "",
])
def test_anything_else_requests_nothing(text: str) -> None:
    assert language.requested(text, ALL) is None


def test_a_language_not_offered_is_not_switched_to() -> None:
    assert language.requested("auf Deutsch", ("es", "en")) is None


@pytest.mark.parametrize("text", ["/language", "language", "idioma", "/idioma", "Sprache",
                                  "langue", "língua", "change language"])
def test_the_menu_is_asked_for_in_every_language(text: str) -> None:
    assert language.wants_menu(text)
    assert not language.wants_menu("book a haircut")


def _msg(text: str = "", *, code: str | None = None, country: str | None = None,
         action: str | None = None) -> InboundMessage:
    return InboundMessage("x", "s", "d1", NOW, text=text, action=action, language_code=code,
                          country=country)


NOTHING = Stored(None, None)


@pytest.mark.parametrize(("code", "lang"), [("pt-BR", "pt"), ("de", "de"), ("es-419", "es"),
                                            ("fr-CA", "fr"), ("EN", "en")])
def test_telegram_language_code_decides_an_undecided_customer(code: str, lang: str) -> None:
    chosen = language.choose(Session(), _msg("hi", code=code), NOTHING, make_business())
    assert (chosen.lang, chosen.lang_source) == (lang, Source.TELEGRAM)


@pytest.mark.parametrize(("country", "lang"), [("ES", "es"), ("DE", "de"), ("FR", "fr"),
                                               ("BR", "pt"), ("US", "en"), ("MX", "es")])
def test_the_phone_country_decides_when_nothing_better_does(country: str, lang: str) -> None:
    chosen = language.choose(Session(), _msg("hi", country=country), NOTHING, make_business())
    assert (chosen.lang, chosen.lang_source) == (lang, Source.PHONE)


def test_priors_count_only_when_offered() -> None:
    business = replace(make_business(), languages=Languages("es", ("es", "en")))
    chosen = language.choose(Session(), _msg("hi", code="ru", country="DE"), NOTHING, business)
    assert (chosen.lang, chosen.lang_source) == ("es", Source.DEFAULT)  # the business default


def test_telegram_beats_the_phone_country() -> None:
    chosen = language.choose(Session(), _msg("hi", code="fr", country="DE"), NOTHING,
                             make_business())
    assert chosen.lang == "fr"


def test_a_clear_message_overrides_a_weak_prior_but_not_an_explicit_choice() -> None:
    business = make_business()
    by_app = language.choose(Session(), _msg("quiero una cita mañana a las 10", code="en"),
                             NOTHING, business)
    assert (by_app.lang, by_app.lang_source) == ("es", Source.DETECTED)
    asked = Session(lang="fr", lang_source=Source.EXPLICIT.value)
    kept = language.choose(asked, _msg("quiero una cita mañana a las 10", code="de"),
                           NOTHING, business)
    assert (kept.lang, kept.lang_source) == ("fr", Source.EXPLICIT)
    # Detected is settled too: a later message in another language does not flip it.
    settled = language.choose(by_app, _msg("morgen um 10 bitte"), NOTHING, business)
    assert settled.lang == "es"


def test_an_unclear_message_keeps_the_prior() -> None:
    chosen = language.choose(Session(), _msg("10:30", code="de"), NOTHING, make_business())
    assert (chosen.lang, chosen.lang_source) == ("de", Source.TELEGRAM)


def test_the_stored_language_starts_a_new_conversation() -> None:
    chosen = language.choose(Session(), _msg("hi", code="en"), Stored("pt", "explicit"),
                             make_business())
    assert (chosen.lang, chosen.lang_source) == ("pt", Source.EXPLICIT)


def test_the_business_default_when_nothing_tells() -> None:
    business = replace(make_business(), languages=Languages("de", ("de", "en")))
    chosen = language.choose(Session(), _msg("hi"), NOTHING, business)
    assert (chosen.lang, chosen.lang_source) == ("de", Source.DEFAULT)
    assert not language.worth_storing(chosen, NOTHING)  # the default follows the file
    # A language the business stopped offering is decided again.
    dropped = language.choose(Session(lang="fr", lang_source="explicit"), _msg("hi"),
                              NOTHING, business)
    assert dropped.lang == "de"


# --- console customers over a real database ------------------------------------------------


def test_explicit_switch_mid_flow_keeps_the_offers_and_is_stored(shop: Shop) -> None:
    ana = shop.customer("ana")
    assert "Hola" in ana("hola")
    offers = ana("haircut tomorrow at 10")
    assert "tiempos" in offers or "horas" in offers or "libres" in offers
    switched = ana("in English please")
    assert switched.startswith("OK, I'll write in English from now on.")
    assert "Back to your times" in switched
    assert "Wed 3 Dec 10:00 AM" in switched
    german = ana("auf Deutsch")
    assert german.startswith("OK, ab jetzt schreibe ich auf Deutsch.")
    summary = ana("1")  # the offer shown before the switches is still there
    assert "Bestätigen?" in summary or "bestätigen" in summary.lower()
    assert shop.rows("select lang, lang_source from customers where sender_id = 'ana'") == [
        ("de", "explicit")]
    booked = ana("ja")
    assert "Gebucht" in booked or "gebucht" in booked
    assert shop.rows("select status from bookings") == [("confirmed",)]


def test_language_menu_lists_the_offered_languages_and_a_pick_switches(shop: Shop) -> None:
    bo = shop.customer("bo")
    menu = bo("/language")
    assert "Which language would you like me to write in?" in menu
    for name in ("English", "Español", "Deutsch", "Français", "Português"):
        assert name in menu
    picked = bo("5")  # the console sends the shown choice's payload
    assert picked.startswith("Certo, a partir de agora escrevo em português.")
    assert shop.rows("select lang from customers where sender_id = 'bo'") == [("pt",)]


def test_a_stored_language_answers_the_first_message_of_a_new_conversation(shop: Shop) -> None:
    cy = shop.customer("cy")
    cy("en français")
    with shop.db.sessions() as s, s.begin():  # the conversation is gone, the customer not
        assert s.execute(delete(SESSIONS)).rowcount == 1
    shop.clock.advance(timedelta(days=3))
    hello = cy("hi")
    assert hello.startswith("Bonjour")
    assert shop.rows("select count(*) from conversation_sessions") == [(1,)]


def test_the_first_clear_message_is_stored(shop: Shop) -> None:
    di = shop.customer("di")
    di("morgen um 10")
    assert shop.rows("select lang, lang_source from customers where sender_id = 'di'") == [
        ("de", "detected")]
    assert Session.from_json({"state": State.IDLE.value, "lang": "es"}).lang_source == "detected"

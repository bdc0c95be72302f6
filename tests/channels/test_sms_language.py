"""Issue 14 on SMS: the phone number's country answers an undecided texter in its main
language when the business offers it (+34 Spanish, +49 German, +33 French, +55 Portuguese,
+1 English); Twilio-signed webhooks at the app, the real runner and SQLite, TwiML back."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bookingbot.bootstrap import Database
from tests.channels.asgi import AppClient
from tests.channels.test_sms import client, sms

__all__ = ["client"]  # the fixture, used by name


def _stored(db: Database, phone: str) -> tuple[object, ...] | None:
    with db.engine.connect() as conn:
        found = conn.execute(text("SELECT lang, lang_source FROM customers WHERE "
                                  "channel = 'sms' AND sender_id = :s"), {"s": phone}).first()
    return tuple(found) if found is not None else None


@pytest.mark.parametrize(("phone", "lang", "hello"), [
    ("+34612345678", "es", "¡Hola!"), ("+4915112345678", "de", "Hallo!"),
    ("+33612345678", "fr", "Bonjour"), ("+5511987654321", "pt", "Ola!"),
    ("+14155550123", "en", "Hi!"),
])
def test_the_phone_country_picks_the_language(client: AppClient, db: Database, phone: str,
                                              lang: str, hello: str) -> None:
    said = sms(client, "hi", "SM1", sender=phone)
    assert said.startswith(hello)
    assert _stored(db, phone) == (lang, "phone")


def test_a_clear_message_wins_over_the_country(client: AppClient, db: Database) -> None:
    said = sms(client, "bonjour, demain à 15h", "SM1", sender="+34612345678")
    assert _stored(db, "+34612345678") == ("fr", "detected")
    assert said.startswith("Quelle prestation souhaitez-vous ?")


def test_an_explicit_request_over_sms(client: AppClient, db: Database) -> None:
    sms(client, "hi", "SM1", sender="+4915112345678")
    said = sms(client, "in English please", "SM2", sender="+4915112345678")
    assert said.startswith("OK, I'll write in English from now on.")
    menu = sms(client, "language", "SM3", sender="+4915112345678")
    # A text channel lists the languages as words to type back.
    assert "ENGLISH" in menu
    assert "DEUTSCH" in menu
    assert "ESPAÑOL" in menu
    assert sms(client, "deutsch", "SM4", sender="+4915112345678").startswith("OK, ab jetzt")
    assert _stored(db, "+4915112345678") == ("de", "explicit")

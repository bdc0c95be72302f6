"""Issue 14 on Telegram: the sender's ``from.language_code`` answers an undecided customer
(only an offered language), a clear other language wins over it, and /language offers one
inline button per offered language; signed webhooks at the app, the real runner and SQLite,
the real python-telegram-bot client against the Bot API double."""

from __future__ import annotations

from sqlalchemy import text

from bookingbot.bootstrap import Database
from tests.channels import updates as u
from tests.channels.asgi import AppClient
from tests.channels.doubles import FakeTelegram
from tests.channels.test_telegram import buttons, client, last_sent, limiter, post

__all__ = ["client", "limiter"]  # the fixtures, used by name


def _stored(db: Database, chat: int = u.CHAT) -> tuple[object, ...] | None:
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT lang, lang_source FROM customers WHERE "
                                "channel = 'telegram' AND sender_id = :s"), {"s": str(chat)})
        found = row.first()
    return tuple(found) if found is not None else None


def test_language_code_answers_the_first_message(client: AppClient, db: Database,
                                                 fake_telegram: FakeTelegram) -> None:
    assert post(client, u.message(1, "/start", lang="pt-br")) == 200
    assert last_sent(fake_telegram)["text"].startswith("Olá!")
    assert _stored(db) == ("pt", "telegram")  # reminders read it too
    # Without a hint (English by default) the same words get the English menu.
    assert post(client, u.message(2, "/start", chat_id=99, lang=None)) == 200
    assert last_sent(fake_telegram)["text"].startswith("Hi!")
    assert _stored(db, 99) == (None, None)


def test_a_language_not_offered_is_ignored(client: AppClient, db: Database,
                                           fake_telegram: FakeTelegram) -> None:
    assert post(client, u.message(1, "/start", lang="ru")) == 200
    assert last_sent(fake_telegram)["text"].startswith("Hi!")
    assert _stored(db) == (None, None)


def test_a_clear_message_in_another_language_wins(client: AppClient, db: Database,
                                                  fake_telegram: FakeTelegram) -> None:
    assert post(client, u.message(1, "quiero una cita mañana a las 10", lang="en")) == 200
    assert "servicio" in last_sent(fake_telegram)["text"]
    assert _stored(db) == ("es", "detected")


def test_language_command_offers_buttons_and_a_press_switches(
        client: AppClient, db: Database, fake_telegram: FakeTelegram) -> None:
    assert post(client, u.message(1, "/language")) == 200
    menu = last_sent(fake_telegram)
    assert menu["text"] == "Which language would you like me to write in?"
    assert buttons(menu) == [("English", "English"), ("Deutsch", "Deutsch"),
                             ("Español", "Español"), ("Français", "Français"),
                             ("Português", "Português")]
    assert post(client, u.press(2, "Deutsch", message_id=50)) == 200
    assert last_sent(fake_telegram)["text"] == "OK, ab jetzt schreibe ich auf Deutsch."
    assert _stored(db) == ("de", "explicit")
    # The app's language no longer decides: the customer asked.
    assert post(client, u.message(3, "/start", lang="fr")) == 200
    assert last_sent(fake_telegram)["text"].startswith("Hallo!")

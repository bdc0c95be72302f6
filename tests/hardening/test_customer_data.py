"""A customer's data: asked for and erased in the chat (confirmed first), exported and
erased from the CLI, and old transcripts purged by the retention sweep."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from bookingbot.bootstrap import Database
from bookingbot.channels_wiring import build_handler
from bookingbot.cli import main
from bookingbot.customer_command import retention_sweep
from bookingbot.data_requests import trigger
from bot.messages import InboundMessage, Reply
from bot.runner import Runner
from tests.channels.conftest import NOW, confirmed_bookings

PHONE = "+447911123456"
_ids = itertools.count()


@pytest.fixture
def chat(db: Database, runner: Runner) -> object:
    handle = build_handler(db, runner)

    def say(words: str, sender: str = PHONE) -> str:
        out: list[Reply] = handle(InboundMessage("sms", sender, f"SM{next(_ids)}", NOW,
                                                 text=words))
        return "\n".join(r.text for r in out)
    return say


def _book(say: object) -> None:
    assert "free times" in say("book a haircut tomorrow at 9am")  # type: ignore[operator]
    say("1")  # type: ignore[operator]
    assert say("yes").startswith("Booked!")  # type: ignore[operator]


def _one(db: Database, sql: str) -> object:
    with db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_delete_my_data_asks_first_then_anonymises_and_keeps_the_ledger(
        db: Database, chat: object) -> None:
    say = chat
    _book(say)
    price = _one(db, "SELECT sum(price_minor) FROM bookings")
    asked = say("Delete my data!")  # type: ignore[operator]
    assert "Reply YES to erase" in asked
    assert _one(db, "SELECT count(*) FROM customers WHERE sender_id = '+447911123456'") == 1
    assert say("yes").startswith("Done: your data is erased")  # type: ignore[operator]
    assert _one(db, "SELECT count(*) FROM customers WHERE sender_id = '+447911123456'") == 0
    assert _one(db, "SELECT count(*) FROM customers WHERE sender_id LIKE 'erased:%' "
                    "AND name IS NULL AND phone_e164 IS NULL AND opted_out") == 1
    assert len(confirmed_bookings(db)) == 1  # the booking stays, anonymous
    assert _one(db, "SELECT sum(price_minor) FROM bookings") == price
    assert _one(db, "SELECT count(*) FROM processed_deliveries "
                    "WHERE sender_id = '+447911123456'") == 0
    assert _one(db, "SELECT count(*) FROM conversation_sessions "
                    "WHERE sender_id = '+447911123456'") == 0
    assert _one(db, "SELECT count(*) FROM notifications WHERE address = '+447911123456'") == 0


def test_anything_but_yes_keeps_the_data_and_goes_on_chatting(db: Database,
                                                              chat: object) -> None:
    say = chat
    _book(say)
    assert "Reply YES" in say("delete my data")  # type: ignore[operator]
    assert "Haircut" in say("my bookings")  # type: ignore[operator]
    assert "Booked" not in say("yes")  # type: ignore[operator] - the request lapsed
    assert _one(db, "SELECT count(*) FROM customers WHERE sender_id = '+447911123456'") == 1


def test_send_me_my_data_summarises_after_confirmation(chat: object) -> None:
    say = chat
    _book(say)
    assert "Reply YES" in say("send me my data")  # type: ignore[operator]
    summary = say("yes")  # type: ignore[operator]
    assert "Here is what we hold about you" in summary
    assert "Bookings: 1" in summary


@pytest.mark.parametrize(("phrase", "expected"), [
    ("borra mis datos", ("erase", "es")), ("Lösche meine Daten", ("erase", "de")),
    ("supprimez mes données", ("erase", "fr")), ("apagar meus dados", ("erase", "pt")),
    ("envíame mis datos", ("export", "es")), ("Meine Daten", ("export", "de")),
    ("mes données", ("export", "fr")), ("meus dados", ("export", "pt")),
    ("delete my booking", None), ("my data is wrong, book me friday", None),
])
def test_trigger_phrases_in_every_language(phrase: str,
                                           expected: tuple[str, str] | None) -> None:
    assert trigger(phrase) == expected


def test_cli_exports_then_erases_by_phone(db: Database, chat: object,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _book(chat)
    capsys.readouterr()
    assert main(["customer", "export", PHONE, "--db", db.url]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["customer"]["sender_id"] == PHONE
    assert len(exported["bookings"]) == 1
    assert exported["conversation_replies"]  # what we answered them
    assert main(["customer", "erase", PHONE, "--db", db.url]) == 0
    assert "1 bookings kept" in capsys.readouterr().out
    assert main(["customer", "export", PHONE, "--db", db.url]) == 2  # gone
    assert "no customer matches" in capsys.readouterr().err


def test_retention_sweep_purges_old_transcripts_only(db: Database, chat: object) -> None:
    _book(chat)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE processed_deliveries SET processed_at = :old "
                          "WHERE delivery_id = (SELECT min(delivery_id) "
                          "FROM processed_deliveries)"), {"old": NOW - timedelta(days=91)})
    before = _one(db, "SELECT count(*) FROM processed_deliveries")
    _, _, sweep = retention_sweep(db, lambda: NOW)
    assert sweep() == 1
    assert _one(db, "SELECT count(*) FROM processed_deliveries") == before - 1  # type: ignore[operator]
    assert sweep() == 0

"""Intake questions on the console channel, over SQLite and PostgreSQL, with
examples/clinic.yaml: physiotherapy asks about injuries (free text, required), the first
visit (yes/no) and a referral (a choice, optional) after the slot is held and before
"Confirm?". The answers are kept on the booking with the question's text, changed by the
customer until the start, reach the provider's Slack (through the Slack Web API double) and
agenda, and go with the customer's data export and erasure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bookingbot.business_file import load_business_file
from bookingbot.worker import build_jobs
from channels.slack import SlackSender, web_client
from channels.slack.texts import agenda_text
from core.usecases.customer_data import erase_customer, export_customer
from core.usecases.provider import agenda
from db.customer_data import SqlCustomerData
from db.provider_queries import SqlProviderQueries
from db.uow import SqlUnitOfWork
from tests.bot.console_kit import Shop, open_shop
from tests.channels.slack.conftest import fake_slack  # noqa: F401  (the Slack Web API double)
from tests.channels.slack.fake_slack import FakeSlack
from tests.db.conftest import BACKENDS, fresh_database

CLINIC = Path(__file__).resolve().parents[2] / "examples" / "clinic.yaml"
FRI_10 = datetime(2025, 12, 5, 10, 0, tzinfo=UTC)  # Fri 5 Dec 10:00 GMT
PROVIDERS = "C0PROVIDERS"


@pytest.fixture(params=BACKENDS)
def clinic(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    business, _ = load_business_file(CLINIC)
    with fresh_database(str(request.param), tmp_path) as url:
        shop = open_shop(url, business)
        # The outbox rows are stamped with the shop's clock, so the worker below (on the
        # same clock) finds them due.
        shop.runner.uow = lambda: SqlUnitOfWork(shop.db.sessions, shop.db.cache,
                                                clock=shop.clock)
        yield shop
        shop.db.close()


def answers(shop: Shop) -> list[tuple[str, str, str]]:
    rows = shop.rows("SELECT a.question_key, a.question, a.answer FROM booking_answers a "
                     "ORDER BY a.booking_id, a.position")
    return [(str(k), str(q), str(v)) for k, q, v in rows]


def statuses(shop: Shop) -> list[str]:
    return [str(s) for (s,) in shop.rows("SELECT status FROM bookings ORDER BY created_at")]


def test_questions_are_asked_after_the_hold_and_kept_on_the_booking(clinic: Shop) -> None:
    ann = clinic.customer("ann", "Europe/London")
    ann("physio with priya on friday at 10am")
    asked = ann("1")
    assert asked == "Before you confirm, 3 questions.\n(1/3) Any injuries we should know about?"
    assert statuses(clinic) == ["held"]  # the slot is held while the questions are answered
    assert ann("skip") == ("This one needs an answer, please. "
                           "(1/3) Any injuries we should know about?")
    assert ann("x" * 301).startswith("Please keep it under 300 characters.")
    second = ann("Sore left  knee since October")
    assert second.startswith("(2/3) Is this your first visit with us?"), second
    assert ann("perhaps").startswith("Please answer yes or no. (2/3)")
    third = ann("yes please")
    assert third.startswith('(3/3) Were you referred by a doctor? (optional: reply "skip" '
                            "to leave it out)"), third
    assert "1) No\n  2) GP\n  3) Specialist\n  4) Skip" in third
    assert ann("a vet").startswith("Please pick one of the options: its number or its name.")
    summary = ann("the second one")
    assert summary.startswith(
        "Your answers:\n- Any injuries we should know about? Sore left knee since October\n"
        "- Is this your first visit with us? Yes\n- Were you referred by a doctor? GP\n"
        "Physiotherapy with Priya, Fri 5 Dec 10:00 AM GMT. Price 55.00 GBP. Confirm?"), summary
    assert answers(clinic) == []  # nothing is kept until the customer confirms
    assert "Booked! Physiotherapy with Priya, Fri 5 Dec 10:00 AM GMT" in ann("yes")
    assert statuses(clinic) == ["confirmed"]
    assert answers(clinic) == [
        ("injuries", "Any injuries we should know about?", "Sore left knee since October"),
        ("first_visit", "Is this your first visit with us?", "yes"),
        ("referral", "Were you referred by a doctor?", "GP")]


def test_spanish_questions_and_answers_stored_in_the_default_language(clinic: Shop) -> None:
    ana = clinic.customer("ana", "Europe/London")
    ana("quiero physio con priya el viernes a las 10")
    asked = ana("1")
    assert asked == ("Antes de confirmar, 3 preguntas.\n"
                     "(1/3) ¿Alguna lesión que debamos conocer?"), asked
    assert ana("ninguna").startswith("(2/3) ¿Es su primera visita?")
    assert ana("quizás").startswith("Responde sí o no, por favor. (2/3)")
    third = ana("sí")
    assert third.startswith('(3/3) ¿Le ha derivado un médico? (opcional: responde "saltar"'), third
    assert "2) Médico de cabecera" in third
    summary = ana("especialista")
    assert summary.startswith("Tus respuestas:\n- ¿Alguna lesión que debamos conocer? ninguna\n"
                              "- ¿Es su primera visita? Sí\n"
                              "- ¿Le ha derivado un médico? Especialista\n"), summary
    assert summary.endswith("Precio 55,00\xa0GBP. ¿Confirmo?\n  1) Sí\n  2) No"), summary
    ana("sí")
    assert statuses(clinic) == ["confirmed"]
    # The provider reads the default language: the option as the business wrote it first.
    assert answers(clinic) == [
        ("injuries", "Any injuries we should know about?", "ninguna"),
        ("first_visit", "Is this your first visit with us?", "yes"),
        ("referral", "Were you referred by a doctor?", "Specialist")]


def book_physio(shop: Shop, who: str = "ann") -> None:
    c = shop.customer(who, "Europe/London")
    c("physio with priya on friday at 10am")
    c("1")
    c("sore knee")
    c("no")
    assert "Confirm?" in c("skip")
    assert "Booked!" in c("yes")


def alerts(shop: Shop, fake: FakeSlack) -> list[str]:
    """The worker's sweeps as ``bookingbot worker`` builds them, posting to the Slack double;
    the provider alerts it posted so far (not the daily agendas)."""
    sender = SlackSender(web_client("xoxb-test", base_url=fake.api_url))
    build_jobs(shop.db, senders={"slack": sender}, clock=shop.clock,
               provider_channel=PROVIDERS).run_once()
    return [c["text"] for c in fake.of("chat.postMessage")
            if c["channel"] == PROVIDERS and not c["text"].startswith("*")]


def test_the_customer_changes_their_answers_and_the_provider_is_told(
        clinic: Shop, fake_slack: FakeSlack) -> None:  # noqa: F811  (the fixture)
    book_physio(clinic)
    [new] = alerts(clinic, fake_slack)
    assert new.startswith("New booking: Physiotherapy with Priya, Fri 5 Dec 10:00 AM GMT, for "
                          "console ann (console), in Treatment room 1."), new
    assert new.endswith("\n> Any injuries we should know about? *sore knee*"
                        "\n> Is this your first visit with us? *no*"
                        "\n> Were you referred by a doctor? *(skipped)*"), new
    ann = clinic.customer("ann")
    start = ann("change my answers")
    assert start.startswith(
        "Your answers for Physiotherapy with Priya, Fri 5 Dec 10:00 AM GMT. Let's go through "
        "them again.\nYour answers:\n- Any injuries we should know about? sore knee\n"
        "- Is this your first visit with us? No\n- Were you referred by a doctor? (skipped)\n"
        '(1/3) Any injuries we should know about? (now: sore knee; reply "keep" to keep it)'
    ), start
    assert ann("keep").startswith("(2/3) Is this your first visit with us? (now: No;")
    assert ann("yes").startswith("(3/3) Were you referred by a doctor? (now: (skipped);")
    assert ann("3") == ("Thanks, your answers for Physiotherapy with Priya, Fri 5 Dec 10:00 AM "
                        "GMT are updated.")
    assert [v for _, _, v in answers(clinic)] == ["sore knee", "yes", "Specialist"]
    audit = clinic.rows("SELECT action FROM booking_audit WHERE action LIKE 'booking.intake%'")
    assert audit == [("booking.intake_updated",)]
    _, changed = alerts(clinic, fake_slack)
    assert changed.startswith("Answers updated: Physiotherapy with Priya, Fri 5 Dec 10:00 AM "
                              "GMT, for console ann (console), in Treatment room 1."), changed
    assert changed.endswith("\n> Any injuries we should know about? *sore knee*"
                            "\n> Is this your first visit with us? *yes*"
                            "\n> Were you referred by a doctor? *Specialist*"), changed
    assert len(alerts(clinic, fake_slack)) == 2  # a second run of the worker posts nothing more


def test_answers_cannot_change_once_the_appointment_has_started(clinic: Shop) -> None:
    book_physio(clinic)
    clinic.clock.now = FRI_10 - timedelta(minutes=10)
    ann = clinic.customer("ann")
    assert ann("update my answers").startswith("Your answers for Physiotherapy")
    ann("worse knee")
    clinic.clock.now = FRI_10 + timedelta(minutes=1)  # the appointment started meanwhile
    ann("no")
    assert ann("skip") == ("That appointment has already started, so its answers can no longer "
                           "be changed.")
    assert [v for _, _, v in answers(clinic)] == ["sore knee", "no", ""]
    assert ann("change my answers") == (
        "You have no upcoming booking with questions to answer. Answers can be changed until "
        "the appointment starts.")


def test_the_slack_agenda_shows_the_answers(clinic: Shop) -> None:
    book_physio(clinic)
    day = agenda(clinic.db.uow(), SqlProviderQueries(clock=clinic.clock), provider_key="priya",
                 day=FRI_10.date(), now=clinic.clock())
    text = agenda_text(day)
    assert "*Physiotherapy* · Treatment room 1 · console ann (console)" in text, text
    assert ("\n    Any injuries we should know about? *sore knee*"
            "\n    Is this your first visit with us? *no*"
            "\n    Were you referred by a doctor? *(skipped)*") in text, text


def test_every_answer_keeps_the_hold_and_a_lapsed_one_is_said(clinic: Shop) -> None:
    ann = clinic.customer("ann", "Europe/London")
    ann("physio with priya on friday at 10am")
    ann("1")
    [(first,)] = clinic.rows("SELECT hold_expires_at FROM bookings")
    clinic.clock.advance(timedelta(minutes=8))
    ann("sore knee")
    [(kept,)] = clinic.rows("SELECT hold_expires_at FROM bookings")
    assert str(kept) > str(first)  # pushed to a full rules.hold (10m) from the answer
    clinic.clock.advance(timedelta(minutes=25))  # longer than the hold: it lapsed
    said = ann("no")
    assert said.startswith("Your time was held for you until 2:18 PM GMT. If someone has "
                           "taken it since, I'll offer the nearest free times when you "
                           "confirm.\n(3/3)"), said
    assert "Confirm?" in ann("skip")
    assert "Booked!" in ann("yes")  # nobody took it: the lapsed hold is confirmed
    assert statuses(clinic) == ["confirmed"]


def test_a_hold_taken_while_answering_offers_times_and_keeps_the_answers(clinic: Shop) -> None:
    ann = clinic.customer("ann", "Europe/London")
    ann("physio with priya on friday at 10am")
    ann("1")
    ann("sore knee")
    clinic.clock.advance(timedelta(minutes=30))
    build_jobs(clinic.db, senders={}, clock=clinic.clock).expire()  # the worker's expiry sweep
    assert statuses(clinic) == ["expired"]
    ann("no")
    failed = ann("skip")
    assert "Confirm?" in failed
    refused = ann("yes")
    assert refused.startswith("Sorry, the hold on that slot ran out. Here are the nearest free "
                              "ones (GMT):\n  1) Fri 5 Dec 9:00 AM"), refused
    again = ann("1")  # the nearest free time: the questions are not asked twice
    assert "Confirm?" in again, again
    assert "(1/3)" not in again, again
    assert "Booked!" in ann("yes")
    assert [v for _, _, v in answers(clinic)] == ["sore knee", "no", ""]


def test_reschedule_keeps_the_answers_and_another_service_asks_its_own(clinic: Shop) -> None:
    book_physio(clinic)
    ann = clinic.customer("ann")
    ann("move my physio")
    ann("friday at 11am")
    assert ann("1").startswith("Move from Fri 5 Dec 10:00 AM GMT to Fri 5 Dec 11:00 AM GMT?")
    assert ann("yes") == "Done, moved to Physiotherapy with Priya, Fri 5 Dec 11:00 AM GMT."
    assert [v for _, _, v in answers(clinic)] == ["sore knee", "no", ""]
    assert clinic.rows("SELECT count(DISTINCT booking_id) FROM booking_answers") == [(1,)]
    ann("facial with sam on friday at 2pm")
    assert ann("1").startswith("Facial with Sam, Fri 5 Dec 2:00 PM GMT.")  # Facial asks nothing
    assert "Booked!" in ann("yes")
    ann("physio with jo on monday at 10am")
    again = ann("1")  # a new physio booking asks again: answers belong to one booking
    assert again.startswith("Before you confirm, 3 questions."), again
    assert len(answers(clinic)) == 3


def test_the_customers_data_export_has_the_answers_and_erasure_deletes_them(
        clinic: Shop) -> None:
    book_physio(clinic)
    store = SqlCustomerData(clinic.db.sessions)
    exported = export_customer(store, "ann")
    assert [(a["question"], a["answer"]) for a in exported["intake_answers"]] == [
        ("Any injuries we should know about?", "sore knee"),
        ("Is this your first visit with us?", "no"), ("Were you referred by a doctor?", "")]
    assert exported["intake_answers"][0]["booking_id"] == exported["bookings"][0]["id"]
    done = erase_customer(store, "ann", now=clinic.clock())
    assert done.bookings_kept == 1
    assert answers(clinic) == []  # may be health details: gone, the booking stays
    assert statuses(clinic) == ["confirmed"]

"""Intake questions on the two other paths a customer books by in the chat, on the console
channel over SQLite and PostgreSQL with examples/clinic.yaml (physiotherapy asks three
questions, a facial none):

- a recurring series ("physio every monday at 10am for 3 weeks"): asked once, before
  "Book them all?", and the answers stored on every date;
- a waitlist offer ("A slot opened ... reply YES"): the YES asks them on the offer's hold,
  then "Confirm?", as after a time picked in the chat; "cancel" releases the hold to the
  next in line, and a hold the worker expired meanwhile says so with the nearest times.

Everything goes through the real handler (bookingbot.channels_wiring.build_handler: the
reply router in front of the runner) and the worker's own jobs (bookingbot.worker)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import pytest

from bookingbot.business_file import load_business_file
from bookingbot.worker import build_jobs
from core.booking import Actor
from core.interval import Interval
from core.model import Business, PaymentMode
from core.money import Money
from core.usecases import cancel, confirm, hold_slot, join_waitlist
from db.uow import SqlUnitOfWork
from tests.bot.console_kit import Console, Shop, open_shop
from tests.bot.test_intake import CLINIC, FRI_10, answers, book_physio, statuses
from tests.db.conftest import BACKENDS, fresh_database

FACIAL_FRI_2 = FRI_10 + timedelta(hours=4)  # Fri 5 Dec 2:00 PM GMT, with Sam


def with_deposit(business: Business) -> Business:
    """The clinic, its physiotherapy taking a 10.00 GBP deposit online."""
    paying = tuple(replace(s, payment=PaymentMode.DEPOSIT, deposit=Money(1000, "GBP"))
                   if s.key == "physio" else s for s in business.services)
    return replace(business, services=paying)


@pytest.fixture(params=BACKENDS)
def clinic(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    business, _ = load_business_file(CLINIC)
    if "deposit" in request.node.name:
        business = with_deposit(business)
    with fresh_database(str(request.param), tmp_path) as url:
        shop = open_shop(url, business)
        # Outbox rows are stamped with the shop's clock, so the worker (on the same clock)
        # finds them due: the cancellation too, through core's cancel on that unit of work
        # (the clinic takes no payments, so the refunding canceller has nothing to do).
        shop.runner.uow = lambda: SqlUnitOfWork(shop.db.sessions, shop.db.cache,
                                                clock=shop.clock)
        shop.runner.cancel = None
        yield shop
        shop.db.close()


@dataclass
class Outbox:
    """A console ``core.ports.Sender`` that keeps what the worker sent, per recipient."""

    channel: str = "console"
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        self.sent.append((recipient_id, text))
        return f"m{len(self.sent)}"

    def to(self, who: str) -> list[str]:
        return [text for r, text in self.sent if r == who]


def worker(shop: Shop, outbox: Outbox) -> None:
    build_jobs(shop.db, senders={"console": outbox}, clock=shop.clock).run_once()


def waitlisted(shop: Shop, who: str, service: str, provider: str, *,
               lang: str | None = None) -> Console:
    """``who`` waits for ``service`` with ``provider`` on Friday from 9 to 5."""
    console = shop.customer(who, "Europe/London")
    info = shop.runner.customers.identify("console", who, now=shop.clock())
    if lang is not None:
        shop.runner.customers.set_lang(info.id, lang, "chosen")
    join_waitlist(shop.db.uow(), customer_id=info.id, channel="console", service_key=service,
                  provider_key=provider,
                  window=Interval(FRI_10 - timedelta(hours=1), FRI_10 + timedelta(hours=7)),
                  now=shop.clock())
    return console


def offered_physio(shop: Shop, *, lang: str | None = None,
                   by_chat: bool = True) -> tuple[Console, Outbox]:
    """Bea waits for physio with Priya; Ann's Friday 10:00 is booked, then cancelled, and
    the worker offers it to Bea."""
    bea = waitlisted(shop, "bea", "physio", "priya", lang=lang)
    if by_chat:
        book_physio(shop)
        ann = shop.customer("ann")
        assert ann("cancel").startswith("Cancel Physiotherapy")
        assert ann("yes").startswith("Cancelled")
    else:  # booked by staff (no questions, no payment), then cancelled
        uow = shop.runner.uow
        ann_id = shop.runner.customers.identify("console", "ann", now=shop.clock()).id
        staff = Actor("provider", "priya", "admin")
        b = hold_slot(uow(), service_key="physio", provider_key="priya", start=FRI_10,
                      customer_id=ann_id, actor=staff, now=shop.clock())
        confirm(uow(), b.id, actor=staff, now=shop.clock())
        cancel(uow(), b.id, actor=staff, now=shop.clock())
    outbox = Outbox()
    worker(shop, outbox)
    [offer] = outbox.to("bea")
    expected = ("Physiotherapy con Priya, vie 5 dic, 10:00 (GMT)" if lang == "es"
                else "Physiotherapy with Priya, Fri 5 Dec 10:00 AM GMT")
    assert expected in offer, offer
    return bea, outbox


def answers_of(shop: Shop, sender: str) -> list[tuple[str, str]]:
    """(question key, stored answer) on the bookings of one customer, date by date."""
    rows = shop.rows("SELECT a.question_key, a.answer FROM booking_answers a JOIN bookings b "
                     "ON b.id = a.booking_id JOIN customers c ON c.id = b.customer_id "
                     "WHERE c.sender_id = :who ORDER BY b.start_at, a.position", who=sender)
    return [(str(k), str(v)) for k, v in rows]


def booking_rows(shop: Shop) -> list[tuple[str, str]]:
    rows = shop.rows("SELECT b.status, c.sender_id FROM bookings b JOIN customers c "
                     "ON c.id = b.customer_id ORDER BY b.start_at, b.created_at")
    return [(str(s), str(w)) for s, w in rows]


# --- a recurring series -----------------------------------------------------------------


def test_a_series_asks_once_and_keeps_the_answers_on_every_date(clinic: Shop) -> None:
    ann = clinic.customer("ann", "Europe/London")
    asked = ann("physio with priya every monday at 10am for 3 weeks")
    assert asked == "Before you confirm, 3 questions.\n(1/3) Any injuries we should know about?"
    assert clinic.rows("SELECT id FROM bookings") == []  # nothing is held before the yes
    assert ann("skip") == ("This one needs an answer, please. "
                           "(1/3) Any injuries we should know about?")
    assert ann("sore knee").startswith("(2/3) Is this your first visit with us?")
    assert ann("yes").startswith("(3/3) Were you referred by a doctor?")
    summary = ann("GP")
    assert summary.startswith(
        "Your answers:\n- Any injuries we should know about? sore knee\n"
        "- Is this your first visit with us? Yes\n- Were you referred by a doctor? GP\n"
        "Physiotherapy every Mon at 10:00 AM GMT, 3 times from Mon 8 Dec."), summary
    assert summary.endswith("Total 165.00 GBP (3 x 55.00 GBP). Book them all?\n"
                            "  1) Yes\n  2) No"), summary
    assert ann("yes") == "Booked 3 of 3."
    assert statuses(clinic) == ["confirmed"] * 3
    per_booking = clinic.rows("SELECT booking_id, count(*) FROM booking_answers "
                              "GROUP BY booking_id")
    assert len(per_booking) == 3, per_booking
    assert all(n == 3 for _, n in per_booking), per_booking
    assert answers_of(clinic, "ann") == [
        ("injuries", "sore knee"), ("first_visit", "yes"), ("referral", "GP")] * 3


def test_cancel_while_answering_for_a_series_books_nothing(clinic: Shop) -> None:
    ann = clinic.customer("ann", "Europe/London")
    ann("physio with priya every monday at 10am for 3 weeks")
    ann("sore knee")
    assert ann("cancel") == "OK, stopped. Nothing was changed. Anything else?"
    assert clinic.rows("SELECT id FROM bookings") == []
    assert answers(clinic) == []


def test_a_series_of_a_service_without_questions_asks_to_book_them_all(clinic: Shop) -> None:
    cal = clinic.customer("cal", "Europe/London")
    asked = cal("facial with sam every thursday at 2pm for 2 weeks")
    assert asked.startswith("Facial every Thu at 2:00 PM GMT, 2 times from Thu 4 Dec."), asked
    assert "Book them all?" in asked
    assert "question" not in asked
    cal("yes")
    assert statuses(clinic) == ["confirmed"] * 2
    assert answers(clinic) == []


# --- a waitlist offer -------------------------------------------------------------------


def test_yes_to_a_waitlist_offer_asks_the_questions_then_confirms(clinic: Shop) -> None:
    bea, _ = offered_physio(clinic)
    asked = bea("YES")
    assert asked == "Before you confirm, 3 questions.\n(1/3) Any injuries we should know about?"
    # Not confirmed while the questions are open: the offer's hold is the chat's hold now.
    assert [r for r in booking_rows(clinic) if r[1] == "bea"] == [("held", "bea")]
    offers = clinic.rows("SELECT status FROM waitlist_offers")
    assert offers == [("accepted",)]
    assert bea("-") == ("This one needs an answer, please. "
                        "(1/3) Any injuries we should know about?")
    assert bea("bad back").startswith("(2/3)")
    assert bea("no").startswith("(3/3)")
    summary = bea("skip")
    assert summary.startswith(
        "Your answers:\n- Any injuries we should know about? bad back\n"
        "- Is this your first visit with us? No\n- Were you referred by a doctor? (skipped)\n"
        "Physiotherapy with Priya, Fri 5 Dec 10:00 AM GMT. Price 55.00 GBP. Confirm?"), summary
    assert "Booked! Physiotherapy with Priya, Fri 5 Dec 10:00 AM GMT" in bea("yes")
    assert sorted(booking_rows(clinic)) == [("cancelled", "ann"), ("confirmed", "bea")]
    assert answers_of(clinic, "bea") == [
        ("injuries", "bad back"), ("first_visit", "no"), ("referral", "")]
    assert clinic.rows("SELECT count(*) FROM waitlist_entries") == [(0,)]  # the wait is over


def test_the_offer_is_asked_in_the_customers_language(clinic: Shop) -> None:
    bea, _ = offered_physio(clinic, lang="es")
    asked = bea("sí")
    assert asked == ("Antes de confirmar, 3 preguntas.\n"
                     "(1/3) ¿Alguna lesión que debamos conocer?"), asked
    bea("ninguna")
    bea("sí")
    summary = bea("especialista")
    assert summary.startswith("Tus respuestas:\n- ¿Alguna lesión que debamos conocer? ninguna\n"
                              ), summary
    bea("sí")
    assert ("confirmed", "bea") in booking_rows(clinic)
    # Stored in the default language, as on the single path.
    assert answers_of(clinic, "bea") == [
        ("injuries", "ninguna"), ("first_visit", "yes"), ("referral", "Specialist")]


def test_cancel_while_answering_an_offer_releases_it_to_the_next_in_line(clinic: Shop) -> None:
    bea, outbox = offered_physio(clinic)
    waitlisted(clinic, "cat", "physio", "priya")
    bea("yes")
    bea("bad back")
    assert bea("cancel") == "OK, stopped. Nothing was changed. Anything else?"
    assert [r for r in booking_rows(clinic) if r[1] == "bea"] == [("cancelled", "bea")]
    released = clinic.rows("SELECT action FROM booking_audit WHERE action = "
                           "'booking.hold_released'")
    assert released == [("booking.hold_released",)]
    worker(clinic, outbox)
    [offer] = outbox.to("cat")  # the slot passed on at once
    assert "Physiotherapy with Priya, Fri 5 Dec 10:00 AM GMT" in offer
    assert answers_of(clinic, "bea") == []  # nothing was confirmed, nothing kept


def test_an_offer_hold_expired_while_answering_offers_the_nearest_times(clinic: Shop) -> None:
    bea, outbox = offered_physio(clinic)
    bea("yes")
    bea("bad back")
    clinic.clock.advance(timedelta(minutes=30))  # longer than the hold: the worker expires it
    worker(clinic, outbox)
    assert [r for r in booking_rows(clinic) if r[1] == "bea"] == [("expired", "bea")]
    said = bea("no")
    assert said.startswith("Your time was held for you until"), said
    assert "Confirm?" in bea("skip")
    refused = bea("yes")
    assert refused.startswith("Sorry, the hold on that slot ran out. Here are the nearest free "
                              "ones (GMT):"), refused
    again = bea("1")  # the answers are kept: straight to "Confirm?"
    assert "Confirm?" in again, again
    assert "(1/3)" not in again, again
    assert "Booked!" in bea("yes")
    assert ("confirmed", "bea") in booking_rows(clinic)


def offered_facial(shop: Shop, *, lang: str | None = None) -> tuple[Console, str]:
    """Dee waits for a facial (no questions) with Sam; Eli books Friday 2 PM, cancels, and
    the worker offers it to Dee: her console and the offer's text."""
    dee = waitlisted(shop, "dee", "facial", "sam", lang=lang)
    eli = shop.customer("eli", "Europe/London")
    eli("facial with sam on friday at 2pm")
    eli("1")
    assert "Booked!" in eli("yes")
    eli("cancel")
    assert eli("yes").startswith("Cancelled")
    outbox = Outbox()
    worker(shop, outbox)
    [offer] = outbox.to("dee")
    return dee, offer


def test_yes_to_an_offer_without_questions_books_it_at_once(clinic: Shop) -> None:
    dee, offer = offered_facial(clinic)
    assert "Facial with Sam, Fri 5 Dec 2:00 PM GMT" in offer, offer
    said = dee("YES")
    assert said.startswith("Booked! Facial with Sam, Fri 5 Dec 2:00 PM GMT"), said
    assert ("confirmed", "dee") in booking_rows(clinic)
    assert clinic.rows("SELECT status FROM waitlist_offers") == [("accepted",)]
    assert answers(clinic) == []


def test_a_deposit_offer_asks_the_questions_before_the_payment_page(clinic: Shop) -> None:
    bea, _ = offered_physio(clinic, by_chat=False)
    assert bea("yes").startswith("Before you confirm, 3 questions.")  # no payment page yet
    bea("bad back")
    bea("yes")
    summary = bea("skip")
    assert "Confirm?" in summary, summary
    pay = bea("yes")
    assert pay.startswith("Held for you: Physiotherapy, Fri 5 Dec 10:00 AM GMT. Ref "), pay
    assert "Pay 10.00 GBP here to confirm: https://test-payment.invalid/checkout/" in pay, pay
    assert [r for r in booking_rows(clinic) if r[1] == "bea"] == [("held", "bea")]
    assert answers_of(clinic, "bea") == [  # kept on the hold, before anything is paid
        ("injuries", "bad back"), ("first_visit", "yes"), ("referral", "")]


def test_an_offer_answered_before_any_chat_is_answered_in_the_offers_language(
        clinic: Shop) -> None:
    dee, offer = offered_facial(clinic, lang="es")  # Dee never wrote to the bot
    assert "Facial con Sam, vie 5 dic, 14:00 (GMT)" in offer, offer
    said = dee("SÍ")
    assert said.startswith("¡Reservado! Facial con Sam, vie 5 dic, 14:00 (GMT)"), said

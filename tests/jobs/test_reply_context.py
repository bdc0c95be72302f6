"""Replies to a reminder or an offer continue the conversation from it (bot files untouched)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import Engine

from bookingbot.notify_texts import REMINDER_CHOICES
from bookingbot.reply_router import ReplyRouter
from bot.messages import Choice, InboundMessage, Reply
from bot.runner import Runner
from channels.sms.render import render_all
from core.booking import Actor, BookingStatus
from core.interval import Interval
from core.usecases import cancel, join_waitlist
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.uow import SqlUnitOfWork, session_factory
from jobs.reply_context import SESSION_KEY
from tests.jobs.conftest import at
from tests.jobs.harness import Clock, World, make_world

_ids = itertools.count()


def router(w: World) -> ReplyRouter:
    sessions = session_factory(w.engine)
    runner = Runner(uow=lambda: SqlUnitOfWork(sessions), store=SqlSessionStore(w.engine),
                    customers=SqlCustomerDirectory(sessions), clock=w.clock)
    return ReplyRouter(runner, w.store, w.uow)


def say(r: ReplyRouter, text: str, sender: str = "42") -> str:
    message = InboundMessage("telegram", sender, f"d{next(_ids)}", r.runner.clock(), text)
    return " | ".join(reply.text for reply in r.handle(message))


def test_confirm_and_cancel_from_a_reminder(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    ann = w.customer()
    b = w.book(ann, at(10, 9))
    clock.set(at(9, 9))
    w.jobs.run_once()
    assert w.store.session_state("telegram", "42")[SESSION_KEY]["kind"] == "reminder"
    r = router(w)
    assert say(r, "C") == "Thanks, see you Thu 10 Jan 9:00 AM GMT!"
    assert SESSION_KEY not in w.store.session_state("telegram", "42")  # used up
    assert "didn't get that" in say(r, "C")  # now it is just a letter again

    clock.set(at(10, 8))
    w.jobs.run_once()  # the 1 h reminder leaves a fresh context
    assert say(r, "cancel").startswith("Cancel Haircut with Alice, Thu 10 Jan 9:00 AM GMT?")
    assert say(r, "yes").startswith("Cancelled")
    with w.uow() as u:
        booking = u.bookings.get(b.id)
    assert booking is not None
    assert booking.status is BookingStatus.CANCELLED


def test_reschedule_from_a_reminder_asks_for_the_new_time(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    w.book(w.customer(), at(10, 9))
    clock.set(at(9, 9))
    w.jobs.run_once()
    assert say(router(w), "reschedule").startswith("Moving Haircut with Alice")


def test_yes_to_a_waitlist_offer_books_it(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    ann = w.customer()
    bea = w.customer(sender="43", name="Bea")
    join_waitlist(w.uow(), customer_id=bea, channel="telegram", service_key="cut",
                  provider_key="alice", window=Interval(at(10, 8), at(10, 18)), now=clock())
    gone = w.book(ann, at(10, 11))
    cancel(w.uow(), gone.id, actor=Actor("customer", ann, "telegram"), now=clock())
    w.jobs.run_once()
    r = router(w)
    clock.advance(timedelta(minutes=5))
    assert say(r, "YES", "43").startswith("Booked! Haircut with Alice")
    assert say(r, "YES", "43") != ""  # a second yes is just a message to the bot now
    w.jobs.run_once()
    assert w.sent_kinds()[("booking_confirmed", "provider")] == 2


def test_stop_after_a_reminder_opts_out_says_how_to_cancel_and_tells_the_provider(
        jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    ann = w.customer()
    b = w.book(ann, at(10, 9))
    clock.set(at(9, 9))
    w.jobs.run_once()
    r = router(w)
    told: list[str] = []
    r.runner.notify = lambda *, channel, sender_id, text: told.append(text)
    answer = say(r, "STOP")
    assert answer.startswith("You're unsubscribed")  # the opt-out is confirmed...
    assert "Your booking Thu 10 Jan 9:00 AM GMT is still on. To cancel it" in answer  # ...and
    [notice] = told  # the provider knows
    assert b.id[:8] in notice
    assert "still on" in notice
    with w.uow() as u:
        booking = u.bookings.get(b.id)
    assert booking is not None
    assert booking.status is BookingStatus.CONFIRMED  # STOP never cancels a booking


def test_the_reminder_offers_letters_not_a_carrier_keyword() -> None:

    text = render_all([Reply("Reminder", tuple(Choice(*c) for c in REMINDER_CHOICES))])
    assert text.endswith("Reply C to confirm, R to reschedule or X to cancel")
    assert "CANCEL" not in text.upper().replace("X TO CANCEL", "")

"""The whole pipeline on both backends with an injected clock: events and reminders become
notifications exactly once, whatever the sweeps' order or repetition."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, select

from core.booking import Actor
from core.errors import PermanentSendError, TransientSendError
from core.events import Event
from core.interval import Interval
from core.usecases import cancel, hold_slot, join_waitlist, reschedule
from db.outbox import OUTBOX
from tests.jobs.conftest import at
from tests.jobs.harness import PROVIDER_CHANNEL, Clock, World, make_world

ALICE = Actor("provider", "alice", "slack")


def settle(w: World) -> Counter[str]:
    """Run every sweep, then again: the second run must change nothing."""
    first = w.jobs.run_once()
    before = w.rows()
    again = w.jobs.run_once()
    assert w.rows() == before, "a second sweep changed the database"
    assert not +again, f"a second sweep did something: {again}"
    return first


def test_every_notification_type_once(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    ann = w.customer()
    b = w.book(ann, at(8, 9), paid=2500)  # system actor: both sides hear
    settle(w)
    assert w.sent_kinds() == Counter({
        ("booking_confirmed", "customer"): 1, ("booking_confirmed", "provider"): 1,
        ("payment_received", "customer"): 1, ("daily_agenda", "provider"): 2})

    b = reschedule(w.uow(), b.id, new_start=at(8, 10), actor=ALICE, now=clock())
    cancel(w.uow(), b.id, actor=ALICE, now=clock())
    hold_slot(w.uow(), service_key="cut", provider_key="alice", start=at(8, 11),
              customer_id=ann, actor=Actor("customer", ann, "telegram"), now=clock())
    clock.advance(timedelta(minutes=11))
    settle(w)
    kinds = w.sent_kinds()
    assert kinds[("booking_rescheduled", "customer")] == 1
    assert kinds[("booking_rescheduled", "provider")] == 0  # the provider moved it
    assert kinds[("booking_cancelled", "customer")] == 1
    assert kinds[("refund_issued", "customer")] == 1
    assert kinds[("hold_expired", "customer")] == 1

    bea = w.customer(sender="43", name="Bea")
    join_waitlist(w.uow(), customer_id=bea, channel="telegram", service_key="cut",
                  provider_key="alice", window=Interval(at(10, 8), at(10, 18)), now=clock())
    kept = w.book(ann, at(10, 9))
    gone = w.book(ann, at(10, 11))
    cancel(w.uow(), gone.id, actor=Actor("customer", ann, "telegram"), now=clock())
    settle(w)
    assert w.sent_kinds()[("waitlist_offer", "customer")] == 1
    assert w.sent_kinds()[("booking_cancelled", "provider")] == 1  # the customer cancelled
    clock.advance(timedelta(minutes=16))
    settle(w)
    assert w.sent_kinds()[("offer_lapsed", "customer")] == 1

    clock.set(at(9, 9))
    settle(w)
    clock.set(at(10, 8))
    settle(w)
    reminders = [r for r in w.rows() if r["kind"] == "reminder" and r["status"] == "sent"]
    assert [r["offset_s"] for r in reminders] == [86400, 3600]
    assert {r["booking_id"] for r in reminders} == {kept.id}
    agendas = Counter(r["address"] for r in w.rows() if r["kind"] == "daily_agenda")
    assert agendas == Counter({"U123": 3, PROVIDER_CHANNEL: 3})  # once per provider-day
    keys = [r["idempotency_key"] for r in w.rows()]
    assert len(keys) == len(set(keys))
    sent_texts = [s.text for s in w.sent("telegram")]
    assert len(sent_texts) == sum(1 for r in w.rows() if r["status"] == "sent"
                                  and r["channel"] == "telegram")


def test_reschedule_moves_reminders(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    ann = w.customer()
    b = w.book(ann, at(10, 9))
    clock.set(at(9, 9))
    settle(w)
    b = reschedule(w.uow(), b.id, new_start=at(10, 16), actor=Actor("customer", ann, "x"),
                   now=clock())
    clock.set(at(10, 8, 30))  # the old start's 1 h reminder would be due now: nothing
    settle(w)
    clock.set(at(10, 15))
    settle(w)
    sent = [(r["start_at"], r["offset_s"]) for r in w.rows()
            if r["kind"] == "reminder" and r["status"] == "sent"]
    assert sent == [(at(10, 9), 86400), (at(10, 16), 86400), (at(10, 16), 3600)]


def test_reminder_queued_before_a_change_is_dropped(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    ann = w.customer()
    moved = w.book(ann, at(10, 9))
    dropped = w.book(ann, at(10, 11))
    clock.set(at(9, 12))
    w.jobs.reminders()  # planned, not yet delivered ...
    reschedule(w.uow(), moved.id, new_start=at(10, 16), actor=ALICE, now=clock())
    cancel(w.uow(), dropped.id, actor=ALICE, now=clock())
    settle(w)  # ... so delivery finds them obsolete
    clock.set(at(9, 16))
    settle(w)  # and the moved booking's own 24 h reminder follows its new start
    status = {(r["booking_id"], r["start_at"]): r["status"] for r in w.rows()
              if r["kind"] == "reminder"}
    assert status == {(moved.id, at(10, 9)): "obsolete", (dropped.id, at(10, 11)): "obsolete",
                      (moved.id, at(10, 16)): "sent"}
    assert w.sent("telegram")
    assert all("10 Jan 4:00 PM" in s.text for s in w.sent("telegram")
                                      if s.text.startswith("Reminder"))


def test_cancellation_removes_reminders(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    ann = w.customer()
    b = w.book(ann, at(10, 9))
    cancel(w.uow(), b.id, actor=Actor("customer", ann, "telegram"), now=clock())
    for when in (at(9, 9), at(10, 8), at(10, 8, 59)):
        clock.set(when)
        settle(w)
    assert [r for r in w.rows() if r["kind"] == "reminder"] == []


def test_restart_after_downtime_sends_only_useful_ones(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    ann = w.customer()
    soon = w.book(ann, at(8, 11))  # 10 min after the restart: 24 h is noise, 1 h is sent
    later = w.book(ann, at(8, 15))  # 4 h 10 after: the 24 h one is still useful
    started = w.book(ann, at(8, 10))  # began while we were down: nothing
    settle(w)  # the confirmations, then the worker goes down for a day
    clock.set(at(8, 10, 50))
    settle(w)
    rows = {(r["booking_id"], r["offset_s"]): (r["status"], r["last_error"]) for r in w.rows()
            if r["kind"] == "reminder"}
    assert rows == {
        (soon.id, 86400): ("skipped", "superseded"), (soon.id, 3600): ("sent", None),
        (later.id, 86400): ("sent", None),
    }
    assert started.id not in {b for b, _ in rows}
    clock.advance(timedelta(hours=1))  # and down again for an hour
    settle(w)
    assert [r["status"] for r in w.rows() if r["booking_id"] == later.id
            and r["kind"] == "reminder"] == ["sent"]


def test_opted_out_customers_get_nothing(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    out = w.customer("sms", "+447700900123", opted_out=True)
    b = w.book(out, at(10, 9), paid=2500)
    clock.set(at(10, 8, 30))
    settle(w)
    cancel(w.uow(), b.id, actor=ALICE, now=clock())
    settle(w)
    assert w.sent("sms") == []
    assert {r["audience"] for r in w.rows() if r["status"] == "sent"} == {"provider"}
    # Opting out between planning and sending also stops it.
    ann = w.customer()
    w.book(ann, at(11, 9))
    clock.set(at(10, 9))
    w.jobs.reminders()
    with w.uow() as u:
        u.customers.opt_out(ann)
        u.commit()
    settle(w)
    assert [r["status"] for r in w.rows() if r["kind"] == "reminder"] == ["skipped"]
    assert w.sent("telegram") == []


def test_transient_failures_retry_with_backoff_permanent_ones_stop(jengine: Engine,
                                                                   clock: Clock) -> None:
    w = make_world(jengine, clock)
    flaky = w.customer(sender="7")
    blocked = w.customer(sender="8", name="Bo")
    w.senders["telegram"].fail = {"7": [TransientSendError("502"), TransientSendError("503")],
                                  "8": [PermanentSendError("bot blocked")]}
    w.book(flaky, at(10, 9))
    w.book(blocked, at(10, 11))
    w.jobs.run_once()
    by = {r["address"]: r for r in w.rows() if r["kind"] == "booking_confirmed"
          and r["audience"] == "customer"}
    assert (by["7"]["status"], by["7"]["attempts"]) == ("failed", 1)
    assert by["7"]["next_attempt_at"] == clock() + timedelta(seconds=30)
    assert (by["8"]["status"], by["8"]["last_error"]) == ("dead", "bot blocked")
    clock.advance(timedelta(seconds=30))
    w.jobs.run_once()
    clock.advance(timedelta(seconds=59))
    assert not +w.jobs.run_once()  # 1 min backoff after the second failure
    clock.advance(timedelta(seconds=1))
    w.jobs.run_once()
    by = {r["address"]: r for r in w.rows() if r["kind"] == "booking_confirmed"
          and r["audience"] == "customer"}
    assert (by["7"]["status"], by["7"]["attempts"]) == ("sent", 3)
    assert by["8"]["status"] == "dead"
    assert [s.address for s in w.sent()] == ["7"]


def test_news_about_a_started_appointment_is_not_sent(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    w.book(w.customer(), at(8, 9), paid=2500)
    clock.set(at(8, 9, 5))  # the worker was down until after the start
    settle(w)
    assert w.sent_kinds() == Counter({("payment_received", "customer"): 1,
                                      ("daily_agenda", "provider"): 2})


@dataclass(frozen=True)
class SomebodyElsesEvent(Event):
    pass


def test_events_the_jobs_do_not_know_are_left_for_their_consumer(jengine: Engine,
                                                                 clock: Clock) -> None:
    w = make_world(jengine, clock)
    with w.uow() as u:
        u.emit([SomebodyElsesEvent("b1")])
        u.commit()
    settle(w)
    with jengine.connect() as conn:
        status = conn.execute(select(OUTBOX.c.status).where(
            OUTBOX.c.kind == "SomebodyElsesEvent")).scalar_one()
    assert status == "pending"

"""Helpers for the seams between jobs, payments and Slack: the worker's own wiring
(``build_jobs``: Slack alert renderer, refund sweep, App Home hook) over a test world,
payments through the documented test-mode gateway, and a router with a payment starter."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine

from adapters.payments.test_mode import TestModeGateway
from bookingbot.bootstrap import Database
from bookingbot.notify_texts import AddToCalendar
from bookingbot.reply_router import ReplyRouter
from bookingbot.worker import build_jobs
from bot.messages import InboundMessage, Reply
from bot.runner import Runner
from core.booking import Actor, Booking
from core.errors import DomainError, ErrorCode
from core.model import Business
from core.money import Money
from core.payments import (
    CheckoutExpired,
    CheckoutLink,
    GatewayError,
    PaymentGateway,
    RefundResult,
)
from core.usecases import hold_slot
from core.usecases.payments import handle_payment_event, start_payment
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.uow import SqlUnitOfWork, session_factory
from jobs.ports import BookingChanged
from tests.jobs.harness import PROVIDER_CHANNEL, Clock, World, make_world

TEST_GATEWAY = TestModeGateway()
_ids = itertools.count()


def customer_actor(customer_id: str) -> Actor:
    return Actor("customer", customer_id, "telegram")


@dataclass
class Changes:
    """A recording ``BookingChanged`` hook (the App Home refresher in production)."""

    seen: list[str] = field(default_factory=list)

    def __call__(self, provider_key: str) -> None:
        self.seen.append(provider_key)


def worker_world(engine: Engine, url: str, clock: Clock, *,
                 gateway: PaymentGateway | None = None,
                 on_change: BookingChanged | None = None, business: Business | None = None,
                 add_to_calendar: AddToCalendar | None = None) -> World:
    """A test world whose jobs are built exactly as ``bookingbot worker`` builds them."""
    w = make_world(engine, clock, business)
    db = Database(url, engine, session_factory(engine))
    w.jobs = build_jobs(db, senders=w.senders, clock=clock, provider_channel=PROVIDER_CHANNEL,
                        gateway=gateway, on_change=on_change, add_to_calendar=add_to_calendar)
    return w


def settle(w: World) -> Counter[str]:
    """Every sweep, then again: the second run must change nothing."""
    first = w.jobs.run_once()
    before = w.rows()
    again = w.jobs.run_once()
    assert w.rows() == before, "a second sweep changed the database"
    assert not +again, f"a second sweep did something: {again}"
    return first


def hold(w: World, customer_id: str, start: datetime, service: str = "color") -> Booking:
    return hold_slot(w.uow(), service_key=service, provider_key="alice", start=start,
                     customer_id=customer_id, actor=customer_actor(customer_id), now=w.clock())


def checkout(w: World, booking: Booking, now: datetime | None = None) -> CheckoutLink:
    return start_payment(w.uow(), TEST_GATEWAY, booking.id, description="Colour",
                         success_url="https://bb.example/ok", cancel_url="https://bb.example/no",
                         now=now or w.clock())


def pay(w: World, link: CheckoutLink, booking: Booking) -> None:
    handle_payment_event(w.uow(), TEST_GATEWAY.completed_event(link, booking), now=w.clock())


def paid_booking(w: World, customer_id: str, start: datetime) -> Booking:
    held = hold(w, customer_id, start)
    pay(w, checkout(w, held), held)
    with w.uow() as u:
        done = u.bookings.get(held.id)
    assert done is not None
    return done


def checkout_expired(w: World, link: CheckoutLink, booking_id: str) -> None:
    handle_payment_event(w.uow(), CheckoutExpired(f"evt_exp_{link.id}", link.id, booking_id),
                         now=w.clock())


@dataclass
class RefusingGateway:
    """Refunds fail: ``retryable`` failures ``failures`` times, then they succeed."""

    retryable: bool
    failures: int = 1_000
    live = False
    calls: int = 0

    def create_checkout(self, booking: Booking, *, amount: Money, description: str,
                        success_url: str, cancel_url: str, expires_at: datetime,
                        idempotency_key: str, metadata: dict[str, str]) -> CheckoutLink:
        raise GatewayError("not used", retryable=False)

    def refund(self, payment_ref: str, *, amount_minor: int, idempotency_key: str,
               metadata: dict[str, str]) -> RefundResult:
        self.calls += 1
        if self.calls <= self.failures:
            raise GatewayError("charge_disputed", retryable=self.retryable)
        return TEST_GATEWAY.refund(payment_ref, amount_minor=amount_minor,
                                   idempotency_key=idempotency_key, metadata=metadata)


def router(w: World, *, payments: bool = True) -> ReplyRouter:
    sessions = session_factory(w.engine)
    runner = Runner(uow=lambda: SqlUnitOfWork(sessions), store=SqlSessionStore(w.engine),
                    customers=SqlCustomerDirectory(sessions), clock=w.clock)
    if payments:
        def start(held: Booking, description: str, now: datetime) -> CheckoutLink:
            if held.due_minor <= 0:
                raise DomainError(ErrorCode.INVALID_REQUEST, "nothing to pay")
            return start_payment(SqlUnitOfWork(sessions), TEST_GATEWAY, held.id,
                                 description=description, success_url="https://bb.example/ok",
                                 cancel_url="https://bb.example/no", now=now)
        runner.start_payment = start
        runner.test_payments = True
    return ReplyRouter(runner, w.store, w.uow)


def say(r: ReplyRouter, text: str, sender: str = "42", *, action: str | None = None) -> list[Reply]:
    message = InboundMessage("telegram", sender, f"s{next(_ids)}", r.runner.clock(), text,
                             action=action)
    return r.handle(message)

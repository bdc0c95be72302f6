"""A salon whose services keep a card and charge fees, and a booking made with the card
saved through the Stripe double (hold -> setup-mode Checkout -> the signed event's effect)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from adapters.payments.events import translate
from adapters.payments.stripe_gateway import StripeGateway
from core.booking import Actor, Booking
from core.fees import Fee, FeePolicy
from core.model import Business, PaymentMode, Service
from core.money import Money
from core.payments import PaymentsUnitOfWork
from core.usecases import hold_slot
from core.usecases.payments import handle_payment_event, start_payment
from tests.db.helpers import make_business
from tests.payments.fake_stripe import FakeStripe

FLOW_FEES = FeePolicy(card_required=True, no_show=Fee(percent=50),
                      late_cancel=Fee(amount=Money(1000, "EUR")),
                      late_window=timedelta(hours=24))


def fee_business() -> Business:
    base = make_business()
    prepay = Service("keratin", "Keratin", timedelta(minutes=60), Money(4999, "EUR"),
                     Money(0, "EUR"), payment=PaymentMode.PREPAY)
    flow = Service("flow", "Flow", timedelta(minutes=60), Money(3000, "EUR"), Money(0, "EUR"),
                   fees=FLOW_FEES)
    balayage = Service("balayage", "Balayage", timedelta(minutes=90), Money(12000, "EUR"),
                       Money(3000, "EUR"), payment=PaymentMode.DEPOSIT,
                       fees=FeePolicy(card_required=True, no_show=Fee(percent=50)))
    alice = replace(base.providers[0], services=base.providers[0].services
                    | {"keratin", "flow", "balayage"})
    return replace(base, services=(*base.services, prepay, flow, balayage),
                   providers=(alice, *base.providers[1:]))


def stripe_event(kind: str, obj: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {"id": event_id, "object": "event", "type": kind, "livemode": False,
            "data": {"object": obj}}


def book_with_card(uow: Callable[[], PaymentsUnitOfWork], gateway: StripeGateway,
                   fake: FakeStripe, *, customer_id: str, start: datetime, now: datetime,
                   service: str = "flow") -> Booking:
    """Held, card saved on the Checkout page, confirmed by the (translated) webhook."""
    who = Actor("customer", customer_id, "telegram")
    held = hold_slot(uow(), service_key=service, provider_key="alice", start=start,
                     customer_id=customer_id, actor=who, now=now)
    link = start_payment(uow(), gateway, held.id, description=service,
                         success_url="https://bb.example/ok", cancel_url="https://bb.example/no",
                         now=now)
    session = fake.save_card(link.id) if service == "flow" else fake.pay(link.id)
    event = translate(stripe_event("checkout.session.completed", session, f"evt_{link.id}"))
    assert event is not None
    outcome = handle_payment_event(uow(), event, now=now)
    assert outcome.booking is not None
    return outcome.booking

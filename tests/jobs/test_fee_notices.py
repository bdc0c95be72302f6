"""Fees told once, on both backends, by the worker as ``bookingbot worker`` builds it: the
no-show fee charged from the saved card (the sweep charges it), the customer told; a
declined card told to the customer, to the owner's team channel and to the provider in
Slack."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Engine

from core.booking import Actor
from core.fees import ChargeResult, FeeStatus, SavedCard
from core.money import Money
from core.usecases import mark_no_show
from core.usecases.provider import booking_ref
from core.usecases.refunds import cancel_and_refund
from tests.jobs.conftest import at
from tests.jobs.harness import PROVIDER_CHANNEL, Clock, World, rules
from tests.jobs.seams import TEST_GATEWAY, checkout, hold, pay, settle, worker_world
from tests.payments.fee_kit import fee_business

ALICE = Actor("provider", "alice", "slack")


@dataclass
class DecliningGateway:
    """The test-mode gateway whose saved cards are all refused."""

    live = False

    def __getattr__(self, name: str) -> object:
        return getattr(TEST_GATEWAY, name)

    def charge_saved_card(self, card: SavedCard, *, amount: Money, description: str,
                          idempotency_key: str, metadata: dict[str, str]) -> ChargeResult:
        return ChargeResult(FeeStatus.DECLINED, "test_pi_refused", "card_declined")


def world(jengine: Engine, jobs_url: str, clock: Clock, gateway: object = TEST_GATEWAY) -> World:
    business = replace(fee_business(), rules=rules())
    return worker_world(jengine, jobs_url, clock, gateway=gateway,  # type: ignore[arg-type]
                        business=business)


def carded(w: World, customer: str) -> str:
    held = hold(w, customer, at(8, 10), service="flow")
    pay(w, checkout(w, held), held)
    return held.id


def texts(w: World, channel: str) -> list[str]:
    return [s.text for s in w.sent(channel)]


def test_no_show_fee_is_charged_by_the_sweep_and_told_once(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = world(jengine, jobs_url, clock)
    booking_id = carded(w, w.customer())
    clock.set(at(8, 10, 20))
    mark_no_show(w.uow(), booking_id, actor=ALICE, now=clock())
    mark_no_show(w.uow(), booking_id, actor=ALICE, now=clock())  # pressed twice
    settle(w)
    told = [t for t in texts(w, "telegram") if "no-show fee" in t]
    assert told == ["We missed you at Flow with Alice, Tue 8 Jan 10:00 AM GMT. A no-show fee "
                    "of 15.00 EUR was charged to your saved card."]


def test_a_late_cancellation_fee_is_told(jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = world(jengine, jobs_url, clock)
    ann = w.customer()
    booking_id = carded(w, ann)
    clock.set(at(8, 9))  # an hour before
    out = cancel_and_refund(w.uow(), TEST_GATEWAY, booking_id,
                            actor=Actor("customer", ann, "telegram"), now=clock())
    assert out.fee_minor == 1000
    settle(w)
    assert ("A late cancellation fee of 10.00 EUR for Flow with Alice, Tue 8 Jan 10:00 AM GMT "
            "was charged to your saved card.") in texts(w, "telegram")


def test_a_declined_card_is_told_to_the_customer_and_the_provider(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = world(jengine, jobs_url, clock, gateway=DecliningGateway())
    booking_id = carded(w, w.customer())
    clock.set(at(8, 10, 20))
    mark_no_show(w.uow(), booking_id, actor=ALICE, now=clock())
    settle(w)
    assert ("The no-show fee of 15.00 EUR for Flow with Alice, Tue 8 Jan 10:00 AM GMT could "
            "not be charged (the card was declined). Salon will contact you about it."
            ) in texts(w, "telegram")
    alerts = {s.address: s.text for s in w.sent("slack") if s.text.startswith("Fee not")}
    ref = booking_ref(booking_id)
    assert alerts == {  # the owner's team channel, and Alice's own Slack user, once each
        PROVIDER_CHANNEL: (
            "Fee not charged: the no-show fee of 15.00 EUR for Flow, Tue 8 Jan 10:00 AM GMT, "
            "Ann (telegram), with Alice, could not be charged (declined). The customer was "
            "told the business will contact them; the web admin lists it under Fees. "
            f"ref `{ref}`"),
        "U123": (
            "Fee not charged: the no-show fee of 15.00 EUR for Flow, Tue 8 Jan 10:00 AM GMT, "
            "Ann (telegram) could not be charged (declined). The customer was told you will "
            f"contact them. ref `{ref}`")}
    assert len([s for s in w.sent("slack") if s.text.startswith("Fee not")]) == 2

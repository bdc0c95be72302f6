"""The conversation opened from an entry point: the pure step over a "start:<payload>"
action, for plain and shortened payloads, unknown ones, and mid-flow."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.machine import step
from bot.messages import START_ACTION, InboundMessage
from bot.session import Offer, Purpose, Session, State
from bot.transition import Context
from core.entry_points import payload
from core.model import Service
from core.money import Money
from tests.bot.conftest import NOW, make_business


def opened(link: str, text: str = "") -> InboundMessage:
    return InboundMessage("telegram", "u1", "d1", NOW, text=text, action=START_ACTION + link)


def test_a_service_and_provider_link_asks_for_the_time(ctx: Context) -> None:
    t = step(Session(), opened("haircut__jordan", "haircut  jordan"), NOW, ctx)
    assert (t.session.state, t.session.purpose) == (State.ASK_TIME, Purpose.BOOK)
    assert (t.session.service_key, t.session.provider_key) == ("haircut", "jordan")
    assert t.replies[0].text.startswith("Haircut: when suits you? (EST time)")
    assert t.commands == ()


def test_the_question_is_in_the_conversations_language(ctx: Context) -> None:
    t = step(Session(lang="es"), opened("beard"), NOW, ctx)
    assert t.replies[0].text.startswith("Beard Trim: ¿cuándo te viene bien?")
    assert t.session.lang == "es"


def test_a_shortened_payload_is_looked_up_not_parsed() -> None:
    business = make_business()
    zero = Money(0, "USD")
    long_key = "x" * 70
    business = replace(business, services=(*business.services, Service(
        long_key, "Scalp Treatment", timedelta(minutes=30), zero, zero)))
    ctx = Context(business)
    link = payload(long_key)
    assert link != long_key
    assert len(link) <= 64
    t = step(Session(), opened(link), NOW, ctx)
    assert (t.session.state, t.session.service_key) == (State.ASK_TIME, long_key)


def test_unknown_payload_gets_the_greeting(ctx: Context) -> None:
    for link in ("nosuch", "colour__jordan", "haircut__zed"):
        t = step(Session(), opened(link, link), NOW, ctx)
        assert t.session.state is State.IDLE, link
        assert t.replies[0].text.startswith("Hi! "), link
        assert [c.payload for c in t.replies[0].choices][:2] == ["book", "list"]


def test_a_link_mid_flow_releases_the_hold_and_starts_over(ctx: Context) -> None:
    offer = Offer("alex", NOW + timedelta(days=1))
    confirming = Session(State.CONFIRM_BOOKING, Purpose.BOOK, service_key="beard",
                         offers=(offer,), chosen=offer, hold_id="h1", updated_at=NOW)
    t = step(confirming, opened("colour"), NOW, ctx)
    assert (t.session.state, t.session.service_key, t.session.hold_id) == (
        State.ASK_TIME, "colour", None)
    assert [type(c).__name__ for c in t.commands] == ["ReleaseHold"]

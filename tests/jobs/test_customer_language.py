"""Issue 14: business-initiated texts are written in the customer's stored language
(``customers.lang``): confirmations, reminders, refunds and waitlist offers, with the service
named in that language; a customer without one reads the business default. Both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Engine

from core.booking import Actor
from core.interval import Interval
from core.model import Languages
from core.usecases import cancel, join_waitlist
from tests.db.helpers import make_business
from tests.jobs.conftest import at
from tests.jobs.harness import Clock, World, make_world, rules
from tests.jobs.test_pipeline import settle

BUILT_IN = Languages()


def _world(jengine: Engine, clock: Clock, langs: Languages = BUILT_IN) -> World:
    base = make_business(rules=rules())
    cut = replace(base.services[0], names=(("es", "Corte de pelo"), ("de", "Haarschnitt")))
    business = replace(base, services=(cut, *base.services[1:]), languages=langs)
    return make_world(jengine, clock, business)


def _set_lang(w: World, customer_id: str, lang: str) -> None:
    with w.uow() as u:
        u.customers.set_lang(customer_id, lang, "explicit")
        u.commit()


def _texts(w: World, address: str) -> list[str]:
    return [s.text for s in w.sent("telegram") if s.address == address]


def test_a_stored_language_writes_every_notice(jengine: Engine, clock: Clock) -> None:
    w = _world(jengine, clock)
    ana = w.customer(sender="41", name="Ana")
    _set_lang(w, ana, "es")
    booked = w.book(ana, at(8, 9), paid=2500)
    settle(w)
    confirmed, paid = _texts(w, "41")
    assert confirmed.startswith("Confirmada: Corte de pelo")
    assert paid.startswith("Hemos recibido tu pago de")
    assert "Corte de pelo" in paid
    clock.set(at(7, 9))
    settle(w)
    assert _texts(w, "41")[-1].startswith("Recordatorio: Corte de pelo")
    cancel(w.uow(), booked.id, actor=Actor("provider", "alice", "slack"), now=clock())
    settle(w)
    said = _texts(w, "41")
    assert any(t.startswith("Cancelada: Corte de pelo") for t in said)
    assert any(t.startswith("Tu reembolso de") and "Corte de pelo" in t for t in said)


def test_a_waitlist_offer_in_the_waiters_language(jengine: Engine, clock: Clock) -> None:
    w = _world(jengine, clock)
    ann, bea = w.customer(sender="42"), w.customer(sender="43", name="Bea")
    _set_lang(w, bea, "de")
    join_waitlist(w.uow(), customer_id=bea, channel="telegram", service_key="cut",
                  provider_key="alice", window=Interval(at(10, 8), at(10, 18)), now=clock())
    gone = w.book(ann, at(10, 11))
    cancel(w.uow(), gone.id, actor=Actor("customer", ann, "telegram"), now=clock())
    settle(w)
    offer = _texts(w, "43")[-1]
    assert offer.startswith("Ein Termin ist frei geworden: Haarschnitt")
    assert _texts(w, "42")[0].startswith("Confirmed: Haircut")  # Ann has no language: English


def test_without_a_stored_language_the_business_default(jengine: Engine, clock: Clock) -> None:
    w = _world(jengine, clock, Languages("de", ("de", "en")))
    ann = w.customer(sender="42")
    w.book(ann, at(8, 9))
    clock.advance(timedelta(minutes=1))
    settle(w)
    assert _texts(w, "42")[0].startswith("Bestätigt: Haarschnitt")

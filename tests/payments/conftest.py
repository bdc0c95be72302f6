"""Both database backends (from tests/db), the Stripe double, and a small paying business."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import stripe
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette

from adapters.payments.stripe_gateway import StripeGateway
from adapters.payments.webhook import stripe_routes
from bookingbot.bootstrap import Database
from bookingbot.payments_wiring import event_handler
from core.booking import Actor, Booking
from core.model import PaymentMode, Service
from core.money import Money
from core.payments import CheckoutLink
from core.usecases import hold_slot
from core.usecases.payments import start_payment
from db.engine import make_engine
from db.uow import SqlPaymentsUnitOfWork, session_factory
from tests.db.conftest import backend, migrated_urls  # noqa: F401  (shared fixtures)
from tests.db.helpers import NOW, TABLES, make_business, seed
from tests.payments.fake_stripe import FakeStripe, running

SECRET = "whsec_test_secret"
START = datetime(2030, 1, 8, 10, 0, tzinfo=NOW.tzinfo)  # tomorrow 10:00 UTC (London 10:00)
PAYMENT_TABLES = ("payments", "refunds", "stripe_events", "fee_charges")
Uow = Callable[[], SqlPaymentsUnitOfWork]


def paying_business() -> Any:
    base = make_business()
    prepay = Service("keratin", "Keratin", timedelta(minutes=60), Money(4999, "EUR"),
                     Money(0, "EUR"), payment=PaymentMode.PREPAY)
    alice = replace(base.providers[0], services=base.providers[0].services | {"keratin"})
    return replace(base, services=(*base.services, prepay), providers=(alice, base.providers[1]))


@pytest.fixture
def engine(backend: str, migrated_urls: Callable[[str], str]) -> Iterator[Engine]:  # noqa: F811
    eng = make_engine(migrated_urls(backend))
    try:
        yield eng
    finally:
        with eng.begin() as conn:
            for table in (*PAYMENT_TABLES, *reversed(TABLES)):
                conn.execute(text(f"DELETE FROM {table}"))
        eng.dispose()


@pytest.fixture
def uow(engine: Engine) -> Uow:
    sessions = session_factory(engine)
    return lambda: SqlPaymentsUnitOfWork(sessions)


@pytest.fixture
def customer(uow: Uow) -> str:
    return seed(uow, paying_business())


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with running() as server:
        yield server


@pytest.fixture
def gateway(fake: FakeStripe) -> StripeGateway:
    # No library retries: each test decides exactly what the server answers.
    return StripeGateway("sk_test_bookingbot", api_base=fake.url, max_network_retries=0)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


class Client:
    """Requests at the ASGI app through httpx's ASGI transport (Starlette's TestClient
    wants the httpx2 package). The call returns after background tasks have run."""

    def __init__(self, app: Starlette) -> None:
        self._app = app

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return asyncio.run(self._request("POST", url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return asyncio.run(self._request("GET", url, **kwargs))

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self._app),
                                     base_url="http://testserver") as http:
            return await http.request(method, url, **kwargs)


@pytest.fixture
def client(engine: Engine, gateway: StripeGateway, clock: Clock) -> Client:
    db = Database(str(engine.url), engine, sessionmaker(engine, expire_on_commit=False))
    app = Starlette(routes=stripe_routes(webhook_secret=SECRET,
                                         handle_event=event_handler(db, gateway, clock)))
    return Client(app)


# --- helpers ---------------------------------------------------------------------------


def actor(customer_id: str) -> Actor:
    return Actor("customer", customer_id, "telegram")


def hold(uow: Uow, customer_id: str, *, start: datetime = START, service: str = "color",
         now: datetime = NOW) -> Booking:
    return hold_slot(uow(), service_key=service, provider_key="alice", start=start,
                     customer_id=customer_id, actor=actor(customer_id), now=now)


def checkout(uow: Uow, gateway: Any, booking: Booking, now: datetime = NOW) -> CheckoutLink:
    return start_payment(uow(), gateway, booking.id, description="Colour",
                         success_url="https://bb.example/stripe/return?result=paid",
                         cancel_url="https://bb.example/stripe/return?result=cancelled",
                         now=now)


def stripe_event(kind: str, obj: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {"id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event", "type": kind,
            "api_version": "2025-10-29.clover", "created": int(time.time()), "livemode": False,
            "pending_webhooks": 1, "data": {"object": obj}}


def post(client: Client, event: dict[str, Any], *, secret: str = SECRET,
         timestamp: int | None = None, body: str | None = None) -> Any:
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    return client.post("/stripe/webhook", content=body if body is not None else payload,
                       headers={"Stripe-Signature": header, "Content-Type": "application/json"})


def outbox(engine: Engine) -> list[tuple[str, dict[str, Any]]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, payload FROM outbox ORDER BY id")).all()
    return [(k, p if isinstance(p, dict) else json.loads(p)) for k, p in rows]


def kinds(engine: Engine) -> list[str]:
    return [k for k, _ in outbox(engine)]


def booking(uow: Uow, booking_id: str) -> Booking:
    with uow() as u:
        found = u.bookings.get(booking_id)
    assert found is not None
    return found

"""Payments in the composition root: configuration checks, the gateway, and the callables
the conversation, the web app and the jobs plug in (they never see Stripe or SQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from adapters.payments.stripe_gateway import StripeGateway
from adapters.payments.test_mode import TestModeGateway
from adapters.payments.webhook import MAX_BODY as STRIPE_MAX_BODY
from adapters.payments.webhook import PATH as STRIPE_PATH
from adapters.payments.webhook import RETURN_PATH, FollowUp, stripe_routes
from bookingbot.bootstrap import Database
from bookingbot.settings import Settings
from channels.mount import ChannelMount
from core.booking import Actor, Booking
from core.fees import CardGateway
from core.model import Business
from core.money import exponent
from core.payments import CheckoutLink, PaymentEvent, PaymentGateway, PaymentsUnitOfWork
from core.usecases.booking import CancelOutcome
from core.usecases.fees import charge_due_fees, charge_fees_for
from core.usecases.payments import handle_payment_event, start_payment
from core.usecases.refunds import cancel as plain_cancel
from core.usecases.refunds import cancel_and_refund, issue_refunds, retry_failed_refunds
from db.uow import SqlPaymentsUnitOfWork

TEST_MODE_ENV = "PAYMENTS_TEST_MODE"
Clock = Callable[[], datetime]


def payments_test_mode(settings: Settings) -> bool:
    """``PAYMENTS_TEST_MODE=true``: the console demo's gateway, which moves no money."""
    return settings.payments_test_mode


def _paying(business: Business) -> list[str]:
    paying = [f"{s.key} ({s.payment.value} {s.amount_due_upfront.format()})"
              for s in business.services if s.amount_due_upfront.amount_minor > 0]
    return paying + [f"{s.key} (card on file)" for s in business.services
                     if s.card_required and s.amount_due_upfront.amount_minor == 0]


def check_payment_config(business: Business, settings: Settings) -> list[str]:
    """Problems that must stop ``bookingbot setup``; empty when payments can work."""
    paying = _paying(business)
    if not paying:
        return []
    key = settings.stripe_secret_key.get_secret_value() if settings.stripe_secret_key else ""
    test_mode = payments_test_mode(settings)
    if test_mode:
        return ([f"{TEST_MODE_ENV} is on but STRIPE_SECRET_KEY is set too: choose one"]
                if key else [])
    if not key:
        return [f"services that take payment: {', '.join(paying)}; STRIPE_SECRET_KEY is not "
                f"set. Set it (README, 'Payments'), or set {TEST_MODE_ENV}=true for a demo "
                "in which no money moves, or change these services to payment: none."]
    return _stripe_problems(business, settings, key)


def _stripe_problems(business: Business, settings: Settings, key: str) -> list[str]:
    problems = []
    if not key.startswith(("sk_", "rk_")):
        problems.append("STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_...)")
    if not settings.stripe_webhook_secret:
        problems.append("STRIPE_WEBHOOK_SECRET is not set: payments would never be "
                        "confirmed (README, 'Payments', step 3)")
    if not settings.public_base_url:
        problems.append("PUBLIC_BASE_URL is not set: Stripe needs it for the webhook and "
                        "for the page customers return to after paying")
    if exponent(business.currency) == 3:
        odd = [s.key for s in business.services if s.amount_due_upfront.amount_minor % 10]
        if odd:
            problems.append(f"Stripe charges {business.currency} in steps of 0.010; amounts "
                            f"due for {', '.join(odd)} must end in 0")
    return problems


def build_payment_gateway(settings: Settings) -> PaymentGateway | None:
    """Stripe when a key is set; the test gateway only when test mode is asked for."""
    if settings.stripe_secret_key:
        return StripeGateway(settings.stripe_secret_key.get_secret_value(),
                             api_base=settings.stripe_api_base)
    if payments_test_mode(settings):
        return TestModeGateway()
    return None


def payments_uow(db: Database) -> Callable[[], PaymentsUnitOfWork]:
    return lambda: SqlPaymentsUnitOfWork(db.sessions, db.cache)


def return_urls(settings: Settings, booking_id: str) -> tuple[str, str]:
    base = (settings.public_base_url or "http://localhost").rstrip("/") + RETURN_PATH
    return (f"{base}?{urlencode({'result': 'paid', 'booking': booking_id})}",
            f"{base}?{urlencode({'result': 'cancelled', 'booking': booking_id})}")


def payment_starter(db: Database, gateway: PaymentGateway, settings: Settings
                    ) -> Callable[[Booking, str, datetime], CheckoutLink]:
    """For the conversation: ``start(hold, service_name, now) -> CheckoutLink``."""
    make = payments_uow(db)

    def start(hold: Booking, description: str, now: datetime) -> CheckoutLink:
        success, cancel = return_urls(settings, hold.id)
        return start_payment(make(), gateway, hold.id, description=description,
                             success_url=success, cancel_url=cancel, now=now)

    return start


def canceller(db: Database, gateway: PaymentGateway | None
              ) -> Callable[[str, Actor, datetime], CancelOutcome]:
    """For the conversation and the provider side: cancel and refund per the policy."""
    make = payments_uow(db)

    def cancel(booking_id: str, actor: Actor, now: datetime) -> CancelOutcome:
        if gateway is None:  # no payments configured: nothing can have been paid
            return plain_cancel(db.uow(), booking_id, actor=actor, now=now)
        return cancel_and_refund(make(), gateway, booking_id, actor=actor, now=now)

    return cancel


def event_handler(db: Database, gateway: PaymentGateway, clock: Clock
                  ) -> Callable[[PaymentEvent], FollowUp | None]:
    """The webhook's ``handle_event``: one transaction, refunds sent after the response."""
    make = payments_uow(db)

    def handle(event: PaymentEvent) -> FollowUp | None:
        outcome = handle_payment_event(make(), event, now=clock())
        if not outcome.refund_ids:
            return None

        def send_refunds() -> None:
            issue_refunds(make(), gateway, outcome.refund_ids, now=clock())

        return send_refunds

    return handle


def stripe_mount(settings: Settings, db: Database, gateway: PaymentGateway | None,
                 clock: Clock) -> ChannelMount | None:
    """``POST /stripe/webhook`` + ``GET /stripe/return``, when Stripe is configured."""
    if gateway is None or not settings.stripe_webhook_secret:
        return None
    routes = stripe_routes(webhook_secret=settings.stripe_webhook_secret.get_secret_value(),
                           handle_event=event_handler(db, gateway, clock))
    return ChannelMount("stripe", routes, body_limits={STRIPE_PATH: STRIPE_MAX_BODY})


def refund_sweep(db: Database, gateway: PaymentGateway, clock: Clock) -> Callable[[], int]:
    """For the jobs scheduler (every minute is plenty): retries due refunds."""
    make = payments_uow(db)
    fees = fee_sweep(db, gateway, clock)

    def sweep() -> int:  # fees owed (no-show, late cancel) go out with the same beat
        return len(retry_failed_refunds(make(), gateway, now=clock())) + fees()

    return sweep


def fee_sweep(db: Database, gateway: PaymentGateway, clock: Clock) -> Callable[[], int]:
    """For the jobs scheduler (with the refunds): charges fees that are owed and due."""
    make = payments_uow(db)
    if not isinstance(gateway, CardGateway):
        return lambda: 0
    cards = gateway
    return lambda: len(charge_due_fees(make(), cards, now=clock()))


def fee_charger(db: Database, gateway: PaymentGateway | None, clock: Clock
                ) -> Callable[[str], None] | None:
    """For the provider's desk and the admin: charge what a booking just came to owe at
    once (the sweep would too, a minute later)."""
    if not isinstance(gateway, CardGateway):
        return None
    make, cards = payments_uow(db), gateway

    def charge(booking_id: str) -> None:
        charge_fees_for(make(), cards, booking_id, now=clock())

    return charge

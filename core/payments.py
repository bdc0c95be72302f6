"""Payments as the core sees them: the gateway port, the records we keep, and pure rules.

Money moves through an outside gateway (Stripe, or the documented test mode); the booking
stays the single source of truth. Every call that moves money carries an idempotency key
derived here, so a retried call can never move it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from core.availability import Slot
from core.booking import Booking
from core.events import Event
from core.fees import FeeCharge, FeeStatus, FeeUpdate, SavedCard
from core.model import Service
from core.money import Money
from core.policy import CancellationPolicy, CancelledBy
from core.ports import UnitOfWork

# Stripe refuses a Checkout Session that lives less than 30 minutes or more than 24 hours.
# The margin absorbs the seconds between our clock and Stripe's.
MIN_CHECKOUT_LIFETIME = timedelta(minutes=30)
CHECKOUT_MARGIN = timedelta(minutes=1)
MAX_CHECKOUT_LIFETIME = timedelta(hours=23)
# Stripe replays a key's saved answer for 24 hours (even a 500, once its endpoint ran).
# Automatic retries stop inside that window, so a retry can never become a second refund;
# whatever still fails then is shown to the provider (RefundNeedsAttention).
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
                timedelta(hours=1), timedelta(hours=3), timedelta(hours=6))
# A claimed refund is not offered to another sweeper for this long (the call is in flight).
CLAIM_LEASE = timedelta(minutes=2)
SOURCE = "bookingbot"  # metadata marker: only sessions we created are acted upon


class PaymentStatus(StrEnum):
    OPEN = "open"  # checkout created, not paid yet
    PAID = "paid"
    EXPIRED = "expired"  # the session ran out unpaid


class RefundStatus(StrEnum):
    PENDING = "pending"  # decided and recorded; the gateway has not accepted it yet
    FAILED = "failed"  # the call failed; retried with the same key while next_attempt_at is set
    SUBMITTED = "submitted"  # the gateway accepted it; money is on its way
    SUCCEEDED = "succeeded"
    REJECTED = "rejected"  # the gateway refused it for good: a person must look


OPEN_REFUNDS = frozenset({RefundStatus.PENDING, RefundStatus.FAILED, RefundStatus.REJECTED})


class RefundReason(StrEnum):
    CANCELLED = "cancelled"  # the policy tier (customer) or 100 % (provider)
    UNBOOKABLE = "unbookable"  # paid for a slot we could not give: always 100 %
    EXTERNAL = "external"  # made outside bookingbot (the Stripe dashboard), recorded only


@dataclass(frozen=True)
class CheckoutLink:
    id: str
    url: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: RefundStatus  # SUBMITTED, SUCCEEDED or REJECTED


class GatewayError(Exception):
    """A gateway call failed. ``retryable`` is False when repeating it cannot help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class PaymentGateway(Protocol):
    live: bool  # False for Stripe test keys and the test mode: replies say "test payment"

    def create_checkout(self, booking: Booking, *, amount: Money, description: str,
                        success_url: str, cancel_url: str, expires_at: datetime,
                        idempotency_key: str, metadata: dict[str, str],
                        save_card: bool = False) -> CheckoutLink:
        """Create a hosted payment page; raises GatewayError. ``save_card``: keep the card
        for off-session fees (a zero ``amount`` then only saves it)."""

    def refund(self, payment_ref: str, *, amount_minor: int, idempotency_key: str,
               metadata: dict[str, str]) -> RefundResult:
        """Refund part or all of a payment; raises GatewayError."""


@dataclass(frozen=True)
class PaymentRecord:
    booking_id: str
    checkout_session_id: str
    amount_minor: int
    currency: str
    status: PaymentStatus
    created_at: datetime
    updated_at: datetime
    payment_intent: str | None = None
    url: str | None = None
    expires_at: datetime | None = None
    livemode: bool = False
    # The card this checkout saved for later fees (core.fees), when it saved one.
    customer_ref: str | None = None
    card_ref: str | None = None

    @property
    def saved_card(self) -> SavedCard | None:
        if self.status is not PaymentStatus.PAID or not self.customer_ref or not self.card_ref:
            return None
        return SavedCard(self.customer_ref, self.card_ref)


@dataclass(frozen=True)
class RefundRecord:
    id: str
    booking_id: str
    payment_intent: str
    amount_minor: int
    currency: str
    reason: RefundReason
    idempotency_key: str
    status: RefundStatus
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    gateway_refund_id: str | None = None


class PaymentRepository(Protocol):
    def seen_event(self, event_id: str, kind: str, now: datetime) -> bool:
        """Record a gateway event id; True if it was recorded before (a redelivery)."""

    def payment(self, checkout_session_id: str, *, for_update: bool = False
                ) -> PaymentRecord | None: ...

    def payments_for(self, booking_id: str) -> list[PaymentRecord]: ...

    def by_intent(self, payment_intent: str) -> PaymentRecord | None: ...

    def save_payment(self, record: PaymentRecord) -> None:
        """Insert or update by checkout session id."""

    def add_refund(self, refund: RefundRecord) -> bool:
        """Insert; False (and nothing written) when the idempotency key exists."""

    def refund(self, refund_id: str, *, for_update: bool = False) -> RefundRecord | None: ...

    def refund_by_gateway_id(self, gateway_refund_id: str) -> RefundRecord | None: ...

    def save_refund(self, refund: RefundRecord) -> None: ...

    def due_refunds(self, now: datetime, limit: int) -> list[RefundRecord]:
        """Pending/failed refunds due for an attempt, locked (others' rows skipped)."""

    def refunds_for(self, booking_id: str) -> list[RefundRecord]: ...

    def refunds_in(self, statuses: frozenset[RefundStatus]) -> list[RefundRecord]: ...

    # --- fee charges (core.fees): the same ledger, money taken off-session ---------------

    def add_fee(self, fee: FeeCharge) -> bool:
        """Insert; False (and nothing written) when the idempotency key exists."""

    def fee(self, fee_id: str, *, for_update: bool = False) -> FeeCharge | None: ...

    def save_fee(self, fee: FeeCharge) -> None: ...

    def fees_for(self, booking_id: str) -> list[FeeCharge]: ...

    def fees_in(self, statuses: frozenset[FeeStatus], limit: int) -> list[FeeCharge]:
        """Fee charges in these statuses, newest first (the admin's "not charged" list)."""

    def due_fees(self, now: datetime, limit: int) -> list[FeeCharge]:
        """Pending fee charges due for an attempt, locked (others' rows skipped)."""


# Every unit of work records payments and refunds (a cancellation may owe one).
PaymentsUnitOfWork = UnitOfWork


# --- what the gateway tells us (adapters translate their webhooks into these) ---------


@dataclass(frozen=True)
class CheckoutCompleted:
    event_id: str
    checkout_session_id: str
    booking_id: str
    payment_intent: str
    amount_minor: int
    currency: str
    livemode: bool = False
    customer_ref: str | None = None  # set when the checkout saved the card (core.fees)
    card_ref: str | None = None


@dataclass(frozen=True)
class CheckoutExpired:
    event_id: str
    checkout_session_id: str
    booking_id: str


@dataclass(frozen=True)
class RefundUpdate:
    gateway_refund_id: str
    payment_intent: str
    amount_minor: int
    currency: str
    status: RefundStatus
    refund_id: str | None  # our refund row's id, echoed back in the refund's metadata


@dataclass(frozen=True)
class RefundsUpdated:
    event_id: str
    refunds: tuple[RefundUpdate, ...]


PaymentEvent = CheckoutCompleted | CheckoutExpired | RefundsUpdated | FeeUpdate


# --- what we tell the rest of the system (outbox events) ------------------------------


@dataclass(frozen=True)
class PaymentExpired(Event):
    """The checkout ran out unpaid: tell the customer nothing was charged, offer a retry."""


@dataclass(frozen=True)
class LatePaymentRefunded(Event):
    """Paid after the slot went to someone else: full refund under way; apologise and
    offer ``alternatives`` (the nearest free slots for the same service)."""

    amount_minor: int
    currency: str
    alternatives: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class RefundNeedsAttention(Event):
    """A refund stopped being retried automatically: the provider must see it."""

    refund_id: str
    amount_minor: int
    currency: str
    last_error: str


# --- pure rules ------------------------------------------------------------------------


def amount_due(service: Service) -> Money:
    """The deposit or the full price, per the business file; zero when nothing is asked."""
    return service.amount_due_upfront


def checkout_expiry(hold_expires_at: datetime, now: datetime) -> datetime:
    """The session ends with the hold, but never sooner than the gateway allows."""
    earliest = now + MIN_CHECKOUT_LIFETIME + CHECKOUT_MARGIN
    return min(max(hold_expires_at, earliest), now + MAX_CHECKOUT_LIFETIME)


def cancellation_refund(policy: CancellationPolicy, *, paid: Money, refunded: Money,
                        starts_at: datetime, cancelled_at: datetime, by: CancelledBy) -> Money:
    """The policy tier at that instant applied to what is still held, in minor units."""
    return policy.refund(paid - refunded, starts_at=starts_at, cancelled_at=cancelled_at, by=by)


def checkout_key(booking_id: str) -> str:
    """One key per booking attempt: every new hold is a new booking id."""
    return f"bookingbot:checkout:{booking_id}"


def refund_key(reason: RefundReason, subject: str) -> str:
    """``subject`` is the booking (cancellation: once per booking) or the checkout session
    (unbookable payment: once per payment)."""
    return f"bookingbot:refund:{reason.value}:{subject}"


def next_retry(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed calls; None: stop and ask a person."""
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]

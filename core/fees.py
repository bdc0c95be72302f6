"""No-show and late-cancellation fees: the policy, the charge records, the card port. Pure.

A service may keep a card on file (saved by the payment step) and name a ``no_show_fee``
and a ``late_cancel_fee``: a fixed amount or a share of the booking's price. What the
customer already paid and keeps losing (a deposit the refund policy keeps) counts towards
the fee, so the fee is the most a missed or late-cancelled visit ever costs.

A fee is charged off-session from the saved card. One row per (booking, kind) in the
ledger (``fee_charges``), whose key is also the gateway's idempotency key: a second click,
a retried call or a repeated webhook can never charge twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, runtime_checkable

from core.events import Event
from core.money import Money

DEFAULT_LATE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Fee:
    """A fixed ``amount`` or ``percent`` of the booking's price (exactly one is set)."""

    amount: Money | None = None
    percent: int | None = None

    def __post_init__(self) -> None:
        if (self.amount is None) == (self.percent is None):
            raise ValueError("a fee is an amount or a percentage, not both")
        if self.percent is not None and not 0 < self.percent <= 100:
            raise ValueError("a fee percentage is 1..100")

    def of(self, price: Money) -> Money:
        if self.percent is not None:
            return price.percent(self.percent)
        assert self.amount is not None
        return Money(self.amount.amount_minor, price.currency)


@dataclass(frozen=True)
class FeePolicy:
    card_required: bool = False  # booking saves the customer's card (Stripe) first
    no_show: Fee | None = None
    late_cancel: Fee | None = None
    late_window: timedelta = DEFAULT_LATE_WINDOW  # a customer cancelling later pays late_cancel

    def is_late(self, *, starts_at: datetime, cancelled_at: datetime) -> bool:
        return self.late_cancel is not None and starts_at - cancelled_at < self.late_window


class FeeKind(StrEnum):
    NO_SHOW = "no_show"
    LATE_CANCEL = "late_cancel"


class FeeStatus(StrEnum):
    PENDING = "pending"  # recorded with the change that owes it; not charged yet
    SUCCEEDED = "succeeded"
    DECLINED = "declined"  # the card was refused: a person must follow up
    AUTH_REQUIRED = "authentication_required"  # the bank wants the customer present
    NO_CARD = "no_card"  # nothing on file to charge


CLOSED_FEES = frozenset({FeeStatus.SUCCEEDED, FeeStatus.DECLINED, FeeStatus.AUTH_REQUIRED,
                         FeeStatus.NO_CARD})
FAILED_FEES = frozenset({FeeStatus.DECLINED, FeeStatus.AUTH_REQUIRED, FeeStatus.NO_CARD})


@dataclass(frozen=True)
class SavedCard:
    """Where the card lives at the gateway: its customer and the intent that saved it."""

    customer_ref: str
    card_ref: str  # a SetupIntent or PaymentIntent id whose payment method is reused


@dataclass(frozen=True)
class FeeCharge:
    id: str
    booking_id: str
    kind: FeeKind
    amount_minor: int
    currency: str
    idempotency_key: str
    status: FeeStatus
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    gateway_charge_id: str | None = None


@dataclass(frozen=True)
class ChargeResult:
    status: FeeStatus  # SUCCEEDED, DECLINED or AUTH_REQUIRED
    charge_id: str | None = None
    code: str | None = None  # the gateway's reason, e.g. "card_declined"


@runtime_checkable
class CardGateway(Protocol):
    def charge_saved_card(self, card: SavedCard, *, amount: Money, description: str,
                          idempotency_key: str, metadata: dict[str, str]) -> ChargeResult:
        """Charge off-session; a refusal is a result, a failed call raises GatewayError."""


@dataclass(frozen=True)
class FeeUpdate:
    """The gateway's later word on a fee charge (its webhook), keyed by our row id."""

    event_id: str
    fee_id: str
    charge_id: str
    status: FeeStatus
    code: str | None = None


@dataclass(frozen=True)
class FeeCharged(Event):
    kind: str
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class FeeChargeFailed(Event):
    """The fee could not be charged: the customer is told, the provider must follow up."""

    kind: str
    amount_minor: int
    currency: str
    reason: str  # a FeeStatus value


def fee_key(booking_id: str, kind: FeeKind) -> str:
    """Booking id + kind: one charge per booking and kind, whoever asks how often."""
    return f"bookingbot:fee:{kind.value}:{booking_id}"


def fee_due(fee: Fee | None, *, price: Money, kept: Money) -> Money:
    """The fee less what the customer already loses (a kept deposit); never negative."""
    if fee is None:
        return Money.zero(price.currency)
    owed = fee.of(price) - kept
    return owed if owed.amount_minor > 0 else Money.zero(price.currency)

"""Tables of the jobs pipeline: stored notifications and waitlist offers (migration 0003).

No foreign keys to bookings or customers: like the audit trail, these rows are a record of
what was said and must outlive (and never block deleting) what they talk about.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from db.tables import Base, BigId
from db.types import UTCDateTime

NOTIFICATION_STATUSES = ("pending", "sending", "sent", "failed", "dead", "skipped", "obsolete")
DUE_STATUSES = ("pending", "failed", "sending")  # "sending": due again once its lease ran out
OFFER_STATUSES = ("open", "accepted", "declined", "expired")


def in_list(values: tuple[str, ...]) -> str:
    """``('a', 'b')`` as SQL, for constraints and index predicates (our own constants)."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


NOTIFICATIONS = Table(
    "notifications", Base.metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(255), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("audience", String(16), nullable=False),
    Column("booking_id", String(36), nullable=True),
    Column("start_at", UTCDateTime(), nullable=True),
    Column("offset_s", Integer, nullable=True),
    Column("channel", String(32), nullable=False),
    Column("address", String(255), nullable=False),
    Column("customer_id", String(36), nullable=True),  # re-checked for opt-out at delivery
    Column("quiet_tz", String(64), nullable=True),  # SMS quiet hours apply in this zone
    Column("text", Text, nullable=False),
    Column("choices", JSON, nullable=False),
    # {"lang": ..., "variables": [...]}: what a WhatsApp template needs (migration 0009)
    Column("template", JSON, nullable=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("claim_token", String(36), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UTCDateTime(), nullable=True),
    Column("provider_message_id", String(255), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    # The HTTP request the notification follows from (core.tracing; migration 0029).
    Column("request_id", String(64), nullable=True),
    CheckConstraint(f"status IN {in_list(NOTIFICATION_STATUSES)}", name="status"),
    UniqueConstraint("idempotency_key", name="uq_notifications_idempotency_key"),
    # Claims read due rows in this order and stop after one batch (migration 0011).
    Index("ix_notifications_due", "next_attempt_at", "id",
          postgresql_where=text(f"status IN {in_list(DUE_STATUSES)}"),
          sqlite_where=text(f"status IN {in_list(DUE_STATUSES)}")),
    Index("ix_notifications_booking_kind", "booking_id", "kind"),
)

WAITLIST_OFFERS = Table(
    "waitlist_offers", Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("entry_id", String(36), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("booking_id", String(36), nullable=False),
    Column("provider_key", String(64), nullable=False),
    Column("service_key", String(64), nullable=False),
    Column("start_at", UTCDateTime(), nullable=False),
    Column("end_at", UTCDateTime(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("offered_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("decided_at", UTCDateTime(), nullable=True),
    CheckConstraint(f"status IN {in_list(OFFER_STATUSES)}", name="status"),
    UniqueConstraint("booking_id", name="uq_waitlist_offers_booking_id"),
    Index("ix_waitlist_offers_slot", "provider_key", "start_at"),
    Index("ix_waitlist_offers_status_expires", "status", "expires_at"),
    Index("ix_waitlist_offers_customer_status", "customer_id", "status"),
)

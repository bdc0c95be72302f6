"""Jobs: stored notifications (idempotency key, retries) and waitlist offers.

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NOTIFICATION_STATUSES = "('pending', 'sending', 'sent', 'failed', 'dead', 'skipped', 'obsolete')"
OFFER_STATUSES = "('open', 'accepted', 'declined', 'expired')"


def _notifications() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=True),
        sa.Column("start_at", TS, nullable=True),
        sa.Column("offset_s", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=True),
        sa.Column("quiet_tz", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("claim_token", sa.String(36), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("provider_message_id", sa.String(255), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint(f"status IN {NOTIFICATION_STATUSES}",
                           name=op.f("ck_notifications_status")),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.UniqueConstraint("idempotency_key", name="uq_notifications_idempotency_key"),
    )
    op.create_index("ix_notifications_status_next", "notifications", ["status", "next_attempt_at"])
    op.create_index("ix_notifications_booking_kind", "notifications", ["booking_id", "kind"])


def _offers() -> None:
    op.create_table(
        "waitlist_offers",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("provider_key", sa.String(64), nullable=False),
        sa.Column("service_key", sa.String(64), nullable=False),
        sa.Column("start_at", TS, nullable=False),
        sa.Column("end_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("offered_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        sa.CheckConstraint(f"status IN {OFFER_STATUSES}", name=op.f("ck_waitlist_offers_status")),
        sa.PrimaryKeyConstraint("id", name="pk_waitlist_offers"),
        sa.UniqueConstraint("booking_id", name="uq_waitlist_offers_booking_id"),
    )
    op.create_index("ix_waitlist_offers_slot", "waitlist_offers", ["provider_key", "start_at"])
    op.create_index("ix_waitlist_offers_status_expires", "waitlist_offers",
                    ["status", "expires_at"])
    op.create_index("ix_waitlist_offers_customer_status", "waitlist_offers",
                    ["customer_id", "status"])


def upgrade() -> None:
    _notifications()
    _offers()


def downgrade() -> None:
    op.drop_table("waitlist_offers")  # indexes go with their table
    op.drop_table("notifications")

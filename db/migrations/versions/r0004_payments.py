"""Payments: checkout sessions, refunds (with retry state) and processed Stripe events.

Revision ID: 0004
Revises: 0003
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("booking_id", sa.String(255), nullable=False),
        sa.Column("checkout_session_id", sa.String(255), nullable=False),
        sa.Column("payment_intent", sa.String(255), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("status IN ('open', 'paid', 'expired')",
                           name=op.f("ck_payments_status")),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.UniqueConstraint("checkout_session_id", name="uq_payments_checkout_session_id"),
    )
    op.create_index("ix_payments_booking", "payments", ["booking_id"])
    op.create_index("ix_payments_intent", "payments", ["payment_intent"])
    op.create_table(
        "refunds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("booking_id", sa.String(255), nullable=False),
        sa.Column("payment_intent", sa.String(255), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("gateway_refund_id", sa.String(255), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'failed', 'submitted', 'succeeded', 'rejected')",
            name=op.f("ck_refunds_status")),
        sa.PrimaryKeyConstraint("id", name="pk_refunds"),
        sa.UniqueConstraint("idempotency_key", name="uq_refunds_idempotency_key"),
    )
    # The retry sweep reads due rows by (status, next_attempt_at).
    op.create_index("ix_refunds_status_next", "refunds", ["status", "next_attempt_at"])
    op.create_index("ix_refunds_booking", "refunds", ["booking_id"])
    op.create_index("ix_refunds_gateway_id", "refunds", ["gateway_refund_id"])
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("processed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stripe_events"),
    )


def downgrade() -> None:
    op.drop_table("stripe_events")
    op.drop_table("refunds")
    op.drop_table("payments")

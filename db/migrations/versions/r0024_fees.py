"""No-show and late-cancellation fees (core.fees).

* ``payments.customer_ref`` / ``card_ref``: the card a checkout saved for later fees (the
  Stripe customer and the SetupIntent or PaymentIntent that saved it).
* ``fee_charges``: one row per booking and kind, unique by its idempotency key (booking id +
  kind), so a fee is owed -- and charged -- at most once whoever asks how often.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TS = UTCDateTime()
STATUSES = "('pending', 'succeeded', 'declined', 'authentication_required', 'no_card')"


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("customer_ref", sa.String(255), nullable=True))
        batch.add_column(sa.Column("card_ref", sa.String(255), nullable=True))
    op.create_table(
        "fee_charges",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("booking_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("gateway_charge_id", sa.String(255), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(f"status IN {STATUSES}", name=op.f("ck_fee_charges_status")),
        sa.CheckConstraint("kind IN ('no_show', 'late_cancel')", name=op.f("ck_fee_charges_kind")),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_fee_charges_amount_positive")),
        sa.PrimaryKeyConstraint("id", name="pk_fee_charges"),
        sa.UniqueConstraint("idempotency_key", name="uq_fee_charges_idempotency_key"),
    )
    # The charge sweep reads due rows by (status, next_attempt_at).
    op.create_index("ix_fee_charges_status_next", "fee_charges", ["status", "next_attempt_at"])
    op.create_index("ix_fee_charges_booking", "fee_charges", ["booking_id"])


def downgrade() -> None:
    op.drop_table("fee_charges")
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("card_ref")
        batch.drop_column("customer_ref")

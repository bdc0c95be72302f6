"""Confirmation deadlines (core.confirmations): the customers' confirmations ahead.

``attendance_confirmations``: one row per booking its customer confirmed (a reminder's "C").
A booking of a service with a deadline, asked by a reminder and without a row here when
the deadline passes, is released by the expiry sweep.

Revision ID: 0031
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0031"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attendance_confirmations",
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("booking_id", name="pk_attendance_confirmations"),
    )


def downgrade() -> None:
    op.drop_table("attendance_confirmations")

"""Intake questions (core.intake): the answers kept on bookings.

``booking_answers``: one row per booking and question, with the question's text as it was
asked (a snapshot: editing the business file later never changes an old answer's meaning).
The questions themselves live in the service row's ``options`` JSON (no column).

Revision ID: 0027
Revises: 0028
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0027"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_answers",
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("question_key", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("answer", sa.String(1000), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE",
                                name="fk_booking_answers_booking_id_bookings"),
        sa.PrimaryKeyConstraint("booking_id", "question_key", name="pk_booking_answers"),
    )


def downgrade() -> None:
    op.drop_table("booking_answers")

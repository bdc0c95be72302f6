"""The rate limit shared by every web process: one counter row per sender.

Revision ID: 0025
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0025"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("sender_key", sa.String(300), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("sender_key", name="pk_rate_limits"),
    )


def downgrade() -> None:
    op.drop_table("rate_limits")

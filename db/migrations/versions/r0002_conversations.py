"""Conversation sessions keyed by (channel, sender) and processed inbound deliveries.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation_sessions",
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("channel", "sender_id", name="pk_conversation_sessions"),
    )
    op.create_table(
        "processed_deliveries",
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("delivery_id", sa.String(255), nullable=False),
        sa.Column("processed_at", TS, nullable=False),
        sa.Column("reply", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "delivery_id", name="pk_processed_deliveries"),
    )
    # A retention sweep deletes old deliveries by age.
    op.create_index("ix_processed_deliveries_processed_at", "processed_deliveries",
                    ["processed_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_deliveries_processed_at", table_name="processed_deliveries")
    op.drop_table("processed_deliveries")
    op.drop_table("conversation_sessions")

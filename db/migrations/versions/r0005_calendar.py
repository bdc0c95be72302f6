"""Calendar sync: providers' calendar links, sync state per provider, events we wrote.

Revision ID: 0005
Revises: 0004
Create Date: 2025-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("providers", sa.Column("calendar", sa.JSON(), nullable=True))
    op.create_table(
        "calendar_sync_state",
        sa.Column("provider_key", sa.String(64), nullable=False),
        sa.Column("last_attempt_at", TS, nullable=True),
        sa.Column("last_success_at", TS, nullable=True),
        sa.Column("last_failure_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failing_since", TS, nullable=True),
        sa.Column("alerted", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("blocks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("provider_key", name="pk_calendar_sync_state"),
    )
    op.create_table(
        "calendar_events",
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("provider_key", sa.String(64), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("start_at", TS, nullable=False),
        sa.Column("end_at", TS, nullable=False),
        sa.Column("synced_at", TS, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("booking_id", name="pk_calendar_events"),
    )
    op.create_index("ix_calendar_events_provider", "calendar_events", ["provider_key"])


def downgrade() -> None:
    op.drop_table("calendar_events")  # its index goes with it
    op.drop_table("calendar_sync_state")
    # SQLite >= 3.35 drops a column natively; batch mode would rebuild a referenced table.
    op.drop_column("providers", "calendar")

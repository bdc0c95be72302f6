"""Indexes for the hot paths: due notifications, reminder candidates.

* ``ix_notifications_due`` (partial: only rows that may still be sent) replaces
  ``ix_notifications_status_next``: the claim reads due rows in (next_attempt_at, id)
  order and stops after one batch, instead of sorting every due row on every claim.
* ``ix_bookings_confirmed_start`` (partial: confirmed only): the reminder planner pages
  through upcoming confirmed bookings by (start_at, id) and stops after one page,
  instead of reading every held/confirmed booking through the exclusion constraint's index.

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0005"
branch_labels = None
depends_on = None

DUE = sa.text("status IN ('pending', 'failed', 'sending')")
CONFIRMED = sa.text("status = 'confirmed'")


def upgrade() -> None:
    op.drop_index("ix_notifications_status_next", table_name="notifications")
    op.create_index("ix_notifications_due", "notifications", ["next_attempt_at", "id"],
                    postgresql_where=DUE, sqlite_where=DUE)
    op.create_index("ix_bookings_confirmed_start", "bookings", ["start_at", "id"],
                    postgresql_where=CONFIRMED, sqlite_where=CONFIRMED)


def downgrade() -> None:
    op.drop_index("ix_bookings_confirmed_start", table_name="bookings")
    op.drop_index("ix_notifications_due", table_name="notifications")
    op.create_index("ix_notifications_status_next", "notifications", ["status", "next_attempt_at"])

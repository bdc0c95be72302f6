"""Busy blocks (time off, calendar events) found by an index, however long the history.

"Which busy blocks overlap this window" was ``start_at < :end AND end_at > :start``, which
no B-tree can bound from below: PostgreSQL read every block the provider ever had before
the window's end. Busy blocks, unlike bookings, may be long (a month of holiday, a
multi-week calendar event), so the bookings' 7-day bound cannot simply be imposed. The
query is two disjoint parts instead (``db.repositories.SqlBusyRepository.busy``):

* blocks starting in the window widened by 7 days: a range on the existing
  ``ix_busy_blocks_provider_start (provider_key, start_at, end_at)``;
* longer blocks that started before that: ``ix_busy_blocks_long`` (new), a partial index
  on ``(provider_key, end_at, start_at)`` (covering) holding only blocks over 7 days
  (few: holidays).

Revision ID: 0018
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0006"
branch_labels = None
depends_on = None

# The same predicate texts as db.tables (the planners match a partial index by its text).
LONG_PG = "end_at - start_at > interval '7 days'"
LONG_SQLITE = "julianday(end_at) - julianday(start_at) > 7"


def upgrade() -> None:
    op.create_index("ix_busy_blocks_long", "busy_blocks", ["provider_key", "end_at", "start_at"],
                    postgresql_where=sa.text(LONG_PG), sqlite_where=sa.text(LONG_SQLITE))


def downgrade() -> None:
    op.drop_index("ix_busy_blocks_long", table_name="busy_blocks")

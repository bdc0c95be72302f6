"""The hot paths: due notifications, reminder candidates, bounded booking blocks.

* ``ix_notifications_due`` (partial: only rows that may still be sent) replaces
  ``ix_notifications_status_next``: the claim reads due rows in (next_attempt_at, id)
  order and stops after one batch, instead of sorting every due row on every claim.
* ``ix_bookings_confirmed_start`` (partial: confirmed only): the reminder planner pages
  through upcoming confirmed bookings by (start_at, id) and stops after one page,
  instead of reading every held/confirmed booking through the exclusion constraint's index.
* An occupying (held/confirmed) booking's block lasts at most 7 days (``core.booking.
  MAX_BLOCK``). That bound makes "which bookings overlap this window" a range on
  ``block_start`` (``block_start > window.start - 7 days``) that the B-tree
  ``ix_bookings_provider_block`` answers, instead of every booking the provider ever had
  before the window's end. PostgreSQL: a CHECK constraint. SQLite: the overlap triggers are
  re-created with the same bound in their lookup (the same full-history scan on every
  write otherwise) and refuse a longer block (``block_too_long``).

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

MAX_BLOCK_DAYS = 7  # core.booking.MAX_BLOCK
PG_CHECK = ("ALTER TABLE bookings ADD CONSTRAINT ck_bookings_block_bounded CHECK "
            f"(status NOT IN ('held', 'confirmed') OR "
            f"block_end - block_start <= interval '{MAX_BLOCK_DAYS} days')")


def _sqlite_triggers(bounded: bool) -> list[str]:
    """The overlap triggers of migration 0001, with (or, for the downgrade, without) the
    block bound. Stored instants are fixed-width UTC text, so text order is time order; the
    bound text ('.SSS') sorts before the stored value at the same second ('.SSSSSS'), so the
    lookup is, if anything, a little wider than needed."""
    lookup = ("AND b.block_start > strftime('%Y-%m-%d %H:%M:%f', NEW.block_start, "
              f"'-{MAX_BLOCK_DAYS} days') " if bounded else "")
    too_long = (f"SELECT RAISE(ABORT, 'block_too_long') WHERE julianday(NEW.block_end) - "
                f"julianday(NEW.block_start) > {MAX_BLOCK_DAYS};" if bounded else "")
    head = {"insert": "BEFORE INSERT ON bookings",
            "update": "BEFORE UPDATE OF provider_key, block_start, block_end, status ON bookings"}
    other = {"insert": "", "update": "b.id <> OLD.id AND "}
    return [f"""
    CREATE TRIGGER bookings_no_overlap_{kind} {head[kind]}
    WHEN NEW.status IN ('held', 'confirmed')
    BEGIN
        {too_long}
        SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS (
            SELECT 1 FROM bookings AS b
            WHERE {other[kind]}b.provider_key = NEW.provider_key
              AND b.status IN ('held', 'confirmed') {lookup}
              AND b.block_start < NEW.block_end AND NEW.block_start < b.block_end);
    END
    """ for kind in ("insert", "update")]  # noqa: S608 (our own constants only)


def _bound_blocks(bounded: bool) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_CHECK if bounded else
                   "ALTER TABLE bookings DROP CONSTRAINT ck_bookings_block_bounded")
    elif dialect == "sqlite":
        for kind in ("insert", "update"):
            op.execute(f"DROP TRIGGER bookings_no_overlap_{kind}")
        for ddl in _sqlite_triggers(bounded):
            op.execute(ddl)


DUE = sa.text("status IN ('pending', 'failed', 'sending')")
CONFIRMED = sa.text("status = 'confirmed'")


def upgrade() -> None:
    op.drop_index("ix_notifications_status_next", table_name="notifications")
    op.create_index("ix_notifications_due", "notifications", ["next_attempt_at", "id"],
                    postgresql_where=DUE, sqlite_where=DUE)
    op.create_index("ix_bookings_confirmed_start", "bookings", ["start_at", "id"],
                    postgresql_where=CONFIRMED, sqlite_where=CONFIRMED)
    _bound_blocks(True)


def downgrade() -> None:
    _bound_blocks(False)
    op.drop_index("ix_bookings_confirmed_start", table_name="bookings")
    op.drop_index("ix_notifications_due", table_name="notifications")
    op.create_index("ix_notifications_status_next", "notifications", ["status", "next_attempt_at"])

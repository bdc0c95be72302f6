# ruff: noqa: S608 - DDL built from this file's own constants, never from input
"""A class may need a room: one room per session, shared by its seats, never by two sessions.

* ``resource_bookings.session_key``: the booking's session (a class session's key, or a
  one-to-one booking's own id, as in ``bookings``), carried by the cascading foreign key,
  which now covers ``bookings (id, status, block_start, block_end, session_key)`` (its unique
  index replaces migration 0023's), so the copy cannot drift from the booking.
* The resource guard, as the provider guard of migration 0012: two occupying rows on one
  resource over overlapping blocks are refused *unless they belong to the same session* --
  the seats of one class share its room, a second session (of any provider) or a one-to-one
  booking is refused. PostgreSQL: the exclusion constraint gains ``session_key WITH <>``;
  SQLite: the triggers gain the same test (the table is rebuilt for the new foreign key).

Revision ID: 0028
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0028"
down_revision = "0021"
branch_labels = None
depends_on = None

OCC = "('held', 'confirmed')"
MAX_BLOCK_DAYS = 7  # core.booking.MAX_BLOCK
FK = "fk_resource_bookings_booking_id_bookings"
OLD_INDEX, NEW_INDEX = "uq_bookings_id_status_block", "uq_bookings_id_status_block_session"
BLOCK = ["id", "status", "block_start", "block_end"]
EXCLUSION = "resource_bookings_no_overlap"


def _pg_exclusion(shared: bool) -> str:
    same = ", session_key WITH <>" if shared else ""
    return (f"ALTER TABLE resource_bookings ADD CONSTRAINT {EXCLUSION} EXCLUDE USING gist "
            f"(resource_key WITH =, tstzrange(block_start, block_end, '[)') WITH &&{same}) "
            f"WHERE (status IN {OCC})")


def _pg_serialise_trigger(shared: bool) -> str:
    cols = "resource_key, block_start, block_end, status" + (", session_key" if shared else "")
    return (f"CREATE TRIGGER resource_bookings_serialise BEFORE INSERT OR UPDATE OF {cols} "
            "ON resource_bookings FOR EACH ROW EXECUTE FUNCTION resource_bookings_serialise()")


def _sqlite_guard(shared: bool) -> list[str]:
    """Migration 0023's triggers; with ``shared`` rows of one session do not clash."""
    lookup = ("AND r.block_start > strftime('%Y-%m-%d %H:%M:%f', NEW.block_start, "
              f"'-{MAX_BLOCK_DAYS} days')")
    same = " AND r.session_key <> NEW.session_key" if shared else ""
    cols = "resource_key, block_start, block_end, status" + (", session_key" if shared else "")
    head = {"insert": "BEFORE INSERT ON resource_bookings",
            "update": f"BEFORE UPDATE OF {cols} ON resource_bookings"}
    other = {"insert": "", "update": "NOT (r.booking_id = OLD.booking_id AND r.kind = OLD.kind) "
                                     "AND "}
    return [f"""
    CREATE TRIGGER resource_bookings_no_overlap_{kind} {head[kind]}
    WHEN NEW.status IN {OCC}
    BEGIN
        SELECT RAISE(ABORT, 'slot_taken: resource') WHERE EXISTS (
            SELECT 1 FROM resource_bookings AS r
            WHERE {other[kind]}r.resource_key = NEW.resource_key
              AND r.status IN {OCC} {lookup}{same}
              AND r.block_start < NEW.block_end AND NEW.block_start < r.block_end);
    END
    """ for kind in ("insert", "update")]


def _sqlite_table(name: str, shared: bool) -> None:
    """resource_bookings as migration 0023 made it, with ``session_key`` when ``shared``."""
    local = ["booking_id", "status", "block_start", "block_end"]
    remote = [f"bookings.{c}" for c in BLOCK]
    extra = [sa.Column("session_key", sa.String(200), nullable=False)] if shared else []
    if shared:
        local, remote = [*local, "session_key"], [*remote, "bookings.session_key"]
    op.create_table(
        name,
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("resource_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("block_start", UTCDateTime(), nullable=False),
        sa.Column("block_end", UTCDateTime(), nullable=False),
        *extra,
        sa.CheckConstraint("block_end > block_start", name="ck_resource_bookings_not_empty"),
        sa.ForeignKeyConstraint(local, remote, name=FK, onupdate="CASCADE", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_key", "kind"], ["resources.key", "resources.kind"],
                                name="fk_resource_bookings_resource_key_resources"),
        sa.PrimaryKeyConstraint("booking_id", "kind", name="pk_resource_bookings"),
    )


def _sqlite_rebuild(shared: bool) -> None:
    for kind in ("insert", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS resource_bookings_no_overlap_{kind}")
    _sqlite_table("resource_bookings_next", shared)
    cols = "r.booking_id, r.kind, r.resource_key, r.status, r.block_start, r.block_end"
    if shared:
        op.execute(f"INSERT INTO resource_bookings_next SELECT {cols}, b.session_key "
                   "FROM resource_bookings AS r JOIN bookings AS b ON b.id = r.booking_id")
    else:
        op.execute(f"INSERT INTO resource_bookings_next SELECT {cols} FROM resource_bookings AS r")
    op.drop_table("resource_bookings")
    op.rename_table("resource_bookings_next", "resource_bookings")
    op.create_index("ix_resource_bookings_resource_block", "resource_bookings",
                    ["resource_key", "block_start", "block_end"])
    for ddl in _sqlite_guard(shared):
        op.execute(ddl)


def _pg_switch(shared: bool) -> None:
    op.execute(f"ALTER TABLE resource_bookings DROP CONSTRAINT {EXCLUSION}")
    op.execute("DROP TRIGGER resource_bookings_serialise ON resource_bookings")
    op.drop_constraint(FK, "resource_bookings", type_="foreignkey")
    local = ["booking_id", "status", "block_start", "block_end"]
    remote = list(BLOCK)
    if shared:
        local, remote = [*local, "session_key"], [*remote, "session_key"]
    op.create_foreign_key(FK, "resource_bookings", "bookings", local, remote,
                          onupdate="CASCADE", ondelete="CASCADE")
    op.execute(_pg_exclusion(shared))
    op.execute(_pg_serialise_trigger(shared))


def upgrade() -> None:
    op.create_index(NEW_INDEX, "bookings", [*BLOCK, "session_key"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("resource_bookings", sa.Column("session_key", sa.String(200)))
        op.execute("UPDATE resource_bookings AS r SET session_key = b.session_key "
                   "FROM bookings AS b WHERE b.id = r.booking_id")
        op.alter_column("resource_bookings", "session_key", nullable=False)
        _pg_switch(shared=True)
    else:
        _sqlite_rebuild(shared=True)
    op.drop_index(OLD_INDEX, table_name="bookings")


def downgrade() -> None:
    op.create_index(OLD_INDEX, "bookings", BLOCK, unique=True)
    if op.get_bind().dialect.name == "postgresql":
        _pg_switch(shared=False)
        op.drop_column("resource_bookings", "session_key")
    else:
        _sqlite_rebuild(shared=False)
    op.drop_index(NEW_INDEX, table_name="bookings")

# ruff: noqa: S608 - DDL built from this file's own constants, never from input
"""Classes: seats counted against a capacity, in the database.

* ``services.options``: the service's class settings (and later per-service options) as JSON.
* ``bookings.session_key`` (NOT NULL; a one-to-one booking's own id), ``seats``, ``capacity``
  (NULL: one-to-one). The overlap guard now refuses two occupying blocks of one provider
  *unless they belong to the same session*: on PostgreSQL the exclusion constraint gains
  ``session_key WITH <>`` (btree_gist); on SQLite the overlap triggers gain the same test.
  A one-to-one booking's key is its id, so it still clashes with everything.
* ``class_sessions``: one counter row per session, ``taken`` seats, ``CHECK (taken BETWEEN 0
  AND capacity)``, kept by triggers on ``bookings`` (insert, status/session/seats change,
  delete). The (N+1)-th seat makes the counter's CHECK fail, so the booking's INSERT or
  UPDATE fails with it, whatever the application did or forgot. On PostgreSQL the
  counter's UPDATE takes its row lock, so concurrent seat takers queue on the row and each
  re-checks the value committed before it.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

OCC = "('held', 'confirmed')"
MAX_BLOCK_DAYS = 7

PG_EXCLUSION_OLD = ("ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
                    "(provider_key WITH =, tstzrange(block_start, block_end, '[)') WITH &&) "
                    f"WHERE (status IN {OCC})")
PG_EXCLUSION_NEW = ("ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
                    "(provider_key WITH =, tstzrange(block_start, block_end, '[)') WITH &&, "
                    f"session_key WITH <>) WHERE (status IN {OCC})")

PG_SEATS = (  # our own constants only, no input
    f"""
    CREATE FUNCTION bookings_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.capacity IS NOT NULL
           AND OLD.status IN {OCC} THEN
            UPDATE class_sessions SET taken = taken - OLD.seats
             WHERE session_key = OLD.session_key;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.capacity IS NOT NULL
           AND NEW.status IN {OCC} THEN
            INSERT INTO class_sessions (session_key, capacity, taken)
            VALUES (NEW.session_key, NEW.capacity, NEW.seats)
            ON CONFLICT (session_key) DO UPDATE SET taken = class_sessions.taken + EXCLUDED.taken;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER bookings_count_seats
    AFTER INSERT OR DELETE OR UPDATE OF status, session_key, seats, capacity ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_count_seats()
    """,
    "ALTER TABLE bookings ADD CONSTRAINT ck_bookings_seats_positive CHECK (seats >= 1)",
)

_RELEASE = (f"UPDATE class_sessions SET taken = taken - OLD.seats "
            f"WHERE session_key = OLD.session_key AND OLD.capacity IS NOT NULL "
            f"AND OLD.status IN {OCC};")
_TAKE = (f"INSERT OR IGNORE INTO class_sessions (session_key, capacity, taken) "
         f"SELECT NEW.session_key, NEW.capacity, 0 WHERE NEW.capacity IS NOT NULL "
         f"AND NEW.status IN {OCC}; "
         f"UPDATE class_sessions SET taken = taken + NEW.seats "
         f"WHERE session_key = NEW.session_key AND NEW.capacity IS NOT NULL "
         f"AND NEW.status IN {OCC};")
SQLITE_SEATS = (
    f"""CREATE TRIGGER bookings_seats_insert AFTER INSERT ON bookings
    BEGIN
        SELECT RAISE(ABORT, 'bad_seats') WHERE NEW.seats < 1;
        {_TAKE}
    END""",
    f"""CREATE TRIGGER bookings_seats_update
    AFTER UPDATE OF status, session_key, seats, capacity ON bookings
    BEGIN
        SELECT RAISE(ABORT, 'bad_seats') WHERE NEW.seats < 1;
        {_RELEASE}
        {_TAKE}
    END""",
    f"""CREATE TRIGGER bookings_seats_delete AFTER DELETE ON bookings
    BEGIN
        {_RELEASE}
    END""",
)


def _sqlite_overlap(shared_sessions: bool) -> list[str]:
    """Migration 0011's overlap triggers; with ``shared_sessions`` two bookings of one class
    session do not clash."""
    lookup = ("AND b.block_start > strftime('%Y-%m-%d %H:%M:%f', NEW.block_start, "
              f"'-{MAX_BLOCK_DAYS} days') ")
    too_long = (f"SELECT RAISE(ABORT, 'block_too_long') WHERE julianday(NEW.block_end) - "
                f"julianday(NEW.block_start) > {MAX_BLOCK_DAYS};")
    same = "AND b.session_key <> NEW.session_key " if shared_sessions else ""
    cols = "provider_key, block_start, block_end, status"
    head = {"insert": "BEFORE INSERT ON bookings",
            "update": f"BEFORE UPDATE OF {cols}{', session_key' if shared_sessions else ''} "
                      "ON bookings"}
    other = {"insert": "", "update": "b.id <> OLD.id AND "}
    return [f"""
    CREATE TRIGGER bookings_no_overlap_{kind} {head[kind]}
    WHEN NEW.status IN {OCC}
    BEGIN
        {too_long}
        SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS (
            SELECT 1 FROM bookings AS b
            WHERE {other[kind]}b.provider_key = NEW.provider_key
              AND b.status IN {OCC} {lookup} {same}
              AND b.block_start < NEW.block_end AND NEW.block_start < b.block_end);
    END
    """ for kind in ("insert", "update")]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("services", sa.Column("options", sa.JSON(), nullable=False,
                                        server_default=sa.text("'{}'")))
    op.add_column("bookings", sa.Column("session_key", sa.String(200), nullable=False,
                                        server_default=sa.text("''")))
    op.add_column("bookings", sa.Column("seats", sa.Integer(), nullable=False,
                                        server_default=sa.text("1")))
    op.add_column("bookings", sa.Column("capacity", sa.Integer(), nullable=True))
    op.execute("UPDATE bookings SET session_key = id")
    op.create_table(
        "class_sessions",
        sa.Column("session_key", sa.String(200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.CheckConstraint("taken >= 0 AND taken <= capacity",
                           name=op.f("ck_class_sessions_within_capacity")),
        sa.PrimaryKeyConstraint("session_key", name="pk_class_sessions"),
    )
    op.create_index("ix_bookings_session", "bookings", ["session_key"])
    if dialect == "postgresql":
        op.execute("ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap")
        op.execute(PG_EXCLUSION_NEW)
        for ddl in PG_SEATS:
            op.execute(ddl)
    elif dialect == "sqlite":
        for kind in ("insert", "update"):
            op.execute(f"DROP TRIGGER bookings_no_overlap_{kind}")
        for ddl in (*_sqlite_overlap(True), *SQLITE_SEATS):
            op.execute(ddl)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE bookings DROP CONSTRAINT ck_bookings_seats_positive")
        op.execute("DROP TRIGGER bookings_count_seats ON bookings")
        op.execute("DROP FUNCTION bookings_count_seats()")
        op.execute("ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap")
        op.execute(PG_EXCLUSION_OLD)
    elif dialect == "sqlite":
        for name in ("seats_insert", "seats_update", "seats_delete", "no_overlap_insert",
                     "no_overlap_update"):
            op.execute(f"DROP TRIGGER bookings_{name}")
        for ddl in _sqlite_overlap(False):
            op.execute(ddl)
    op.drop_index("ix_bookings_session", table_name="bookings")
    op.drop_table("class_sessions")
    op.drop_column("bookings", "capacity")
    op.drop_column("bookings", "seats")
    op.drop_column("bookings", "session_key")
    op.drop_column("services", "options")

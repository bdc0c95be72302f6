# ruff: noqa: S608 - DDL built from this file's own constants, never from input
"""Resources (rooms, chairs, machines): one booking at a time per resource, in the database.

* ``resources``: the business file's resources (key, name, kind, own hours), synced like
  providers (deactivated, never deleted).
* ``resource_bookings``: one row per resource a booking holds, at most one per kind
  (primary key ``(booking_id, kind)``), with a copy of the booking's ``status`` and block.
  The copy cannot drift: a composite foreign key to ``bookings (id, status, block_start,
  block_end)`` (a new unique index) with ``ON UPDATE CASCADE ON DELETE CASCADE`` makes the
  database carry every status change and move of the booking into its resource rows, so a
  cancelled, expired, completed or no-show booking releases its resources exactly when it
  stops occupying its provider, whatever code path changed it. ``(resource_key, kind)``
  references ``resources (key, kind)``, so a row cannot claim a room as a laser.
* The guard mirrors the bookings' own: PostgreSQL ``EXCLUDE USING gist (resource_key WITH =,
  tstzrange(block_start, block_end, '[)') WITH &&) WHERE (status IN ('held', 'confirmed'))``
  plus a per-resource advisory lock taken by a trigger, so conflicting writers queue rather
  than deadlock; SQLite BEFORE INSERT/UPDATE triggers ``RAISE(ABORT, 'slot_taken: resource')``
  on overlap, every write transaction being BEGIN IMMEDIATE (serialised).

Revision ID: 0023
Revises: 0029
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0023"
down_revision = "0029"
branch_labels = None
depends_on = None

OCC = "('held', 'confirmed')"
MAX_BLOCK_DAYS = 7  # core.booking.MAX_BLOCK: bounds the SQLite triggers' lookup

PG_EXCLUSION = ("ALTER TABLE resource_bookings ADD CONSTRAINT resource_bookings_no_overlap "
                "EXCLUDE USING gist (resource_key WITH =, "
                "tstzrange(block_start, block_end, '[)') WITH &&) "
                f"WHERE (status IN {OCC})")
PG_SERIALISE = (
    f"""
    CREATE FUNCTION resource_bookings_serialise() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status IN {OCC} THEN
            PERFORM pg_advisory_xact_lock(hashtext('resources:' || NEW.resource_key));
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER resource_bookings_serialise
    BEFORE INSERT OR UPDATE OF resource_key, block_start, block_end, status
    ON resource_bookings FOR EACH ROW EXECUTE FUNCTION resource_bookings_serialise()
    """,
)


def _sqlite_guard() -> list[str]:
    lookup = ("AND r.block_start > strftime('%Y-%m-%d %H:%M:%f', NEW.block_start, "
              f"'-{MAX_BLOCK_DAYS} days')")
    head = {"insert": "BEFORE INSERT ON resource_bookings",
            "update": "BEFORE UPDATE OF resource_key, block_start, block_end, status "
                      "ON resource_bookings"}
    other = {"insert": "", "update": "NOT (r.booking_id = OLD.booking_id AND r.kind = OLD.kind) "
                                     "AND "}
    return [f"""
    CREATE TRIGGER resource_bookings_no_overlap_{kind} {head[kind]}
    WHEN NEW.status IN {OCC}
    BEGIN
        SELECT RAISE(ABORT, 'slot_taken: resource') WHERE EXISTS (
            SELECT 1 FROM resource_bookings AS r
            WHERE {other[kind]}r.resource_key = NEW.resource_key
              AND r.status IN {OCC} {lookup}
              AND r.block_start < NEW.block_end AND NEW.block_start < r.block_end);
    END
    """ for kind in ("insert", "update")]


def _tables() -> None:
    op.create_table(
        "resources",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("weekly", sa.JSON(), nullable=False),
        sa.Column("exceptions", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_resources"),
        sa.UniqueConstraint("key", "kind", name="uq_resources_key"),
    )
    op.create_index("uq_bookings_id_status_block", "bookings",
                    ["id", "status", "block_start", "block_end"], unique=True)
    op.create_table(
        "resource_bookings",
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("resource_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("block_start", UTCDateTime(), nullable=False),
        sa.Column("block_end", UTCDateTime(), nullable=False),
        sa.CheckConstraint("block_end > block_start",
                           name=op.f("ck_resource_bookings_not_empty")),
        sa.ForeignKeyConstraint(
            ["booking_id", "status", "block_start", "block_end"],
            ["bookings.id", "bookings.status", "bookings.block_start", "bookings.block_end"],
            name="fk_resource_bookings_booking_id_bookings",
            onupdate="CASCADE", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_key", "kind"], ["resources.key", "resources.kind"],
                                name="fk_resource_bookings_resource_key_resources"),
        sa.PrimaryKeyConstraint("booking_id", "kind", name="pk_resource_bookings"),
    )
    op.create_index("ix_resource_bookings_resource_block", "resource_bookings",
                    ["resource_key", "block_start", "block_end"])


def upgrade() -> None:
    _tables()
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(PG_EXCLUSION)
        for ddl in PG_SERIALISE:
            op.execute(ddl)
    elif dialect == "sqlite":
        for ddl in _sqlite_guard():
            op.execute(ddl)
    else:
        raise RuntimeError(f"no resource guard for {dialect}")


def downgrade() -> None:
    op.drop_table("resource_bookings")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS resource_bookings_serialise()")
    op.drop_index("uq_bookings_id_status_block", table_name="bookings")
    op.drop_table("resources")

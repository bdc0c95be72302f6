"""Initial schema: catalog, customers, bookings (no double booking), audit, waitlist, busy, outbox.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OCCUPYING = "('held', 'confirmed')"
STATUSES = "('held', 'confirmed', 'cancelled', 'expired', 'completed', 'no_show')"

# SQLite has no exclusion constraints: these triggers refuse an occupying row whose block
# overlaps another occupying row of the same provider. Every write transaction begins
# IMMEDIATE (db.engine), so check and write are serialised with all other writers.
SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
    WHEN NEW.status IN ('held', 'confirmed')
    BEGIN
        SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS (
            SELECT 1 FROM bookings AS b
            WHERE b.provider_key = NEW.provider_key AND b.status IN ('held', 'confirmed')
              AND b.block_start < NEW.block_end AND NEW.block_start < b.block_end);
    END
    """,
    """
    CREATE TRIGGER bookings_no_overlap_update
    BEFORE UPDATE OF provider_key, block_start, block_end, status ON bookings
    WHEN NEW.status IN ('held', 'confirmed')
    BEGIN
        SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS (
            SELECT 1 FROM bookings AS b
            WHERE b.id <> OLD.id AND b.provider_key = NEW.provider_key
              AND b.status IN ('held', 'confirmed')
              AND b.block_start < NEW.block_end AND NEW.block_start < b.block_end);
    END
    """,
)
# Concurrent conflicting inserts into an exclusion constraint can deadlock (each waits for
# the other's in-progress row; PostgreSQL detects it only after deadlock_timeout, 1 s).
# Taking a per-provider transaction lock before the row is written makes them queue
# instead, so the loser gets a clean exclusion violation (SLOT_TAKEN), not a 1 s stall.
PG_SERIALISE = (
    """
    CREATE FUNCTION bookings_serialise_provider() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status IN ('held', 'confirmed') THEN
            PERFORM pg_advisory_xact_lock(hashtext('bookings:' || NEW.provider_key));
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER bookings_serialise_provider
    BEFORE INSERT OR UPDATE OF provider_key, block_start, block_end, status ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_serialise_provider()
    """,
)
PG_EXCLUSION = (
    "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
    "(provider_key WITH =, tstzrange(block_start, block_end, '[)') WITH &&) "
    "WHERE (status IN ('held', 'confirmed'))"
)


def _catalog() -> None:
    op.create_table(
        "business",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_business_single_row")),
        sa.PrimaryKeyConstraint("id", name="pk_business"),
    )
    op.create_table(
        "services",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("deposit_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("payment_mode", sa.String(16), nullable=False),
        sa.Column("buffer_before_s", sa.Integer(), nullable=False),
        sa.Column("buffer_after_s", sa.Integer(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_services"),
    )
    op.create_table(
        "providers",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("weekly", sa.JSON(), nullable=False),
        sa.Column("exceptions", sa.JSON(), nullable=False),
        sa.Column("slack_user_id", sa.String(64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_providers"),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("tz", sa.String(64), nullable=True),
        sa.Column("phone_e164", sa.String(20), nullable=True),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("channel", "sender_id", name="uq_customers_channel_sender"),
    )


def _bookings() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("provider_key", sa.String(64), nullable=False),
        sa.Column("service_key", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("start_at", TS, nullable=False),
        sa.Column("end_at", TS, nullable=False),
        sa.Column("block_start", TS, nullable=False),
        sa.Column("block_end", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("hold_expires_at", TS, nullable=True),
        sa.Column("series_id", sa.String(36), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(f"status IN {STATUSES}", name=op.f("ck_bookings_status")),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_bookings_appointment_not_empty")),
        sa.CheckConstraint("block_start <= start_at AND block_end >= end_at",
                           name=op.f("ck_bookings_block_covers")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name="fk_bookings_customer_id_customers"),
        sa.ForeignKeyConstraint(["provider_key"], ["providers.key"],
                                name="fk_bookings_provider_key_providers"),
        sa.ForeignKeyConstraint(["service_key"], ["services.key"],
                                name="fk_bookings_service_key_services"),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
    )
    op.create_index("ix_bookings_provider_block", "bookings",
                    ["provider_key", "block_start", "block_end"])
    op.create_index("ix_bookings_customer_start", "bookings", ["customer_id", "start_at"])
    op.create_index("ix_bookings_series", "bookings", ["series_id"])
    op.create_index("ix_bookings_service_end", "bookings", ["service_key", "end_at"])
    op.create_index("ix_bookings_held_expiry", "bookings", ["hold_expires_at"],
                    postgresql_where=sa.text("status = 'held'"),
                    sqlite_where=sa.text("status = 'held'"))
    _no_double_booking()


def _no_double_booking() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(PG_EXCLUSION)
        for ddl in PG_SERIALISE:
            op.execute(ddl)
    elif dialect == "sqlite":
        for ddl in SQLITE_TRIGGERS:
            op.execute(ddl)
    else:
        raise RuntimeError(f"no double-booking guard for {dialect}")


def _side_tables() -> None:
    op.create_table(
        "booking_audit",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_booking_audit"),
    )
    op.create_index("ix_booking_audit_booking_at", "booking_audit", ["booking_id", "at"])
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("service_key", sa.String(64), nullable=False),
        sa.Column("provider_key", sa.String(64), nullable=True),
        sa.Column("window_start", TS, nullable=False),
        sa.Column("window_end", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name="fk_waitlist_entries_customer_id_customers"),
        sa.ForeignKeyConstraint(["provider_key"], ["providers.key"],
                                name="fk_waitlist_entries_provider_key_providers"),
        sa.ForeignKeyConstraint(["service_key"], ["services.key"],
                                name="fk_waitlist_entries_service_key_services"),
        sa.PrimaryKeyConstraint("id", name="pk_waitlist_entries"),
    )
    op.create_index("ix_waitlist_entries_service_created", "waitlist_entries",
                    ["service_key", "created_at"])
    _busy_and_outbox()


def _busy_and_outbox() -> None:
    op.create_table(
        "busy_blocks",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("provider_key", sa.String(64), nullable=False),
        sa.Column("start_at", TS, nullable=False),
        sa.Column("end_at", TS, nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_busy_blocks_not_empty")),
        sa.ForeignKeyConstraint(["provider_key"], ["providers.key"],
                                name="fk_busy_blocks_provider_key_providers"),
        sa.PrimaryKeyConstraint("id", name="pk_busy_blocks"),
        sa.UniqueConstraint("provider_key", "source", "external_id",
                            name="uq_busy_blocks_source_ext"),
    )
    op.create_index("ix_busy_blocks_provider_start", "busy_blocks",
                    ["provider_key", "start_at", "end_at"])
    op.create_table(
        "outbox",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'dead')",
                           name=op.f("ck_outbox_status")),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_idempotency_key"),
    )
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])


def upgrade() -> None:
    _catalog()
    _bookings()
    _side_tables()


def downgrade() -> None:
    for table in ("outbox", "busy_blocks", "waitlist_entries", "booking_audit", "bookings",
                  "customers", "providers", "services", "business"):
        op.drop_table(table)  # triggers go with their table
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS bookings_serialise_provider()")

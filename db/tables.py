"""The schema as typed SQLAlchemy models. Every instant is a ``UTCDateTime``.

The migration in ``db/migrations`` is the source of truth for DDL (including the
PostgreSQL exclusion constraint and the SQLite triggers, which these models do not
express); ``tests/db/test_migrations.py`` checks the two agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OCCUPYING_SQL = "status IN ('held', 'confirmed')"
BOOKING_STATUSES = "('held', 'confirmed', 'cancelled', 'expired', 'completed', 'no_show')"
OUTBOX_STATUSES = "('pending', 'sent', 'failed', 'dead')"
# SQLite needs INTEGER (not BIGINT) for an auto-incrementing rowid primary key.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's documented class-level mapping
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class BusinessRow(Base):
    __tablename__ = "business"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    tz: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    rules: Mapped[dict[str, Any]]
    policy: Mapped[dict[str, Any]]
    raw_text: Mapped[str] = mapped_column(Text)
    info: Mapped[dict[str, Any] | None]  # core.model.BusinessInfo (address, FAQ, ...)
    # core.model.Languages (migration 0021); NULL: English default, every catalog offered.
    languages: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    revision: Mapped[int] = mapped_column(Integer)  # bumped by every sync that changes anything
    updated_at: Mapped[datetime]


class ServiceRow(Base):
    __tablename__ = "services"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    duration_s: Mapped[int] = mapped_column(Integer)
    price_minor: Mapped[int] = mapped_column(BigInteger)
    deposit_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    payment_mode: Mapped[str] = mapped_column(String(16))
    buffer_before_s: Mapped[int] = mapped_column(Integer)
    buffer_after_s: Mapped[int] = mapped_column(Integer)
    aliases: Mapped[list[Any]]
    position: Mapped[int] = mapped_column(Integer)  # order in the business file
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]
    # Per-service options beyond the columns above (migration 0012): class capacity,
    # seats per booking, timetable.
    options: Mapped[dict[str, Any]] = mapped_column(JSON, server_default=text("'{}'"))


class ProviderRow(Base):
    __tablename__ = "providers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tz: Mapped[str] = mapped_column(String(64))
    services: Mapped[list[Any]]
    weekly: Mapped[list[Any]]
    exceptions: Mapped[list[Any]]
    slack_user_id: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]
    # core.model.CalendarLink as JSON (migration 0005); NULL: no calendar.
    calendar: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class CustomerRow(Base):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("channel", "sender_id", name="uq_customers_channel_sender"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    sender_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    opted_out: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    # The language they are answered in and what decided it (migration 0021); NULL: not
    # decided yet, the business default.
    lang: Mapped[str | None] = mapped_column(String(16), nullable=True)
    lang_source: Mapped[str | None] = mapped_column(String(16), nullable=True)


class BookingRow(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(f"status IN {BOOKING_STATUSES}", name="status"),
        CheckConstraint("end_at > start_at", name="appointment_not_empty"),
        CheckConstraint("block_start <= start_at AND block_end >= end_at", name="block_covers"),
        Index("ix_bookings_provider_block", "provider_key", "block_start", "block_end"),
        Index("ix_bookings_customer_start", "customer_id", "start_at"),
        Index("ix_bookings_series", "series_id"),
        Index("ix_bookings_service_end", "service_key", "end_at"),
        Index("ix_bookings_held_expiry", "hold_expires_at",
              postgresql_where=text("status = 'held'"), sqlite_where=text("status = 'held'")),
        # The reminder planner's keyset pages (migration 0011).
        Index("ix_bookings_confirmed_start", "start_at", "id",
              postgresql_where=text("status = 'confirmed'"),
              sqlite_where=text("status = 'confirmed'")),
        Index("ix_bookings_session", "session_key"),
        # What resource_bookings' foreign key points at (migrations 0023, 0028).
        Index("uq_bookings_id_status_block_session", "id", "status", "block_start",
              "block_end", "session_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    provider_key: Mapped[str] = mapped_column(String(64), ForeignKey("providers.key"))
    service_key: Mapped[str] = mapped_column(String(64), ForeignKey("services.key"))
    customer_id: Mapped[str] = mapped_column(String(36), ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(32))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    block_start: Mapped[datetime]
    block_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    hold_expires_at: Mapped[datetime | None]
    series_id: Mapped[str | None] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    due_minor: Mapped[int] = mapped_column(BigInteger)
    paid_minor: Mapped[int] = mapped_column(BigInteger)
    refunded_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Classes (migration 0012): the session whose seats this booking takes (a one-to-one
    # booking's own id), how many, and the capacity they count against (NULL: one-to-one).
    session_key: Mapped[str] = mapped_column(String(200), server_default=text("''"))
    seats: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ClassSessionRow(Base):
    """Seats taken per class session, kept by triggers on ``bookings`` (migration 0012)."""

    __tablename__ = "class_sessions"
    __table_args__ = (CheckConstraint("taken >= 0 AND taken <= capacity",
                                      name="within_capacity"),)

    session_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer)


class BookingAuditRow(Base):
    __tablename__ = "booking_audit"
    __table_args__ = (Index("ix_booking_audit_booking_at", "booking_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    booking_id: Mapped[str] = mapped_column(String(36))  # no FK: the trail outlives its booking
    at: Mapped[datetime]
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any]]
    after: Mapped[dict[str, Any]]


class WaitlistEntryRow(Base):
    __tablename__ = "waitlist_entries"
    __table_args__ = (Index("ix_waitlist_entries_service_created", "service_key", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(32))
    service_key: Mapped[str] = mapped_column(String(64), ForeignKey("services.key"))
    provider_key: Mapped[str | None] = mapped_column(String(64), ForeignKey("providers.key"))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    created_at: Mapped[datetime]
    extra: Mapped[dict[str, Any]]  # optional fields added to WaitlistEntry later


class BusyBlockRow(Base):
    __tablename__ = "busy_blocks"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="not_empty"),
        UniqueConstraint("provider_key", "source", "external_id", name="uq_busy_blocks_source_ext"),
        Index("ix_busy_blocks_provider_start", "provider_key", "start_at", "end_at"),
        # Only blocks longer than 7 days (migration 0018; db.repositories.LONG_BUSY).
        Index("ix_busy_blocks_long", "provider_key", "end_at", "start_at",
              postgresql_where=text("end_at - start_at > interval '7 days'"),
              sqlite_where=text("julianday(end_at) - julianday(start_at) > 7")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    provider_key: Mapped[str] = mapped_column(String(64), ForeignKey("providers.key"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(128))  # "timeoff" | "ics:<calendar id>"
    external_id: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="status"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    # The HTTP request that caused the event (core.tracing; migration 0029).
    request_id: Mapped[str | None] = mapped_column(String(64))


class HandoffRow(Base):
    """A "talk to a person" request (db.handoffs); open until the team answers or the
    customer goes back to the bot."""

    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'answered', 'closed')", name="status"),
        Index("ix_handoffs_conversation", "channel", "sender_id", "status"),
        Index("ix_handoffs_status_created", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    sender_id: Mapped[str] = mapped_column(String(128))
    customer_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    delivered_via: Mapped[list[Any]]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class ResourceRow(Base):
    """A room, chair or machine from the business file (migration 0023)."""

    __tablename__ = "resources"
    __table_args__ = (UniqueConstraint("key", "kind", name="uq_resources_key"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(64))
    weekly: Mapped[list[Any]]
    exceptions: Mapped[list[Any]]
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class ResourceBookingRow(Base):
    """A resource a booking holds; status, block and session are the booking's, carried by
    the cascading foreign key; the overlap guard (one session per resource at a time) is in
    migrations 0023 and 0028."""

    __tablename__ = "resource_bookings"
    __table_args__ = (
        CheckConstraint("block_end > block_start", name="not_empty"),
        ForeignKeyConstraint(
            ["booking_id", "status", "block_start", "block_end", "session_key"],
            ["bookings.id", "bookings.status", "bookings.block_start", "bookings.block_end",
             "bookings.session_key"],
            name="fk_resource_bookings_booking_id_bookings",
            onupdate="CASCADE", ondelete="CASCADE"),
        ForeignKeyConstraint(["resource_key", "kind"], ["resources.key", "resources.kind"],
                             name="fk_resource_bookings_resource_key_resources"),
        Index("ix_resource_bookings_resource_block", "resource_key", "block_start", "block_end"),
    )

    booking_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    block_start: Mapped[datetime]
    block_end: Mapped[datetime]
    session_key: Mapped[str] = mapped_column(String(200))


def table_of(model: type[Base]) -> Table:
    """The model's ``Table`` (typed as one, for Core statements)."""
    table = model.__table__
    if not isinstance(table, Table):  # pragma: no cover - every model here maps a Table
        raise TypeError(f"{model.__name__} does not map a Table")
    return table

"""Column types shared by every table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class NaiveDatetimeError(ValueError):
    """A naive datetime reached the database layer: every instant must be aware."""


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: refuses naive values going in, always gives aware UTC coming out.

    PostgreSQL stores ``timestamptz``. SQLite has no zone, so the value is stored as
    naive UTC text in one fixed-width format (which keeps string comparison in the
    overlap triggers equal to time comparison) and the zone is put back on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"naive datetime refused: {value!r}")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        """On SQLite the stored text is read with ``datetime.fromisoformat`` (C) instead of
        SQLAlchemy's generic string parser then this type's conversion: reading a window of
        bookings was mostly this parsing (1,080 rows: 23 ms → see the availability bench)."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        generic = super().result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                try:  # the offset parsed in C gives the UTC singleton: no replace() call
                    return datetime.fromisoformat(value + "+00:00")
                except ValueError:
                    pass  # not the format we write: let the generic parser say why
            return generic(value) if generic is not None else value

        return process

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is UTC:  # PostgreSQL sessions run in UTC (db.engine): no conversion
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

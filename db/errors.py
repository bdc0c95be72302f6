"""Database refusals turned into domain errors with stable codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.errors import DomainError, ErrorCode

SLOT_TAKEN_MESSAGE = "slot_taken"  # the SQLite triggers' RAISE(ABORT, ...) text
# The seat counter's CHECK (migration 0012): the (N+1)-th seat of a class.
CLASS_FULL_CONSTRAINT = "ck_class_sessions_within_capacity"
_PG_CHECK_VIOLATION = "23514"
_PG_EXCLUSION_VIOLATION = "23P01"
_PG_BUSY = {"40P01", "55P03", "40001"}  # deadlock, lock timeout, serialization failure


def _sqlstate(exc: DBAPIError) -> str | None:
    state = getattr(exc.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def is_slot_taken(exc: DBAPIError) -> bool:
    if _sqlstate(exc) == _PG_EXCLUSION_VIOLATION:
        return True
    return isinstance(exc, IntegrityError) and SLOT_TAKEN_MESSAGE in str(exc.orig)


def is_class_full(exc: DBAPIError) -> bool:
    if not isinstance(exc, IntegrityError):
        return False
    text = str(exc.orig)
    # SQLite names the CHECK by its constraint name; PostgreSQL's message names it too.
    return CLASS_FULL_CONSTRAINT in text or ("within_capacity" in text and (
        _sqlstate(exc) in (None, _PG_CHECK_VIOLATION)))


def is_busy(exc: DBAPIError) -> bool:
    if _sqlstate(exc) in _PG_BUSY:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


@contextmanager
def translate(*, provider_key: str = "") -> Iterator[None]:
    """Map an overlap refusal to SLOT_TAKEN and lock contention to BUSY; re-raise the rest.

    On PostgreSQL the failed statement aborts the transaction: the caller must leave
    the unit of work (roll back) after either error.
    """
    try:
        yield
    except DBAPIError as exc:
        if is_slot_taken(exc):
            raise DomainError(ErrorCode.SLOT_TAKEN, "that time was just taken",
                              provider=provider_key) from exc
        if is_class_full(exc):
            raise DomainError(ErrorCode.CLASS_FULL, "every seat in that class is taken",
                              provider=provider_key) from exc
        if is_busy(exc):
            raise DomainError(ErrorCode.BUSY, "the calendar is busy, try again",
                              provider=provider_key) from exc
        raise

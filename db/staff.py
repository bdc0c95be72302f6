"""Staff accounts of the web admin and their login throttle (migration 0022).

Implements the store ``admin`` is handed (``admin.ports.StaffStore``) structurally. The
throttle rows are keyed by text (``account:<email>``, ``address:<ip>``) so both counters
share one table and one rule (``core.staff.Failures``); every process reads the same rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.staff import Failures, Role, StaffAccount
from db.tables import Base
from db.types import UTCDateTime

ACCOUNTS = Table(
    "staff_accounts", Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),  # stored lower-case
    Column("role", String(16), nullable=False),
    Column("provider_key", String(64), nullable=True),
    Column("password_hash", String(255), nullable=False),
    Column("session_epoch", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    CheckConstraint("role IN ('owner', 'manager', 'provider')", name="role"),
    CheckConstraint("(role = 'provider') = (provider_key IS NOT NULL)", name="provider_role"),
)

THROTTLE = Table(
    "login_throttle", Base.metadata,
    Column("key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_at", UTCDateTime(), nullable=False),
)


class DuplicateAccount(Exception):
    """An account with this e-mail exists already."""


def _account(row: Row[tuple[object, ...]]) -> StaffAccount:
    m = row._mapping
    return StaffAccount(id=m["id"], email=m["email"], role=Role(m["role"]),
                        provider_key=m["provider_key"], password_hash=m["password_hash"],
                        session_epoch=m["session_epoch"], active=m["active"])


class SqlStaffStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def add(self, *, email: str, role: Role, provider_key: str | None, password_hash: str,
            now: datetime) -> StaffAccount:
        values = {"id": str(uuid.uuid4()), "email": email.strip().lower(), "role": role.value,
                  "provider_key": provider_key, "password_hash": password_hash,
                  "session_epoch": 0, "active": True, "created_at": now}
        try:
            with self.sessions() as s, s.begin():
                s.execute(insert(ACCOUNTS).values(**values))
        except IntegrityError:
            raise DuplicateAccount(values["email"]) from None
        found = self.by_id(str(values["id"]))
        assert found is not None
        return found

    def by_email(self, email: str) -> StaffAccount | None:
        with self.sessions() as s:
            row = s.execute(select(ACCOUNTS).where(
                ACCOUNTS.c.email == email.strip().lower())).first()
        return _account(row) if row else None

    def by_id(self, account_id: str) -> StaffAccount | None:
        with self.sessions() as s:
            row = s.execute(select(ACCOUNTS).where(ACCOUNTS.c.id == account_id)).first()
        return _account(row) if row else None

    def all(self) -> list[StaffAccount]:
        with self.sessions() as s:
            rows = s.execute(select(ACCOUNTS).order_by(ACCOUNTS.c.email)).all()
        return [_account(r) for r in rows]

    def set_password(self, account_id: str, password_hash: str) -> None:
        with self.sessions() as s, s.begin():
            s.execute(update(ACCOUNTS).where(ACCOUNTS.c.id == account_id).values(
                password_hash=password_hash, session_epoch=ACCOUNTS.c.session_epoch + 1))

    def end_sessions(self, account_id: str) -> None:
        with self.sessions() as s, s.begin():
            s.execute(update(ACCOUNTS).where(ACCOUNTS.c.id == account_id).values(
                session_epoch=ACCOUNTS.c.session_epoch + 1))

    def failures(self, key: str) -> Failures | None:
        with self.sessions() as s:
            row = s.execute(select(THROTTLE.c.failures, THROTTLE.c.first_at)
                            .where(THROTTLE.c.key == key)).first()
        return Failures(row.failures, row.first_at) if row else None

    def record_failure(self, key: str, now: datetime) -> Failures:
        """One more wrong password against ``key``, counted under the row's lock."""
        with self.sessions() as s, s.begin():
            row = s.execute(select(THROTTLE.c.failures, THROTTLE.c.first_at)
                            .where(THROTTLE.c.key == key).with_for_update()).first()
            if row is None:
                after = Failures(1, now)
                try:
                    with s.begin_nested():
                        s.execute(insert(THROTTLE).values(key=key, failures=1, first_at=now))
                        return after
                except IntegrityError:  # a concurrent first failure: count on top of it
                    row = s.execute(select(THROTTLE.c.failures, THROTTLE.c.first_at)
                                    .where(THROTTLE.c.key == key).with_for_update()).one()
            after = Failures(row.failures, row.first_at).after_failure(now)
            s.execute(update(THROTTLE).where(THROTTLE.c.key == key).values(
                failures=after.count, first_at=after.first_at))
            return after

    def clear_failures(self, key: str) -> None:
        with self.sessions() as s, s.begin():
            s.execute(delete(THROTTLE).where(THROTTLE.c.key == key))

"""Staff accounts and the login throttle on both databases (db.staff, core.staff)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.staff import MAX_FAILURES, WINDOW, Area, Role, account_problem
from db.staff import ACCOUNTS, DuplicateAccount, SqlStaffStore

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)


def test_accounts_are_found_by_lower_case_email_and_unique(
        sessions: sessionmaker[Session]) -> None:
    store = SqlStaffStore(sessions)
    added = store.add(email=" Owner@Example.com", role=Role.OWNER, provider_key=None,
                      password_hash="h", now=NOW)
    assert store.by_email("OWNER@example.COM") == added
    assert store.by_id(added.id) == added
    with pytest.raises(DuplicateAccount):
        store.add(email="owner@example.com", role=Role.MANAGER, provider_key=None,
                  password_hash="h", now=NOW)
    store.end_sessions(added.id)
    assert store.by_id(added.id).session_epoch == added.session_epoch + 1  # type: ignore[union-attr]


def test_the_database_refuses_a_provider_account_without_its_provider(
        sessions: sessionmaker[Session]) -> None:
    with pytest.raises(IntegrityError), sessions() as s, s.begin():
        s.execute(ACCOUNTS.insert().values(
            id="x", email="p@example.com", role="provider", provider_key=None,
            password_hash="h", session_epoch=0, active=True, created_at=NOW))


def test_five_failures_throttle_until_the_window_has_passed(
        sessions: sessionmaker[Session]) -> None:
    store = SqlStaffStore(sessions)
    for i in range(MAX_FAILURES):
        failures = store.record_failure("address:10.0.0.1", NOW + timedelta(seconds=i))
        assert failures.throttled(NOW + timedelta(seconds=i)) == (i == MAX_FAILURES - 1)
    stored = store.failures("address:10.0.0.1")
    assert stored is not None
    assert stored.count == MAX_FAILURES
    assert stored.throttled(NOW + WINDOW - timedelta(seconds=1))
    assert not stored.throttled(NOW + WINDOW)
    assert store.failures("address:10.0.0.2") is None  # keys are counted apart
    later = store.record_failure("address:10.0.0.1", NOW + WINDOW)
    assert later.count == 1  # a new window counts afresh
    store.clear_failures("address:10.0.0.1")
    assert store.failures("address:10.0.0.1") is None


def test_concurrent_failures_are_all_counted(sessions: sessionmaker[Session]) -> None:
    store = SqlStaffStore(sessions)
    store.record_failure("account:a@example.com", NOW)  # the row exists: updates contend
    start = threading.Barrier(4)

    def fail() -> None:
        start.wait()
        store.record_failure("account:a@example.com", NOW)

    threads = [threading.Thread(target=fail) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = store.failures("account:a@example.com")
    assert stored is not None
    assert stored.count == 5


@pytest.mark.parametrize(("role", "areas"), [
    (Role.OWNER, set(Area)),
    (Role.MANAGER, set(Area) - {Area.ACCOUNTS, Area.SETTINGS}),
    (Role.PROVIDER, {Area.AGENDA, Area.BOOKINGS, Area.CUSTOMERS, Area.REPORTS,
                     Area.ENTRY_POINTS}),
])
def test_roles_open_their_areas(sessions: sessionmaker[Session], role: Role,
                                areas: set[Area]) -> None:
    provider = "alex" if role is Role.PROVIDER else None
    account = SqlStaffStore(sessions).add(email=f"{role}@example.com", role=role,
                                          provider_key=provider, password_hash="h", now=NOW)
    assert {a for a in Area if account.may_open(a)} == areas
    assert account.sees_provider("alex")
    assert account.sees_provider("sam") == (role is not Role.PROVIDER)


def test_account_problems() -> None:
    keys = frozenset({"alex"})
    assert account_problem(Role.PROVIDER, None, keys) is not None
    assert account_problem(Role.OWNER, "alex", keys) is not None
    assert account_problem(Role.PROVIDER, "nobody", keys) is not None
    assert account_problem(Role.PROVIDER, "alex", keys) is None
    assert account_problem(Role.MANAGER, None, keys) is None

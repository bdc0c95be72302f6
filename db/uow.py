"""``core.ports.UnitOfWork`` on a SQLAlchemy Session: one transaction per ``with`` block."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, Select, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from core.confirmations import ConfirmationRepository
from core.errors import DomainError, ErrorCode
from core.events import Event
from core.intake import IntakeRepository
from core.interval import Interval
from core.model import Business
from core.payments import PaymentRepository
from core.ports import (
    Around,
    AuditLog,
    BookingRepository,
    BusyRepository,
    ResourceRepository,
    Surroundings,
    UnitOfWork,
    WaitlistRepository,
)
from db import pipeline
from db.bookings import bookings_of, stale_query, taken_of, taken_query
from db.catalog import business_revision, business_revision_alone, load_business
from db.clock import Clock, system_clock
from db.confirmations import SqlConfirmationRepository
from db.customers import SqlCustomerRepository
from db.engine import single_statements
from db.errors import translate
from db.intake import SqlIntakeRepository
from db.outbox import emit
from db.payments import SqlPaymentRepository
from db.repositories import (
    SqlAuditLog,
    SqlBookingRepository,
    SqlBusyRepository,
    SqlWaitlistRepository,
    busy_query,
)
from db.resources import SqlResourceRepository
from db.tables import ProviderRow, table_of

P = table_of(ProviderRow)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


# Set for one inbound message (``one_catalogue``): the revision its first unit of work read.
_SEEN_REVISION: ContextVar[list[int | None] | None] = ContextVar("bookingbot_catalogue_seen",
                                                                 default=None)


@contextmanager
def one_catalogue() -> Iterator[None]:
    """Within it (one inbound message), only the first unit of work reads the catalogue's
    revision; the others trust it. A message is then handled on one catalogue throughout,
    even when ``bookingbot setup`` lands halfway through it, and the two to four units of
    work of a booking message spare a round trip each after the first."""
    token = _SEEN_REVISION.set([])
    try:
        yield
    finally:
        _SEEN_REVISION.reset(token)


class BusinessCache:
    """Shared by many units of work: reloads the catalog only when its revision changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # One loader at a time: on a cold start every request missed at once and each
        # loaded the whole catalogue (16 threads x 1,000 providers: seconds of GIL).
        self._loading = threading.Lock()
        self._entry: tuple[int, Business] | None = None

    def at(self, revision: int | None) -> Business | None:
        """The cached catalog if it is still ``revision``."""
        with self._lock:
            if self._entry is not None and self._entry[0] == revision:
                return self._entry[1]
        return None

    def get(self, session: Session) -> Business | None:
        revision = business_revision(session)
        if revision is None:
            return None
        if (hit := self.at(revision)) is not None:
            return hit
        with self._loading:
            if (hit := self.at(revision)) is not None:
                return hit  # another thread loaded it while we waited
            business = load_business(session)
            if business is not None:
                with self._lock:
                    self._entry = (revision, business)
            return business


class SqlUnitOfWork:
    # Typed as the ports: a Protocol's settable attribute must match exactly (invariance).
    bookings: BookingRepository
    audit: AuditLog
    busy: BusyRepository
    waitlist: WaitlistRepository
    # Every cancellation may owe a refund, so every unit of work can record one.
    payments: PaymentRepository
    resources: ResourceRepository
    confirmations: ConfirmationRepository
    intake: IntakeRepository
    # Beyond the port: customers, and the busy repository's writer methods.
    customers: SqlCustomerRepository
    busy_blocks: SqlBusyRepository

    def __init__(self, sessions: sessionmaker[Session], business_cache: BusinessCache | None = None,
                 *, clock: Clock = system_clock) -> None:
        self._sessions = sessions
        self._cache = business_cache
        self._clock = clock
        bind = sessions.kw.get("bind")
        self._single = (single_statements(bind) if isinstance(bind, Engine)
                        and bind.dialect.name == "postgresql" else None)
        self._pipelined = isinstance(bind, Engine) and pipeline.installed(bind)
        self._session: Session | None = None
        self._business: Business | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside a with block")
        return self._session

    def __enter__(self) -> Self:
        session = self._session = self._sessions()
        session.info[pipeline.DEFER] = self._pipelined
        self.bookings = SqlBookingRepository(session, self._clock)
        self.audit = SqlAuditLog(session)
        self.busy = self.busy_blocks = SqlBusyRepository(session)
        self.waitlist = SqlWaitlistRepository(session)
        self.customers = SqlCustomerRepository(session)
        self.payments = SqlPaymentRepository(session, self._clock)
        self.resources = SqlResourceRepository(session)
        self.confirmations = SqlConfirmationRepository(session)
        self.intake = SqlIntakeRepository(session)
        self._business = None
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        session, self._session = self.session, None
        pipeline.discard(session)  # writes deferred by a unit of work that did not commit
        try:
            session.rollback()  # a no-op after commit()
        finally:
            session.close()

    def commit(self) -> None:
        with translate():
            pipeline.flush(self.session, commit=True)  # deferred writes + COMMIT: one trip
            self.session.commit()  # after that, nothing left to send

    def rollback(self) -> None:
        self.session.rollback()

    def lock_provider(self, provider_key: str) -> None:
        """FOR UPDATE on PostgreSQL (bounded by lock_timeout -> BUSY); on SQLite the
        transaction already holds the write lock (BEGIN IMMEDIATE), so only the check runs."""
        with translate(provider_key=provider_key):
            found = self.session.execute(_lock_query(provider_key)).first()
        _known(provider_key, found)

    def lock_and_read(self, provider_key: str, *, block: Interval, around: Interval,
                      now: datetime, ignore: str | None = None) -> Surroundings:
        """On PostgreSQL the lock and the three reads go as one pipeline: one round trip
        (with the BEGIN) instead of five; each read still runs after the lock is granted."""
        session = self.session
        queries = ((_LOCK_PROVIDER, {"provider": provider_key}),
                   stale_query(provider_key, block, now),
                   taken_query(provider_key, around, now, ignore),
                   busy_query(provider_key, around, session.get_bind().dialect.name))
        with translate(provider_key=provider_key):
            if self._pipelined:
                rows = pipeline.run(session, [c for q, p in queries
                                              for c in pipeline.captured(session, q, p)])
            else:
                rows = [list(session.execute(q, p)) for q, p in queries]
        found, stale, taken, busy = rows
        _known(provider_key, found[0] if found else None)
        return Surroundings(stale=bookings_of(stale), taken=taken_of(provider_key, taken),
                            busy=[Interval(s, e) for s, e in busy])

    def read_around(self, provider_keys: Sequence[str], window: Interval,
                    now: datetime) -> dict[str, Around]:
        session = self.session
        dialect = session.get_bind().dialect.name
        queries = [q for key in provider_keys for q in (taken_query(key, window, now, None),
                                                         busy_query(key, window, dialect))]
        with translate():
            if self._pipelined:
                rows = pipeline.run(session, [c for q, p in queries
                                              for c in pipeline.captured(session, q, p)])
            else:
                rows = [list(session.execute(q, p)) for q, p in queries]
        return {key: Around(taken_of(key, rows[2 * i]),
                            [Interval(s, e) for s, e in rows[2 * i + 1]])
                for i, key in enumerate(provider_keys)}

    def business(self) -> Business:
        if self._business is None:
            loaded = self._unchanged()
            if loaded is None:
                loaded = (self._cache.get(self.session) if self._cache is not None
                          else load_business(self.session))
            if loaded is None:
                raise DomainError(ErrorCode.INVALID_CONFIG,
                                  "no business is set up yet: run `bookingbot setup`")
            self._business = loaded
        return self._business

    def _unchanged(self) -> Business | None:
        """Before the transaction has begun (a unit of work that only reads the catalog,
        like every inbound message's), the revision is one autocommit lookup and a hit
        needs no transaction at all: one round trip instead of BEGIN, SELECT, ROLLBACK."""
        if self._cache is None or self._single is None or self.session.in_transaction():
            return None
        seen = _SEEN_REVISION.get()
        if seen:  # this message has read it already
            return self._cache.at(seen[0])
        revision = business_revision_alone(self._single)
        if seen is not None:
            seen.append(revision)
        return self._cache.at(revision)

    def emit(self, events: Sequence[Event]) -> None:
        emit(self.session, events, now=self._clock())


_LOCK_PROVIDER = select(P.c.key).where(P.c.key == bindparam("provider")).with_for_update()


def _lock_query(provider_key: str) -> Select[tuple[str]]:
    return select(P.c.key).where(P.c.key == provider_key).with_for_update()


def _known(provider_key: str, found: object) -> None:
    if found is None:
        raise DomainError(ErrorCode.UNKNOWN_PROVIDER, "no such provider",
                          provider=provider_key)


def as_port(uow: SqlUnitOfWork) -> UnitOfWork:
    """Typed view of the adapter as the core port (mypy checks the two agree)."""
    return uow


# The payment use cases' name for it: since every unit of work records refunds, one class.
SqlPaymentsUnitOfWork = SqlUnitOfWork

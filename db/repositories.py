"""Audit log, busy blocks and waitlist repositories (the booking one is in db/bookings.py)."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    RowMapping,
    bindparam,
    delete,
    insert,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from core.booking import MAX_BLOCK, Actor, AuditEntry
from core.interval import Interval
from core.waitlist import WaitlistEntry
from db import pipeline
from db.bookings import SqlBookingRepository
from db.codec import decode, encode
from db.errors import translate
from db.tables import BookingAuditRow, BusyBlockRow, WaitlistEntryRow, table_of

__all__ = ["SqlAuditLog", "SqlBookingRepository", "SqlBusyRepository", "SqlWaitlistRepository"]

A = table_of(BookingAuditRow)
BB = table_of(BusyBlockRow)
# A block longer than MAX_BLOCK, written as the partial index ix_busy_blocks_long's
# predicate (a planner uses a partial index only for the same expression).
LONG_BUSY = {"postgresql": text("busy_blocks.end_at - busy_blocks.start_at > interval '7 days'"),
             "sqlite": text("julianday(busy_blocks.end_at) - julianday(busy_blocks.start_at) > 7")}
W = table_of(WaitlistEntryRow)
_AUDIT_INSERT = insert(A).inline()  # nothing read back: it may be deferred (db.pipeline)


def _busy(dialect: str) -> CompoundSelect[Any]:
    recent = select(BB.c.start_at, BB.c.end_at).where(
        BB.c.provider_key == bindparam("provider"), BB.c.start_at > bindparam("lowest"),
        BB.c.start_at < bindparam("end"), BB.c.end_at > bindparam("start"))
    long_ago = select(BB.c.start_at, BB.c.end_at).where(
        BB.c.provider_key == bindparam("provider"), LONG_BUSY[dialect],
        BB.c.start_at <= bindparam("lowest"), BB.c.end_at > bindparam("start"))
    return union_all(recent, long_ago).order_by("start_at", "end_at")


_BUSY = {dialect: _busy(dialect) for dialect in LONG_BUSY}  # built once, bound by name


def busy_query(provider_key: str, window: Interval,
               dialect: str) -> tuple[CompoundSelect[Any], dict[str, Any]]:
    """Busy blocks meeting ``window`` in two disjoint parts, each a range on an index
    (migration 0018): blocks starting in the window widened by ``MAX_BLOCK``, and the long
    ones that started before that. The plain overlap test cannot bound a B-tree scan from
    below (it read the provider's whole history). Rows: (start_at, end_at)."""
    return _BUSY["postgresql" if dialect == "postgresql" else "sqlite"], {
        "provider": provider_key, "lowest": window.start - MAX_BLOCK, "start": window.start,
        "end": window.end}


def audit_values(entry: AuditEntry) -> dict[str, Any]:
    return {"booking_id": entry.booking_id, "at": entry.at, "actor_kind": entry.actor.kind,
            "actor_id": entry.actor.id, "channel": entry.actor.channel, "action": entry.action,
            "before": dict(entry.before), "after": dict(entry.after)}


class SqlAuditLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, entry: AuditEntry) -> None:
        pipeline.execute_later(self._session, _AUDIT_INSERT, audit_values(entry))

    def for_booking(self, booking_id: str) -> list[AuditEntry]:
        stmt = select(A).where(A.c.booking_id == booking_id).order_by(A.c.at, A.c.id)
        return [AuditEntry(booking_id=r["booking_id"], at=r["at"],
                           actor=Actor(r["actor_kind"], r["actor_id"], r["channel"]),
                           action=r["action"], before=r["before"], after=r["after"])
                for r in self._session.execute(stmt).mappings()]


class SqlBusyRepository:
    """Provider time-off (source "timeoff") and external calendar blocks ("ics:<id>")."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def busy(self, provider_key: str, window: Interval) -> list[Interval]:
        stmt, params = busy_query(provider_key, window, self._session.get_bind().dialect.name)
        return [Interval(s, e) for s, e in self._session.execute(stmt, params)]

    def add(self, provider_key: str, span: Interval, *, source: str,
            external_id: str | None = None, note: str = "") -> None:
        with translate(provider_key=provider_key):
            self._session.execute(insert(BB), {
                "provider_key": provider_key, "start_at": span.start, "end_at": span.end,
                "source": source, "external_id": external_id, "note": note,
            })

    def clear_source(self, provider_key: str, source: str) -> int:
        """Drop every block one source gave (a calendar sync then re-adds the current ones)."""
        result = self._session.execute(
            delete(BB).where(BB.c.provider_key == provider_key, BB.c.source == source))
        return int(getattr(result, "rowcount", 0))


_WAITLIST_COLUMNS = frozenset({"id", "customer_id", "channel", "service_key", "provider_key",
                               "window", "created_at"})


class SqlWaitlistRepository:
    """Fields beyond the original seven are kept in the ``extra`` JSON column, so optional
    fields added to ``WaitlistEntry`` round-trip without a migration."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: WaitlistEntry) -> None:
        extra = {f.name: encode(getattr(entry, f.name)) for f in dataclasses.fields(entry)
                 if f.name not in _WAITLIST_COLUMNS}
        self._session.execute(insert(W), {
            "id": entry.id, "customer_id": entry.customer_id, "channel": entry.channel,
            "service_key": entry.service_key, "provider_key": entry.provider_key,
            "window_start": entry.window.start, "window_end": entry.window.end,
            "created_at": entry.created_at, "extra": extra,
        })

    def waiting(self, service_key: str) -> list[WaitlistEntry]:
        stmt = select(W).where(W.c.service_key == service_key).order_by(W.c.created_at, W.c.id)
        return [_entry(r) for r in self._session.execute(stmt).mappings()]

    def remove(self, entry_id: str) -> None:
        self._session.execute(delete(W).where(W.c.id == entry_id))


def _entry(row: RowMapping) -> WaitlistEntry:
    hints = typing.get_type_hints(WaitlistEntry)
    known = {f.name for f in dataclasses.fields(WaitlistEntry) if f.init}
    extra: dict[str, Any] = {k: decode(v, hints[k]) for k, v in (row["extra"] or {}).items()
                             if k in known and k not in _WAITLIST_COLUMNS}
    return WaitlistEntry(id=row["id"], customer_id=row["customer_id"], channel=row["channel"],
                         service_key=row["service_key"], provider_key=row["provider_key"],
                         window=Interval(row["window_start"], row["window_end"]),
                         created_at=row["created_at"], **extra)

"""The business file <-> the catalog tables: an idempotent sync and a loader.

``sync_business`` never commits: the caller's transaction applies all of it or none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    RowMapping,
    Table,
    and_,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from core.booking import BookingStatus
from core.errors import DomainError, ErrorCode
from core.fees import FeePolicy
from core.intake import Question
from core.model import (
    Business,
    BusinessInfo,
    CalendarLink,
    ClassTime,
    DatedException,
    DayHours,
    Languages,
    PaymentMode,
    Provider,
    Resource,
    Rules,
    Service,
)
from core.money import Money
from core.policy import CancellationPolicy
from db import pipeline
from db.codec import decode, decode_dataclass, encode
from db.tables import (
    BookingRow,
    BusinessRow,
    ProviderRow,
    ResourceBookingRow,
    ResourceRow,
    ServiceRow,
    table_of,
)

B = table_of(BookingRow)
BIZ = table_of(BusinessRow)
P = table_of(ProviderRow)
S = table_of(ServiceRow)
R = table_of(ResourceRow)
RB = table_of(ResourceBookingRow)


@dataclass
class SyncReport:
    """Keys as ``service:<key>``, ``provider:<key>`` or ``business``."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


def _seconds(value: timedelta, what: str) -> int:
    if value % timedelta(seconds=1):
        raise DomainError(ErrorCode.INVALID_CONFIG, f"{what} must be whole seconds")
    return int(value.total_seconds())


def service_values(s: Service, position: int) -> dict[str, Any]:
    if s.deposit.currency != s.price.currency:
        raise DomainError(ErrorCode.INVALID_CONFIG,
                          f"service {s.key}: deposit and price currencies differ")
    return {"key": s.key, "name": s.name, "duration_s": _seconds(s.duration, f"{s.key} duration"),
            "price_minor": s.price.amount_minor, "deposit_minor": s.deposit.amount_minor,
            "currency": s.price.currency, "payment_mode": s.payment.value,
            "buffer_before_s": _seconds(s.buffer_before, f"{s.key} buffer"),
            "buffer_after_s": _seconds(s.buffer_after, f"{s.key} buffer"),
            "aliases": list(s.aliases), "position": position, "options": service_options(s)}


def service_options(s: Service) -> dict[str, Any]:
    """The JSON ``services.options`` column: only what differs from a one-to-one service,
    so services without options compare unchanged with rows from before migration 0012.
    ``names``: the service's name per language (migration 0021 needs no column for it)."""
    out: dict[str, Any] = {} if not s.requires else {"requires": list(s.requires)}
    if s.fees is not None:
        out["fees"] = encode(s.fees)
    if s.confirm_by is not None:
        out["confirm_by"] = encode(s.confirm_by)
    if s.names:
        out["names"] = [list(pair) for pair in s.names]
    if s.questions:
        out["questions"] = encode(s.questions)
    if s.capacity is None:
        return out
    return {**out, "capacity": s.capacity, "max_seats": s.max_seats,
            "timetable": [[t.weekday, t.at.strftime("%H:%M")] for t in s.timetable]}


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = ({} if not options.get("requires")
                           else {"requires": tuple(options["requires"])})
    if options.get("fees"):
        out["fees"] = decode(options["fees"], FeePolicy)
    if options.get("confirm_by") is not None:
        out["confirm_by"] = timedelta(seconds=options["confirm_by"])
    if options.get("names"):
        out["names"] = tuple((str(a), str(b)) for a, b in options["names"])
    if options.get("questions"):
        out["questions"] = decode(options["questions"], tuple[Question, ...])
    if not options.get("capacity"):
        return out
    return {**out, "capacity": int(options["capacity"]), "max_seats": int(options["max_seats"]),
            "timetable": tuple(ClassTime(int(d), time.fromisoformat(at))
                               for d, at in options.get("timetable", []))}


def provider_values(p: Provider, position: int) -> dict[str, Any]:
    return {"key": p.key, "name": p.name, "tz": p.tz.key, "services": sorted(p.services),
            "weekly": encode(p.weekly), "exceptions": encode(p.exceptions),
            "slack_user_id": p.slack_user_id, "position": position,
            "calendar": encode(p.calendar)}


def resource_values(r: Resource, position: int) -> dict[str, Any]:
    return {"key": r.key, "name": r.name, "kind": r.kind, "weekly": encode(r.weekly),
            "exceptions": encode(r.exceptions), "position": position}


def business_values(b: Business, raw_text: str) -> dict[str, Any]:
    return {"name": b.name, "tz": b.tz.key, "currency": b.currency, "rules": encode(b.rules),
            "policy": encode(b.policy), "raw_text": raw_text, "info": encode(b.info),
            # NULL for the built-in default, so files without languages compare unchanged.
            "languages": None if b.languages == Languages() else encode(b.languages)}


def sync_business(session: Session, business: Business, *, raw_text: str,
                  now: datetime) -> SyncReport:
    """Upsert by key; deactivate what the file dropped unless it still has future bookings."""
    _validate(business)
    report = SyncReport()
    services = {s.key: service_values(s, i) for i, s in enumerate(business.services)}
    providers = {p.key: provider_values(p, i) for i, p in enumerate(business.providers)}
    resources = {r.key: resource_values(r, i) for i, r in enumerate(business.resources)}
    _lock_business(session)
    dropped_services = _dropped(session, S, services)
    dropped_providers = _dropped(session, P, providers)
    _refuse_if_booked(session, dropped_services, dropped_providers, now)
    _refuse_if_held(session, _dropped(session, R, resources), resources, now)
    _upsert(session, S, kind="service", wanted=services, now=now, report=report)
    _upsert(session, P, kind="provider", wanted=providers, now=now, report=report)
    _upsert(session, R, kind="resource", wanted=resources, now=now, report=report)
    _deactivate(session, S, kind="service", keys=dropped_services, now=now, report=report)
    _deactivate(session, P, kind="provider", keys=dropped_providers, now=now, report=report)
    _deactivate(session, R, kind="resource", keys=_dropped(session, R, resources), now=now,
                report=report)
    _upsert_business(session, business_values(business, raw_text), now, report)
    return report


def _validate(business: Business) -> None:
    known = {s.key for s in business.services}
    for p in business.providers:
        missing = sorted(p.services - known)
        if missing:
            raise DomainError(ErrorCode.INVALID_CONFIG,
                              f"provider {p.key} offers unknown services: {', '.join(missing)}")
    kinds = {r.kind for r in business.resources}
    for s in business.services:
        if missing := sorted(set(s.requires) - kinds):
            raise DomainError(ErrorCode.INVALID_CONFIG,
                              f"service {s.key} requires unknown resource kinds: "
                              f"{', '.join(missing)}")
    for what, keys in (("service", [s.key for s in business.services]),
                       ("provider", [p.key for p in business.providers]),
                       ("resource", [r.key for r in business.resources])):
        if len(set(keys)) != len(keys):
            raise DomainError(ErrorCode.INVALID_CONFIG, f"duplicate {what} keys")


def _refuse_if_held(session: Session, dropped: list[str], wanted: Mapping[str, dict[str, Any]],
                    now: datetime) -> None:
    """A resource leaving the file, or changing kind, must not hold a future booking."""
    existing = {r["key"]: r["kind"] for r in session.execute(select(R.c.key, R.c.kind)
                                                             .where(R.c.active)).mappings()}
    keys = dropped + sorted(k for k, v in wanted.items()
                            if k in existing and existing[k] != v["kind"])
    if not keys:
        return
    stmt = (select(RB.c.resource_key, func.count()).join(B, B.c.id == RB.c.booking_id)
            .where(RB.c.resource_key.in_(keys), B.c.end_at > now, _occupying(now))
            .group_by(RB.c.resource_key))
    problems = [f"resource {k} has {n} future booking(s)"
                for k, n in sorted((str(k), int(n)) for k, n in session.execute(stmt))]
    if problems:
        raise DomainError(ErrorCode.INVALID_CONFIG,
                          "cannot remove or change: " + "; ".join(problems)
                          + " (cancel or move them first)", problems=problems)


def _occupying(now: datetime) -> ColumnElement[bool]:
    return or_(B.c.status == BookingStatus.CONFIRMED.value,
               and_(B.c.status == BookingStatus.HELD.value, B.c.hold_expires_at > now))


def _lock_business(session: Session) -> None:
    # Two concurrent syncs serialise here (a no-op on SQLite, already serialised).
    session.execute(select(BIZ.c.id).where(BIZ.c.id == 1).with_for_update())


def _dropped(session: Session, table: Table, wanted: Mapping[str, Any]) -> list[str]:
    active = session.execute(select(table.c.key).where(table.c.active)).scalars().all()
    return sorted(k for k in active if k not in wanted)


def _future_counts(session: Session, column: str, keys: list[str], now: datetime) -> dict[str, int]:
    if not keys:
        return {}
    col = B.c[column]
    occupying = or_(B.c.status == BookingStatus.CONFIRMED.value,
                    and_(B.c.status == BookingStatus.HELD.value, B.c.hold_expires_at > now))
    stmt = (select(col, func.count()).where(col.in_(keys), B.c.end_at > now, occupying)
            .group_by(col))
    return {k: int(n) for k, n in session.execute(stmt)}


def _refuse_if_booked(session: Session, services: list[str], providers: list[str],
                      now: datetime) -> None:
    problems = [f"provider {k} has {n} future booking(s)"
                for k, n in sorted(_future_counts(session, "provider_key", providers, now).items())]
    problems += [f"service {k} has {n} future booking(s)"
                 for k, n in sorted(_future_counts(session, "service_key", services, now).items())]
    if problems:
        raise DomainError(ErrorCode.INVALID_CONFIG,
                          "cannot remove: " + "; ".join(problems)
                          + " (cancel or move them first)", problems=problems)


def _upsert(session: Session, table: Table, *, kind: str,
            wanted: Mapping[str, dict[str, Any]], now: datetime, report: SyncReport) -> None:
    existing = {r["key"]: r for r in session.execute(select(table)).mappings()}
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            session.execute(insert(table), {**values, "active": True, "updated_at": now})
            report.created.append(f"{kind}:{key}")
        elif row["active"] and all(row[c] == v for c, v in values.items()):
            report.unchanged.append(f"{kind}:{key}")
        else:
            session.execute(update(table).where(table.c.key == key)
                            .values(**values, active=True, updated_at=now))
            report.updated.append(f"{kind}:{key}")


def _deactivate(session: Session, table: Table, *, kind: str, keys: list[str],
                now: datetime, report: SyncReport) -> None:
    for key in keys:
        session.execute(update(table).where(table.c.key == key)
                        .values(active=False, updated_at=now))
        report.deactivated.append(f"{kind}:{key}")


def _upsert_business(session: Session, values: dict[str, Any], now: datetime,
                     report: SyncReport) -> None:
    row = session.execute(select(BIZ).where(BIZ.c.id == 1)).mappings().one_or_none()
    if row is None:
        session.execute(insert(BIZ), {**values, "id": 1, "revision": 1, "updated_at": now})
        report.created.append("business")
        return
    same = all(row[c] == v for c, v in values.items())
    if same and not report.changed:
        report.unchanged.append("business")
        return
    (report.unchanged if same else report.updated).append("business")
    session.execute(update(BIZ).where(BIZ.c.id == 1)
                    .values(**values, revision=row["revision"] + 1, updated_at=now))


_REVISION = select(BIZ.c.revision).where(BIZ.c.id == 1)  # built once: read per message


def business_revision(session: Session | Connection) -> int | None:
    value = session.execute(_REVISION).scalar_one_or_none()
    return None if value is None else int(value)


def business_revision_alone(engine: Engine) -> int | None:
    """The same, as a statement of its own in autocommit (PostgreSQL): how every message
    asks whether its cached catalogue is still current."""
    rows = pipeline.run_single(engine, _REVISION)
    return None if not rows or rows[0][0] is None else int(rows[0][0])


def load_business(session: Session) -> Business | None:
    """The active catalog as ``core.model.Business``; None before the first sync."""
    row = session.execute(select(BIZ).where(BIZ.c.id == 1)).mappings().one_or_none()
    if row is None:
        return None
    services = session.execute(select(S).where(S.c.active).order_by(S.c.position, S.c.key))
    providers = session.execute(select(P).where(P.c.active).order_by(P.c.position, P.c.key))
    return Business(
        name=row["name"], tz=ZoneInfo(row["tz"]), currency=row["currency"],
        services=tuple(_service(r) for r in services.mappings()),
        providers=tuple(_provider(r) for r in providers.mappings()),
        resources=_resources(session),
        rules=decode_dataclass(Rules, row["rules"]),
        policy=decode_dataclass(CancellationPolicy, row["policy"]),
        info=decode_dataclass(BusinessInfo, row["info"]) if row["info"] else BusinessInfo(),
        languages=(decode_dataclass(Languages, row["languages"]) if row["languages"]
                   else Languages()),
    )


def _service(r: RowMapping) -> Service:
    cur = r["currency"]
    return Service(key=r["key"], name=r["name"], duration=timedelta(seconds=r["duration_s"]),
                   price=Money(r["price_minor"], cur), deposit=Money(r["deposit_minor"], cur),
                   payment=PaymentMode(r["payment_mode"]),
                   buffer_before=timedelta(seconds=r["buffer_before_s"]),
                   buffer_after=timedelta(seconds=r["buffer_after_s"]),
                   aliases=tuple(r["aliases"]), **_options(r["options"] or {}))


def _resources(session: Session) -> tuple[Resource, ...]:
    rows = session.execute(select(R).where(R.c.active).order_by(R.c.position, R.c.key))
    return tuple(Resource(key=r["key"], name=r["name"], kind=r["kind"],
                          weekly=decode(r["weekly"], tuple[DayHours, ...]),
                          exceptions=decode(r["exceptions"], tuple[DatedException, ...]))
                 for r in rows.mappings())


def _provider(r: RowMapping) -> Provider:
    return Provider(key=r["key"], name=r["name"], tz=ZoneInfo(r["tz"]),
                    services=frozenset(r["services"]),
                    weekly=decode(r["weekly"], tuple[DayHours, ...]),
                    exceptions=decode(r["exceptions"], tuple[DatedException, ...]),
                    slack_user_id=r["slack_user_id"],
                    calendar=decode(r["calendar"], CalendarLink | None))

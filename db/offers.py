"""Waitlist offers in the database, and the unit of work the offer use cases run in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Self
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.orm import Session

from core.errors import DomainError, ErrorCode
from core.model import Languages
from core.notifications import Audience, Recipient
from core.usecases.waitlist_offers import OfferRepository, OfferStatus, WaitlistOffer
from db.codec import decode_dataclass
from db.jobs_facts import C, customer_lang
from db.jobs_tables import WAITLIST_OFFERS as O
from db.tables import BusinessRow, table_of
from db.uow import SqlUnitOfWork

BIZ = table_of(BusinessRow)



def _values(offer: WaitlistOffer) -> dict[str, Any]:
    return {
        "id": offer.id, "entry_id": offer.entry_id, "customer_id": offer.customer_id,
        "channel": offer.channel, "booking_id": offer.booking_id,
        "provider_key": offer.provider_key, "service_key": offer.service_key,
        "start_at": offer.start, "end_at": offer.end, "status": offer.status.value,
        "offered_at": offer.offered_at, "expires_at": offer.expires_at,
        "decided_at": offer.decided_at,
    }


def offer_from_row(r: RowMapping) -> WaitlistOffer:
    return WaitlistOffer(
        id=r["id"], entry_id=r["entry_id"], customer_id=r["customer_id"], channel=r["channel"],
        booking_id=r["booking_id"], provider_key=r["provider_key"],
        service_key=r["service_key"], start=r["start_at"], end=r["end_at"],
        status=OfferStatus(r["status"]), offered_at=r["offered_at"],
        expires_at=r["expires_at"], decided_at=r["decided_at"])


class SqlOfferRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, offer: WaitlistOffer) -> None:
        self._session.execute(insert(O), _values(offer))

    def get(self, offer_id: str, *, for_update: bool = False) -> WaitlistOffer | None:
        stmt = select(O).where(O.c.id == offer_id)
        row = self._session.execute(stmt.with_for_update() if for_update else stmt)
        found = row.mappings().one_or_none()
        return None if found is None else offer_from_row(found)

    def update(self, offer: WaitlistOffer) -> None:
        values = _values(offer)
        del values["id"]
        result = self._session.execute(update(O).where(O.c.id == offer.id).values(**values))
        if getattr(result, "rowcount", 0) != 1:
            raise DomainError(ErrorCode.UNKNOWN_BOOKING, "no such offer", id=offer.id)

    def offered_entries(self, provider_key: str, start: datetime) -> set[str]:
        stmt = select(O.c.entry_id).where(O.c.provider_key == provider_key, O.c.start_at == start)
        return set(self._session.execute(stmt).scalars())

    def open_for_customer(self, customer_id: str) -> list[WaitlistOffer]:
        stmt = (select(O).where(O.c.customer_id == customer_id,
                                O.c.status == OfferStatus.OPEN.value)
                .order_by(O.c.offered_at.desc(), O.c.id))
        return [offer_from_row(r) for r in self._session.execute(stmt).mappings()]

    def lapsed(self, now: datetime, limit: int) -> list[WaitlistOffer]:
        stmt = (select(O).where(O.c.status == OfferStatus.OPEN.value, O.c.expires_at <= now)
                .order_by(O.c.expires_at, O.c.id).limit(limit).with_for_update(skip_locked=True))
        return [offer_from_row(r) for r in self._session.execute(stmt).mappings()]

    def recipients(self, customer_ids: Iterable[str]) -> dict[str, Recipient]:
        ids = sorted(set(customer_ids))
        if not ids:
            return {}
        biz = self._session.execute(select(BIZ.c.tz, BIZ.c.languages)).one_or_none()
        zone = (biz.tz if biz is not None else None) or "UTC"
        langs = (decode_dataclass(Languages, biz.languages) if biz is not None and biz.languages
                 else Languages())
        rows = self._session.execute(select(C).where(C.c.id.in_(ids))).mappings()
        return {r["id"]: Recipient(Audience.CUSTOMER, r["channel"], r["sender_id"],
                                   ZoneInfo(r["tz"] or zone), opted_out=bool(r["opted_out"]),
                                   customer_id=r["id"], lang=customer_lang(r, langs))
                for r in rows}


class JobsUnitOfWork(SqlUnitOfWork):
    """``SqlUnitOfWork`` plus the waitlist offers (``core...waitlist_offers.OfferUnitOfWork``)."""

    offers: OfferRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.offers = SqlOfferRepository(self.session)
        return self

"""Customers, one per (channel, sender id). Core has no Customer type yet: this one is ours."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, RowMapping, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.errors import DomainError, ErrorCode
from db import pipeline
from db.tables import CustomerRow, table_of

C = table_of(CustomerRow)


@dataclass(frozen=True)
class Customer:
    id: str
    channel: str
    sender_id: str
    created_at: datetime
    name: str | None = None
    tz: ZoneInfo | None = None
    phone_e164: str | None = None
    opted_out: bool = False
    lang: str | None = None  # the language they are answered in; None: the business default
    lang_source: str | None = None  # what decided it (bot.language.Source values)


def _customer(row: RowMapping) -> Customer:
    return Customer(id=row["id"], channel=row["channel"], sender_id=row["sender_id"],
                    created_at=row["created_at"], name=row["name"],
                    tz=ZoneInfo(row["tz"]) if row["tz"] else None,
                    phone_e164=row["phone_e164"], opted_out=row["opted_out"],
                    lang=row["lang"], lang_source=row["lang_source"])


# Built once: every inbound message looks its sender up (bound by name at execution).
_FIND = select(C).where(C.c.channel == bindparam("channel"),
                        C.c.sender_id == bindparam("sender_id"))
_BY_ID = select(C).where(C.c.id == bindparam("id"))
_CREATE = {d.__name__.rsplit(".", 1)[-1]: d.insert(C).on_conflict_do_nothing(
    index_elements=["channel", "sender_id"]).returning(*C.c) for d in (postgresql, sqlite)}

# The language is stored on a new customer's first message.
_SET: dict[tuple[str, ...], Any] = {
    ("lang", "lang_source"): update(C).where(C.c.id == bindparam("customer_id")).values(
        lang=bindparam("lang"), lang_source=bindparam("lang_source")),
}


class SqlCustomerRepository:
    """On an ORM session or, for the per-message lookup, a bare connection (cheaper)."""

    def __init__(self, session: Session | Connection) -> None:
        self._session = session

    def get_or_create(self, channel: str, sender_id: str, *, now: datetime,
                      name: str | None = None, phone_e164: str | None = None) -> Customer:
        """Safe under concurrency: the insert skips on conflict, then the row is read."""
        found = self.find(channel, sender_id)
        if found is not None:
            return found
        bind = self._session if isinstance(self._session, Connection) \
            else self._session.get_bind()
        row = pipeline.fetch(self._session, _CREATE[bind.dialect.name], {
            "id": str(uuid.uuid4()), "channel": channel, "sender_id": sender_id, "name": name,
            "tz": None, "phone_e164": phone_e164, "opted_out": False, "created_at": now,
        }).mappings().one_or_none()
        if row is not None:  # ours; None: a concurrent first message inserted it first
            return _customer(row)
        created = self.find(channel, sender_id)
        if created is None:  # pragma: no cover - the row exists after the upsert
            raise RuntimeError("customer vanished after insert")
        return created

    def find(self, channel: str, sender_id: str) -> Customer | None:
        row = pipeline.fetch(self._session, _FIND, {"channel": channel, "sender_id": sender_id}
                             ).mappings().one_or_none()
        return None if row is None else _customer(row)

    def get(self, customer_id: str) -> Customer | None:
        row = self._session.execute(_BY_ID, {"id": customer_id}).mappings().one_or_none()
        return None if row is None else _customer(row)

    def set_tz(self, customer_id: str, tz: ZoneInfo | None) -> None:
        self._set(customer_id, tz=tz.key if tz else None)

    def set_name(self, customer_id: str, name: str | None) -> None:
        self._set(customer_id, name=name)

    def set_phone(self, customer_id: str, phone_e164: str | None) -> None:
        self._set(customer_id, phone_e164=phone_e164)

    def set_lang(self, customer_id: str, lang: str | None, source: str | None) -> None:
        """Their language (None: back to the business default) and what decided it."""
        self._set(customer_id, lang=lang, lang_source=source if lang else None)

    def opt_out(self, customer_id: str) -> None:
        self._set(customer_id, opted_out=True)

    def opt_in(self, customer_id: str) -> None:
        self._set(customer_id, opted_out=False)

    def _set(self, customer_id: str, **values: object) -> None:
        stmt = _SET.get(tuple(values))
        if stmt is None:
            stmt = update(C).where(C.c.id == bindparam("customer_id")).values(
                {k: bindparam(k) for k in values})
        result = self._session.execute(stmt, {"customer_id": customer_id, **values})
        if getattr(result, "rowcount", 0) != 1:
            raise DomainError(ErrorCode.INVALID_REQUEST, "no such customer", id=customer_id)

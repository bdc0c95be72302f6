"""Joining and leaving the waitlist. Matching a freed slot is pure: core.waitlist."""

from __future__ import annotations

import uuid
from datetime import datetime

from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.ports import UnitOfWork
from core.usecases.common import candidates, service_of
from core.waitlist import WaitlistEntry


def join_waitlist(uow: UnitOfWork, *, customer_id: str, channel: str, service_key: str,
                  provider_key: str | None, window: Interval, now: datetime) -> WaitlistEntry:
    if window.end <= now:
        raise DomainError(ErrorCode.IN_THE_PAST, "that time has already passed")
    with uow:
        business = uow.business()
        service_of(business, service_key)
        candidates(business, service_key, provider_key)
        entry = WaitlistEntry(id=str(uuid.uuid4()), customer_id=customer_id, channel=channel,
                              service_key=service_key, provider_key=provider_key,
                              window=window, created_at=now)
        uow.waitlist.add(entry)
        uow.commit()
        return entry


def leave_waitlist(uow: UnitOfWork, entry_id: str) -> None:
    with uow:
        uow.waitlist.remove(entry_id)
        uow.commit()

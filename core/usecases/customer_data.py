"""A customer's own data: export it, erase it, and purge old transcripts for everyone.

Called from the CLI (``bookingbot customer export|erase``), from the chat ("send me my
data", "delete my data", confirmed first: ``bookingbot.data_requests``) and from the web
admin. Erasure anonymises what identifies a person -- name, phone, chat handle, message
texts and transcripts -- while the booking and payment ledger keeps its rows and totals
(a refund or a tax report still adds up); the customer row stays, renamed, so the bookings
still point at something, and is marked opted out so nothing is ever sent to it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from core.errors import DomainError, ErrorCode

ERASED = "[erased]"  # what an erased text reads as, everywhere


@dataclass(frozen=True)
class Erasure:
    customer_id: str
    bookings_kept: int  # the ledger rows still there, now pointing at an anonymous customer
    texts_erased: int  # messages, replies and notifications blanked
    conversations_deleted: int


class CustomerDataStore(Protocol):
    """``db.customer_data.SqlCustomerData``; each call is one transaction."""

    def find(self, ref: str) -> str | None:
        """The customer id for an id, an E.164 phone number or a chat handle; None if none."""

    def export(self, customer_id: str) -> dict[str, Any]: ...

    def erase(self, customer_id: str, *, now: datetime) -> Erasure: ...

    def purge_transcripts(self, *, before: datetime) -> int:
        """Delete transcripts last touched before ``before``; how many rows went."""


def _customer(store: CustomerDataStore, ref: str) -> str:
    found = store.find(ref.strip())
    if found is None:
        raise DomainError(ErrorCode.INVALID_REQUEST, f"no customer matches {ref!r}")
    return found


def export_customer(store: CustomerDataStore, ref: str) -> dict[str, Any]:
    """Everything we hold about one customer, as plain JSON-ready data."""
    return store.export(_customer(store, ref))


def erase_customer(store: CustomerDataStore, ref: str, *, now: datetime) -> Erasure:
    """Anonymise one customer (idempotent: erasing twice changes nothing more)."""
    return store.erase(_customer(store, ref), now=now)


def purge_transcripts(store: CustomerDataStore, *, now: datetime,
                      retention: timedelta) -> int:
    """The retention sweep: transcripts older than ``retention`` (the business file's
    ``rules.transcript_retention``) are deleted."""
    if retention <= timedelta(0):
        raise ValueError("retention must be positive")
    return store.purge_transcripts(before=now - retention)

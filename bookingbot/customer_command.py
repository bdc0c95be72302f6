"""``bookingbot customer export|erase <id-or-phone>``: a customer's data, from the shell.

``export`` prints everything we hold about the customer as JSON on stdout; ``erase``
anonymises them (core.usecases.customer_data) and prints what it did. The customer is
found by id, E.164 phone number or chat handle (a Telegram chat id, a Slack user id).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime

from bookingbot.bootstrap import Database, database, utcnow
from core.usecases.customer_data import erase_customer, export_customer, purge_transcripts
from db.customer_data import SqlCustomerData

RETENTION_TICK = 3600.0  # an hour late at most: retention is counted in days


def customer_data(db: Database) -> SqlCustomerData:
    """The store the CLI, the chat and the web admin share."""
    return SqlCustomerData(db.sessions)


def customer(action: str, ref: str, *, db: str | None) -> int:
    handle = database(db)
    try:
        store = customer_data(handle)
        if action == "export":
            json.dump(export_customer(store, ref), sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
            return 0
        done = erase_customer(store, ref, now=utcnow())
        print(f"erased customer {done.customer_id}: {done.texts_erased} texts and "  # noqa: T201
              f"{done.conversations_deleted} conversations removed, "
              f"{done.bookings_kept} bookings kept (anonymised)")
        return 0
    finally:
        handle.close()


def retention_sweep(db: Database, clock: Callable[[], datetime] = utcnow
                    ) -> tuple[str, float, Callable[[], int]]:
    """(name, seconds, function) for the worker: transcripts past the business file's
    ``rules.transcript_retention`` are purged."""
    store = customer_data(db)

    def sweep() -> int:
        with db.uow() as uow:
            retention = uow.business().rules.transcript_retention
        return purge_transcripts(store, now=clock(), retention=retention)

    return ("retention", RETENTION_TICK, sweep)

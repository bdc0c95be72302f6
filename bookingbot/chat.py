"""`bookingbot chat`: the console channel against the database, seeded with the demo business."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.business_file import load_business_file
from bot.runner import Runner
from channels.console import CHANNEL, run_console
from db.catalog import load_business, sync_business
from db.conversations import SqlCustomerDirectory, SqlSessionStore

DEMO = Path(__file__).resolve().parent / "demo" / "demo_business.yaml"


def seed_demo(db: Database) -> bool:
    """Load the demo business when the database has none (a newcomer's first run)."""
    with db.sessions() as s, s.begin():
        if load_business(s) is not None:
            return False
        business, raw = load_business_file(DEMO)
        sync_business(s, business, raw_text=raw, now=utcnow())
        return True


def make_runner(db: Database) -> Runner:
    return Runner(uow=db.uow, store=SqlSessionStore(db.engine),
                  customers=SqlCustomerDirectory(db.sessions), clock=utcnow)


def run_chat(*, db_url: str | None, sender_id: str, tz: str | None, stdin: TextIO,
             stdout: TextIO) -> int:
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            stdout.write(f"unknown timezone {tz!r} (use an IANA name like America/New_York)\n")
            return 2
    db = database(db_url)
    try:
        seed_demo(db)
        runner = make_runner(db)
        if tz is not None:
            customer = runner.customers.identify(CHANNEL, sender_id, now=utcnow())
            runner.customers.set_tz(customer.id, tz)
        stdout.write("Chatting with the booking bot. Say \"hi\" to start; Ctrl-D to quit.\n")
        stdout.flush()
        return run_console(sender_id=sender_id, stdin=stdin, stdout=stdout,
                           handle=runner.handle, clock=utcnow)
    finally:
        db.close()

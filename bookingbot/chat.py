"""`bookingbot chat`: the console channel against the database, seeded with the demo business."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.business_file import load_business_file
from bookingbot.channels_wiring import build_handler, build_runner
from bookingbot.cli_errors import CommandError
from bookingbot.console_senders import LabelledLog
from bookingbot.settings import Settings
from bookingbot.worker import start_in_process
from bot.runner import Runner
from channels.console import CHANNEL, run_console
from db.catalog import load_business, sync_business

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
    """The same runner the web app uses (payments and refunds included)."""
    runner = build_runner(db, Settings())
    runner.clock = utcnow
    return runner


def run_chat(*, db_url: str | None, sender_id: str, tz: str | None, stdin: TextIO,
             stdout: TextIO, jobs: bool = True) -> int:
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"unknown timezone {tz!r} (use an IANA name like "
                               "America/New_York)") from None
    db = database(db_url)
    try:
        seed_demo(db)
        runner = make_runner(db)
        if tz is not None:
            customer = runner.customers.identify(CHANNEL, sender_id, now=utcnow())
            runner.customers.set_tz(customer.id, tz)
        stdout.write("Chatting with the booking bot. Say \"hi\" to start; Ctrl-D to quit.\n")
        stdout.flush()
        # The embedded default runs the jobs in-process: reminders, provider notices and
        # waitlist offers show up in this terminal as they fall due; only this customer's
        # look like bot replies, the others are labelled with their recipient.
        if not jobs:
            return run_console(sender_id=sender_id, stdin=stdin, stdout=stdout,
                               handle=build_handler(db, runner), clock=utcnow)
        with LabelledLog(stdout):
            stop = start_in_process(db, out=stdout, me=sender_id)
            try:
                return run_console(sender_id=sender_id, stdin=stdin, stdout=stdout,
                                   handle=build_handler(db, runner), clock=utcnow)
            finally:
                stop()
    finally:
        db.close()

"""The ``worker`` process (``bookingbot worker``, the Procfile's ``worker:`` line) and the
in-process starter the console demo uses. Wires the jobs to the database, the senders,
the notification texts and the daily agenda; the jobs themselves know none of these.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TextIO

from slack_sdk import WebClient

from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.channels_wiring import sms_sender, telegram_sender
from bookingbot.notify_texts import render
from bookingbot.settings import Settings
from channels.slack.sender import SlackSender
from channels.slack.texts import agenda_text
from core.notifications import Message
from core.ports import Sender
from core.usecases.provider import agenda
from db.jobs_store import SqlJobsStore
from db.offers import JobsUnitOfWork
from db.provider_queries import SqlProviderQueries
from db.uow import BusinessCache
from jobs.ports import JobsStore
from jobs.scheduler import INTERVALS, run_blocking
from jobs.scheduler import start_in_process as start_scheduler
from jobs.sweeps import Jobs, JobSettings

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# The console demo sweeps often, so a reminder shows up within seconds of falling due.
DEMO_INTERVALS = {**INTERVALS, "reminders": 5.0, "expire": 5.0, "agendas": 60.0}


class ConsoleSender:
    """``core.ports.Sender`` for the console demo: notifications are printed."""

    def __init__(self, channel: str, out: TextIO, *, prefix: str = "bot> ") -> None:
        self.channel = channel
        self._out = out
        self._prefix = prefix
        self._count = 0

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        options = "".join(f"\n  - {label} (reply \"{payload}\")" for label, payload in choices)
        who = f"[to {recipient_id}] " if self.channel != "console" else ""
        self._out.write(f"\n{self._prefix}{who}{text}{options}\n")
        self._out.flush()
        self._count += 1
        return f"{self.channel}-{self._count}"


def production_senders(settings: Settings, db: Database) -> dict[str, Sender]:
    """Every channel that is configured; rows for the others wait and retry."""
    senders: dict[str, Sender] = {}
    for sender in (telegram_sender(settings), sms_sender(settings, db)):
        if sender is not None:
            senders[sender.channel] = sender
    if settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
        client = (WebClient(token=token, base_url=settings.slack_api_url)
                  if settings.slack_api_url else WebClient(token=token))
        senders["slack"] = SlackSender(client)
    return senders


def agenda_for(db: Database, clock: Clock) -> Callable[[str, date, datetime], Message]:
    queries = SqlProviderQueries(clock=clock)

    def text(provider_key: str, day: date, now: datetime) -> Message:
        return Message(agenda_text(agenda(db.uow(), queries, provider_key=provider_key,
                                          day=day, now=now)))

    return text


def build_jobs(db: Database, *, senders: Mapping[str, Sender], clock: Clock = utcnow,
               provider_channel: str | None = None,
               settings: JobSettings | None = None) -> Jobs:
    store: JobsStore = SqlJobsStore(db.sessions, provider_channel=provider_channel)
    cache = BusinessCache()

    def offers_uow() -> JobsUnitOfWork:
        return JobsUnitOfWork(db.sessions, cache, clock=clock)

    return Jobs(store, senders, render, offers_uow, clock, agenda_text=agenda_for(db, clock),
                settings=settings or JobSettings())


def run_worker(*, db_url: str | None) -> int:
    """Run every sweep on its interval until interrupted. Any number may run at once."""
    settings = Settings()
    db = database(db_url)
    senders = production_senders(settings, db)
    log.info("worker: delivering to %s", ", ".join(sorted(senders)) or "no channel yet")
    try:
        jobs = build_jobs(db, senders=senders, provider_channel=settings.slack_provider_channel)
        run_blocking(jobs)
    finally:
        for sender in senders.values():
            close = getattr(sender, "close", None)
            if callable(close):
                close()
        db.close()
    return 0


def start_in_process(db: Database, *, out: TextIO = sys.stdout,
                     senders: Mapping[str, Sender] | None = None, clock: Clock = utcnow,
                     intervals: Mapping[str, float] = DEMO_INTERVALS) -> Callable[[], None]:
    """The embedded default: sweeps on a background thread, console notifications printed.
    Returns a function that stops it."""
    chosen = senders or {"console": ConsoleSender("console", out),
                         "slack": ConsoleSender("slack", out, prefix="(to the provider) ")}
    scheduler = start_scheduler(build_jobs(db, senders=chosen, clock=clock), intervals)
    return lambda: scheduler.shutdown(wait=True)  # lets a running sweep finish

"""The ``worker`` process (``bookingbot worker``, the Procfile's ``worker:`` line) and the
in-process starter the console demo uses. Wires the jobs to the database, the senders,
the notification texts and the daily agenda; the jobs themselves know none of these.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import TextIO

from slack_sdk import WebClient

from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.calendar_feed import booking_link
from bookingbot.calendar_wiring import calendar_sweeps
from bookingbot.channels_wiring import (
    slack_client,
    sms_sender,
    telegram_sender,
    whatsapp_sender,
)
from bookingbot.confirm_notify import confirm_renderer
from bookingbot.console_senders import ConsoleSender, recipients_in
from bookingbot.customer_command import retention_sweep
from bookingbot.notify_texts import AddToCalendar, notice_text, render, renderer
from bookingbot.payments_wiring import build_payment_gateway, refund_sweep
from bookingbot.settings import Settings
from bookingbot.worker_report import worker_report
from channels.slack import SlackHome, provider_alert, series_alert
from channels.slack.render import provider_payload
from channels.slack.sender import SlackSender
from channels.slack.texts import agenda_text
from core.events import BookingCancelled, BookingConfirmed, BookingRescheduled, Event
from core.intake import IntakeUpdated
from core.model import Business
from core.notifications import Audience, BookingFacts, Kind, Message, Notice
from core.payments import PaymentGateway
from core.ports import Sender
from core.series_notices import series_dates
from core.usecases.provider import CustomerCard, agenda
from db.jobs_store import SqlJobsStore
from db.offers import JobsUnitOfWork
from db.provider_queries import SqlProviderQueries
from db.sweep_leases import SqlSweepGate
from db.uow import BusinessCache
from jobs.ports import BookingChanged, JobsStore, Renderer
from jobs.scheduler import INTERVALS, run_blocking
from jobs.scheduler import start_in_process as start_scheduler
from jobs.sweeps import Jobs, JobSettings

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# The console demo sweeps often, so a reminder shows up within seconds of falling due.
DEMO_INTERVALS = {**INTERVALS, "reminders": 5.0, "expire": 5.0, "agendas": 60.0}


def production_senders(settings: Settings, db: Database,
                       client: WebClient | None = None) -> dict[str, Sender]:
    """Every channel that is configured; rows for the others wait and retry."""
    senders: dict[str, Sender] = {}
    for sender in (telegram_sender(settings), sms_sender(settings, db),
                   whatsapp_sender(settings, db)):
        if sender is not None:
            senders[sender.channel] = sender
    client = client or slack_client(settings)
    if client is not None:
        senders["slack"] = SlackSender(client)
    return senders


def _alert_event(notice: Notice, facts: BookingFacts) -> Event | None:
    """The booking event behind a provider notice, for ``channels.slack.provider_alert``."""
    b = facts.booking
    match notice.kind:
        case Kind.CONFIRMED:
            return BookingConfirmed(b.id)
        case Kind.CANCELLED:
            return BookingCancelled(b.id, notice.value("by") or "system",
                                    int(notice.value("refund_minor") or 0))
        case Kind.RESCHEDULED:
            old = datetime.fromisoformat(notice.value("old_start") or b.start.isoformat())
            return BookingRescheduled(b.id, old, notice.start or b.start)
        case Kind.INTAKE_UPDATED:
            return IntakeUpdated(b.id, datetime.fromisoformat(notice.value("at") or
                                                               b.start.isoformat()))
    return None


def _card(facts: BookingFacts) -> CustomerCard | None:
    c = facts.customer
    if c is None:
        return None
    return CustomerCard(c.customer_id or "", c.channel, c.address, facts.customer_name or None,
                        phone=(c.address.removeprefix("whatsapp:")
                               if c.channel in ("sms", "whatsapp") else None))


def slack_renderer(business: Callable[[], Business], base: Renderer = render) -> Renderer:
    """Provider alerts as ``provider_alert`` draws them (amounts, Cancel / Message customer
    buttons), a series' one alert as ``series_alert`` does; a refund needing attention gets
    a Message-customer button; the rest ``base``."""
    def render_one(notice: Notice, facts: BookingFacts) -> Message:
        if notice.recipient.audience is not Audience.PROVIDER:
            return base(notice, facts)
        if notice.kind is Kind.REFUND_ATTENTION:
            text = base(notice, facts).text
            return Message(text, (("Message customer",
                                   provider_payload("message", facts.booking.id)),))
        if notice.kind is Kind.SERIES_CONFIRMED:
            series = series_alert(series_dates(notice), first=facts.booking,
                                  business=business(), customer=_card(facts),
                                  answers=facts.answers)
            return Message(series.text, tuple((c.label, c.payload) for c in series.choices))
        event = _alert_event(notice, facts)
        reply = (provider_alert(event, booking=facts.booking, business=business(),
                                customer=_card(facts), resources=facts.resource_names,
                                answers=facts.answers)
                 if event is not None else None)
        if reply is None:
            return base(notice, facts)
        return Message(reply.text, tuple((c.label, c.payload) for c in reply.choices))

    return render_one


def home_refresher(client: WebClient, db: Database, clock: Clock) -> BookingChanged:
    """After a booking change: re-publish the provider's Slack App Home (if they have one)."""
    home = SlackHome(client=client, uow=db.uow, queries=SqlProviderQueries(clock=clock),
                     clock=clock)

    def refresh(provider_key: str) -> None:
        home.refresh(provider_key)

    return refresh


def agenda_for(db: Database, clock: Clock) -> Callable[[str, date, datetime], Message]:
    queries = SqlProviderQueries(clock=clock)

    def text(provider_key: str, day: date, now: datetime) -> Message:
        return Message(agenda_text(agenda(db.uow(), queries, provider_key=provider_key,
                                          day=day, now=now)))

    return text


def build_jobs(db: Database, *, senders: Mapping[str, Sender],
               clock: Clock = utcnow, provider_channel: str | None = None,
               settings: JobSettings | None = None, gateway: PaymentGateway | None = None,
               on_change: BookingChanged | None = None,
               add_to_calendar: AddToCalendar | None = None) -> Jobs:
    """``gateway``: refunds are retried by the ``refunds`` sweep; ``on_change``: called with
    a provider's key after their booking changed (``home_refresher``); ``add_to_calendar``:
    a booking's .ics address for customers' confirmations (``booking_link``)."""
    store = SqlJobsStore(db.sessions, provider_channel=provider_channel)
    port: JobsStore = store
    cache = BusinessCache()

    def offers_uow() -> JobsUnitOfWork:
        return JobsUnitOfWork(db.sessions, cache, clock=clock)

    base = renderer(add_to_calendar=add_to_calendar)
    drawn = confirm_renderer(slack_renderer(store.business, base))
    return Jobs(port, senders, drawn, offers_uow, clock,
                agenda_text=agenda_for(db, clock), settings=settings or JobSettings(),
                refund_sweep=refund_sweep(db, gateway, clock) if gateway is not None else None,
                on_change=on_change, notice_text=notice_text)


def run_worker(*, db_url: str | None, out: TextIO | None = None) -> int:
    """Run every sweep on its interval until interrupted. Any number may run at once."""
    settings = Settings()
    db = database(db_url)
    try:
        with db.uow() as uow:
            uow.business()  # no business yet: one clear error, not a traceback per sweep
    except Exception:
        db.close()
        raise
    client = slack_client(settings)
    senders = production_senders(settings, db, client)
    gateway = build_payment_gateway(settings)
    try:
        jobs = build_jobs(db, senders=senders, provider_channel=settings.slack_provider_channel,
                          gateway=gateway, settings=JobSettings(
                              batch=settings.jobs_batch,
                              lease=timedelta(seconds=settings.jobs_lease_seconds)),
                          on_change=home_refresher(client, db, utcnow) if client else None,
                          add_to_calendar=booking_link(settings))
        extra = [*calendar_sweeps(db, settings, utcnow), retention_sweep(db, utcnow)]
        out = out or sys.stdout
        out.write(worker_report(intervals=INTERVALS, extra=extra, senders=senders,
                                settings=settings, refunds=gateway is not None) + "\n")
        out.flush()
        gate = SqlSweepGate(db.engine, holder=f"{socket.gethostname()}:{os.getpid()}")
        run_blocking(jobs, extra=extra, gate=gate)
    finally:
        for sender in senders.values():
            close = getattr(sender, "close", None)
            if callable(close):
                close()
        db.close()
    return 0


def start_in_process(db: Database, *, out: TextIO = sys.stdout,
                     senders: Mapping[str, Sender] | None = None, clock: Clock = utcnow,
                     intervals: Mapping[str, float] = DEMO_INTERVALS,
                     gateway: PaymentGateway | None = None,
                     me: str | None = None) -> Callable[[], None]:
    """The embedded default: sweeps on a background thread, console notifications printed
    (``me``'s as bot replies, everyone else's labelled with their recipient).
    ``gateway``: also retry refunds. Returns a function that stops it."""
    describe = recipients_in(db)
    chosen = senders or {name: ConsoleSender(name, out, me=me, describe=describe)
                         for name in ("console", "slack")}
    jobs = build_jobs(db, senders=chosen, clock=clock, gateway=gateway)
    scheduler = start_scheduler(jobs, intervals, extra=calendar_sweeps(db, Settings(), clock))
    return lambda: scheduler.shutdown(wait=True)  # lets a running sweep finish

"""The imperative shell around the pure machine: one inbound message in, replies out.

lock the session row -> dedupe delivery id (a duplicate gets no effect and no reply)
-> load session -> step -> execute commands via core use cases
-> feed results back into step -> save session + record delivery (one transaction).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bot import language, replies
from bot.commands import Command
from bot.executor import Executor
from bot.machine import step
from bot.messages import InboundMessage, Reply
from bot.ports import (
    CalendarCheck,
    Canceller,
    CustomerDirectory,
    HandoffLog,
    HumanNotifier,
    PaymentStarter,
    TeamChannel,
    no_notifier,
)
from bot.session import Session, SessionStore
from bot.transition import Context, Transition
from core.errors import DomainError
from core.model import Business
from core.ports import UnitOfWork

# A message leads to at most a few command rounds (e.g. book -> slot taken -> alternatives).
MAX_ROUNDS = 4


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runner:
    uow: Callable[[], UnitOfWork]
    store: SessionStore
    customers: CustomerDirectory
    notify: HumanNotifier = no_notifier
    start_payment: PaymentStarter | None = None
    test_payments: bool = False
    cancel: Canceller | None = None
    calendar_check: CalendarCheck | None = None
    calendar_link: Callable[[str], str] | None = None
    handoffs: HandoffLog | None = None  # "talk to a person" requests on record
    team: tuple[TeamChannel, ...] = ()  # where they are delivered (Slack, the owner's SMS)
    clock: Callable[[], datetime] = _utc_now
    context: Callable[[Business], Context] = Context  # tests may swap the time parser
    _locks: dict[tuple[str, str], threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def _lock(self, key: tuple[str, str]) -> threading.Lock:
        # In-process order per sender; the store's row lock does the same across processes.
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def handle(self, message: InboundMessage) -> list[Reply]:
        now = self.clock()  # captured once: every decision in this message uses it
        key = (message.channel, message.sender_id)
        with self._lock(key), self.store.open(*key) as tx:
            if tx.processed_reply(message.delivery_id) is not None:
                return []  # a copy of a handled delivery: no effect, and never answered twice
            session, out = self._process(tx.load(), message, now)
            new = tx.save(session, delivery_id=message.delivery_id,
                          replies=[r.to_json() for r in out], now=now)
            return out if new else []

    def _process(self, loaded: Session | None, message: InboundMessage,
                 now: datetime) -> tuple[Session, list[Reply]]:
        customer = self.customers.identify(message.channel, message.sender_id, now=now)
        session = loaded or Session()
        if customer.tz and customer.tz != session.tz:  # the customer record is the truth
            session = replace(session, tz=customer.tz)
        if session.handoff and self.handoffs is not None and not self.handoffs.is_open(
                message.channel, message.sender_id):
            session = replace(session, handoff=False)  # the team answered: the bot is back
        uow = self.uow()
        with uow:
            business = uow.business()
        # Stored > Telegram's language > phone's country > a clear message > the default
        # (bot.language); what the customer's own words decide is kept on their record.
        stored = language.Stored(customer.lang, customer.lang_source)
        session = language.choose(session, message, stored, business)
        if language.worth_storing(session, stored):
            self.customers.set_lang(customer.id, session.lang or "", session.lang_source or "")
        ctx = self.context(business)
        executor = Executor(uow=self.uow, business=business, customer=customer,
                            channel=message.channel, sender_id=message.sender_id,
                            customers=self.customers, notify=self.notify, now=now,
                            start_payment=self.start_payment, test_payments=self.test_payments,
                            cancel=self.cancel, calendar_check=self.calendar_check,
                            calendar_link=self.calendar_link, handoffs=self.handoffs,
                            team=self.team)
        t = step(session, message, now, ctx)
        out = list(t.replies)
        for _ in range(MAX_ROUNDS):
            t, more = self._run_commands(t, executor, now, ctx)
            out.extend(more)
            if not t.commands:
                break
        return t.session, replies.in_language(out, t.session.lang)

    @staticmethod
    def _run_commands(t: Transition, executor: Executor, now: datetime,
                      ctx: Context) -> tuple[Transition, list[Reply]]:
        session, out = t.session, []
        pending: list[Command] = []
        for command in t.commands:
            try:
                result = executor.run(command)
            except DomainError as err:  # a failure while finding alternatives, say
                result = None
                out.append(Reply(replies.did_not_work(err.code.value, session.lang)))
            if result is None:
                continue
            nxt = step(session, result, now, ctx)
            session = nxt.session
            out.extend(nxt.replies)
            pending.extend(nxt.commands)
        return Transition(session, (), tuple(pending)), out

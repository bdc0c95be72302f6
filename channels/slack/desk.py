"""The provider's desk: a Slack user's command or button -> core use case -> reply text.

Each entry point takes the Slack user id and a delivery id. Writes run in
``queries.once(uow, delivery id)``: the delivery is recorded in the same transaction as
its effect, and a repeat answers ``None`` (say nothing) without touching anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from channels.slack import commands as c
from channels.slack import texts
from core.booking import Actor
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Provider
from core.ports import UnitOfWork
from core.usecases import mark_no_show
from core.usecases import provider as uc
from core.usecases.fees import fees_for
from core.usecases.provider import AlreadyDone, ProviderQueries, TimeOffConflict

log = logging.getLogger(__name__)
CHANNEL = "slack"


@dataclass
class ProviderDesk:
    uow: Callable[[], UnitOfWork]
    queries: ProviderQueries
    clock: Callable[[], datetime]
    command_name: str = "/bookings"
    # Charges what a booking just came to owe (its no-show fee) at once; None: the payments
    # sweep charges it within a minute (bookingbot.payments_wiring.fee_charger).
    charge_fees: Callable[[str], None] | None = None

    def provider(self, user_id: str) -> Provider | None:
        return uc.find_provider(self.uow(), user_id)

    def _once(self, delivery_id: str) -> UnitOfWork:
        return self.queries.once(self.uow(), delivery_id)

    def command(self, *, user_id: str, text: str, delivery_id: str) -> str | None:
        provider = self.provider(user_id)
        if provider is None:
            return texts.REFUSAL
        now = self.clock()
        parsed = c.parse_command(text, now=now, tz=provider.tz)
        return self._guarded(lambda: self._run(provider, parsed, delivery_id, now))

    def cancel(self, *, user_id: str, booking_id: str, delivery_id: str) -> str | None:
        provider = self.provider(user_id)
        if provider is None:
            return texts.REFUSAL
        return self._guarded(lambda: self._cancel_id(provider, booking_id, delivery_id))

    def no_show(self, *, user_id: str, booking_id: str, delivery_id: str) -> str | None:
        provider = self.provider(user_id)
        if provider is None:
            return texts.REFUSAL
        return self._guarded(lambda: self._no_show_id(provider, booking_id, delivery_id))

    def message(self, *, user_id: str, booking_id: str, text: str,
                delivery_id: str) -> str | None:
        provider = self.provider(user_id)
        if provider is None:
            return texts.REFUSAL

        def send() -> str:
            uc.message_customer(self._once(delivery_id), provider_key=provider.key,
                                booking_id=booking_id, text=text, ref=delivery_id,
                                channel=CHANNEL)
            return "Sent. The customer gets it on their own channel."

        return self._guarded(send)

    @staticmethod
    def _guarded(work: Callable[[], str]) -> str | None:
        try:
            return work()
        except AlreadyDone:
            log.info("slack: repeated delivery ignored")
            return None
        except DomainError as err:
            return texts.error(err)

    def _run(self, p: Provider, cmd: c.ProviderCommand, delivery_id: str,  # noqa: PLR0911
             now: datetime) -> str:
        match cmd:
            case c.ShowAgenda(day):
                return texts.agenda_text(uc.agenda(self.uow(), self.queries,
                                                   provider_key=p.key, day=day, now=now))
            case c.Block():
                return self._block(p, cmd, delivery_id, now)
            case c.UnblockId(block_id):
                uc.unblock(self._once(delivery_id), self.queries, provider_key=p.key,
                           block_id=block_id)
                return texts.unblocked(None, block_id, p.tz)
            case c.UnblockAt(window):
                return self._unblock_at(p, window, delivery_id)
            case c.CancelRef(ref):
                booking = uc.resolve_ref(self.uow(), self.queries, provider_key=p.key, ref=ref)
                return self._cancel_id(p, booking.id, delivery_id)
            case c.NoShowRef(ref):
                booking = uc.resolve_ref(self.uow(), self.queries, provider_key=p.key, ref=ref)
                return self._no_show_id(p, booking.id, delivery_id)
            case c.ShowWaitlist():
                return texts.waitlist_text(uc.waitlist(self.uow(), self.queries,
                                                       provider_key=p.key, now=now), p.tz)
            case c.Help(problem):
                return texts.usage(self.command_name, problem)

    def _block(self, p: Provider, cmd: c.Block, delivery_id: str, now: datetime) -> str:
        try:
            made = uc.block_time(self._once(delivery_id), self.queries, provider_key=p.key,
                                 span=cmd.span, note=cmd.note, now=now, force=cmd.force)
        except TimeOffConflict as err:
            return texts.conflict(err.bookings, p.tz)
        return texts.blocked(made.time_off, p.tz, kept=len(made.kept))

    def _unblock_at(self, p: Provider, window: Interval, delivery_id: str) -> str:
        found = uc.time_off_at(self.uow(), self.queries, provider_key=p.key, window=window)
        if len(found) != 1:
            return texts.unblock_choices(found, p.tz)
        uc.unblock(self._once(delivery_id), self.queries, provider_key=p.key,
                   block_id=found[0].id)
        return texts.unblocked(found[0], found[0].id, p.tz)

    def _cancel_id(self, p: Provider, booking_id: str, delivery_id: str) -> str:
        out = uc.cancel_as_provider(self._once(delivery_id), provider_key=p.key,
                                    booking_id=booking_id, now=self.clock(), channel=CHANNEL)
        return texts.cancelled(out, p.tz)

    def _no_show_id(self, p: Provider, booking_id: str, delivery_id: str) -> str:
        """Marked in one transaction with the fee it owes (owed once, whoever presses how
        often); the charge goes out after the commit."""
        now = self.clock()
        try:
            marked = mark_no_show(self._once(delivery_id), booking_id,
                                  actor=Actor("provider", p.key, CHANNEL), now=now)
        except DomainError as err:
            if err.code is ErrorCode.INVALID_TRANSITION:
                return texts.NO_SHOW_REFUSED
            raise
        if self.charge_fees is not None:
            self.charge_fees(marked.id)
        return texts.no_show(marked, fees_for(self.uow(), marked.id), p.tz)

"""Carries out the machine's commands through core use cases, one unit of work each.

Everything the customer may see is filtered here by their own customer id: bookings are
listed with ``for_customer`` and every change goes through core's ownership check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import commands as c
from bot.offers import in_part
from bot.ports import (
    CalendarCheck,
    Canceller,
    CustomerDirectory,
    CustomerInfo,
    HandoffLog,
    HumanNotifier,
    PaymentStarter,
    TeamChannel,
)
from bot.session import BookingView, Offer
from core.availability import Slot
from core.booking import Actor, Booking, BookingStatus
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Business, Service
from core.ports import UnitOfWork
from core.timeutil import local_date
from core.usecases import (
    available_slots,
    book_series,
    cancel,
    confirm,
    confirm_series,
    hold_slot,
    join_waitlist,
    refund_quote,
    release_hold,
    reschedule,
)
from core.usecases.fees import late_fee_quote
from core.usecases.intake import keep_hold, save_answers, save_series_answers

MAX_OFFERS = 40
ALTERNATIVES = 5
SEARCH_AHEAD = timedelta(days=14)  # how far past an empty window we look for alternatives
LAST_DAYS = timedelta(days=3)  # past the horizon: the free times on the last days offered
SAME_DAY = timedelta(hours=12)  # how far before an empty window a named provider is looked at
RECALL_BACK = timedelta(days=3 * 366)  # how far back "same person as last time" looks
_SEEN = frozenset({BookingStatus.CONFIRMED, BookingStatus.COMPLETED})


@dataclass
class Executor:
    uow: Callable[[], UnitOfWork]
    business: Business
    customer: CustomerInfo
    channel: str
    sender_id: str
    customers: CustomerDirectory
    notify: HumanNotifier
    now: datetime
    start_payment: PaymentStarter | None = None
    test_payments: bool = False
    cancel: Canceller | None = None  # None: core's cancel (nothing can have been paid)
    calendar_check: CalendarCheck | None = None
    calendar_link: Callable[[str], str] | None = None  # booking id -> its .ics address
    handoffs: HandoffLog | None = None
    team: tuple[TeamChannel, ...] = ()

    def _fresh_calendar(self, provider_key: str | None) -> frozenset[str]:
        """Personal events booked minutes ago must not be double-booked over. Returns the
        providers whose bookings are paused (their calendar cannot be read)."""
        if self.calendar_check is not None and any(
                p.calendar is not None for p in self.business.providers):
            return frozenset(self.calendar_check(provider_key, self.now))
        return frozenset()

    @property
    def actor(self) -> Actor:
        return Actor("customer", self.customer.id, self.channel)

    def run(self, command: c.Command) -> c.Result | None:
        try:
            return self._dispatch(command)
        except DomainError as err:
            return c.Failed(err.code.value, self._near(command))

    def _dispatch(self, cmd: c.Command) -> c.Result | None:  # noqa: PLR0911  (a dispatcher)
        match cmd:
            case c.FindSlots():
                return self._find(cmd)
            case c.HoldSlot():
                return self._hold(cmd)
            case c.Book():
                return self._book(cmd)
            case c.ListBookings():
                return c.BookingsListed(self._mine())
            case c.CancelBooking():
                out = (self.cancel(cmd.booking_id, self.actor, self.now) if self.cancel
                       else cancel(self.uow(), cmd.booking_id, actor=self.actor, now=self.now))
                return c.Cancelled(self._view(out.booking), out.refund.amount_minor)
            case c.RescheduleBooking():
                self._fresh_calendar(cmd.provider_key)
                moved = reschedule(self.uow(), cmd.booking_id, new_start=cmd.new_start,
                                   actor=self.actor, now=self.now, provider_key=cmd.provider_key,
                                   hold_id=cmd.hold_id)
                return c.Rescheduled(self._view(moved))
            case c.SaveAnswers():
                changed = save_answers(self.uow(), cmd.booking_id, given=cmd.answers,
                                       actor=self.actor, now=self.now, changed=True)
                return c.AnswersSaved(self._view(changed))
            case c.RecallProvider():
                return c.ProviderRecalled(self._usual())
            case c.JoinWaitlist():
                join_waitlist(self.uow(), customer_id=self.customer.id, channel=self.channel,
                              service_key=cmd.service_key, provider_key=cmd.provider_key,
                              window=Interval(cmd.start, cmd.end), now=self.now)
                return c.WaitlistJoined()
            case c.BookSeries():
                return self._series(cmd)
            case c.NotifyHuman():
                return self._hand_off(cmd)
        self._side_effect(cmd)
        return None

    def _side_effect(self, cmd: c.Command) -> None:
        if isinstance(cmd, c.ReleaseHold):
            release_hold(self.uow(), cmd.booking_id, actor=self.actor, now=self.now)
        elif isinstance(cmd, c.KeepHold):
            keep_hold(self.uow(), cmd.booking_id, actor=self.actor, now=self.now)
        elif isinstance(cmd, c.EndHandoff) and self.handoffs is not None:
            self.handoffs.end(self.channel, self.sender_id, status="closed", now=self.now)
        elif isinstance(cmd, c.SetTimezone):
            self.customers.set_tz(self.customer.id, cmd.tz)
        elif isinstance(cmd, c.SetOptOut):
            self.customers.set_opted_out(self.customer.id, cmd.opted_out)
        elif isinstance(cmd, c.SetLanguage):
            self.customers.set_lang(self.customer.id, cmd.lang, cmd.source)

    def _hand_off(self, cmd: c.NotifyHuman) -> c.HandedOff:
        """Every team channel that is set up, then the record (what the admin lists)."""
        owner = self.business.info.owner_phone
        if self.team:
            via = tuple(v for deliver in self.team
                        if (v := deliver(self.channel, self.sender_id, cmd.text, owner)))
        else:  # a bare notifier (tests, older wiring): it says whether it reached anyone
            told = self.notify(channel=self.channel, sender_id=self.sender_id, text=cmd.text)
            via = ("team",) if told else ()
        if self.handoffs is not None:
            self.handoffs.record(channel=self.channel, sender_id=self.sender_id,
                                 customer_id=self.customer.id, text=cmd.text, via=via,
                                 now=self.now)
        return c.HandedOff(via, recorded=self.handoffs is not None)

    def _slots(self, service_key: str, provider_key: str | None, start: datetime,
               end: datetime) -> list[Slot]:
        # Nothing is bookable past the horizon (plus a day: it counts local days), so a
        # window out there -- "31 dec 9999" -- is never searched; the caller then explains.
        last = self.now + timedelta(days=self.business.rules.max_days_ahead + 1)
        start, end = max(start, self.now), min(end, last)
        if end <= start:
            return []
        return available_slots(self.uow(), service_key=service_key, provider_key=provider_key,
                               window=Interval(start, end), now=self.now)

    def _find(self, cmd: c.FindSlots) -> c.SlotsFound | c.Failed:
        paused = self._fresh_calendar(cmd.provider_key)
        found = self._keep(cmd, self._slots(cmd.service_key, cmd.provider_key, cmd.start,
                                            cmd.end))
        if found:
            return c.SlotsFound(found)
        after = (self._last_days(cmd) if self._beyond_horizon(cmd.start)
                 else self._nearest_with(cmd) if cmd.provider_key is not None
                 else self._after(cmd.service_key, cmd.provider_key, cmd.end))
        candidates = {p.key for p in self.business.providers_for(cmd.service_key)
                      if cmd.provider_key in (None, p.key)}
        if paused & candidates:  # a paused calendar may be why: never call that "fully booked"
            return c.Failed(ErrorCode.CALENDAR_UNAVAILABLE.value, after)
        return c.SlotsFound((), after, self._others(cmd))

    def _nearest_with(self, cmd: c.FindSlots) -> tuple[Offer, ...]:
        """A named provider with nothing in the window: their free times nearest to it, the
        same day's earlier ones included ("3pm with Alex": Alex's last one, 1:30 PM, first,
        then the next days)."""
        after = self._after(cmd.service_key, cmd.provider_key, cmd.end)
        earlier = self._slots(cmd.service_key, cmd.provider_key, cmd.start - SAME_DAY, cmd.start)
        before = [Offer(s.provider_key, s.start) for s in earlier[-ALTERNATIVES:]]

        def distance(o: Offer) -> timedelta:
            return cmd.start - o.start if o.start < cmd.start else o.start - cmd.end

        return tuple(sorted({*before, *after}, key=lambda o: (distance(o), o.start))
                     [:ALTERNATIVES])

    def _others(self, cmd: c.FindSlots) -> tuple[Offer, ...]:
        """The provider asked for has nothing in the window: who else is free in it."""
        if cmd.provider_key is None:
            return ()
        found = self._keep(cmd, self._slots(cmd.service_key, None, cmd.start, cmd.end))
        return tuple(o for o in found if o.provider_key != cmd.provider_key)

    def _usual(self) -> str | None:
        """The provider of the customer's last booking that took place (or was due to),
        else of their next one: "the same person as last time"."""
        uow = self.uow()
        with uow:
            own = uow.bookings.for_customer(self.customer.id, since=self.now - RECALL_BACK)
        kept = [b for b in own if b.status in _SEEN]
        past = [b for b in kept if b.start <= self.now]
        if past:
            return max(past, key=lambda b: b.start).provider_key
        upcoming = [b for b in kept if b.start > self.now]
        return min(upcoming, key=lambda b: b.start).provider_key if upcoming else None

    def _keep(self, cmd: c.FindSlots, found: list[Slot]) -> tuple[Offer, ...]:
        """The slots worth offering: inside the part of day, the nearest to the asked time
        first, before the list is cut (with slot_step 1m the first 40 in time order are
        the first 40 minutes of the window, and the asked time would fall outside them)."""
        offers = [Offer(s.provider_key, s.start) for s in found]
        if cmd.part:
            tz = ZoneInfo(cmd.tz) if cmd.tz else self.business.tz
            offers = [o for o in offers if in_part(o, tz, cmd.part)]
        if cmd.near is not None:
            near = cmd.near
            offers.sort(key=lambda o: (abs(o.start - near), o.start))
        return tuple(offers[:MAX_OFFERS])

    def _beyond_horizon(self, start: datetime) -> bool:
        tz, rules = self.business.tz, self.business.rules
        return (local_date(start, tz) - local_date(self.now, tz)).days > rules.max_days_ahead

    def _last_days(self, cmd: c.FindSlots) -> tuple[Offer, ...]:
        """Asked past the horizon: the free times on the last days one can book."""
        end = self.now + timedelta(days=self.business.rules.max_days_ahead + 1)
        found = self._slots(cmd.service_key, cmd.provider_key, end - LAST_DAYS, end)
        return tuple(Offer(s.provider_key, s.start) for s in found[:MAX_OFFERS])

    def _after(self, service_key: str, provider_key: str | None,
               when: datetime) -> tuple[Offer, ...]:
        """The nearest free slots after ``when``, kept inside the booking horizon."""
        horizon = self.now + timedelta(days=self.business.rules.max_days_ahead)
        start = min(max(when, self.now), horizon - SEARCH_AHEAD)
        found = self._slots(service_key, provider_key, start, start + SEARCH_AHEAD)
        return tuple(Offer(s.provider_key, s.start) for s in found[:ALTERNATIVES])

    def _near(self, cmd: c.Command) -> tuple[Offer, ...]:
        """Alternatives after a refused booking or move: the nearest free ones after it."""
        if isinstance(cmd, c.Book):
            return self._after(cmd.service_key, None, cmd.start - timedelta(hours=1))
        if isinstance(cmd, c.HoldSlot):
            keep = cmd.provider_key if cmd.keep_provider else None
            return self._after(cmd.service_key, keep, cmd.start - timedelta(hours=1))
        if isinstance(cmd, c.RescheduleBooking):
            mine = next((b for b in self._mine() if b.id == cmd.booking_id), None)
            if mine is not None:
                return self._after(mine.service_key, cmd.provider_key,
                                   cmd.new_start - timedelta(hours=1))
        return ()

    def _already_mine(self, cmd: c.Book) -> Booking | None:
        """The booking an earlier delivery of this same request made, if it got that far.

        The use case commits before the session does; a crash in between makes the platform
        retry, and the retry must find the booking rather than report the slot as taken.
        """
        uow = self.uow()
        with uow:
            own = uow.bookings.for_customer(self.customer.id, since=self.now)
        return next((b for b in own if b.start == cmd.start and b.service_key == cmd.service_key
                     and b.occupies(self.now)
                     and cmd.provider_key in (None, b.provider_key)), None)

    def _hold(self, cmd: c.HoldSlot) -> c.Held:
        """The short hold while the customer reads "Confirm?" (rules.hold): nobody else is
        offered the slot or can take it until they answer."""
        self._fresh_calendar(cmd.provider_key)
        hold = hold_slot(self.uow(), service_key=cmd.service_key, provider_key=cmd.provider_key,
                         start=cmd.start, customer_id=self.customer.id, actor=self.actor,
                         now=self.now)
        return c.Held(hold.id, Offer(hold.provider_key, hold.start),
                      hold.hold_expires_at or self.now)

    def _own_hold(self, hold_id: str) -> Booking | None:
        uow = self.uow()
        with uow:
            hold = uow.bookings.get(hold_id)
        return hold if hold is not None and hold.customer_id == self.customer.id else None

    def _book(self, cmd: c.Book) -> c.Booked:
        self._fresh_calendar(cmd.provider_key)
        held = self._own_hold(cmd.hold_id) if cmd.hold_id else None
        hold = held or self._already_mine(cmd) or hold_slot(
            self.uow(), service_key=cmd.service_key, provider_key=cmd.provider_key,
            start=cmd.start, customer_id=self.customer.id, actor=self.actor, now=self.now)
        if cmd.answers:  # on the hold, before it is confirmed or paid for: the alert shows them
            save_answers(self.uow(), hold.id, given=cmd.answers, actor=self.actor, now=self.now)
        service = self.business.service(cmd.service_key)
        if service is not None and (hold.due_minor > 0 or service.card_required):
            return self._payment_for(hold, service)
        done = confirm(self.uow(), hold.id, actor=self.actor, now=self.now)
        link = self.calendar_link(done.id) if self.calendar_link else None
        return c.Booked(self._view(done), calendar_url=link)

    def _payment_for(self, hold: Booking, service: Service) -> c.Booked:
        """The slot stays held; the payment webhook confirms it."""
        if self.start_payment is None:
            # setup refuses paying services without a gateway; an old database may not
            raise DomainError(ErrorCode.BUSY, "payments are not set up")
        link = self.start_payment(hold, service.name, self.now)
        return c.Booked(self._view(hold), hold.due_minor, payment_url=link.url,
                        payment_until=link.expires_at, test_payment=self.test_payments)

    def _series(self, cmd: c.BookSeries) -> c.SeriesBooked:
        out = book_series(self.uow(), service_key=cmd.service_key, provider_key=cmd.provider_key,
                          first_day=cmd.first_day, at=cmd.at, tz=ZoneInfo(cmd.tz),
                          count=cmd.count, every_weeks=cmd.every_weeks,
                          customer_id=self.customer.id, actor=self.actor, now=self.now)
        failed = tuple((day, code.value) for day, code in out.failed)
        if cmd.answers and out.booked:  # on the holds, before they are confirmed or paid for
            save_series_answers(self.uow(), [b.id for b in out.booked], given=cmd.answers,
                                actor=self.actor, now=self.now)
        service = self.business.service(cmd.service_key)
        if service is not None and service.card_required and out.booked:
            return self._series_card(out.booked, failed, service)
        done = confirm_series(self.uow(), out.series_id, actor=self.actor, now=self.now)
        return c.SeriesBooked(tuple(b.start for b in done), failed)

    def _series_card(self, held: list[Booking], failed: tuple[tuple[date, str], ...],
                     service: Service) -> c.SeriesBooked:
        """A card-on-file service: one setup page for the whole series (its first date's
        checkout); the card it saves confirms every date, its expiry releases them."""
        if self.start_payment is None:  # as for one booking: setup refuses this
            raise DomainError(ErrorCode.BUSY, "payments are not set up")
        link = self.start_payment(held[0], service.name, self.now)
        return c.SeriesBooked(tuple(b.start for b in held), failed, payment_url=link.url,
                              payment_until=link.expires_at, test_payment=self.test_payments)

    def _mine(self) -> tuple[BookingView, ...]:
        uow = self.uow()
        with uow:
            own = uow.bookings.for_customer(self.customer.id, since=self.now)
            upcoming = sorted((b for b in own if b.is_upcoming(self.now)), key=lambda b: b.start)
            answers = uow.intake.of_bookings([b.id for b in upcoming if self._asks(b)])
        return tuple(replace(self._view(b), answers=tuple((a.key, a.value)
                                                          for a in answers.get(b.id, ())))
                     for b in upcoming)

    def _asks(self, b: Booking) -> bool:
        service = self.business.service(b.service_key)
        return service is not None and bool(service.questions)

    def _view(self, b: Booking) -> BookingView:
        refund = refund_quote(self.business, b, actor=self.actor, now=self.now)
        unpaid = b.status is BookingStatus.HELD and b.due_minor > b.paid_minor
        fee = late_fee_quote(self.business, b, refund_minor=refund.amount_minor, now=self.now)
        return BookingView(b.id, b.service_key, b.provider_key, b.start, refund.amount_minor,
                           b.currency, pay_by=b.hold_expires_at if unpaid else None,
                           fee_minor=fee.amount_minor)

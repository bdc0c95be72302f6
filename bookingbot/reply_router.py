"""Answers to reminders and waitlist offers, in front of the bot's runner.

After the worker sends a reminder or an offer it leaves a ``jobs.reply_context`` in the
customer's session. ``ReplyRouter.handle`` looks at it first: a reply it gives meaning to
is handled here (inside the same per-sender session transaction and delivery-id dedupe the
runner uses), anything else goes to the runner unchanged, and the bot's next save drops the
context. No bot/ file changes: cancel and reschedule continue in the bot's own states via
``bot.manage.listed`` (the same step the bot takes after "cancel" with one booking).

After a late-payment apology, picking one of the alternative slots (its button, or its
number by SMS) continues as if the customer had picked it from a list: the bot's own
summary and "Confirm?" (then the payment link). A "yes" to a waitlist offer for a paying
service opens the checkout at once (the runner's ``start_payment``) and answers with the
link. A "yes" to an offer of a service with intake questions asks them first: the offer's
hold becomes the conversation's hold and the bot's own ``ANSWER_INTAKE`` state (then
"Confirm?") continues from it, as after a time picked in the chat.

Wire it where the runner is built: ``handle=ReplyRouter(runner, store, offers_uow).handle``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot import flows, intents, language, replies  # noqa: F401 - flows before manage (import cycle)
from bot.commands import Held
from bot.fee_texts import save_card_to_confirm
from bot.intake import after_hold
from bot.manage import listed
from bot.messages import InboundMessage, Reply
from bot.offers import summary
from bot.runner import Runner
from bot.session import BookingView, Offer, Purpose, Session, State
from bot.transition import Context
from core.booking import Actor, Booking, BookingStatus, reference
from core.errors import DomainError
from core.model import Business
from core.money import Money
from core.notifications import Kind
from core.usecases import refund_quote, release_hold
from core.usecases.confirmations import confirm_attendance
from core.usecases.fees import late_fee_quote
from core.usecases.waitlist_offers import (
    OfferUnitOfWork,
    accept_offer,
    accept_offer_to_answer,
    decline_offer,
)
from i18n import N_, say
from jobs.notices import alternative
from jobs.reply_context import SESSION_KEY, ReplyContext

STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "end", "quit", "revoke", "optout"})
CONFIRM = frozenset({"c", "confirm", "confirmed", "yes", "y", "ok", "okay", "see you"})
CANCEL = frozenset({"x", "cancel", "cancel booking", "cancel it", "cancel my booking"})
RESCHEDULE = frozenset({"r", "reschedule", "move", "move it", "change", "another time"})
PASSED_ON = N_("OK, I've passed it on. You're still on the waitlist.")


def _stops(message: InboundMessage) -> bool:
    """An opt-out keyword, as the channel reported it (SMS/WhatsApp) or as typed."""
    return message.action == "stop" or intents.normalise(message.text or "") in STOP_WORDS


def answer(context: ReplyContext | None, text: str, now: datetime) -> str | None:
    """What a message means given the context: confirm/cancel/reschedule/yes/no, or None."""
    if context is None or not context.live(now):
        return None
    if context.kind == Kind.LATE_PAYMENT_REFUNDED.value:
        return _picked(context.options, text)
    t = intents.normalise(text)
    if context.kind == "reminder":
        for meaning, words in (("confirm", CONFIRM), ("cancel", CANCEL),
                               ("reschedule", RESCHEDULE)):
            if t in words:
                return meaning
        return None
    if intents.is_yes(text):
        return "yes"
    return "no" if intents.is_no(text) else None


def _picked(options: tuple[str, ...], text: str) -> str | None:
    """The alternative chosen by its payload (a button) or its number (SMS), if any."""
    if text in options:
        return text
    idx = intents.pick_number(text, len(options))
    return options[idx] if idx is not None else None


def _asks(business: Business, service_key: str) -> bool:
    """Whether the service has intake questions to ask before a booking is confirmed."""
    service = business.service(service_key)
    return service is not None and bool(service.questions)


class StateReader(Protocol):
    def session_state(self, channel: str, address: str) -> dict[str, Any]: ...


@dataclass
class ReplyRouter:
    runner: Runner
    store: StateReader  # SqlJobsStore, or bookingbot.state_peek's one look per message
    offers_uow: Callable[[], OfferUnitOfWork]

    def handle(self, message: InboundMessage) -> list[Reply]:
        now = self.runner.clock()
        state = self.store.session_state(message.channel, message.sender_id)
        context = ReplyContext.from_json(state.get(SESSION_KEY))
        meaning = answer(context, message.action or message.text, now)
        if context is not None and context.kind == "reminder" and context.live(now) \
                and _stops(message):
            return self._stopped_after_reminder(message, context)
        if meaning is None or context is None:
            return self.runner.handle(message)
        with self.runner.store.open(message.channel, message.sender_id) as tx:
            if tx.processed_reply(message.delivery_id) is not None:
                return []  # a duplicate: no effect, no second answer
            session, out = self._act(meaning, context, tx.load() or Session(), message, now)
            out = replies.in_language(out, session.lang)
            new = tx.save(session, delivery_id=message.delivery_id,  # saving drops the context
                          replies=[r.to_json() for r in out], now=now)
            return out if new else []

    def _stopped_after_reminder(self, message: InboundMessage,
                                context: ReplyContext) -> list[Reply]:
        """STOP (or a carrier's CANCEL) in answer to a reminder: the opt-out is honoured and
        confirmed as always, but it does not cancel the booking -- so the customer is told
        how to, and the provider learns that this customer will get no more reminders (a
        likely no-show otherwise). On SMS the carrier forbids any answer after STOP; the
        provider's notice is then the one that matters."""
        out = self.runner.handle(message)
        if not out:
            return out  # a duplicate: nothing more either
        with self.offers_uow() as uow:
            booking = uow.bookings.get(context.booking_id)
        if booking is None or booking.status is not BookingStatus.CONFIRMED:
            return out
        customer = self.runner.customers.identify(message.channel, message.sender_id,
                                                  now=self.runner.clock())
        with self.offers_uow() as uow:
            ctx = Context(uow.business())
        zone = ctx.zone(Session(tz=customer.tz))
        when = replies.when(booking.start, zone)
        self.runner.notify(channel=message.channel, sender_id=message.sender_id,
                           text=f"opted out of messages after the reminder for their booking "
                                f"{booking.id[:8]} ({when}); it is still on and they get no "
                                "more reminders")
        lang = out[0].lang  # the opt-out confirmation's: the customer's language
        return [*out, Reply(say(lang, "Your booking {when} is still on. To cancel it, reply "
                                      "START, then X.",
                                when=replies.when(booking.start, zone, lang)), lang=lang)]

    def _act(self, meaning: str, context: ReplyContext, session: Session,
             message: InboundMessage, now: datetime) -> tuple[Session, list[Reply]]:
        customer = self.runner.customers.identify(message.channel, message.sender_id, now=now)
        actor = Actor("customer", customer.id, message.channel)
        uow = self.offers_uow()
        with uow:
            business = uow.business()
            booking = uow.bookings.get(context.booking_id)
        # A customer who never chatted has no session language: answer in theirs on record,
        # the one the reminder or offer they are answering was sent in.
        lang = session.lang or customer.lang
        if booking is None or booking.customer_id != customer.id:
            return session, [replies.simple(replies.error("unknown_booking", lang))]
        ctx = Context(business)
        tz = ctx.zone(replace(session, tz=customer.tz or session.tz))
        if meaning == "yes" and _asks(business, booking.service_key):
            # The conversation goes on from here, so its language is settled as the runner
            # settles it (the customer's record first: the language the offer was sent in).
            stored = language.Stored(customer.lang, customer.lang_source)
            session = language.choose(session, message, stored, business)
            return self._questions(booking, session, actor=actor, ctx=ctx, tz=tz.key, now=now)
        if meaning in ("yes", "no"):
            return session, [self._offer(meaning, booking, actor=actor, ctx=ctx, tz=tz.key,
                                         now=now, lang=lang)]
        if alternative(meaning) is not None:
            return self._alternative(meaning, booking, session, ctx, tz.key)
        if meaning == "confirm":
            return session, [self._confirmed(booking, actor=actor, tz=tz, now=now, lang=lang)]
        refund = refund_quote(business, booking, actor=actor, now=now)
        fee = late_fee_quote(business, booking, refund_minor=refund.amount_minor, now=now)
        view = BookingView(booking.id, booking.service_key, booking.provider_key, booking.start,
                           refund.amount_minor, booking.currency, fee_minor=fee.amount_minor)
        purpose = Purpose.CANCEL if meaning == "cancel" else Purpose.RESCHEDULE
        t = listed(replace(session.reset(), purpose=purpose, tz=tz.key), (view,), now, ctx)
        return t.session, list(t.replies)

    def _confirmed(self, booking: Booking, *, actor: Actor, tz: ZoneInfo, now: datetime,
                   lang: str | None) -> Reply:
        """"C" to a reminder: recorded, so a confirmation deadline (core.confirmations) keeps
        the booking; one that is no longer upcoming (released, cancelled) is said so."""
        try:
            confirm_attendance(self.offers_uow(), booking.id, actor=actor, now=now)
        except DomainError as err:
            return replies.simple(replies.error(err.code.value, lang))
        return replies.simple(say(lang, "Thanks, see you {when}!",
                                  when=replies.when(booking.start, tz, lang)))

    def _offer(self, meaning: str, booking: Booking, *, actor: Actor, ctx: Context, tz: str,
               now: datetime, lang: str | None) -> Reply:
        uow = self.offers_uow()
        with uow:
            offer = next((o for o in uow.offers.open_for_customer(actor.id)
                          if o.booking_id == booking.id), None)
        if offer is None:
            return replies.simple(replies.error("hold_expired", lang))
        try:
            if meaning == "no":
                decline_offer(self.offers_uow(), offer.id, actor=actor, now=now)
                return replies.simple(say(lang, PASSED_ON))
            done = accept_offer(self.offers_uow(), offer.id, actor=actor, now=now)
        except DomainError as err:
            return replies.simple(replies.error(err.code.value, lang))
        start = replies.when(done.start, ZoneInfo(tz), lang)
        service = ctx.service_name(done.service_key, lang)
        if done.status is BookingStatus.HELD:  # a paying service: held until paid
            return self._pay(done, service=service, start=start, tz=ZoneInfo(tz), now=now,
                             lang=lang)
        return replies.booked(service=service, start=start,
                              provider=ctx.provider_name(done.provider_key, lang),
                              ref=reference(done.id), lang=lang)

    def _questions(self, booking: Booking, session: Session, *, actor: Actor, ctx: Context,
                   tz: str, now: datetime) -> tuple[Session, list[Reply]]:
        """YES to an offer of a service with intake questions: they are asked first, as
        after a time picked in the chat. The offer's hold becomes the conversation's hold
        (``accept_offer_to_answer``), and the bot's own states take it from there: each
        answer keeps it, the recap and "Confirm?" follow, the yes books it (or opens its
        payment), "cancel" or walking away releases it to the next in line."""
        lang = session.lang
        uow = self.offers_uow()
        with uow:
            offer = next((o for o in uow.offers.open_for_customer(actor.id)
                          if o.booking_id == booking.id), None)
        if offer is None:
            return session, [replies.simple(replies.error("hold_expired", lang))]
        try:
            held = accept_offer_to_answer(self.offers_uow(), offer.id, actor=actor, now=now)
        except DomainError as err:
            return session, [replies.simple(replies.error(err.code.value, lang))]
        if session.hold_id and session.hold_id != held.id:  # a "Confirm?" left for this one
            release_hold(self.offers_uow(), session.hold_id, actor=actor, now=now)
        chosen = Offer(held.provider_key, held.start)
        asking = replace(session.reset(), purpose=Purpose.BOOK, tz=tz,
                         service_key=held.service_key, hold_id=held.id)
        t = after_hold(asking, Held(held.id, chosen, held.hold_expires_at or now), ctx)
        return t.session, list(t.replies)

    def _pay(self, held: Booking, *, service: str, start: str, tz: ZoneInfo,
             now: datetime, lang: str | None) -> Reply:
        """The checkout link for an accepted offer (as the bot gives one after booking)."""
        due = replies.money(Money(held.due_minor, held.currency), lang)
        if self.runner.start_payment is None:  # payments not configured: held, no link
            return replies.held_for_payment(service=service, start=start, due=due, lang=lang)
        try:
            link = self.runner.start_payment(held, service, now)
        except DomainError as err:  # the gateway is down: the hold was released
            return replies.simple(replies.error(err.code.value, lang))
        until = (replies.clock_zone(link.expires_at.astimezone(tz), lang) if link.expires_at
                 else None)
        if held.due_minor == 0:  # a card kept for fees: the link only saves it
            return save_card_to_confirm(service=service, start=start, url=link.url, until=until,
                                        test=self.runner.test_payments,
                                        ref=reference(held.id), lang=lang)
        return replies.pay_to_confirm(service=service, start=start, due=due, url=link.url,
                                      until=until, test=self.runner.test_payments,
                                      ref=reference(held.id), lang=lang)

    @staticmethod
    def _alternative(payload: str, lost: Booking, session: Session, ctx: Context,
                     tz: str) -> tuple[Session, list[Reply]]:
        """One of the slots offered after a late payment: the bot's summary, "Confirm?"."""
        found = alternative(payload)
        assert found is not None  # answer() only passes payloads it could read
        offer = Offer(*found)
        picking = replace(session.reset(), purpose=Purpose.BOOK, tz=tz, state=State.PICK_SLOT,
                          service_key=lost.service_key, offers=(offer,))
        t = summary(picking, ctx, offer)
        return t.session, list(t.replies)

"""Notification texts, rendered in each recipient's own zone with bot.replies' formatting.

This lives in the composition root, not in jobs/, because jobs may not import bot (the
import contract); the worker hands ``render`` to the jobs as a plain callable.
Texts aim at one SMS segment. Reminder and offer texts carry choices whose payloads the
reply context (bookingbot.reply_context) understands; SMS shows them as words to type.
A customer's confirmation may end with an "add to calendar" link (``renderer``): the link
is the long part, so on SMS the "my bookings" hint goes when it would cost a segment.
Notices about no booking (a provider's calendar alert) are worded by ``notice_text``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bookingbot.fee_notify import customer_fee_text, provider_fee_text
from bookingbot.series_notify import customer_series_text, provider_series_text
from bot import replies
from channels.sms.gsm import segments, to_gsm
from core.money import Money
from core.notifications import SMS, Audience, BookingFacts, Kind, Message, Notice
from core.usecases.provider import booking_ref
from i18n import N_, say
from jobs.ports import Renderer

# Letters, not words: "CANCEL" typed alone is a carrier opt-out keyword (Twilio), which
# would unsubscribe the customer and leave the booking standing. bookingbot.reply_router
# reads C / R / X (and the full words) in the reminder's context. Labels are msgids.
REMINDER_CHOICES = ((N_("Confirm"), "c"), (N_("Reschedule"), "r"), (N_("Cancel"), "x"))
OFFER_CHOICES = ((N_("Yes, book it"), "yes"), (N_("No thanks"), "no"))
MY_BOOKINGS = N_('Reply "my bookings" any time.')
AddToCalendar = Callable[[str], str]  # booking id -> its .ics address


def _choices(pairs: tuple[tuple[str, str], ...], lang: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((say(lang, label), payload) for label, payload in pairs)


def _money(facts: BookingFacts, minor: str | None, lang: str | None = None) -> str:
    return replies.money(Money(int(minor or 0), facts.booking.currency), lang)


def _alternatives(n: Notice) -> Message:
    """The nearest free slots as choices, in the recipient's zone, the zone named once."""
    lang = n.recipient.lang
    found = [(p, datetime.fromisoformat(start), name)
             for p, start, name in json.loads(n.value("alternatives") or "[]")]
    if not found:
        return Message(say(lang, 'Reply "book" to pick another time.'))
    tz = n.recipient.tz
    several = len({name for _, _, name in found}) > 1
    choices = tuple((say(lang, "{when} with {provider}", when=replies.short_when(start, tz, lang),
                         provider=name) if several else replies.short_when(start, tz, lang), p)
                    for p, start, name in found)
    zone = replies.zone_label(found[0][1].astimezone(tz))
    return Message(say(lang, "Free times nearby ({zone}), tap one to book it:", zone=zone),
                   choices)


def _after_payment(n: Notice, f: BookingFacts, what: str) -> Message | None:
    """Payment outcomes and the provider's own words; None for every other kind."""
    lang = n.recipient.lang
    match n.kind:
        case Kind.PAYMENT_EXPIRED:
            return Message(say(lang, "The payment window for {what} closed, so nothing was "
                                     "charged and the slot was released. Reply BOOK to try "
                                     "again.", what=what))
        case Kind.LATE_PAYMENT_REFUNDED:
            more = _alternatives(n)
            return Message(say(lang, "Sorry! Your payment of {amount} for {what} came in after "
                                     "the slot had gone, so it is being refunded in full. "
                                     "{more}", amount=_money(f, n.value("amount_minor"), lang),
                               what=what, more=more.text), more.choices)
        case Kind.PROVIDER_MESSAGE:  # the provider's own words, as they wrote them
            return Message(f"{f.business_name or f.provider_name}: {n.value('text') or ''}")
    return None


def _customer_text(n: Notice, f: BookingFacts, when: str) -> Message:  # noqa: PLR0911
    lang = n.recipient.lang
    what = replies.booking_line(f.service_in(lang), f.provider_name, when, lang)
    special = (_after_payment(n, f, what) or customer_fee_text(n, f, what)
               or customer_series_text(n, f, say(lang, MY_BOOKINGS)))
    if special is not None:
        return special
    args = {"what": what, "service": f.service_in(lang), "when": when}
    match n.kind:
        case Kind.CONFIRMED:
            return Message(say(lang, "Confirmed: {what}. {hint}", what=what,
                               hint=say(lang, MY_BOOKINGS)))
        case Kind.REMINDER:
            return Message(say(lang, "Reminder: {what}. See you then!", what=what),
                           _choices(REMINDER_CHOICES, lang))
        case Kind.CANCELLED:
            return Message(say(lang, 'Cancelled: {what}. Sorry about that. Reply "book" to '
                                     'pick another time.', what=what))
        case Kind.RESCHEDULED:
            old = datetime.fromisoformat(n.value("old_start") or "")
            return Message(say(lang, "Moved: {service} with {provider} is now {when} (was "
                                     "{was}).", service=f.service_in(lang),
                               provider=f.provider_name, when=when,
                               was=replies.short_when(old, n.recipient.tz, lang)))
        case Kind.HOLD_EXPIRED:
            return Message(say(lang, 'The hold on {service}, {when} ran out, so it wasn\'t '
                                     'booked. Reply "book" to pick a time.', **args))
        case Kind.OFFER_LAPSED:
            return Message(say(lang, "The offer of {service}, {when} has lapsed. You're still "
                                     "on the waitlist.", **args))
        case Kind.PAYMENT_RECEIVED:
            return Message(say(lang, "Payment of {amount} received for {service}, {when}. "
                                     "Thank you!",
                               amount=_money(f, n.value("amount_minor"), lang), **args))
        case Kind.REFUND_ISSUED:
            return Message(say(lang, "A refund of {amount} for {service}, {when} is on its way.",
                               amount=_money(f, n.value("amount_minor"), lang), **args))
        case Kind.WAITLIST_OFFER:
            return Message(say(lang, "A slot opened: {what}. It's held for you: reply YES within "
                                     "{minutes} min to book it, or NO to pass.", what=what,
                               minutes=_minutes_left(n, f)), _choices(OFFER_CHOICES, lang))
    return Message(say(lang, "Update about {what}.", what=what))


def _minutes_left(n: Notice, f: BookingFacts) -> int:
    expires = datetime.fromisoformat(n.value("expires_at") or f.booking.created_at.isoformat())
    return max(1, round((expires - f.booking.created_at).total_seconds() / 60))


def _provider_text(n: Notice, f: BookingFacts, when: str) -> Message:
    who = f.customer_name or "a customer"
    channel = f.customer.channel if f.customer else f.booking.channel
    what = f"{f.service_name}, {when}, {who} ({channel})"
    special = provider_fee_text(n, f, what) or provider_series_text(n, f)
    if special is not None:
        return special
    match n.kind:
        case Kind.CONFIRMED:
            return Message(f"New booking: {what}.")
        case Kind.CANCELLED:
            return Message(f"Cancelled by the {n.value('by') or 'system'}: {what}.")
        case Kind.RESCHEDULED:
            old = datetime.fromisoformat(n.value("old_start") or "")
            return Message(f"Moved: {what} (was {replies.short_when(old, n.recipient.tz)}).")
        case Kind.REFUND_ATTENTION:
            return Message(
                f"Refund needs attention: {_money(f, n.value('amount_minor'))} for {what} "
                f"could not be refunded and is no longer retried ({n.value('error') or 'no reason'}"
                "). Please refund it from the Stripe dashboard and tell the customer. "
                f"ref `{booking_ref(f.booking.id)}`")
    return Message(f"Update: {what}.")


def _values(n: Notice, f: BookingFacts, when: str) -> dict[str, str]:
    old, lang = n.value("old_start"), n.recipient.lang
    return {"service": f.service_in(lang), "provider": f.provider_name, "when": when,
            "was": (replies.short_when(datetime.fromisoformat(old), n.recipient.tz, lang)
                    if old else ""),
            "amount": _money(f, n.value("amount_minor"), lang),
            "minutes": str(_minutes_left(n, f)),
            "business": f.business_name or f.provider_name, "text": n.value("text") or ""}


# What {{1}}, {{2}}, ... stand for in each kind's WhatsApp template (README lists the texts).
# The order is a contract: a registered template cannot change without Meta's review.
TEMPLATE_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.RESCHEDULED: ("service", "provider", "when", "was"),
    Kind.HOLD_EXPIRED: ("service", "when"),
    Kind.OFFER_LAPSED: ("service", "when"),
    Kind.PAYMENT_RECEIVED: ("amount", "service", "when"),
    Kind.REFUND_ISSUED: ("amount", "service", "when"),
    Kind.WAITLIST_OFFER: ("service", "provider", "when", "minutes"),
    Kind.LATE_PAYMENT_REFUNDED: ("amount", "service", "provider", "when"),
    Kind.PROVIDER_MESSAGE: ("business", "text"),
}
DEFAULT_FIELDS = ("service", "provider", "when")  # reminder, confirmed, cancelled, ...


def template_values(n: Notice, f: BookingFacts, when: str) -> tuple[str, ...]:
    """The numbered values {{1}}, {{2}}, ... of the kind's WhatsApp template, in order."""
    values = _values(n, f, when)
    return tuple(values[name] for name in TEMPLATE_FIELDS.get(n.kind, DEFAULT_FIELDS))


def render(notice: Notice, facts: BookingFacts) -> Message:
    """``jobs.ports.Renderer``: the text of one notice, in its recipient's zone."""
    start = notice.start or facts.booking.start
    if notice.recipient.audience is Audience.PROVIDER:
        return _provider_text(notice, facts, replies.when(start, notice.recipient.tz))
    lang = notice.recipient.lang
    when = replies.when(start, notice.recipient.tz, lang)
    message = _customer_text(notice, facts, when)
    return replace(message, variables=template_values(notice, facts, when), lang=lang)


Render = Callable[[Notice, BookingFacts], Message]


def _sms_segments(text: str) -> int:
    return segments(to_gsm(text)).count


def _with_calendar_link(message: Message, link: str, *, sms: bool) -> Message:
    """The confirmation, ending with its link; on SMS without the "my bookings" hint when
    dropping it saves a segment."""
    text = say(message.lang, "{text}\nAdd to calendar: {link}", text=message.text, link=link)
    if sms:
        shorter = text.replace(f" {say(message.lang, MY_BOOKINGS)}", "", 1)
        if _sms_segments(shorter) < _sms_segments(text):
            text = shorter
    return replace(message, text=text)


def renderer(*, add_to_calendar: AddToCalendar | None = None) -> Renderer:
    """``render``, with an "add to calendar" link (``bookingbot.calendar_feed.booking_link``)
    at the end of customers' confirmations when one is given."""
    if add_to_calendar is None:
        return render

    def render_one(notice: Notice, facts: BookingFacts) -> Message:
        message = render(notice, facts)
        if notice.kind is not Kind.CONFIRMED or notice.recipient.audience is Audience.PROVIDER:
            return message
        return _with_calendar_link(message, add_to_calendar(facts.booking.id),
                                   sms=notice.recipient.channel == SMS)

    return render_one


def _at(instant: datetime, tz: ZoneInfo, *, day: bool = False) -> str:
    """'2:05 PM EST', or with ``day`` 'Tue 8 Jan 2:05 PM EST'."""
    if day:
        return replies.when(instant, tz)
    local = instant.astimezone(tz)
    return f"{replies.clock(local)} {replies.zone_label(local)}"


def _calendar_failed(n: Notice) -> Message:
    tz = n.recipient.tz
    since = datetime.fromisoformat(n.value("failing_since") or "")
    pause = datetime.fromisoformat(n.value("pause_at") or "")
    problem = f"I couldn't read your calendar ({n.value('error') or 'no reason given'})"
    if n.value("paused"):
        return Message(f"{problem}, so new bookings with you are paused until it works again.")
    other_day = since.astimezone(tz).date() != pause.astimezone(tz).date()
    return Message(f"{problem}. I'm using the copy from before {_at(since, tz)}; if it still "
                   f"fails at {_at(pause, tz, day=other_day)}, new bookings with you pause "
                   "until it works again.")


def notice_text(notice: Notice) -> Message:
    """``jobs.ports.NoticeText``: a notice that concerns no booking, in its recipient's zone."""
    if notice.kind is Kind.CALENDAR_FAILED:
        return _calendar_failed(notice)
    return Message(f"Update: {notice.kind.value.replace('_', ' ')}.")

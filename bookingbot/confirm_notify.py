"""Notification texts for confirmation deadlines (core.confirmations), wrapped around the
worker's renderer: a reminder before the deadline asks the customer to confirm (reply C),
and a booking released at its deadline is worded as such to the customer and provider."""

from __future__ import annotations

from dataclasses import replace

from bot import replies
from core.confirmations import RELEASED_BY, asks_to_confirm
from core.notifications import Audience, BookingFacts, Kind, Message, Notice
from core.usecases.provider import booking_ref
from i18n import say
from jobs.ports import Renderer


def _asking(n: Notice, f: BookingFacts) -> Message | None:
    window = f.confirm_by
    if not asks_to_confirm(window, n.offset) or window is None:
        return None
    lang, tz = n.recipient.lang, n.recipient.tz
    what = replies.booking_line(f.service_name, f.provider_name,
                                replies.when(f.booking.start, tz, lang), lang)
    by = replies.when(f.booking.start - window, tz, lang)
    return Message(say(lang, "Reminder: {what}. Please confirm by {deadline} (reply C), or "
                             "the booking will be released.", what=what, deadline=by))


def _released(n: Notice, f: BookingFacts) -> Message:
    tz = n.recipient.tz
    if n.recipient.audience is Audience.PROVIDER:
        who = f.customer_name or "a customer"
        return Message(f"Released (not confirmed in time): {f.service_name}, "
                       f"{replies.when(f.booking.start, tz)}, {who}. The slot was offered to "
                       f"the waitlist. ref `{booking_ref(f.booking.id)}`")
    lang = n.recipient.lang
    what = replies.booking_line(f.service_name, f.provider_name,
                                replies.when(f.booking.start, tz, lang), lang)
    return Message(say(lang, "{what} was not confirmed in time, so it was released. Reply "
                             "\"book\" to pick another time.", what=what))


def confirm_renderer(base: Renderer) -> Renderer:
    def render_one(notice: Notice, facts: BookingFacts) -> Message:
        message = base(notice, facts)
        if notice.kind is Kind.CANCELLED and notice.value("by") == RELEASED_BY:
            return replace(_released(notice, facts), variables=message.variables,
                           lang=message.lang)
        if notice.kind is Kind.REMINDER and notice.recipient.audience is Audience.CUSTOMER:
            asking = _asking(notice, facts)
            if asking is not None:
                return replace(message, text=asking.text)
        return message

    return render_one

"""What providers read in Slack. Every time is in the provider's zone, and the zone is named.

Built on ``bot.replies`` (``clock``, ``when``, ``zone_label``, ``money``) so a time reads
the same to a provider here as to a customer on any channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.replies import clock, day_label, money, when, zone_label
from core.booking import Booking, BookingStatus
from core.errors import DomainError
from core.fees import FeeCharge, FeeKind, FeeStatus
from core.intake import shown
from core.money import Money
from core.timeutil import local_midnight
from core.usecases import CancelOutcome
from core.usecases.provider import Agenda, AgendaItem, TimeOff, Waiting, booking_ref

REFUSAL = ("Sorry, only providers can use this command. Ask the business owner to add your "
           "Slack user id as `slack_user` to your provider entry in the business file.")

USAGE = "\n".join([
    "*Provider commands* (times in your own zone):",
    "• `{cmd} today` / `tomorrow` / `fri` / `12/3`: the agenda for that day",
    "• `{cmd} block tomorrow 2-4pm dentist`: time off (add `force` to keep bookings in it)",
    "• `{cmd} unblock 12` or `{cmd} unblock tomorrow 3pm`: remove time off",
    "• `{cmd} cancel 1a2b3c4d`: cancel a booking by its ref (full refund, customer told)",
    "• `{cmd} noshow 1a2b3c4d`: mark a booking no-show (its no-show fee is charged)",
    "• `{cmd} waitlist`: who is waiting",
])

NO_SHOW_REFUSED = ("Only a confirmed booking whose start has passed can be marked no-show "
                   "(this one has not started, or was already cancelled or completed).")

ERRORS = {
    "in_the_past": "That time has already passed.",
    "unknown_booking": "I couldn't find that booking among yours.",
    "not_yours": "That booking is with another provider.",
    "invalid_transition": "That booking can't be changed any more.",
    "busy": "The calendar is busy right now, please try again in a moment.",
}


def usage(command: str, problem: str = "") -> str:
    head = f"{problem}\n" if problem else ""
    return head + USAGE.format(cmd=command)


def error(err: DomainError) -> str:
    return ERRORS.get(err.code.value, f"Sorry, that didn't work: {err.message}.")


def day_zone(day: date, tz: ZoneInfo) -> str:
    """'Europe/London, GMT': the zone by name and by its label on that day."""
    return f"{tz.key}, {zone_label(local_midnight(day, tz).astimezone(tz))}"


def span_text(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    midnights = a.time() == b.time() == time(0)
    if midnights and (b.date() - a.date()).days == 1:
        return f"all day {day_label(a.date())} ({zone_label(a)})"
    if a.date() == b.date():
        return f"{when(start, tz)}–{clock(b)}"
    return f"{when(start, tz)} – {when(end, tz)}"


def amounts(b: Booking) -> str:
    def m(minor: int) -> str:
        return money(Money(minor, b.currency))

    parts = [f"price {m(b.price_minor)}"]
    if b.due_minor:
        parts.append(f"due upfront {m(b.due_minor)}")
    parts.append(f"paid {m(b.paid_minor)}")
    if b.refunded_minor:
        parts.append(f"refunded {m(b.refunded_minor)}")
    return ", ".join(parts)


def item_line(item: AgendaItem, tz: ZoneInfo) -> str:
    b = item.booking
    who = item.customer.label if item.customer else "unknown customer"
    held = " _(held, not confirmed)_" if b.status is BookingStatus.HELD else ""
    rooms = f" · {', '.join(item.resources)}" if item.resources else ""
    answers = "".join(f"\n    {a.question} *{shown(a)}*" for a in item.answers)
    return (f"• {clock(b.start.astimezone(tz))}–{clock(b.end.astimezone(tz))}  "
            f"*{item.service_name}*{rooms} · {who} ({b.channel}) · {amounts(b)} · "
            f"ref `{item.ref}`{held}{answers}")


def time_off_line(t: TimeOff, tz: ZoneInfo) -> str:
    a, b = t.span.start.astimezone(tz), t.span.end.astimezone(tz)
    what = "Time off" if t.removable else f"Busy ({t.source})"
    note = f": {t.note}" if t.note else ""
    ident = f" · #{t.id}" if t.removable else ""
    return f"• {clock(a)}–{clock(b)}  {what}{note}{ident}"


def agenda_lines(a: Agenda) -> list[str]:
    lines = [item_line(i, a.provider.tz) for i in a.items]
    lines += [time_off_line(t, a.provider.tz) for t in a.time_off]
    if not a.items:
        lines.insert(0, "Closed." if a.closed else "No bookings.")
    return lines


def agenda_text(a: Agenda) -> str:
    tz = a.provider.tz
    head = f"*{a.provider.name}, {day_label(a.day)}* (times in {day_zone(a.day, tz)})"
    return "\n".join([head, *agenda_lines(a)])


def blocked(t: TimeOff, tz: ZoneInfo, *, kept: int = 0) -> str:
    note = f" ({t.note})" if t.note else ""
    keep = f" {kept} booking(s) in it were kept." if kept else ""
    return (f"Blocked {span_text(t.span.start, t.span.end, tz)}{note}. "
            f"Undo with `unblock {t.id}`.{keep}")


def conflict(bookings: Sequence[Booking], tz: ZoneInfo) -> str:
    lines = [f"• {when(b.start, tz)} ref `{booking_ref(b.id)}`" for b in bookings]
    return "\n".join(["Not blocked: that time overlaps these bookings:", *lines,
                      "Cancel them first, or repeat the command with `force` at the end "
                      "to block the rest and keep them."])


def unblock_choices(blocks: Sequence[TimeOff], tz: ZoneInfo) -> str:
    if not blocks:
        return "No time off there."
    return "\n".join(["Which one? Say `unblock <number>`:",
                      *(time_off_line(t, tz) for t in blocks)])


def unblocked(t: TimeOff | None, block_id: int, tz: ZoneInfo) -> str:
    if t is None:
        return f"Removed time off #{block_id}."
    return f"Removed time off #{t.id}: {span_text(t.span.start, t.span.end, tz)}."


def cancelled(out: CancelOutcome, tz: ZoneInfo) -> str:
    b = out.booking
    refund = (f" Refund of {money(out.refund)} (100 %) is on its way."
              if out.refund.amount_minor else " Nothing was paid, so nothing to refund.")
    return (f"Cancelled ref `{booking_ref(b.id)}` on {when(b.start, tz)}.{refund} "
            "The customer is told on their channel.")


def waitlist_text(waiting: Sequence[Waiting], tz: ZoneInfo) -> str:
    if not waiting:
        return "Nobody is on the waitlist."
    lines = []
    for w in waiting:
        who = w.customer.label if w.customer else "unknown customer"
        lines.append(f"• {w.service_name} · {who} ({w.entry.channel}) · wants "
                     f"{span_text(w.entry.window.start, w.entry.window.end, tz)}")
    return "\n".join([f"*Waitlist* (times in {tz.key}):", *lines])



def no_show(b: Booking, fees: Sequence[FeeCharge], tz: ZoneInfo) -> str:
    """After marking a no-show: what happened to its fee (charged, refused, none)."""
    head = f"Marked no-show: ref `{booking_ref(b.id)}` on {when(b.start, tz)}."
    fee = next((f for f in fees if f.kind is FeeKind.NO_SHOW), None)
    if fee is None:
        return f"{head} No no-show fee applies."
    amount = money(Money(fee.amount_minor, fee.currency))
    if fee.status is FeeStatus.SUCCEEDED:
        return f"{head} No-show fee of {amount} charged; the customer is told."
    if fee.status is FeeStatus.PENDING:
        return f"{head} No-show fee of {amount} is being charged; the customer will be told."
    reason = (fee.last_error or fee.status.value).replace("_", " ")
    return (f"{head} The no-show fee of {amount} could not be charged ({reason}). The "
            "customer was told you will contact them.")

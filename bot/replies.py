"""Every text the bot sends, in one place. Short: one SMS segment (160 chars) where possible.

Every time shown is in the customer's zone with the zone named ("Fri 5 Dec 2:30 PM EST").
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.messages import Choice, Reply
from core.model import Business
from core.money import Money
from core.policy import CancellationPolicy

SMS_SEGMENT = 160
MAX_INPUT = 500
EXAMPLES = "e.g. \"tomorrow afternoon\", \"fri 10:30\", \"next tue at 3\""


def zone_label(dt: datetime) -> str:
    name = dt.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name  # "+0530" alone reads like a typo


def clock(dt: datetime) -> str:
    return f"{dt.hour % 12 or 12}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def when(instant: datetime, tz: ZoneInfo) -> str:
    """'Fri 5 Dec 2:30 PM EST'."""
    local = instant.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b} {clock(local)} {zone_label(local)}"


def short_when(instant: datetime, tz: ZoneInfo) -> str:
    """Button label: 'Fri 5 Dec 2:30 PM' (the zone is named once in the text above)."""
    local = instant.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b} {clock(local)}"


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def money(m: Money) -> str:
    return m.format()


def policy_line(policy: CancellationPolicy) -> str:
    """'24h+ ahead full refund, 2h+ 50%, later none': the policy in one short line."""
    parts = []
    for tier in sorted(policy.tiers, key=lambda t: t.min_notice, reverse=True):
        hours = tier.min_notice.total_seconds() / 3600
        back = {100: "full refund", 0: "no refund"}.get(tier.refund_percent,
                                                        f"{tier.refund_percent}%")
        parts.append(f"{hours:g}h+ ahead {back}" if hours else f"later {back}")
    return ", ".join(parts) or "no refunds"


def help_text(business: Business) -> Reply:
    # Kept short so that, with an SMS channel's "Reply ..." footer, it is still one segment.
    return Reply(f"Hi! {business.name} here. I can book, move or cancel an appointment, list "
                 "yours, or get you a human. What would you like?",
                 (Choice("Book", "book"), Choice("My bookings", "list"),
                  Choice("Reschedule", "reschedule"), Choice("Cancel a booking", "cancel")))


def ask_service(business: Business) -> Reply:
    return Reply("Which service would you like?",
                 tuple(Choice(s.name, f"service:{s.key}") for s in business.services))


def which_service(names: list[str]) -> str:
    return f"Did you mean {' or '.join(names)}?"


def ask_time(service_name: str, zone: str) -> Reply:
    return Reply(f"{service_name}: when suits you? ({zone} time) {EXAMPLES}")


def unclear_time() -> Reply:
    return Reply(f"Sorry, I didn't catch a day or time. Try {EXAMPLES}.")


def offers_text(intro: str, labels: list[tuple[str, str]], *, more: bool) -> Reply:
    choices = [Choice(label, payload) for label, payload in labels]
    if more:
        choices.append(Choice("More times", "more"))
    return Reply(intro, tuple(choices))


def no_more_offers() -> Reply:
    return Reply("That's all I have in that window. Try another day or time, "
                 f"{EXAMPLES}.")


def summary(*, service: str, provider: str, start: str, price: str, policy: str,
            due: str | None) -> Reply:
    pay = f" Payment of {due} would be requested." if due else ""
    return Reply(f"{service} with {provider}, {start}. {price}.{pay} Cancel: {policy}. "
                 "Confirm?", (Choice("Yes", "yes"), Choice("No", "no")))


def booked(*, service: str, start: str, provider: str, calendar_url: str | None = None) -> Reply:
    if calendar_url:  # the link is long: it replaces the hint to stay near one SMS segment
        return Reply(f"Booked! {service} with {provider}, {start}. Add to calendar: "
                     f"{calendar_url}")
    return Reply(f"Booked! {service} with {provider}, {start}. Reply \"my bookings\" any time.")


def held_for_payment(*, service: str, start: str, due: str) -> Reply:
    return Reply(f"Held for you: {service}, {start}. We'll send a link to pay {due} to "
                 "confirm it.")


def pay_to_confirm(*, service: str, start: str, due: str, url: str, until: str | None,
                   test: bool) -> Reply:
    valid = f" (link valid until {until})" if until else ""
    notice = " TEST PAYMENT: no money moves." if test else ""
    return Reply(f"Held for you: {service}, {start}. Pay {due} here to confirm: {url}{valid}."
                 f"{notice}")


def nothing_fits(reason: str) -> Reply:
    return Reply(f"{reason} Nothing free near then. Join the waitlist for that time?",
                 (Choice("Join waitlist", "yes"), Choice("Other time", "no")))


def waitlisted() -> Reply:
    return Reply("You're on the waitlist. I'll message you if a slot opens up.")


def no_bookings() -> Reply:
    return Reply("You have no upcoming bookings. Want to book one?",
                 (Choice("Book", "book"),))


def bookings_list(lines: list[str]) -> Reply:
    return Reply("Your upcoming bookings:\n" + "\n".join(lines))


def pick_booking(action: str, labels: list[tuple[str, str]]) -> Reply:
    return Reply(f"Which booking do you want to {action}?",
                 tuple(Choice(label, payload) for label, payload in labels))


def confirm_cancel(what: str, refund: str | None) -> Reply:
    back = f" You'd get {refund} back." if refund else " No refund is due."
    return Reply(f"Cancel {what}?{back}", (Choice("Yes, cancel", "yes"), Choice("Keep it", "no")))


def cancelled(what: str, refund: str | None) -> Reply:
    back = f" {refund} will be refunded." if refund else ""
    return Reply(f"Cancelled: {what}.{back}")


def confirm_move(old: str, new: str) -> Reply:
    return Reply(f"Move from {old} to {new}?", (Choice("Yes, move it", "yes"), Choice("No", "no")))


def moved(what: str) -> Reply:
    return Reply(f"Done, moved to {what}.")


def ask_new_time(what: str) -> Reply:
    return Reply(f"Moving {what}. What new day or time? {EXAMPLES}")


def confirm_series(text: str) -> Reply:
    return Reply(f"{text}. Book them all?", (Choice("Yes", "yes"), Choice("No", "no")))


def series_done(booked: int, total: int, failed: list[str]) -> Reply:
    missing = f" Couldn't book: {', '.join(failed)}." if failed else ""
    return Reply(f"Booked {booked} of {total}.{missing}")


ERRORS = {
    "slot_taken": "Sorry, that slot just went.",
    "outside_hours": "That's outside our opening hours.",
    "too_soon": "That's too short notice.",
    "too_far_ahead": "That's too far ahead to book yet.",
    "day_full": "That day is fully booked.",
    "in_the_past": "That time has already passed.",
    "hold_expired": "Sorry, the hold on that slot ran out.",
    "unknown_booking": "I couldn't find that booking.",
    "busy": "We're a bit busy right now, please try again in a moment.",
    "series_prepaid": "That service is paid in advance, so I can only book it one date at a "
                      "time. Which date first?",
    "calendar_unavailable": "Sorry, I can't check that person's calendar right now, so I "
                            "can't book them. Try someone else or ask again later.",
}


def error(code: str) -> str:
    return ERRORS.get(code, "Sorry, something went wrong. Please try again.")


def simple(text: str) -> Reply:
    return Reply(text)


STOPPED = "You're unsubscribed: no more reminders or updates. Reply START to resume."
STARTED = "Welcome back! You'll get reminders and updates again."
HUMAN = "I've let the team know. Someone will reply here soon."
ABORTED = "OK, stopped. Nothing was changed. Anything else?"
RESTARTED = "Starting over. What would you like to do?"
TIMED_OUT = "Welcome back! That earlier chat timed out, so let's start fresh."
TOO_LONG = f"That's a long message! Please keep it under {MAX_INPUT} characters."
UNKNOWN_ZONE = "I don't know that place. Try e.g. \"my timezone is Europe/London\"."
NOT_UNDERSTOOD = ("Sorry, I didn't get that. You can say \"book a haircut\", "
                  "\"my bookings\", \"reschedule\", \"cancel\" or \"help\".")
KEPT = "OK, kept as it is. Anything else?"


def zone_set(name: str, now_label: str) -> str:
    return f"Got it, I'll show times in {name} (now {now_label})."

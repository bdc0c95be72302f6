"""Every text the bot sends, in one place. Short: one SMS segment (160 chars) where possible.

Every text is an English msgid looked up in the customer's language (``lang``, from the
session; None is the business default, English) through ``i18n.say``; every time shown is
in the customer's zone with the zone named ("Fri 5 Dec 2:30 PM EST", "mié 9 dic, 10:00
(CET)"), formatted per locale by ``i18n.formats``. The upper-case constants are the English
texts, kept for callers and tests that want the default wording.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.messages import Choice, Reply
from bot.timeparse.lang import detect_language
from core.model import Business
from core.money import Money, exponent
from core.policy import CancellationPolicy
from i18n import N_, formats, say, say_n
from i18n.catalogs import base_language

SMS_SEGMENT = 160
MAX_INPUT = 500
Lang = str | None


def _english(lang: Lang) -> bool:
    return base_language(lang) == "en"


def examples(lang: Lang = None) -> str:
    return say(lang, "e.g. \"tomorrow afternoon\", \"fri 10:30\", \"next tue at 3\"")


EXAMPLES = examples()


def zone_label(dt: datetime) -> str:
    return formats.zone_label(dt)


def clock(dt: datetime, lang: Lang = None) -> str:
    return formats.clock(dt, lang)


def clock_zone(dt: datetime, lang: Lang = None) -> str:
    """'2:30 PM EST', '14:30 (CET)': a time of day with its zone named."""
    if _english(lang):
        return f"{clock(dt)} {zone_label(dt)}"
    return f"{clock(dt, lang)} ({zone_label(dt)})"


def when(instant: datetime, tz: ZoneInfo, lang: Lang = None) -> str:
    """'Fri 5 Dec 2:30 PM EST', 'mié 9 dic, 10:00 (CET)'."""
    return formats.when(instant, tz, lang)


def short_when(instant: datetime, tz: ZoneInfo, lang: Lang = None) -> str:
    """Button label: 'Fri 5 Dec 2:30 PM' (the zone is named once in the text above)."""
    return formats.short_when(instant, tz, lang)


def day_label(day: date, lang: Lang = None) -> str:
    return formats.day_label(day, lang)


def weekday(day: date, lang: Lang = None) -> str:
    """'Tue', 'mar': the short weekday name."""
    return formats.weekday(day, lang)


def money(m: Money, lang: Lang = None) -> str:
    """'40.00 USD' in English (the house style), '40,00 US$' / 'R$ 80,00' per locale."""
    if _english(lang):
        return m.format()
    return formats.price(m.amount_minor, m.currency, exponent(m.currency), lang)


def _refund_share(percent: int, lang: Lang) -> str:
    if percent == 100:
        return say(lang, "full refund")
    if percent == 0:
        return say(lang, "no refund")
    return say(lang, "{percent}%", percent=percent)


def policy_line(policy: CancellationPolicy, lang: Lang = None) -> str:
    """'24h+ ahead full refund, 2h+ 50%, later none': the policy in one short line."""
    parts = []
    for tier in sorted(policy.tiers, key=lambda t: t.min_notice, reverse=True):
        hours = tier.min_notice.total_seconds() / 3600
        back = _refund_share(tier.refund_percent, lang)
        parts.append(say(lang, "{hours}h+ ahead {refund}", hours=format(hours, "g"), refund=back)
                     if hours else say(lang, "later {refund}", refund=back))
    return ", ".join(parts) or say(lang, "no refunds")


def help_text(business: Business, lang: Lang = None) -> Reply:
    # Kept short so that, with an SMS channel's "Reply ..." footer, it is still one segment.
    return Reply(say(lang, "Hi! {business} here. I can book, move or cancel an appointment, "
                           "list yours, or get you a human. What would you like?",
                     business=business.name),
                 (Choice(say(lang, "Book"), "book"), Choice(say(lang, "My bookings"), "list"),
                  Choice(say(lang, "Reschedule"), "reschedule"),
                  Choice(say(lang, "Cancel a booking"), "cancel")))


def not_understood_help(business: Business, lang: Lang = None) -> Reply:
    """The help buttons under 'Sorry, I didn't get that.'."""
    return Reply(not_understood(lang), help_text(business, lang).choices)


def ask_service(business: Business, lang: Lang = None) -> Reply:
    return Reply(say(lang, "Which service would you like?"),
                 tuple(Choice(s.name_in(lang), f"service:{s.key}") for s in business.services))


def which_service(names: list[str], lang: Lang = None) -> str:
    return say(lang, "Did you mean {names}?", names=formats.alternatives(names, lang))


def ask_time(service_name: str, zone: str, lang: Lang = None) -> Reply:
    return Reply(say(lang, "{service}: when suits you? ({zone} time) {examples}",
                     service=service_name, zone=zone, examples=examples(lang)))


def ask_time_again(service_name: str, zone: str, lang: Lang = None) -> Reply:
    """After a 'no' to the summary."""
    return Reply(say(lang, "No problem. {ask}", ask=ask_time(service_name, zone, lang).text))


def unclear_time(lang: Lang = None) -> Reply:
    return Reply(say(lang, "Sorry, I didn't catch a day or time. Try {examples}.",
                     examples=examples(lang)))


def other_time(lang: Lang = None) -> str:
    """After a 'no' to the waitlist."""
    return say(lang, "OK, what other time? Try {examples}.", examples=examples(lang))


def free_times(service: str, lang: Lang = None) -> str:
    return say(lang, "{service}, free times", service=service)


def nearest_times(reason: str, lang: Lang = None) -> str:
    return say(lang, "{reason} Nearest free times", reason=reason)


def nearest_free(reason: str, lang: Lang = None) -> str:
    return say(lang, "{reason} Here are the nearest free ones", reason=reason)


def offers_text(intro: str, labels: list[tuple[str, str]], *, more: bool,
                lang: Lang = None) -> Reply:
    choices = [Choice(label, payload) for label, payload in labels]
    if more:
        choices.append(Choice(more_times(lang), "more"))
    return Reply(intro, tuple(choices))


def offers_intro(intro: str, zone: str, lang: Lang = None) -> str:
    """'Haircut, free times (EST):' (a later page: 'More times (EST):')."""
    return say(lang, "{intro} ({zone}):", intro=intro or more_times(lang), zone=zone)


def more_times(lang: Lang = None) -> str:
    return say(lang, "More times")


def no_more_offers(lang: Lang = None) -> Reply:
    return Reply(say(lang, "That's all I have in that window. Try another day or time, "
                           "{examples}.", examples=examples(lang)))


def price_line(price: Money, deposit: Money | None, lang: Lang = None) -> str:
    """'Price 40.00 USD' or 'Price 40.00 USD, deposit 10.00 USD'."""
    if deposit is None:
        return say(lang, "Price {price}", price=money(price, lang))
    return say(lang, "Price {price}, deposit {deposit}", price=money(price, lang),
               deposit=money(deposit, lang))


def yes_no(lang: Lang = None) -> tuple[Choice, Choice]:
    return Choice(say(lang, "Yes"), "yes"), Choice(say(lang, "No"), "no")


def summary(*, service: str, provider: str, start: str, price: str, policy: str,
            due: str | None, lang: Lang = None) -> Reply:
    """``policy`` empty: nothing is paid up front, so no refund policy is quoted."""
    args = {"service": service, "provider": provider, "start": start, "price": price,
            "policy": policy}
    if due:
        text = say(lang, "{service} with {provider}, {start}. {price}. Payment of {due} would "
                         "be requested. Cancel: {policy}. Confirm?", due=due, **args)
    elif policy:
        text = say(lang, "{service} with {provider}, {start}. {price}. Cancel: {policy}. "
                         "Confirm?", **args)
    else:
        text = say(lang, "{service} with {provider}, {start}. {price}. Confirm?", **args)
    return Reply(text, yes_no(lang))


def booked(*, service: str, start: str, provider: str, calendar_url: str | None = None,
           ref: str = "", lang: Lang = None) -> Reply:
    """``ref``: the booking reference (core.booking.reference)."""
    args = {"service": service, "provider": provider, "start": start, "ref": ref}
    if calendar_url:  # the link is long: it replaces the hint to stay near one SMS segment
        return Reply(say(lang, "Booked! {service} with {provider}, {start}. Ref {ref}. Add to "
                               "calendar: {url}", url=calendar_url, **args))
    return Reply(say(lang, "Booked! {service} with {provider}, {start}. Ref {ref}. Reply \"my "
                           "bookings\" any time.", **args))


def held_for_payment(*, service: str, start: str, due: str, lang: Lang = None) -> Reply:
    return Reply(say(lang, "Held for you: {service}, {start}. We'll send a link to pay {due} "
                           "to confirm it.", service=service, start=start, due=due))


def pay_to_confirm(*, service: str, start: str, due: str, url: str, until: str | None,
                   test: bool, ref: str = "", lang: Lang = None) -> Reply:
    """``until``: the link's deadline, a time with its zone named (clock_zone)."""
    args = {"service": service, "start": start, "due": due, "url": url, "ref": ref}
    text = (say(lang, "Held for you: {service}, {start}. Ref {ref}. Pay {due} here to confirm: "
                      "{url} (link valid until {until}).", until=until, **args) if until else
            say(lang, "Held for you: {service}, {start}. Ref {ref}. Pay {due} here to confirm: "
                      "{url}.", **args))
    if test:
        text += say(lang, " TEST PAYMENT: no money moves.")
    return Reply(text)


def nothing_fits(reason: str, lang: Lang = None) -> Reply:
    return Reply(say(lang, "{reason} Nothing free near then. Join the waitlist for that time?",
                     reason=reason),
                 (Choice(say(lang, "Join waitlist"), "yes"),
                  Choice(say(lang, "Other time"), "no")))


def try_another_time(reason: str, lang: Lang = None) -> str:
    return say(lang, "{reason} Try another time?", reason=reason)


def what_other_time(reason: str, lang: Lang = None) -> str:
    return say(lang, "{reason} What other time suits you?", reason=reason)


def waitlisted(lang: Lang = None) -> Reply:
    return Reply(say(lang, "You're on the waitlist. I'll message you if a slot opens up."))


def no_bookings(lang: Lang = None) -> Reply:
    return Reply(say(lang, "You have no upcoming bookings. Want to book one?"),
                 (Choice(say(lang, "Book"), "book"),))


def bookings_list(lines: list[str], lang: Lang = None) -> Reply:
    return Reply(say(lang, "Your upcoming bookings:") + "\n" + "\n".join(lines))


def booking_line(service: str, provider: str, start: str, lang: Lang = None) -> str:
    """'Haircut with Jordan, Fri 5 Dec 2:30 PM EST'."""
    return say(lang, "{service} with {provider}, {start}", service=service, provider=provider,
               start=start)


def anyone(lang: Lang = None) -> str:
    return say(lang, "anyone available")


def your_booking(lang: Lang = None) -> str:
    return say(lang, "your booking")


_PICK = {"cancel": N_("Which booking do you want to cancel?"),
         "move": N_("Which booking do you want to move?"),
         "answers": N_("Which booking's answers do you want to change?")}


def pick_booking(action: str, labels: list[tuple[str, str]], lang: Lang = None, *,
                 again: bool = False) -> Reply:
    text = say(lang, _PICK.get(action, _PICK["move"]))
    if again:
        text = say(lang, "Please pick one: {ask}", ask=text)
    return Reply(text, tuple(Choice(label, payload) for label, payload in labels))


def confirm_cancel(what: str, refund: str | None, lang: Lang = None) -> Reply:
    text = (say(lang, "Cancel {what}? You'd get {refund} back.", what=what, refund=refund)
            if refund else say(lang, "Cancel {what}? No refund is due.", what=what))
    return Reply(text, (Choice(say(lang, "Yes, cancel"), "yes"),
                        Choice(say(lang, "Keep it"), "no")))


def cancel_yes_or_no(lang: Lang = None) -> str:
    return say(lang, "Please reply yes to cancel it, or no to keep it.")


def cancelled(what: str, refund: str | None, lang: Lang = None) -> Reply:
    if refund:
        return Reply(say(lang, "Cancelled: {what}. {refund} will be refunded.", what=what,
                         refund=refund))
    return Reply(say(lang, "Cancelled: {what}.", what=what))


def confirm_move(old: str, new: str, lang: Lang = None) -> Reply:
    return Reply(say(lang, "Move from {old} to {new}?", old=old, new=new),
                 (Choice(say(lang, "Yes, move it"), "yes"), Choice(say(lang, "No"), "no")))


def move_yes_or_no(lang: Lang = None) -> str:
    return say(lang, "Please reply yes to move it, or no to pick another time.")


def moved(what: str, lang: Lang = None) -> Reply:
    return Reply(say(lang, "Done, moved to {what}.", what=what))


def ask_new_time(what: str, lang: Lang = None) -> Reply:
    return Reply(say(lang, "Moving {what}. What new day or time? {examples}", what=what,
                     examples=examples(lang)))


def series_text(*, service: str, day: date, at: str, count: int, every_weeks: int,
                first: str, lang: Lang = None) -> str:
    """'Haircut every Tue at 10:00 AM EST, 6 times from Tue 9 Dec'."""
    args = {"service": service, "weekday": weekday(day, lang), "at": at, "first": first}
    if every_weeks == 1:
        return say_n(lang, "{service} every {weekday} at {at}, {n} time from {first}",
                     "{service} every {weekday} at {at}, {n} times from {first}", count, **args)
    return say_n(lang, "{service} every {weeks} weeks on {weekday} at {at}, {n} time from "
                       "{first}",
                 "{service} every {weeks} weeks on {weekday} at {at}, {n} times from {first}",
                 count, weeks=every_weeks, **args)


def confirm_series(text: str, lang: Lang = None) -> Reply:
    return Reply(say(lang, "{series}. Book them all?", series=text), yes_no(lang))


def series_done(booked: int, total: int, failed: list[str], lang: Lang = None) -> Reply:
    done = say(lang, "Booked {n} of {total}.", n=booked, total=total)
    if failed:
        done += say(lang, " Couldn't book: {days}.", days=", ".join(failed))
    return Reply(done)


ERRORS = {
    "slot_taken": N_("Sorry, that slot just went."),
    "intake_closed": N_("That appointment has already started, so its answers can no longer "
                        "be changed."),
    "outside_hours": N_("That's outside our opening hours."),
    "too_soon": N_("That's too short notice."),
    "too_far_ahead": N_("That's too far ahead to book yet."),
    "day_full": N_("That day is fully booked."),
    "in_the_past": N_("That time has already passed."),
    "hold_expired": N_("Sorry, the hold on that slot ran out."),
    "unknown_booking": N_("I couldn't find that booking."),
    "busy": N_("We're a bit busy right now, please try again in a moment."),
    "series_prepaid": N_("That service is paid in advance, so I can only book it one date at "
                         "a time. Which date first?"),
    "calendar_unavailable": N_("Sorry, I can't check that person's calendar right now, so I "
                               "can't book them. Try someone else or ask again later."),
    "nothing_in_window": N_("Nothing free in that window."),
}
# Why one date of a series failed, in a list after the date ("Tue 9 Dec (that day is
# fully booked)"): its own short wording, since lower-casing a translation is not safe.
SERIES_REASONS = {
    "slot_taken": N_("sorry, that slot just went"),
    "outside_hours": N_("that's outside our opening hours"),
    "too_soon": N_("that's too short notice"),
    "too_far_ahead": N_("that's too far ahead to book yet"),
    "day_full": N_("that day is fully booked"),
    "in_the_past": N_("that time has already passed"),
}
SOMETHING_WRONG = N_("Sorry, something went wrong. Please try again.")


def error(code: str, lang: Lang = None) -> str:
    return say(lang, ERRORS.get(code, SOMETHING_WRONG))


def failure(code: str, said: str = "") -> Reply:
    """A channel's answer when a message could not be handled at all (the database is down,
    say): no session to read the language from, so it is the language the message is in."""
    lang = detect_language(said) if said else None
    return Reply(error(code, lang), lang=lang)


def series_failure(day: date, code: str, lang: Lang = None) -> str:
    reason = (say(lang, SERIES_REASONS[code]) if code in SERIES_REASONS
              else error(code, lang).rstrip(".").lower())
    return f"{day_label(day, lang)} ({reason})"


def simple(text: str) -> Reply:
    return Reply(text)


def in_language(out: list[Reply], lang: Lang) -> list[Reply]:
    """The replies marked with the language they are written in (for the channel's own
    words around them); a reply already marked keeps its mark."""
    return [r if r.lang is not None or lang is None else replace(r, lang=lang) for r in out]


def did_not_work(code: str, lang: Lang = None) -> str:
    return say(lang, "Sorry, that didn't work ({code}).", code=code)


def stopped(lang: Lang = None) -> str:
    return say(lang, "You're unsubscribed: no more reminders or updates. Reply START to "
                     "resume.")


def started(lang: Lang = None) -> str:
    return say(lang, "Welcome back! You'll get reminders and updates again.")


def human(lang: Lang = None) -> str:
    return say(lang, "I've let the team know. Someone will reply here soon.")


def aborted(lang: Lang = None) -> str:
    return say(lang, "OK, stopped. Nothing was changed. Anything else?")


def restarted(lang: Lang = None) -> str:
    return say(lang, "Starting over. What would you like to do?")


def timed_out(lang: Lang = None) -> str:
    return say(lang, "Welcome back! That earlier chat timed out, so let's start fresh.")


def too_long(lang: Lang = None) -> str:
    return say(lang, "That's a long message! Please keep it under {max} characters.",
               max=MAX_INPUT)


def unknown_zone(lang: Lang = None) -> str:
    return say(lang, "I don't know that place. Try e.g. \"my timezone is Europe/London\".")


def not_understood(lang: Lang = None) -> str:
    return say(lang, "Sorry, I didn't get that. You can say \"book a haircut\", "
                     "\"my bookings\", \"reschedule\", \"cancel\" or \"help\".")


def kept(lang: Lang = None) -> str:
    return say(lang, "OK, kept as it is. Anything else?")


STOPPED = stopped()
STARTED = started()
HUMAN = human()
ABORTED = aborted()
RESTARTED = restarted()
TIMED_OUT = timed_out()
TOO_LONG = too_long()
UNKNOWN_ZONE = unknown_zone()
NOT_UNDERSTOOD = not_understood()
KEPT = kept()


def zone_set(name: str, now_label: str, lang: Lang = None) -> str:
    return say(lang, "Got it, I'll show times in {zone} (now {now}).", zone=name,
               now=now_label)

"""Answering a receptionist question from the business file, then carrying on where the
conversation was (the question never changes the state: the same question is asked again).

Understanding is bot.questions; every text here goes through ``i18n.say``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot import intents, replies, who
from bot.intake import ask_again
from bot.messages import Reply
from bot.offers import show_page, summary
from bot.questions import Topic, faq_match, topic_of
from bot.session import Session, State
from bot.transition import Context, Transition
from core.model import Business, PaymentMode, Provider, Service
from i18n import say

Lang = str | None
MAX_DAYS = 7  # "who works this week?" lists a week at most


def answer_question(session: Session, text: str, now: datetime,
                    ctx: Context) -> Transition | None:
    """The answer and the question the flow was waiting on; None if it is no question."""
    lang = session.lang
    entry = faq_match(text, ctx.business.info.faq)
    if entry is not None:
        said = entry.answer
    else:
        topic = topic_of(text, lang) or _about_a_provider(text, now, ctx, session)
        if topic is None:
            return None
        said = _ANSWERS[topic](ctx, session, text, now)
    return Transition(session, (Reply(said), *resume(session, now, ctx)))


def resume(  # noqa: PLR0911  (one return per state waiting on a question)
        session: Session, now: datetime, ctx: Context) -> tuple[Reply, ...]:
    """The question the conversation was waiting on, asked again after an aside."""
    lang = session.lang
    match session.state:
        case State.ASK_SERVICE:
            return (replies.ask_service(ctx.business, lang),)
        case State.ASK_TIME:
            zone = replies.zone_label(now.astimezone(ctx.zone(session)))
            return (replies.ask_time(ctx.service_name(session.service_key, lang), zone, lang),)
        case State.PICK_SLOT if session.offers:
            return show_page(session, ctx, say(lang, "Back to your times")).replies
        case State.CONFIRM_BOOKING if session.chosen is not None:
            return summary(session, ctx, session.chosen).replies
        case State.ANSWER_INTAKE:
            return ask_again(session, ctx)
        case State.IDLE:
            return ()
    return (Reply(say(lang, "Shall we carry on where we were?")),)


def _days(ctx: Context, session: Session, text: str, now: datetime) -> list[date]:
    """The local days a question names ("on saturday", "this weekend"); [] for none."""
    tz = ctx.zone(session)
    tw = ctx.parse_time(text, now=now, tz=tz)
    if tw is None:
        return []
    first, last = tw.start.astimezone(tz).date(), tw.end.astimezone(tz).date()
    if tw.end > tw.start and tw.end.astimezone(tz).time() == time(0):
        last -= timedelta(days=1)  # a day window ends at the next midnight
    return [first + timedelta(days=i) for i in range(min((last - first).days + 1, MAX_DAYS))]


def _span_text(provider: Provider, day: date, lang: Lang) -> str | None:
    hours, _ = provider.hours_on(day)
    if not hours.spans:
        return None
    lo = min(s.start for s in hours.spans)
    hi = max((s.end for s in hours.spans), key=lambda t: (t == time(0), t))
    start = datetime.combine(day, lo, provider.tz)
    end = datetime.combine(day, hi, provider.tz)
    return say(lang, "{start}-{end}", start=replies.clock(start, lang),
               end=replies.clock(end, lang))


def _zone_name(provider: Provider, day: date) -> str:
    return replies.zone_label(datetime.combine(day, time(12), provider.tz))


def _hours(ctx: Context, session: Session, text: str, now: datetime) -> str:
    lang, business = session.lang, ctx.business
    days = _days(ctx, session, text, now) or _this_week(now, business)
    named = bool(_days(ctx, session, text, now))
    lines = []
    for day in days:
        spans = [t for p in business.providers if (t := _span_text(p, day, lang))]
        label = replies.day_label(day, lang) if named else replies.weekday(day, lang)
        zone = _zone_name(business.providers[0], day) if business.providers else ""
        lines.append(say(lang, "{day} {hours} {zone}", day=label, hours=", ".join(
            dict.fromkeys(spans)), zone=zone) if spans else say(lang, "{day} closed", day=label))
    return say(lang, "Our hours: {lines}.", lines="; ".join(lines))


def _this_week(now: datetime, business: Business) -> list[date]:
    today = now.astimezone(business.tz).date()
    monday = today - timedelta(days=today.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def _service_line(service: Service, lang: Lang) -> str:
    minutes = int(service.duration.total_seconds() // 60)
    line = say(lang, "{service} {minutes} min, {price}", service=service.name_in(lang),
               minutes=minutes, price=replies.money(service.price, lang))
    if service.payment is PaymentMode.DEPOSIT:
        line += say(lang, " (deposit {deposit})", deposit=replies.money(service.deposit, lang))
    return line


def _named_services(ctx: Context, text: str, session: Session) -> tuple[Service, ...]:
    """The service the question names, else the one being booked ("how much is it?"),
    else all of them."""
    found = intents.match_services(text, ctx.business.services)
    if len(found) == 1:
        return tuple(found)
    current = ctx.business.service(session.service_key or "")
    return (current,) if current is not None else ctx.business.services


def _prices(ctx: Context, session: Session, text: str, _now: datetime) -> str:
    lines = [_service_line(s, session.lang) for s in _named_services(ctx, text, session)]
    return "; ".join(lines) + "."


def _services(ctx: Context, session: Session, _text: str, _now: datetime) -> str:
    lines = [_service_line(s, session.lang) for s in ctx.business.services]
    return say(session.lang, "We offer: {services}.", services="; ".join(lines))


def _address(ctx: Context, session: Session, _text: str, _now: datetime) -> str:
    info, lang = ctx.business.info, session.lang
    if info.address:
        return say(lang, "We're at {address}.", address=info.address)
    return _no_info(ctx, lang)


def _phone(ctx: Context, session: Session, _text: str, _now: datetime) -> str:
    info, lang = ctx.business.info, session.lang
    if info.phone:
        return say(lang, "You can call us on {phone}.", phone=info.phone)
    return say(lang, "We have no phone line listed; write here and the team will see it.")


def _no_info(ctx: Context, lang: Lang) -> str:
    if ctx.business.info.phone:
        return say(lang, "I don't have that here, sorry; you can call us on {phone}.",
                   phone=ctx.business.info.phone)
    return say(lang, "I don't have that here, sorry. Say \"talk to a person\" to ask the team.")


def _payment(ctx: Context, session: Session, _text: str, _now: datetime) -> str:
    lang, parts = session.lang, []
    for service in ctx.business.services:
        if service.payment is PaymentMode.PREPAY:
            parts.append(say(lang, "{service}: paid in full online when booking",
                             service=service.name_in(lang)))
        elif service.payment is PaymentMode.DEPOSIT:
            parts.append(say(lang, "{service}: a {deposit} deposit online when booking, the "
                                   "rest in the shop", service=service.name_in(lang),
                             deposit=replies.money(service.deposit, lang)))
        else:
            parts.append(say(lang, "{service}: paid in the shop",
                              service=service.name_in(lang)))
    return "; ".join(parts) + "."


def _policy(ctx: Context, session: Session, _text: str, _now: datetime) -> str:
    lang = session.lang
    if not any(s.amount_due_upfront.amount_minor for s in ctx.business.services):
        return say(lang, "Nothing is paid in advance, so cancelling costs nothing. Say "
                         "\"cancel\" any time.")
    return say(lang, "If you cancel what you paid in advance: {policy}. If we cancel, you get "
                     "it all back. Services paid in the shop cost nothing to cancel.",
               policy=replies.policy_line(ctx.business.policy, lang))


def _about_a_provider(text: str, now: datetime, ctx: Context,
                      session: Session) -> Topic | None:
    """"Is jordan in on tuesday?" is a staff question; "is jordan free at 2?" (a time of
    day) or one naming a service is a booking request."""
    if who.asked_about(text, ctx.business.providers) is None:
        return None
    if intents.match_services(text, ctx.business.services):
        return None
    tw = ctx.parse_time(text, now=now, tz=ctx.zone(session))
    return None if tw is not None and tw.start == tw.end else Topic.STAFF


def _one_provider(ctx: Context, session: Session, provider: Provider, days: list[date],
                  now: datetime) -> str:
    lang = session.lang
    lines = []
    for day in days or _next_week(now, ctx):
        hours = _span_text(provider, day, lang)
        label = replies.day_label(day, lang)
        lines.append(say(lang, "{day}: {people}", day=label, people=say(
            lang, "{name} {hours} {zone}", name=provider.name, hours=hours,
            zone=_zone_name(provider, day))) if hours else
            say(lang, "{day}: {name} is off", day=label, name=provider.name))
    return "; ".join(lines) + "."


def _next_week(now: datetime, ctx: Context) -> list[date]:
    today = now.astimezone(ctx.business.tz).date()
    return [today + timedelta(days=i) for i in range(MAX_DAYS)]


def _staff(ctx: Context, session: Session, text: str, now: datetime) -> str:
    lang, business = session.lang, ctx.business
    days = _days(ctx, session, text, now)
    named = business.provider(who.asked_about(text, business.providers) or "")
    if named is not None:
        return _one_provider(ctx, session, named, days, now)
    if not days:
        people = [say(lang, "{name} ({services})", name=p.name, services=", ".join(
            s.name_in(lang) for s in business.services if s.key in p.services))
            for p in business.providers]
        return say(lang, "Our team: {people}.", people="; ".join(people))
    lines = []
    for day in days:
        on = [say(lang, "{name} {hours} {zone}", name=p.name, hours=t, zone=_zone_name(p, day))
              for p in business.providers if (t := _span_text(p, day, lang))]
        label = replies.day_label(day, lang)
        lines.append(say(lang, "{day}: {people}", day=label, people=", ".join(on)) if on
                     else say(lang, "{day}: nobody, we're closed", day=label))
    return "; ".join(lines) + "."


def _about(ctx: Context, session: Session, text: str, now: datetime) -> str:
    if ctx.business.info.about:
        return ctx.business.info.about
    return _services(ctx, session, text, now)


_ANSWERS = {
    Topic.HOURS: _hours, Topic.PRICES: _prices, Topic.SERVICES: _services,
    Topic.ADDRESS: _address, Topic.PHONE: _phone, Topic.PAYMENT: _payment,
    Topic.POLICY: _policy, Topic.STAFF: _staff, Topic.ABOUT: _about,
}

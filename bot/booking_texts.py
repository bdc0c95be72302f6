"""Texts about a customer's own bookings added with issue 13: references, unpaid holds,
series totals (through ``i18n.say`` like every reply)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import replies
from bot.session import BookingView
from core.money import Money
from i18n import say


def listing_line(lang: str | None, line: str, view: BookingView, tz: ZoneInfo) -> str:
    """One line of "my bookings": what, when, its reference, and an unpaid hold's deadline."""
    text = say(lang, "{line} (ref {ref})", line=line, ref=view.reference)
    if view.pay_by is not None:
        text += say(lang, ", awaiting payment, pay by {when}",
                    when=replies.when(view.pay_by, tz, lang))
    return text


def series_total(lang: str | None, price: Money, count: int) -> str:
    total = Money(price.amount_minor * count, price.currency)
    return say(lang, "Total {total} ({count} x {each})", total=replies.money(total, lang),
               count=count, each=replies.money(price, lang))

"""What the customer reads about no-show protection (core.fees): the fee policy in the
booking summary, the late-cancellation fee before they confirm a cancellation, the link
that saves their card. Kept apart from ``bot.replies`` so each stays one screen of texts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot import replies
from bot.messages import Reply
from core.fees import Fee, FeePolicy
from core.model import Service
from core.money import Money
from i18n import say

Lang = str | None


def _fee(fee: Fee, price: Money, lang: Lang) -> str:
    amount = replies.money(fee.of(price), lang)
    if fee.percent is None:
        return amount
    return say(lang, "{percent}% of the price ({amount})", percent=fee.percent, amount=amount)


def _window(window: timedelta, lang: Lang) -> str:
    hours = window.total_seconds() / 3600
    return say(lang, "{hours}h", hours=format(hours, "g"))


def policy_line(fees: FeePolicy, price: Money, lang: Lang = None) -> str:
    """'A card is kept on file. No-show fee 15.00 EUR; cancelling less than 24h ahead
    10.00 EUR.' -- empty when the service keeps no card and charges no fee."""
    parts = []
    if fees.no_show is not None:
        parts.append(say(lang, "No-show fee {fee}", fee=_fee(fees.no_show, price, lang)))
    if fees.late_cancel is not None:
        parts.append(say(lang, "cancelling less than {window} ahead costs {fee}",
                         window=_window(fees.late_window, lang),
                         fee=_fee(fees.late_cancel, price, lang)))
    if not parts and not fees.card_required:
        return ""
    card = say(lang, "We keep your card on file.") if fees.card_required else ""
    rules = "; ".join(parts) + "." if parts else ""
    return " ".join(p for p in (card, rules) if p)


def with_fee_policy(reply: Reply, service: Service, lang: Lang = None) -> Reply:
    """The summary before "Confirm?", with the fee policy said first (it binds the booking)."""
    if service.fees is None:
        return reply
    line = policy_line(service.fees, service.price, lang)
    if not line:
        return reply
    return replace(reply, text=f"{line} {reply.text}")


def with_late_fee(reply: Reply, fee_minor: int, currency: str, lang: Lang = None) -> Reply:
    """The cancellation question, with the late-cancellation fee it would charge."""
    if fee_minor <= 0:
        return reply
    fee = replies.money(Money(fee_minor, currency), lang)
    note = say(lang, "This is a late cancellation: a fee of {fee} will be charged to your "
                     "saved card.", fee=fee)
    return replace(reply, text=f"{note} {reply.text}")


def save_card_to_confirm(*, service: str, start: str, url: str, until: str | None,
                         test: bool, ref: str = "", lang: Lang = None) -> Reply:
    """Nothing to pay now: the link only saves the card that fees would be charged to."""
    args = {"service": service, "start": start, "url": url, "ref": ref}
    text = (say(lang, "Held for you: {service}, {start}. Ref {ref}. Save a card here to "
                      "confirm (nothing is charged now): {url} (link valid until {until}).",
                until=until, **args) if until else
            say(lang, "Held for you: {service}, {start}. Ref {ref}. Save a card here to "
                      "confirm (nothing is charged now): {url}.", **args))
    if test:
        text += say(lang, " TEST PAYMENT: no money moves.")
    return Reply(text)


def save_card_for_series(*, held: int, total: int, failed: list[str], url: str,
                         until: str | None, test: bool, lang: Lang = None) -> Reply:
    """A series of a card-on-file service: its dates are held until one page saves the card
    (nothing charged now); the dates that could not be had are named, as when booked."""
    text = say(lang, "Held for you: {n} of {total}.", n=held, total=total)
    if failed:
        text += say(lang, " Couldn't book: {days}.", days=", ".join(failed))
    text += " " + (say(lang, "Save a card here to confirm the series (nothing is charged "
                             "now): {url} (link valid until {until}).", url=url, until=until)
                   if until else
                   say(lang, "Save a card here to confirm the series (nothing is charged "
                             "now): {url}.", url=url))
    if test:
        text += say(lang, " TEST PAYMENT: no money moves.")
    return Reply(text)

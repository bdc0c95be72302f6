"""Notification texts about no-show and late-cancellation fees (core.fees), for
``bookingbot.notify_texts``: the customer in their language, the provider in English."""

from __future__ import annotations

from bot import replies
from core.money import Money
from core.notifications import BookingFacts, Kind, Message, Notice
from core.usecases.provider import booking_ref
from i18n import say


def _amount(n: Notice, f: BookingFacts, lang: str | None = None) -> str:
    return replies.money(Money(int(n.value("amount_minor") or 0), f.booking.currency), lang)


def _why(reason: str | None, lang: str | None) -> str:
    if reason == "authentication_required":
        return say(lang, "your bank asked you to confirm it")
    if reason == "no_card":
        return say(lang, "no card was saved")
    return say(lang, "the card was declined")


def customer_fee_text(n: Notice, f: BookingFacts, what: str) -> Message | None:
    """The customer's fee notices; None for every other kind."""
    lang, late = n.recipient.lang, n.value("fee") == "late_cancel"
    amount = _amount(n, f, lang)
    if n.kind is Kind.FEE_CHARGED:
        text = (say(lang, "A late cancellation fee of {amount} for {what} was charged to "
                          "your saved card.", amount=amount, what=what) if late else
                say(lang, "We missed you at {what}. A no-show fee of {amount} was charged "
                          "to your saved card.", amount=amount, what=what))
        return Message(text)
    if n.kind is Kind.FEE_FAILED:
        business = f.business_name or f.provider_name
        why = _why(n.value("reason"), lang)
        text = (say(lang, "The late cancellation fee of {amount} for {what} could not be "
                          "charged ({why}). {business} will contact you about it.",
                    amount=amount, what=what, why=why, business=business) if late else
                say(lang, "The no-show fee of {amount} for {what} could not be charged "
                          "({why}). {business} will contact you about it.",
                    amount=amount, what=what, why=why, business=business))
        return Message(text)
    return None


def provider_fee_text(n: Notice, f: BookingFacts, what: str) -> Message | None:
    if n.kind is not Kind.FEE_ATTENTION:
        return None
    kind = "late cancellation" if n.value("fee") == "late_cancel" else "no-show"
    reason = (n.value("reason") or "failed").replace("_", " ")
    ref = booking_ref(f.booking.id)
    if n.value("to") == "owner":  # the team channel: say whose booking, and where to look
        return Message(f"Fee not charged: the {kind} fee of {_amount(n, f)} for {what}, with "
                       f"{f.provider_name}, could not be charged ({reason}). The customer was "
                       "told the business will contact them; the web admin lists it under "
                       f"Fees. ref `{ref}`")
    return Message(f"Fee not charged: the {kind} fee of {_amount(n, f)} for {what} could not "
                   f"be charged ({reason}). The customer was told you will contact them. "
                   f"ref `{ref}`")

"""A service's no-show protection: ``card_on_file``, ``no_show_fee``, ``late_cancel_fee``,
``late_cancel_window`` -> ``core.fees.FeePolicy`` (None when none of them is given)."""

from __future__ import annotations

from decimal import Decimal

from bookingbot.business import values
from bookingbot.business.problems import KeyPath, Problems, show
from bookingbot.business.schema import ServiceIn
from core.fees import DEFAULT_LATE_WINDOW, Fee, FeePolicy
from core.money import Money

FEE_KEYS = ("no_show_fee", "late_cancel_fee")


def check_fees(svc: ServiceIn, path: KeyPath, problems: Problems) -> None:
    """A fee is charged from the card kept at booking: without one it could never be."""
    for name in FEE_KEYS:
        given = getattr(svc, name)
        if given is None:
            continue
        if not svc.card_on_file:
            problems.add((*path, name), "is charged from the card kept at booking; add "
                         "card_on_file: true to this service")
        amount = (svc.price * given.percent / 100 if isinstance(given, values.PercentOfPrice)
                  else given)
        if amount <= 0:
            problems.add((*path, name), "must be more than 0 (leave it out for no fee)")
    if svc.late_cancel_window is not None and svc.late_cancel_fee is None:
        problems.add((*path, "late_cancel_window"), "is only used with late_cancel_fee:")


def _fee(given: Decimal | values.PercentOfPrice | None, price: Money, path: KeyPath,
         problems: Problems) -> Fee | None:
    if given is None:
        return None
    if isinstance(given, values.PercentOfPrice):
        return Fee(percent=given.percent) if given.percent > 0 else None
    try:
        amount = Money.parse(str(given), price.currency)
    except ValueError:
        problems.add(path, f"{show(given)} has more decimals than {price.currency} allows")
        return None
    return Fee(amount=amount) if amount.amount_minor > 0 else None


def build_fees(svc: ServiceIn, price: Money, path: KeyPath,
               problems: Problems) -> FeePolicy | None:
    if not svc.card_on_file and svc.no_show_fee is None and svc.late_cancel_fee is None:
        return None
    return FeePolicy(
        card_required=svc.card_on_file,
        no_show=_fee(svc.no_show_fee, price, (*path, "no_show_fee"), problems),
        late_cancel=_fee(svc.late_cancel_fee, price, (*path, "late_cancel_fee"), problems),
        late_window=svc.late_cancel_window or DEFAULT_LATE_WINDOW)

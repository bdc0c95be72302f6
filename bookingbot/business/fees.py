"""A service's no-show protection: ``card_on_file``, ``no_show_fee``, ``late_cancel_fee``,
``late_cancel_window`` -> ``core.fees.FeePolicy`` (None when none of them is given); and
the confirmation deadlines (``confirm_by``, per service or in ``rules``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bookingbot.business import values
from bookingbot.business.problems import KeyPath, Problems, show
from bookingbot.business.schema import RulesIn, ServiceIn
from core.fees import DEFAULT_LATE_WINDOW, Fee, FeePolicy
from core.model import Rules
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


def check_deadlines(services: list[tuple[int, ServiceIn]], rules: RulesIn | None,
                    problems: Problems) -> None:
    """Only a reminder sent before the deadline asks the customer to confirm: a deadline no
    reminder comes before would release every booking unasked, so it is refused."""
    reminders = (rules.reminders if rules is not None and rules.reminders is not None
                 else list(Rules().reminders))
    longest = max(reminders, default=None)
    asked: list[tuple[KeyPath, timedelta]] = (
        [(("rules", "confirm_by"), rules.confirm_by)] if rules and rules.confirm_by else [])
    asked += [(("services", i, "confirm_by"), s.confirm_by) for i, s in services
              if s.confirm_by is not None]
    for path, window in asked:
        if longest is None or window >= longest:
            problems.add(path, "needs a reminder sent before it (rules.reminders has none "
                         "longer), or nobody would be asked to confirm")

"""Services: keys, names and aliases unique across the file; money exact in the currency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bookingbot.business import values
from bookingbot.business.fees import build_fees, check_fees
from bookingbot.business.intake import build_questions
from bookingbot.business.problems import KeyPath, Problems, show
from bookingbot.business.schema import ServiceIn
from core.booking import MAX_BLOCK
from core.model import ClassTime, Languages, PaymentMode, Service
from core.money import Money

Numbered = list[tuple[int, ServiceIn]]  # (position in the file, validated entry)


def service_keys(services: Numbered) -> dict[int, str]:
    """Each service's key: the one written, or one derived from its name."""
    return {i: s.key or values.slug(s.first_name) for i, s in services}


def build_services(services: Numbered, currency: str | None, problems: Problems, *,
                   langs: Languages | None = None) -> list[Service]:
    """Check the services against each other and convert them; currency None: not known.
    ``langs``: the business's languages (a per-language name's default is ``name``)."""
    langs = langs or Languages()
    default = langs.default
    keys = service_keys(services)
    _check_keys(services, keys, problems)
    _check_names(services, problems)
    built = []
    for i, svc in services:
        path: KeyPath = ("services", i)
        _check_deposit(svc, path, problems)
        _check_length(svc, path, problems)
        _check_class(svc, path, problems)
        check_fees(svc, path, problems)
        questions = build_questions(svc, path, langs, problems)
        if currency is None:
            continue  # the business section is broken: report, but do not build
        price = _money(svc.price, currency, (*path, "price"), problems)
        deposit = _deposit_money(svc, price, path, problems)
        fees = build_fees(svc, price, path, problems) if price is not None else None
        if price is None or deposit is None or not keys[i]:
            continue
        built.append(Service(
            key=keys[i], name=svc.name_in(default), duration=svc.duration, price=price,
            deposit=deposit, payment=svc.payment, buffer_before=svc.buffer_before,
            buffer_after=svc.buffer_after, aliases=svc.all_aliases(),
            names=() if isinstance(svc.name, str) else tuple(svc.name.items()),
            capacity=svc.capacity, max_seats=svc.max_seats or 1,
            timetable=tuple(sorted({ClassTime(d, at) for times in svc.timetable
                                    for d, at in times}, key=lambda t: (t.weekday, t.at))),
            requires=tuple(dict.fromkeys(svc.requires)),
            fees=fees, confirm_by=svc.confirm_by, questions=questions,
        ))
    return built


def _check_length(svc: ServiceIn, path: KeyPath, problems: Problems) -> None:
    if svc.duration + svc.buffer_before + svc.buffer_after > MAX_BLOCK:
        problems.add((*path, "duration"), "a service may last at most "
                     f"{MAX_BLOCK.days} days, buffers included")


def _check_class(svc: ServiceIn, path: KeyPath, problems: Problems) -> None:
    if svc.capacity is None:
        for name in ("max_seats", "timetable"):
            if getattr(svc, name):
                problems.add((*path, name), "is only used with capacity: (a class)")
        return
    if svc.max_seats is not None and svc.max_seats > svc.capacity:
        problems.add((*path, "max_seats"), f"{svc.max_seats} is more than the capacity "
                     f"{svc.capacity}")


def _check_keys(services: Numbered, keys: dict[int, str], problems: Problems) -> None:
    first: dict[str, int] = {}
    for i, svc in services:
        where: KeyPath = ("services", i, "key" if svc.key else "name")
        key = keys[i]
        if not key:
            problems.add(where, f'cannot make a key from {show(svc.first_name)}; add key: '
                         "with lowercase letters and digits")
        elif key in first:
            problems.add(where, f'service key "{key}" is already used by services[{first[key]}]')
        else:
            first[key] = i


@dataclass(frozen=True)
class _Owner:
    index: int
    what: str  # how the clashing word was given: "name" or "alias"


def _spoken(word: str) -> str:
    # Customers type these: "Hair  Cut" and "hair cut" must count as the same word.
    return " ".join(word.casefold().split())


def _check_names(services: Numbered, problems: Problems) -> None:
    """A name or alias a customer types must point at one service only (keys are ids,
    checked by _check_keys)."""
    owners: dict[str, _Owner] = {}
    for i, svc in services:
        for what, word, under in svc.spoken_names():
            where: KeyPath = ("services", i, *under)
            owner = owners.setdefault(_spoken(word), _Owner(i, what))
            if owner.index != i:
                problems.add(where, f"{what} {show(word)} is already the {owner.what} of "
                             f"services[{owner.index}]; a customer typing it would be ambiguous")


def _check_deposit(svc: ServiceIn, path: KeyPath, problems: Problems) -> None:
    given = svc.deposit
    if isinstance(given, values.PercentOfPrice):
        given = svc.price * given.percent / 100
    if svc.payment is not PaymentMode.DEPOSIT:
        if given is not None:
            problems.add((*path, "deposit"), "is only used with payment: deposit "
                         f'(payment is "{svc.payment.value}")')
    elif given is None:
        problems.add(path, 'payment is "deposit" but no deposit: is given')
    elif given <= 0:
        problems.add((*path, "deposit"), 'must be more than 0 when payment is "deposit"')
    elif given > svc.price:
        problems.add((*path, "deposit"),
                     f"{show(svc.deposit)} is more than the price {show(svc.price)}")


def _deposit_money(svc: ServiceIn, price: Money | None, path: KeyPath,
                   problems: Problems) -> Money | None:
    """The deposit as Money; zero when the service asks for none."""
    if price is None:
        return None
    if svc.payment is not PaymentMode.DEPOSIT or svc.deposit is None:
        return Money.zero(price.currency)
    if isinstance(svc.deposit, values.PercentOfPrice):
        return price.percent(svc.deposit.percent)  # rounded half-up to the minor unit
    return _money(svc.deposit, price.currency, (*path, "deposit"), problems)


def _money(amount: Decimal, currency: str, path: KeyPath, problems: Problems) -> Money | None:
    try:
        return Money.parse(str(amount), currency)
    except ValueError:
        problems.add(path, f"{show(amount)} has more decimals than {currency} allows")
        return None

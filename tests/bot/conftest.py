"""A small business like the demo one, built in code so the dialogue tables stay stable."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.transition import Context
from core.model import Business, DayHours, LocalSpan, PaymentMode, Provider, Rules, Service
from core.money import Money
from core.policy import DEFAULT_POLICY

NY = ZoneInfo("America/New_York")
# Tuesday 2 Dec 2025, 9:00 AM in New York.
NOW = datetime(2025, 12, 2, 14, 0, tzinfo=UTC)


def _week(open_: str, close: str, days: range) -> tuple[DayHours, ...]:
    span = LocalSpan(time.fromisoformat(open_), time.fromisoformat(close))
    return tuple(DayHours((span,)) if i in days else DayHours() for i in range(7))


def make_business() -> Business:
    usd = "USD"
    services = (
        Service("haircut", "Haircut", timedelta(minutes=30), Money(3000, usd), Money(0, usd),
                aliases=("cut", "hair cut")),
        Service("beard", "Beard Trim", timedelta(minutes=15), Money(1500, usd), Money(0, usd),
                aliases=("shave",)),
        Service("colour", "Colour", timedelta(minutes=60), Money(8000, usd), Money(2000, usd),
                payment=PaymentMode.DEPOSIT, aliases=("color", "dye")),
    )
    providers = (
        Provider("alex", "Alex", NY, frozenset({"haircut", "beard", "colour"}),
                 _week("09:00", "17:00", range(6))),
        Provider("jordan", "Jordan", NY, frozenset({"haircut", "beard"}),
                 _week("11:00", "19:00", range(1, 6))),
    )
    return Business("Demo Barbers", NY, "USD", services, providers,
                    Rules(min_notice=timedelta(hours=1), max_days_ahead=30), DEFAULT_POLICY)


@pytest.fixture
def business() -> Business:
    return make_business()


@pytest.fixture
def ctx(business: Business) -> Context:
    return Context(business)


# Scripted console customers over a real database (defined after make_business: they use it).
from tests.bot.console_kit import shop, sqlite_shop  # noqa: E402, F401

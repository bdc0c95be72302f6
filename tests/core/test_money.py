"""Money in integer minor units: parsing, half-up percentages, 0- and 3-decimal currencies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import Money, exponent
from tests.core.conftest import PROPERTY


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("25", "USD", 2500), ("25.50", "USD", 2550), (25, "EUR", 2500), (" 0.01 ", "usd", 1),
    ("1000", "JPY", 1000), ("1.234", "KWD", 1234), ("-3.5", "GBP", -350), ("1e2", "USD", 10000),
])
def test_parse(text: str | int, currency: str, minor: int) -> None:
    assert Money.parse(text, currency) == Money(minor, currency.upper())


@pytest.mark.parametrize(("text", "currency"), [
    ("10.5", "JPY"), ("0.001", "USD"), ("abc", "USD"), ("", "USD"), ("inf", "USD"),
    ("NaN", "USD"), ("sNaN", "USD"),
])
def test_parse_refuses(text: str, currency: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        Money.parse(text, currency)


def test_exponents() -> None:
    assert (exponent("usd"), exponent("JPY"), exponent("KWD")) == (2, 0, 3)


def test_construction_rules() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "USD")
    with pytest.raises(ValueError, match="currency"):
        Money(1, "US")
    assert Money(1, "eur").currency == "EUR"


@pytest.mark.parametrize(("minor", "pct", "expected"), [
    (1, 50, 1),  # 0.5 cent rounds up
    (3, 50, 2),  # 1.5 -> 2
    (5, 50, 3),  # 2.5 -> 3 (half-up, not banker's)
    (2999, 50, 1500),  # 1499.5 -> 1500
    (1000, 33, 330),
    (1, 49, 0),
    (-5, 50, -3),  # half away from zero for negatives
    (12345, 100, 12345),
    (12345, 0, 0),
])
def test_percent_is_half_up(minor: int, pct: int, expected: int) -> None:
    assert Money(minor, "USD").percent(pct) == Money(expected, "USD")


def test_zero_decimal_currency_rounds_to_whole_yen() -> None:
    assert Money.parse("1001", "JPY").percent(50) == Money(501, "JPY")
    assert Money(1001, "JPY").format() == "1001 JPY"


def test_arithmetic_and_currency_mismatch() -> None:
    assert Money(150, "USD") + Money(50, "USD") == Money(200, "USD")
    assert Money(150, "USD") - Money(50, "USD") == Money(100, "USD")
    with pytest.raises(ValueError, match="mismatch"):
        Money(1, "USD") + Money(1, "EUR")
    assert Money.zero("JPY") == Money(0, "JPY")


def test_format() -> None:
    assert Money(2550, "USD").format() == "25.50 USD"
    assert Money(5, "USD").format() == "0.05 USD"
    assert Money(1234, "KWD").format() == "1.234 KWD"


@PROPERTY
@given(minor=st.integers(-10**9, 10**9), pct=st.integers(0, 100))
def test_percent_is_within_half_a_minor_unit(minor: int, pct: int) -> None:
    exact = minor * pct / 100
    assert abs(Money(minor, "USD").percent(pct).amount_minor - exact) <= 0.5

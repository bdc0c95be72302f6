"""Money in integer minor units. Floats never touch an amount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 exponents that differ from 2 (the rest use cents).
_ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
                 "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
_THREE_DECIMAL = {"BHD", "JOD", "KWD", "OMR", "TND"}


def exponent(currency: str) -> int:
    code = currency.upper()
    if code in _ZERO_DECIMAL:
        return 0
    if code in _THREE_DECIMAL:
        return 3
    return 2


@dataclass(frozen=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise TypeError("amount_minor must be an int")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValueError(f"invalid currency code {self.currency!r}")
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def parse(cls, text: str | int, currency: str) -> Money:
        """'25', '25.50' or 25 in major units -> Money, exact."""
        try:
            value = Decimal(str(text).strip())
        except InvalidOperation as exc:
            raise ValueError(f"invalid amount {text!r}") from exc
        if not value.is_finite():  # 'inf' / 'NaN' parse as Decimals but are no amount
            raise ValueError(f"invalid amount {text!r}")
        scaled = value.scaleb(exponent(currency))
        if scaled != scaled.to_integral_value():
            raise ValueError(f"amount {text!r} has more decimals than {currency} allows")
        return cls(int(scaled), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def percent(self, pct: int) -> Money:
        """pct % of this amount, rounded half-up to the minor unit."""
        exact = Decimal(self.amount_minor) * Decimal(pct) / Decimal(100)
        return Money(int(exact.to_integral_value(rounding=ROUND_HALF_UP)), self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch {self.currency} vs {other.currency}")

    def format(self) -> str:
        exp = exponent(self.currency)
        major = Decimal(self.amount_minor).scaleb(-exp)
        return f"{major:.{exp}f} {self.currency}"

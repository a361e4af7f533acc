"""Exact money.

The database stores integer cents (columns ending in ``_cents``); code works with
:class:`~decimal.Decimal` quantised to the cent. Floats never hold an amount.
Rates are stored in basis points (``2000`` = 20 %, ``150`` = 1.5 %).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency, format_decimal

from backoffice.i18n import tr

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BASIS_POINTS = Decimal(10000)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def to_cents(amount: Decimal) -> int:
    """``amount`` in integer cents; refuses amounts with fractions of a cent."""
    quantised = amount.quantize(CENT)
    if quantised != amount:
        raise ValueError(f"{amount} has fractions of a cent")
    return int(quantised * 100)


def round_cents(amount: Decimal) -> Decimal:
    """Commercial rounding to the cent (half away from zero), as invoices do."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def apply_rate(amount_cents: int, rate_bp: int) -> int:
    """``amount × rate`` in cents, rounded half up: VAT, discounts."""
    exact = Decimal(amount_cents) * Decimal(rate_bp) / BASIS_POINTS
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=8192)
def format_eur(cents: int, locale: str = "fr_FR") -> str:
    """``145822`` → ``1 458,22 €`` (French grouping and sign placement)."""
    return format_currency(from_cents(cents), "EUR", locale=locale)


def format_rate(rate_bp: int, locale: str = "fr_FR") -> str:
    """``150`` → ``1,5 %``."""
    return format_decimal(Decimal(rate_bp) / 100, locale=locale) + "\u00a0%"


def parse_eur(text: str, locale: str = "fr_FR") -> int:
    """Parse an amount typed by a user (``1 458,22``, ``1458.22 €``) into cents: the one
    parser, :func:`parse_amount` (kept under this name for its callers)."""
    del locale  # French and dot decimals are both read
    return parse_amount(text, allow_negative=True)


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t€")
_AMOUNT = re.compile(r"[+-]?\d+(?:[.,]\d{1,2})?")


class AmountError(ValueError):
    """An amount a person typed that is not money; the message is a sentence to show."""


# No single amount the service handles comes near: 100 million euros. A field's own
# ceiling is lower (a price per employee, a payment); the database's integers go further.
MAX_CENTS = 10_000_000_000


def cents_problem(
    label: str,
    value: object,
    *,
    ceiling_cents: int = MAX_CENTS,
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> str | None:
    """What is wrong with an amount a service was given (a sentence naming the field), or
    None: whole cents (never a float, a Decimal or a bool), positive unless allowed, at
    most ``ceiling_cents`` either way."""
    if isinstance(value, bool) or not isinstance(value, int):
        return tr("{field}: {value} is not a whole number of cents.", field=label, value=value)
    if value < 0 and not allow_negative:
        return tr("{field}: an amount cannot be negative.", field=label)
    if value == 0 and not allow_zero:
        return tr("{field}: the amount must be more than zero.", field=label)
    if abs(value) > ceiling_cents:
        return tr(
            "{field}: {amount} is more than the {ceiling} this field allows.",
            field=label,
            amount=format_eur(value),
            ceiling=format_eur(ceiling_cents),
        )
    return None


def parse_amount(
    text: str, *, ceiling_cents: int | None = None, allow_negative: bool = False
) -> int:
    """The one parser of amounts typed by people, in cents.

    Accepts French and dot decimals with spaces and a euro sign (``1 458,22 €``,
    ``1458.22``, ``1.458,22``); refuses what is not an amount of money: more than two
    decimals, exponents, ``Infinity``, an amount above ``ceiling_cents``, a negative amount
    unless ``allow_negative``.
    """
    cleaned = text.translate(_SPACES).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not cleaned:
        raise AmountError(tr("Type an amount."))
    if "," in cleaned and "." in cleaned:  # the last separator is the decimal one
        grouping = "." if cleaned.rindex(",") > cleaned.rindex(".") else ","
        cleaned = cleaned.replace(grouping, "")
    if not _AMOUNT.fullmatch(cleaned):
        if re.fullmatch(r"[+-]?\d+[.,]\d{3,}", cleaned):
            raise AmountError(tr("An amount has at most two decimals (cents): {text}.", text=text))
        raise AmountError(tr("This is not an amount in euros: {text}.", text=text))
    cents = int(Decimal(cleaned.replace(",", ".")) * 100)
    ceiling_cents = MAX_CENTS if ceiling_cents is None else ceiling_cents
    if cents < 0 and not allow_negative:
        raise AmountError(tr("The amount cannot be negative."))
    if abs(cents) > ceiling_cents:
        raise AmountError(
            tr("The amount cannot exceed {ceiling}.", ceiling=format_eur(ceiling_cents))
        )
    return cents

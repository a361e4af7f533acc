"""Issue 14.8: one parser for every amount typed, with a ceiling even when a field sets none;
one place for the sensible bounds of dates."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.dates import Meaning, bounds, day_problem, year_problem
from backoffice.money import MAX_CENTS, AmountError, parse_amount, parse_eur


@pytest.mark.parametrize("typed", ["1 000 000 000 000", "99999999999999999999", "1e30"])
def test_an_absurd_amount_is_refused_without_a_field_ceiling(typed: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(typed)
    with pytest.raises(AmountError):
        parse_eur(typed)


def test_the_largest_amount_is_accepted() -> None:
    assert parse_amount("100 000 000,00") == MAX_CENTS


@pytest.mark.parametrize(
    ("meaning", "day", "fine"),
    [
        (Meaning.PAYMENT_RECEIVED, date(1, 1, 1), False),
        (Meaning.PAYMENT_RECEIVED, date(2026, 12, 31), True),
        (Meaning.MEMBER_JOINED, date(2999, 1, 1), False),
        (Meaning.MEMBER_JOINED, date(1990, 1, 1), True),
        (Meaning.MANDATE_SIGNED, date(1900, 1, 1), False),
        (Meaning.MANDATE_SIGNED, date(2012, 1, 1), True),
        (Meaning.DUE, date(2999, 1, 1), False),
    ],
)
def test_days_have_bounds_per_meaning(meaning: Meaning, day: date, fine: bool) -> None:
    today = date(2027, 2, 10)
    assert (day_problem(meaning, "Date", day, today) is None) is fine


def test_a_year_has_bounds_and_says_them() -> None:
    today = date(2027, 2, 10)
    assert year_problem(Meaning.BILLED_YEAR, "Année", 2027, today) is None
    assert year_problem(Meaning.BILLED_YEAR, "Année", -5, today) == (
        "Année : -5 n’est pas une année plausible ici (de 2000 à 2029)."
    )
    assert bounds(Meaning.PAYMENT_RECEIVED, date(2028, 2, 29)).earliest == date(2018, 2, 28)

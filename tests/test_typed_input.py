"""The one parser of typed amounts and the one of typed dates, shared by every layer."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.dates import format_day, parse_day
from backoffice.money import AmountError, parse_amount


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("1 458,22 €", 145822),
        ("1458.22", 145822),
        ("1.458,22", 145822),
        ("1,458.22", 145822),
        ("12", 1200),
        ("１２,５", 1250),
        ("0,01", 1),
    ],
)
def test_amounts_people_type(typed: str, cents: int) -> None:
    assert parse_amount(typed) == cents


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("", "Saisissez un montant."),
        ("1e30", "Ce n'est pas un montant en euros : 1e30."),
        ("Infinity", "Ce n'est pas un montant en euros : Infinity."),
        ("NaN", "Ce n'est pas un montant en euros : NaN."),
        ("100,505", "Un montant a au plus deux décimales (les centimes) : 100,505."),
        ("-3", "Le montant ne peut pas être négatif."),
        ("2000000", "Le montant ne peut pas dépasser 1\u202f000\u202f000,00\xa0€."),
    ],
)
def test_what_is_not_money_is_refused_with_a_sentence(typed: str, sentence: str) -> None:
    with pytest.raises(AmountError) as refused:
        parse_amount(typed, ceiling_cents=100_000_000)
    assert str(refused.value) == sentence


def test_negative_amounts_only_where_allowed() -> None:
    assert parse_amount("-3,50", allow_negative=True) == -350


@pytest.mark.parametrize("typed", ["15/05/2018", "2018-05-15", "15/05/18", "15.05.2018"])
def test_dates_people_type(typed: str) -> None:
    assert parse_day(typed) == date(2018, 5, 15)
    assert format_day(parse_day(typed)) == "15/05/2018"


@pytest.mark.parametrize("typed", ["31/02/2024", "12/13/2020", "demain", "2018-5"])
def test_impossible_dates_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_day(typed)

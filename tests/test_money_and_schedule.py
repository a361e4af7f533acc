"""Exact money and the instalment split rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.models.employees import FollowUpCategory
from backoffice.money import apply_rate, format_eur, from_cents, parse_eur, to_cents
from backoffice.services.billing import pricing, schedule


def test_french_amount_format() -> None:
    assert format_eur(145822) == "1\u202f458,22\u00a0€"
    assert format_eur(0) == "0,00\u00a0€"


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("1 458,22", 145822),
        ("1458.22 €", 145822),
        ("486,07", 48607),
        ("12", 1200),
    ],
)
def test_parse_amounts_typed_by_users(typed: str, cents: int) -> None:
    assert parse_eur(typed) == cents


def test_parse_refuses_fractions_of_a_cent_and_garbage() -> None:
    with pytest.raises(ValueError):
        parse_eur("1,005")
    with pytest.raises(ValueError):
        parse_eur("douze euros")


def test_cents_round_trip_and_rates() -> None:
    assert from_cents(145822) == Decimal("1458.22")
    assert to_cents(Decimal("1458.22")) == 145822
    assert apply_rate(100000, 150) == 1500  # 1.5 % of 1 000 €
    assert apply_rate(33, 150) == 0  # 0,495 cent rounds half up to 0
    assert apply_rate(100, 2050) == 21  # 20,5 cents rounds half up


def test_seed_schedule_is_reproduced() -> None:
    """1 458,22 € in three: the two later instalments are 486,07 € (the portal's seed)."""
    assert schedule.split(145822, 3) == [48608, 48607, 48607]


@given(total=st.integers(min_value=0, max_value=10**10), count=st.integers(1, 24))
def test_split_sums_exactly_and_differs_by_at_most_the_remainder(total: int, count: int) -> None:
    parts = schedule.split(total, count)
    assert sum(parts) == total
    assert len(parts) == count
    assert all(part == parts[1] for part in parts[1:])
    assert 0 <= parts[0] - parts[-1] < count


@given(total=st.integers(min_value=0, max_value=10**9), minimum=st.integers(0, 50000))
def test_plan_never_makes_instalments_below_the_minimum_unless_single(
    total: int, minimum: int
) -> None:
    dates = [date(2027, 3, 15), date(2027, 5, 15), date(2027, 7, 15)]
    parts = schedule.plan(total, dates, minimum)
    assert sum(amount for _due, amount in parts) == total
    assert [due for due, _amount in parts] == dates[: len(parts)]
    if len(parts) > 1:
        assert min(amount for _due, amount in parts) >= minimum


def test_plan_refuses_dates_out_of_order() -> None:
    with pytest.raises(ValueError):
        schedule.plan(1000, [date(2027, 5, 15), date(2027, 3, 15)])


def test_annual_contribution_with_minimum_discount_and_vat() -> None:
    prices = pricing.Prices(
        {FollowUpCategory.SI: 10500, FollowUpCategory.SIA: 11400, FollowUpCategory.SIR: 12600},
        9000,
        2000,
        150,
    )
    amounts = pricing.annual_contribution(
        prices, {FollowUpCategory.SI: 10, FollowUpCategory.SIR: 2}, direct_debit=True
    )
    assert amounts.total_ht_cents == 10 * 10500 + 2 * 12600
    assert amounts.discount_cents == 1953  # 1.5 % of 1 302,00 €
    assert amounts.vat_cents == 25649  # 20 % of 1 282,47 € = 256,494 → 256,49
    assert amounts.total_ttc_cents == 130200 - 1953 + 25649
    tiny = pricing.annual_contribution(prices, {}, direct_debit=False)
    assert [line.amount_cents for line in tiny.lines] == [9000]
    assert tiny.total_ttc_cents == 10800

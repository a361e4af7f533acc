"""Collection dates: TARGET2 business days in the future, refused in French otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.services.sepa.business_days import (
    check_collection_date,
    is_business_day,
    next_business_day,
)


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2027, 3, 15), True),  # a Monday
        (date(2027, 3, 13), False),  # Saturday
        (date(2027, 3, 14), False),  # Sunday
        (date(2027, 3, 26), False),  # Good Friday 2027
        (date(2027, 3, 29), False),  # Easter Monday 2027
        (date(2027, 5, 1), False),  # Labour Day (a Saturday that year, closed anyway)
        (date(2026, 5, 1), False),  # Labour Day on a Friday
        (date(2027, 12, 24), True),
        (date(2027, 12, 27), True),  # Monday after Christmas weekend
        (date(2026, 12, 25), False),
        (date(2026, 12, 26), False),
        (date(2028, 1, 1), False),
        (date(2027, 5, 13), True),  # Ascension: French holiday, TARGET2 open
        (date(2027, 7, 14), True),  # Bastille Day: TARGET2 open
    ],
)
def test_target2_calendar(day: date, open_: bool) -> None:
    assert is_business_day(day) is open_


def test_next_business_day_skips_the_easter_weekend() -> None:
    assert next_business_day(date(2027, 3, 26)) == date(2027, 3, 30)
    assert next_business_day(date(2027, 3, 15)) == date(2027, 3, 15)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 20), "n'est pas une date future"),
        (date(2027, 2, 1), "n'est pas une date future"),  # today: too late for the bank
        (date(2027, 3, 13), "un samedi"),
        (date(2027, 3, 26), "Vendredi saint"),
        (date(2028, 12, 25), "Noël"),
    ],
)
def test_bad_collection_dates_get_a_french_sentence(day: date, expected: str) -> None:
    message = check_collection_date(day, "Date de prélèvement")
    assert message is not None and expected in message
    assert message.startswith("Date de prélèvement")


def test_a_good_date_passes_and_the_next_open_day_is_suggested() -> None:
    assert check_collection_date(date(2027, 3, 15), "Date") is None
    message = check_collection_date(date(2027, 3, 27), "Date")
    assert message is not None and "30/03/2027" in message

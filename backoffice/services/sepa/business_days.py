"""TARGET2 business days: the days the euro interbank system settles direct debits.

TARGET2 is closed on Saturdays, Sundays, 1 January, Good Friday, Easter Monday, 1 May,
25 and 26 December; the ``holidays`` library keeps that calendar (ECB, ``XECB``).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr


@cache
def _closing_days(year: int) -> holidays.HolidayBase:
    return holidays.financial_holidays("XECB", years=year)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _closing_days(day.year)


def closing_reason(day: date) -> str | None:
    """Why TARGET2 is closed that day (a French sentence), or None when it is open."""
    if day.weekday() == 5:
        return tr("a Saturday")
    if day.weekday() == 6:
        return tr("a Sunday")
    if day not in _closing_days(day.year):
        return None
    return tr("a TARGET2 closing day ({name})", name=_holiday_name(day))


def _holiday_name(day: date) -> str:
    fixed = {
        (1, 1): tr("New Year's Day"),
        (5, 1): tr("Labour Day"),
        (12, 25): tr("Christmas Day"),
        (12, 26): tr("Boxing Day"),
    }
    if (day.month, day.day) in fixed:
        return fixed[(day.month, day.day)]
    return tr("Good Friday") if day.weekday() == 4 else tr("Easter Monday")


def next_business_day(day: date) -> date:
    """``day`` itself when open, otherwise the next open day."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def check_collection_date(day: date, label: str) -> str | None:
    """A French sentence when ``day`` cannot be a collection date: past, today (the bank
    needs the file the business day before at the latest), or a closing day."""
    if day <= clock.today():
        return tr(
            "{field}: {day} is not in the future; the bank must receive the file at least "
            "one business day before the collection.",
            field=label,
            day=format_day(day),
        )
    reason = closing_reason(day)
    if reason:
        return tr(
            "{field}: {day} is {reason}, not a business day for direct debits; the next "
            "one is {next}.",
            field=label,
            day=format_day(day),
            reason=reason,
            next=format_day(next_business_day(day)),
        )
    return None

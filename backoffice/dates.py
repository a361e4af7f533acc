"""Dates as French people read and type them: ``15/05/2018``, ``15/05/2018 14:30``.

One formatter and one parser for every layer (services' messages, reports, the command line
and the views), so that a date never appears in two shapes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backoffice import clock
from backoffice.i18n import tr

DAY_FORMAT = "%d/%m/%Y"
MOMENT_FORMAT = "%d/%m/%Y %H:%M"
_TYPED_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")


def format_day(value: date | None) -> str:
    """``date(2018, 5, 15)`` → ``15/05/2018``; None → empty."""
    return value.strftime(DAY_FORMAT) if value else ""


def format_moment(value: datetime | None) -> str:
    """A stored (UTC) moment in local time: ``15/05/2018 14:30``; None → empty."""
    return clock.local(value).strftime(MOMENT_FORMAT) if value else ""


def parse_day(text: str) -> date | None:
    """``15/05/2018`` or ISO ``2018-05-15`` (and ``15/05/18``) → date; empty → None.

    Raises ``ValueError`` for anything else, including impossible dates (``31/02/2024``).
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    for pattern in _TYPED_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 - a plain date
        except ValueError:
            continue
    raise ValueError(cleaned)


def format_day_month(value: str) -> str:
    """A yearly date as stored (``MM-DD``, e.g. an instalment plan) → ``15/03``."""
    month, _, day = value.partition("-")
    return f"{day}/{month}"


def parse_day_month(text: str) -> str:
    """``15/03`` (or ``15/3``) → ``03-15``, the stored shape of a yearly date.

    Raises ``ValueError`` for anything else, 29 February included (not every year has it).
    """
    day, _, month = text.strip().partition("/")
    value = date(2001, int(month), int(day))  # a year without 29 February
    return f"{value.month:02d}-{value.day:02d}"


# -- sensible bounds, per meaning ----------------------------------------------------------
# One place says which days and years make sense for what they mean: a payment is not
# received in year 1, a member does not join in 2999, a mandate is not signed in 1900, a
# declaration is not for year -5. Relative bounds follow the clock (tests freeze it).


class Meaning(enum.Enum):
    PAYMENT_RECEIVED = "payment_received"  # the last ten years, not in the future
    MEMBER_JOINED = "member_joined"  # since occupational health exists, a year ahead at most
    ACTIVITY_STARTED = "activity_started"  # a company's start, not in the future
    MANDATE_SIGNED = "mandate_signed"  # a SEPA mandate, not in the future
    DUE = "due"  # a due date: within three years
    BILLED_YEAR = "billed_year"  # a tariff's, a declaration's, an invoice's year


@dataclass(frozen=True)
class Bounds:
    earliest: date
    latest: date


def bounds(meaning: Meaning, today: date | None = None) -> Bounds:
    """The first and last sensible day for ``meaning`` (for a year: its 1 January and
    31 December)."""
    today = today or clock.today()
    return Bounds(*_BOUNDS[meaning](today))  # only this meaning's (checked per payment)


_BOUNDS: dict[Meaning, Callable[[date], tuple[date, date]]] = {
    Meaning.PAYMENT_RECEIVED: lambda today: (_years_before(today, 10), today),
    Meaning.MEMBER_JOINED: lambda today: (date(1946, 10, 11), today + timedelta(days=366)),
    Meaning.ACTIVITY_STARTED: lambda today: (date(1800, 1, 1), today),
    Meaning.MANDATE_SIGNED: lambda today: (date(2000, 1, 1), today),
    Meaning.DUE: lambda today: (_years_before(today, 10), _years_before(today, -3)),
    Meaning.BILLED_YEAR: lambda today: (date(2000, 1, 1), date(today.year + 2, 12, 31)),
}


def _years_before(day: date, years: int) -> date:
    return day.replace(
        year=day.year - years, day=28 if (day.month, day.day) == (2, 29) else day.day
    )


# A field's label, or what makes it (translated only when a sentence is needed).
Label = str | Callable[[], str]


def day_problem(meaning: Meaning, label: Label, day: date, today: date | None = None) -> str | None:
    """A French sentence when ``day`` is outside the sensible bounds of ``meaning``."""
    limits = bounds(meaning, today)
    if limits.earliest <= day <= limits.latest:
        return None
    return tr(
        "{field}: {date} is not a plausible date here (between {earliest} and {latest}).",
        field=label if isinstance(label, str) else label(),
        date=format_day(day),
        earliest=format_day(limits.earliest),
        latest=format_day(limits.latest),
    )


def year_problem(
    meaning: Meaning, label: Label, year: int, today: date | None = None
) -> str | None:
    """A French sentence when ``year`` is outside the sensible years of ``meaning``."""
    limits = bounds(meaning, today)
    if isinstance(year, int) and limits.earliest.year <= year <= limits.latest.year:
        return None
    return tr(
        "{field}: {year} is not a plausible year here (from {first} to {last}).",
        field=label if isinstance(label, str) else label(),
        year=year,
        first=limits.earliest.year,
        last=limits.latest.year,
    )

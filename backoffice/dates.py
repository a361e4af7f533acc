"""Dates as French people read and type them: ``15/05/2018``, ``15/05/2018 14:30``.

One formatter and one parser for every layer (services' messages, reports, the command line
and the views), so that a date never appears in two shapes.
"""

from __future__ import annotations

from datetime import date, datetime

from backoffice import clock

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

"""French display formats: ``15/05/2018``, ``1 458,22 €``, ``15/05/2018 14:30``."""

from __future__ import annotations

from datetime import date, datetime

from backoffice.dates import format_day, format_moment
from backoffice.dates import parse_day as parse_typed_day
from backoffice.i18n import tr
from backoffice.money import format_eur


def day(value: date | None) -> str:
    return format_day(value)


def moment(value: datetime | None) -> str:
    return format_moment(value)


def amount(cents: int | None) -> str:
    return format_eur(cents) if cents is not None else ""


def yes_no(value: bool) -> str:
    return tr("Yes") if value else tr("No")


def parse_day(text: str) -> date | None:
    """``15/05/2018`` (or ISO) → date; empty → None; raises ValueError otherwise."""
    return parse_typed_day(text)

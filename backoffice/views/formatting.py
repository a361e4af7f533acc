"""French display formats: ``15/05/2018``, ``1 458,22 €``, ``15/05/2018 14:30``."""

from __future__ import annotations

from datetime import date, datetime

from backoffice import clock
from backoffice.i18n import tr
from backoffice.money import format_eur


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def moment(value: datetime | None) -> str:
    return clock.local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def amount(cents: int | None) -> str:
    return format_eur(cents) if cents is not None else ""


def yes_no(value: bool) -> str:
    return tr("Yes") if value else tr("No")


def parse_day(text: str) -> date | None:
    """``15/05/2018`` (or ISO) → date; empty → None; raises ValueError otherwise."""
    cleaned = text.strip()
    if not cleaned:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 - a plain date
        except ValueError:
            continue
    raise ValueError(cleaned)

"""Dates of the review: when an approved change takes effect, how old a request is, and
whether an employee request arrived while 'Mes salariés' was closed (January)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import ChangeKind
from backoffice.services import settings
from backoffice.services.changes.fields import EMPLOYEE_KINDS

LockPeriod = tuple[tuple[int, int], tuple[int, int]]  # (month, day) of start and end


def lock_period(session: Session) -> LockPeriod:
    value = settings.get(session, "portal.employees_lock_period")
    start_month, start_day = (int(part) for part in str(value["start"]).split("-"))
    end_month, end_day = (int(part) for part in str(value["end"]).split("-"))
    return (start_month, start_day), (end_month, end_day)


def in_lock_period(day: date, period: LockPeriod) -> bool:
    """Whether ``day`` falls in the period (which may run over the new year)."""
    start, end = period
    key = (day.month, day.day)
    return start <= key <= end if start <= end else (key >= start or key <= end)


def out_of_period(kind: ChangeKind, submitted_at: datetime, period: LockPeriod) -> bool:
    """An employee request submitted while the portal's 'Mes salariés' was closed."""
    return kind in EMPLOYEE_KINDS and in_lock_period(clock.local(submitted_at).date(), period)


def age_in_days(submitted_at: datetime, today: date) -> int:
    return (today - clock.local(submitted_at).date()).days


def effective_delay(session: Session) -> int:
    return int(settings.get(session, "changes.effective_delay_days"))


def effective_on(kind: ChangeKind, situation_date: date | None, today: date, delay: int) -> date:
    """The next day by default; a cessation takes effect on its own date when later."""
    base = today + timedelta(days=delay)
    if kind == ChangeKind.SITUATION and situation_date is not None:
        return max(base, situation_date)
    return base

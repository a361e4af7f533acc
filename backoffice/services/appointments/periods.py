"""Periods of the agenda: instants (aware UTC) built from the service's wall-clock hours.

Opening hours and consultation sessions are weekly wall-clock times (Europe/Paris); an
appointment is a pair of instants. Everything here is plain Python, shared by the slot
finder, the agenda grid and the booking rules.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backoffice import clock


@dataclass(frozen=True, order=True)
class Period:
    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: Period) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def contains(self, other: Period) -> bool:
        return self.starts_at <= other.starts_at and other.ends_at <= self.ends_at


@dataclass(frozen=True)
class WeeklyHours:
    """A wall-clock period on a weekday (0 = Monday): an opening period, a session."""

    weekday: int
    starts: time
    ends: time

    def on(self, day: date) -> Period:
        return Period(clock.at_local(day, self.starts), clock.at_local(day, self.ends))


def days_between(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last`` included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept at the end of a shorter month (31/03 → 30/04)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def local_day(moment: datetime) -> date:
    return clock.local(moment).date()


def within_hours(period: Period, hours: tuple[WeeklyHours, ...]) -> bool:
    """Whether ``period`` fits inside one of the weekly ``hours`` of its own day."""
    day = local_day(period.starts_at)
    return any(hour.weekday == day.weekday() and hour.on(day).contains(period) for hour in hours)

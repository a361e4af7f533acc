"""Free slots of a professional, and why a given slot is not free.

One set of rules serves the slot finder (requests queue, bulk booking), the agenda grid
and the booking service: a slot must start in the future, fit in the centre's opening
hours and in one of the professional's consultation sessions at that centre, and overlap
no blocked period, no appointment of the professional and none of the employee.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from backoffice.services.appointments.periods import Period, WeeklyHours, within_hours


@dataclass(frozen=True)
class ConsultationHours(WeeklyHours):
    """A weekly session of a professional at a centre, cut into slots of ``slot_minutes``."""

    centre_id: int
    slot_minutes: int


@dataclass(frozen=True)
class BlockedPeriod:
    id: int
    period: Period
    reason: str
    centre_id: int | None  # None: the professional is away from every centre


@dataclass
class Availability:
    """What decides the free time of one professional over a range of days."""

    professional_id: int
    sessions: tuple[ConsultationHours, ...]
    blocks: tuple[BlockedPeriod, ...] = ()
    busy: list[Period] = field(default_factory=list)  # active appointments, sorted

    def sessions_at(self, centre_id: int) -> tuple[ConsultationHours, ...]:
        return tuple(hours for hours in self.sessions if hours.centre_id == centre_id)

    def take(self, period: Period) -> None:
        """Count ``period`` as booked (bulk booking fills slots one after the other)."""
        bisect.insort(self.busy, period)


@dataclass(frozen=True)
class Slot:
    professional_id: int
    centre_id: int
    starts_at: datetime
    ends_at: datetime

    @property
    def period(self) -> Period:
        return Period(self.starts_at, self.ends_at)


class Obstacle(enum.StrEnum):
    PAST = "past"
    CENTRE_CLOSED = "centre_closed"
    NO_SESSION = "no_session"
    BLOCKED = "blocked"
    PROFESSIONAL_BUSY = "professional_busy"
    EMPLOYEE_BUSY = "employee_busy"


def overlaps_any(sorted_periods: list[Period], period: Period) -> bool:
    """Whether ``period`` overlaps one of ``sorted_periods`` (sorted, not overlapping)."""
    index = bisect.bisect_left(sorted_periods, Period(period.ends_at, period.ends_at))
    return any(other.overlaps(period) for other in sorted_periods[max(0, index - 2) : index])


def obstacle(
    slot: Slot,
    availability: Availability,
    opening: tuple[WeeklyHours, ...],
    *,
    not_before: datetime,
    employee_busy: list[Period] | None = None,
) -> Obstacle | None:
    """The first rule ``slot`` breaks, or None when it can be booked."""
    period = slot.period
    if slot.starts_at < not_before:
        return Obstacle.PAST
    if not within_hours(period, opening):
        return Obstacle.CENTRE_CLOSED
    if not within_hours(period, availability.sessions_at(slot.centre_id)):
        return Obstacle.NO_SESSION
    if any(
        block.period.overlaps(period) and block.centre_id in (None, slot.centre_id)
        for block in availability.blocks
    ):
        return Obstacle.BLOCKED
    if overlaps_any(availability.busy, period):
        return Obstacle.PROFESSIONAL_BUSY
    if employee_busy and overlaps_any(employee_busy, period):
        return Obstacle.EMPLOYEE_BUSY
    return None


def free_slots(
    availability: Availability,
    opening: Mapping[int, tuple[WeeklyHours, ...]],
    days: list[date],
    duration_minutes: int,
    *,
    not_before: datetime,
    centre_id: int | None = None,
    employee_busy: list[Period] | None = None,
) -> Iterator[Slot]:
    """The bookable slots of ``duration_minutes``, in time order, on the session grid."""
    duration = timedelta(minutes=duration_minutes)
    for day in days:
        sessions = sorted(
            (
                hours
                for hours in availability.sessions
                if hours.weekday == day.weekday() and centre_id in (None, hours.centre_id)
            ),
            key=lambda hours: hours.starts,
        )
        for hours in sessions:
            session = hours.on(day)
            start = session.starts_at
            while start + duration <= session.ends_at:
                slot = Slot(availability.professional_id, hours.centre_id, start, start + duration)
                if (
                    obstacle(
                        slot,
                        availability,
                        opening.get(hours.centre_id, ()),
                        not_before=not_before,
                        employee_busy=employee_busy,
                    )
                    is None
                ):
                    yield slot
                start += timedelta(minutes=hours.slot_minutes)

"""Reading what the slot rules need: sessions, opening hours, blocks and booked periods."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    AgendaBlock,
    Appointment,
    AppointmentStatus,
    CentreOpeningHours,
    ConsultationSession,
)
from backoffice.services.appointments.periods import Period, WeeklyHours
from backoffice.services.appointments.slots import Availability, BlockedPeriod, ConsultationHours


def _range(first: date, last: date) -> tuple:
    return clock.start_of_local_day(first), clock.end_of_local_day(last)


def opening_hours(
    session: Session, centre_ids: Iterable[int] | None = None
) -> dict[int, tuple[WeeklyHours, ...]]:
    statement = select(CentreOpeningHours).order_by(
        CentreOpeningHours.weekday, CentreOpeningHours.opens_at
    )
    if centre_ids is not None:
        statement = statement.where(CentreOpeningHours.centre_id.in_(list(centre_ids)))
    hours: dict[int, list[WeeklyHours]] = defaultdict(list)
    for row in session.scalars(statement):
        hours[row.centre_id].append(WeeklyHours(row.weekday, row.opens_at, row.closes_at))
    return {centre_id: tuple(items) for centre_id, items in hours.items()}


def busy_periods(
    session: Session,
    first: date,
    last: date,
    *,
    professional_ids: Iterable[int] | None = None,
    employee_ids: Iterable[int] | None = None,
    excluding: int | None = None,
) -> dict[int, list[Period]]:
    """Active appointments in the days, sorted, by professional (or by employee when
    ``employee_ids`` is given)."""
    start, end = _range(first, last)
    key = Appointment.professional_id if employee_ids is None else Appointment.employee_id
    statement = select(key, Appointment.starts_at, Appointment.ends_at).where(
        Appointment.status != AppointmentStatus.CANCELLED,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
    )
    if professional_ids is not None:
        statement = statement.where(Appointment.professional_id.in_(list(professional_ids)))
    if employee_ids is not None:
        statement = statement.where(Appointment.employee_id.in_(list(employee_ids)))
    if excluding is not None:
        statement = statement.where(Appointment.id != excluding)
    busy: dict[int, list[Period]] = defaultdict(list)
    for owner, starts_at, ends_at in session.execute(statement):
        busy[owner].append(Period(starts_at, ends_at))
    for periods in busy.values():
        periods.sort()
    return busy


def employee_busy(
    session: Session, employee_id: int, first: date, last: date, excluding: int | None = None
) -> list[Period]:
    busy = busy_periods(session, first, last, employee_ids=[employee_id], excluding=excluding)
    return busy.get(employee_id, [])


def availabilities(
    session: Session,
    professional_ids: Iterable[int],
    first: date,
    last: date,
    *,
    excluding: int | None = None,
    with_busy: bool = True,
) -> dict[int, Availability]:
    """The availability of each professional between two days (an appointment being
    moved, ``excluding``, does not count as booked; ``with_busy=False`` leaves the booked
    periods out, for a caller that reads the appointments itself)."""
    ids = list(professional_ids)
    sessions: dict[int, list[ConsultationHours]] = defaultdict(list)
    for row in session.scalars(
        select(ConsultationSession).where(ConsultationSession.professional_id.in_(ids))
    ):
        sessions[row.professional_id].append(
            ConsultationHours(
                row.weekday, row.starts_at, row.ends_at, row.centre_id, row.slot_minutes
            )
        )
    start, end = _range(first, last)
    blocks: dict[int, list[BlockedPeriod]] = defaultdict(list)
    for block in session.scalars(
        select(AgendaBlock).where(
            AgendaBlock.professional_id.in_(ids),
            AgendaBlock.starts_at < end,
            AgendaBlock.ends_at > start,
        )
    ):
        blocks[block.professional_id].append(
            BlockedPeriod(
                block.id, Period(block.starts_at, block.ends_at), block.reason, block.centre_id
            )
        )
    busy = (
        busy_periods(session, first, last, professional_ids=ids, excluding=excluding)
        if with_busy
        else {}
    )
    return {
        professional_id: Availability(
            professional_id,
            tuple(sessions.get(professional_id, ())),
            tuple(blocks.get(professional_id, ())),
            busy.get(professional_id, []),
        )
        for professional_id in ids
    }

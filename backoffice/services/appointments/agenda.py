"""The agenda: a day or a week of one professional, or of every professional of a
centre, laid out on a time grid of booked, free, blocked and closed cells.

The grid is computed here (plain data, no Qt) so that the view only paints it and the
benchmark can time it without a screen.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    ConsultationSession,
    Employee,
    HealthProfessional,
    Member,
    VisitCentre,
)
from backoffice.services.appointments.availability import availabilities, opening_hours
from backoffice.services.appointments.periods import Period, WeeklyHours, days_between
from backoffice.services.appointments.queries import employee_label, member_label
from backoffice.services.appointments.slots import Availability, BlockedPeriod
from backoffice.services.permissions import Actor, Permission, require

DEFAULT_HOURS = (time(8, 0), time(18, 0))
WEEKEND = (5, 6)


class Scope(enum.StrEnum):
    PROFESSIONAL = "professional"
    CENTRE = "centre"


class CellKind(enum.IntEnum):
    OUTSIDE = 0  # no session, or the centre is closed
    FREE = 1
    PAST = 2  # free time already gone
    BOOKED = 3
    BLOCKED = 4


@dataclass(frozen=True)
class AgendaQuery:
    scope: Scope
    target_id: int
    first_day: date
    days: int = 1  # 1: a day; 7: a week (the weekend only when something is there)


@dataclass(frozen=True)
class AgendaAppointment:
    id: int
    version: int
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    professional_id: int
    centre_id: int
    centre: str
    employee_id: int
    employee: str
    member_id: int
    member_code: str
    member_name: str
    visit_type_code: str


@dataclass(frozen=True)
class Cell:
    kind: CellKind
    starts_at: datetime
    appointment: AgendaAppointment | None = None
    block: BlockedPeriod | None = None
    first: bool = False  # the first row of its appointment or block
    span: int = 1  # rows covered, on the first row
    centre_id: int | None = None  # where the professional consults then


@dataclass(frozen=True)
class AgendaColumn:
    day: date
    professional_id: int
    professional: str


@dataclass
class AgendaGrid:
    query: AgendaQuery
    step_minutes: int
    times: list[time]
    columns: list[AgendaColumn]
    cells: list[list[Cell]]  # cells[column][row]
    centres: dict[int, str] = field(default_factory=dict)
    appointment_count: int = 0


def agenda(session: Session, actor: Actor, query: AgendaQuery) -> AgendaGrid:
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    days = days_between(query.first_day, query.first_day + timedelta(days=query.days - 1))
    professionals = _professionals(session, query, days)
    availability = availabilities(session, professionals, days[0], days[-1], with_busy=False)
    booked = _appointments(session, query, list(professionals), days)
    by_column: dict[tuple[int, date], list[AgendaAppointment]] = {}
    bounds: list[tuple[time, time]] = []  # local hours of each appointment
    for appointment in booked:
        starts, ends = clock.local(appointment.starts_at), clock.local(appointment.ends_at)
        by_column.setdefault((appointment.professional_id, starts.date()), []).append(appointment)
        bounds.append((starts.time(), ends.time()))
    booked_days = {day for _professional, day in by_column}
    centres = dict(session.execute(select(VisitCentre.id, VisitCentre.name)).all())
    opening = opening_hours(session)
    if query.days > 1:
        days = [
            day
            for day in days
            if day.weekday() not in WEEKEND or _used(day, availability, booked_days)
        ]
    step = _step(availability.values())
    times = _times(availability.values(), bounds, step)
    columns = [
        AgendaColumn(day, professional_id, name)
        for day in days
        for professional_id, name in professionals.items()
    ]
    layout = _Layout(query, times, step, opening, clock.now())
    cells = [
        layout.column_cells(
            column,
            availability[column.professional_id],
            by_column.get((column.professional_id, column.day), []),
        )
        for column in columns
    ]
    return AgendaGrid(query, step, times, columns, cells, centres, len(booked))


def _professionals(session: Session, query: AgendaQuery, days: list[date]) -> dict[int, str]:
    """The columns' professionals, by name: the one asked, or those of the centre (with
    sessions there, or appointments there in the days)."""
    if query.scope == Scope.PROFESSIONAL:
        ids = {query.target_id}
    else:
        ids = set(
            session.scalars(
                select(ConsultationSession.professional_id)
                .join(HealthProfessional)
                .where(
                    ConsultationSession.centre_id == query.target_id, HealthProfessional.is_active
                )
            )
        ) | set(
            session.scalars(
                select(Appointment.professional_id).where(
                    Appointment.centre_id == query.target_id,
                    Appointment.status != AppointmentStatus.CANCELLED,
                    Appointment.starts_at >= clock.start_of_local_day(days[0]),
                    Appointment.starts_at < clock.end_of_local_day(days[-1]),
                )
            )
        )
    found = session.scalars(
        select(HealthProfessional)
        .where(HealthProfessional.id.in_(ids))
        .order_by(HealthProfessional.last_name, HealthProfessional.first_name)
    )
    return {p.id: p.display_name for p in found}


def _appointments(
    session: Session, query: AgendaQuery, professional_ids: list[int], days: list[date]
) -> list[AgendaAppointment]:
    statement = (
        select(
            Appointment.id,
            Appointment.version,
            Appointment.starts_at,
            Appointment.ends_at,
            Appointment.status,
            Appointment.professional_id,
            Appointment.centre_id,
            VisitCentre.name,
            Appointment.employee_id,
            Employee.last_name,
            Employee.first_name,
            Appointment.member_id,
            Member.member_code,
            Member.trade_name,
            Member.legal_name,
            Appointment.visit_type_code,
        )
        .join(Employee, Appointment.employee_id == Employee.id)
        .join(Member, Appointment.member_id == Member.id)
        .join(VisitCentre, Appointment.centre_id == VisitCentre.id)
        .where(
            Appointment.professional_id.in_(professional_ids),
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at < clock.end_of_local_day(days[-1]),
            Appointment.ends_at > clock.start_of_local_day(days[0]),
        )
        .order_by(Appointment.starts_at)
    )
    if query.scope == Scope.CENTRE:
        statement = statement.where(Appointment.centre_id == query.target_id)
    return [
        AgendaAppointment(
            *row[:9],
            employee_label(row.last_name, row.first_name),
            row.member_id,
            row.member_code,
            member_label(row.trade_name, row.legal_name),
            row.visit_type_code,
        )
        for row in session.connection().execute(statement)  # Core rows: no ORM overhead
    ]


def _used(day: date, availability: dict[int, Availability], booked_days: set[date]) -> bool:
    return day in booked_days or any(
        hours.weekday == day.weekday() for item in availability.values() for hours in item.sessions
    )


def _step(availability: Iterable[Availability]) -> int:
    steps = [hours.slot_minutes for item in availability for hours in item.sessions]
    return max(5, math.gcd(*steps)) if steps else 15


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _times(
    availability: Iterable[Availability],
    booked: list[tuple[time, time]],
    step: int,
) -> list[time]:
    """The rows: every ``step`` minutes from the earliest session or appointment to the
    latest, across the columns."""
    starts = [hours.starts for item in availability for hours in item.sessions]
    ends = [hours.ends for item in availability for hours in item.sessions]
    starts += [start for start, _end in booked]
    ends += [end for _start, end in booked]
    first = min(starts, default=DEFAULT_HOURS[0])
    last = max(ends, default=DEFAULT_HOURS[1])
    start = _minutes(first) // step * step
    end = min(24 * 60, -(-_minutes(last) // step) * step)
    return [time(minute // 60, minute % 60) for minute in range(start, end, step)]


class _Layout:
    """Lays the columns out on the rows; the instants of each day's rows and the opening
    periods of each centre and day are computed once, not once per column."""

    def __init__(
        self,
        query: AgendaQuery,
        times: list[time],
        step: int,
        opening: dict[int, tuple[WeeklyHours, ...]],
        now: datetime,
    ) -> None:
        self.query, self.times, self.step, self.opening, self.now = query, times, step, opening, now
        self._rows: dict[date, list[Period]] = {}
        self._open: dict[tuple[int, date], list[Period]] = {}

    def rows(self, day: date) -> list[Period]:
        if day not in self._rows:
            length = timedelta(minutes=self.step)
            starts = [clock.at_local(day, moment) for moment in self.times]
            self._rows[day] = [Period(start, start + length) for start in starts]
        return self._rows[day]

    def open_periods(self, centre_id: int, day: date) -> list[Period]:
        key = (centre_id, day)
        if key not in self._open:
            hours = self.opening.get(centre_id, ())
            self._open[key] = [h.on(day) for h in hours if h.weekday == day.weekday()]
        return self._open[key]

    def column_cells(
        self, column: AgendaColumn, availability: Availability, booked: list[AgendaAppointment]
    ) -> list[Cell]:
        day, query = column.day, self.query
        centre_only = query.target_id if query.scope == Scope.CENTRE else None
        sessions = [
            (hours.on(day), hours.centre_id)
            for hours in availability.sessions
            if hours.weekday == day.weekday() and centre_only in (None, hours.centre_id)
        ]
        open_periods = {centre: self.open_periods(centre, day) for _period, centre in sessions}
        blocks = [
            b
            for b in availability.blocks
            if centre_only in (None, b.centre_id) or b.centre_id is None
        ]
        rows = self.rows(day)
        cells = [
            _cell(row, appointment, blocks, sessions, open_periods, self.now)
            for row, appointment in zip(rows, _booked_on_rows(rows, booked), strict=True)
        ]
        return _with_spans(cells)


def _cell(
    row: Period,
    appointment: AgendaAppointment | None,
    blocks: list[BlockedPeriod],
    sessions: list[tuple[Period, int]],
    open_periods: dict[int, list[Period]],
    now: datetime,
) -> Cell:
    if appointment is not None:
        return Cell(CellKind.BOOKED, row.starts_at, appointment=appointment)
    for block in blocks:
        if block.period.overlaps(row):
            return Cell(CellKind.BLOCKED, row.starts_at, block=block)
    for period, centre_id in sessions:
        if period.contains(row) and any(p.contains(row) for p in open_periods[centre_id]):
            kind = CellKind.PAST if row.starts_at < now else CellKind.FREE
            return Cell(kind, row.starts_at, centre_id=centre_id)
    return Cell(CellKind.OUTSIDE, row.starts_at)


def _booked_on_rows(
    rows: list[Period], booked: list[AgendaAppointment]
) -> list[AgendaAppointment | None]:
    """The appointment over each row (None for none): one sweep over both, in time order."""
    found: list[AgendaAppointment | None] = []
    index = 0
    for row in rows:
        while index < len(booked) and booked[index].ends_at <= row.starts_at:
            index += 1
        current = booked[index] if index < len(booked) else None
        found.append(current if current is not None and current.starts_at < row.ends_at else None)
    return found


def _with_spans(cells: list[Cell]) -> list[Cell]:
    """Mark the first row of each appointment or block with the rows it covers."""
    result = list(cells)
    index = 0
    while index < len(cells):
        owner = cells[index].appointment or cells[index].block
        if owner is None:
            index += 1
            continue
        end = index + 1
        while end < len(cells) and (cells[end].appointment or cells[end].block) is owner:
            end += 1
        first = cells[index]
        result[index] = Cell(
            first.kind, first.starts_at, first.appointment, first.block, True, end - index
        )
        index = end
    return result

"""The booking rules, each refusal a French sentence naming what is wrong.

Static rules (who, where, when) are checked before any lock; overlaps are checked after
the professional's and the employee's rows are locked, so that two workstations booking
at the same moment queue there and the second one sees the first one's appointment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    AppointmentRequest,
    AppointmentStatus,
    Employee,
    HealthProfessional,
    Member,
    MemberStatus,
    ProfessionalKind,
    VisitCentre,
    VisitType,
)
from backoffice.services.appointments.availability import availabilities, opening_hours
from backoffice.services.appointments.periods import Period, local_day
from backoffice.services.appointments.queries import employee_label
from backoffice.services.appointments.slots import Obstacle, Slot, obstacle
from backoffice.services.errors import FieldError, NotFound, ValidationFailed


def hour(moment: datetime) -> str:
    return clock.local(moment).strftime("%H:%M")


def day_text(moment: datetime) -> str:
    return format_day(clock.local(moment))


def describe(period: Period) -> str:
    """``24/11/2026 from 09:30 to 10:00`` in the current language."""
    return tr(
        "{day} from {start} to {end}",
        day=day_text(period.starts_at),
        start=hour(period.starts_at),
        end=hour(period.ends_at),
    )


@dataclass(frozen=True)
class Parties:
    """Everything a booking names, loaded once."""

    employee: Employee
    member: Member
    visit_type: VisitType
    professional: HealthProfessional
    centre: VisitCentre


def load_parties(
    session: Session, employee_id: int, visit_type_code: str, professional_id: int, centre_id: int
) -> Parties:
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound(tr("This employee no longer exists."))
    visit_type = session.get(VisitType, visit_type_code)
    professional = session.get(HealthProfessional, professional_id)
    centre = session.get(VisitCentre, centre_id)
    errors = []
    if visit_type is None:
        errors.append(FieldError("visit_type", tr("Visit type: choose a kind of visit.")))
    if professional is None:
        errors.append(FieldError("professional", tr("Professional: choose a doctor or a nurse.")))
    if centre is None:
        errors.append(FieldError("centre", tr("Centre: choose a visit centre.")))
    if errors:
        raise ValidationFailed(errors)
    assert visit_type is not None and professional is not None and centre is not None
    return Parties(employee, employee_member(session, employee), visit_type, professional, centre)


def employee_member(session: Session, employee: Employee) -> Member:
    member = session.get(Member, employee.member_id)
    assert member is not None  # foreign key
    return member


def party_errors(parties: Parties, period: Period) -> list[FieldError]:
    """Who can be booked with whom: the employee still works there, the member is active,
    the professional and the centre are in service, a doctor for a doctor's visit."""
    errors = []
    employee, member = parties.employee, parties.member
    if employee.exited_on is not None and employee.exited_on < local_day(period.starts_at):
        errors.append(
            FieldError(
                "employee",
                tr(
                    "Employee: {employee} left {member} on {date}; no visit can be booked "
                    "for them.",
                    employee=employee_label(employee.last_name, employee.first_name),
                    member=member.legal_name,
                    date=format_day(employee.exited_on),
                ),
            )
        )
    if member.status == MemberStatus.CEASED:
        errors.append(
            FieldError(
                "member",
                tr("Member: {member} has ceased its activity.", member=member.legal_name),
            )
        )
    if not parties.professional.is_active:
        errors.append(
            FieldError(
                "professional",
                tr(
                    "Professional: {professional} no longer consults.",
                    professional=parties.professional.display_name,
                ),
            )
        )
    if not parties.centre.is_active:
        errors.append(
            FieldError(
                "centre", tr("Centre: {centre} is closed for good.", centre=parties.centre.name)
            )
        )
    if parties.visit_type.by_doctor_only and parties.professional.kind != ProfessionalKind.DOCTOR:
        errors.append(
            FieldError(
                "professional",
                tr(
                    "Professional: the visit “{visit}” is done by a doctor, and {professional} "
                    "is not one.",
                    visit=parties.visit_type.label,
                    professional=parties.professional.display_name,
                ),
            )
        )
    return errors


def time_errors(
    session: Session, parties: Parties, period: Period, excluding: int | None = None
) -> list[FieldError]:
    """In the future, in the centre's opening hours, in a session, not blocked."""
    day = local_day(period.starts_at)
    availability = availabilities(
        session, [parties.professional.id], day, day, excluding=excluding
    )[parties.professional.id]
    availability.busy = []  # overlaps are checked under lock, with their details
    slot = Slot(parties.professional.id, parties.centre.id, period.starts_at, period.ends_at)
    found = obstacle(
        slot,
        availability,
        opening_hours(session, [parties.centre.id]).get(parties.centre.id, ()),
        not_before=clock.now(),
    )
    if found is None:
        return []
    names = {
        "when": describe(period),
        "centre": parties.centre.name,
        "professional": parties.professional.display_name,
    }
    message = {
        Obstacle.PAST: tr("Time: {when} is in the past; choose a time to come.", **names),
        Obstacle.CENTRE_CLOSED: tr(
            "Time: {when} is outside the opening hours of {centre}.", **names
        ),
        Obstacle.NO_SESSION: tr(
            "Time: {professional} does not consult at {centre} on {when}.", **names
        ),
        Obstacle.BLOCKED: tr(
            "Time: the agenda of {professional} is blocked on {when} ({reason}).",
            reason=next((b.reason for b in availability.blocks if b.period.overlaps(period)), ""),
            **names,
        ),
    }[found]
    return [FieldError("starts_at", message)]


def check_slot(
    session: Session, parties: Parties, period: Period, excluding: int | None = None
) -> None:
    errors = party_errors(parties, period) + time_errors(session, parties, period, excluding)
    if errors:
        raise ValidationFailed(errors)


Row = TypeVar("Row", Appointment, AppointmentRequest)


def locked(session: Session, model: type[Row], row_id: int) -> Row | None:
    """The row read afresh and locked until the end of the transaction (PostgreSQL), so
    that two workstations deciding on it queue and the second sees the first's decision."""
    return session.scalar(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_people(session: Session, professional_id: int, employee_id: int) -> None:
    """Row locks (PostgreSQL) that make concurrent bookings of the same professional or
    employee wait for each other; always in this order, so that they cannot deadlock.
    SQLite serialises writing transactions already (BEGIN IMMEDIATE)."""
    session.execute(
        select(HealthProfessional.id)
        .where(HealthProfessional.id == professional_id)
        .with_for_update()
    )
    session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())


def _first_overlap(
    session: Session, period: Period, excluding: int | None, owner: ColumnElement[bool]
) -> Appointment | None:
    """The first active appointment of ``owner`` (a professional, an employee) that
    overlaps ``period``."""
    statement = select(Appointment).where(
        owner,
        Appointment.status != AppointmentStatus.CANCELLED,
        Appointment.starts_at < period.ends_at,
        Appointment.ends_at > period.starts_at,
    )
    if excluding is not None:
        statement = statement.where(Appointment.id != excluding)
    return session.scalars(statement.order_by(Appointment.starts_at).limit(1)).first()


def check_overlaps(
    session: Session, parties: Parties, period: Period, excluding: int | None = None
) -> None:
    """No other active appointment of the professional or of the employee at that time
    (called with both rows locked)."""
    errors = []
    professional, employee = parties.professional, parties.employee
    taken = _first_overlap(
        session, period, excluding, Appointment.professional_id == professional.id
    )
    if taken is not None:
        other = session.get(Employee, taken.employee_id)
        message = tr(
            "Time: {professional} already has an appointment on {when} ({employee}).",
            professional=professional.display_name,
            when=describe(Period(taken.starts_at, taken.ends_at)),
            employee=employee_label(other.last_name, other.first_name) if other else "",
        )
        errors.append(FieldError("starts_at", message))
    own = _first_overlap(session, period, excluding, Appointment.employee_id == employee.id)
    if own is not None:
        with_whom = session.get(HealthProfessional, own.professional_id)
        message = tr(
            "Employee: {employee} already has an appointment on {when} with {professional}.",
            employee=employee_label(employee.last_name, employee.first_name),
            when=describe(Period(own.starts_at, own.ends_at)),
            professional=with_whom.display_name if with_whom else "",
        )
        errors.append(FieldError("employee", message))
    if errors:
        raise ValidationFailed(errors)

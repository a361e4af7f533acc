"""The knock-on effects of a change of situation or an exit: employees recorded as exited,
future appointments cancelled. Counted before approval (the consequences shown to the
reviewer) and carried out when the change applies, by the same queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import Appointment, AppointmentStatus, Employee, Member, MemberStatus
from backoffice.services import audit
from backoffice.services.permissions import Actor

CESSATION_REASON = "Cessation d'activité de l'adhérent"
NO_EMPLOYEES_REASON = "Plus de salarié"
EXIT_REASON = "Salarié sorti de l'effectif"


def present_employees(member_id: int, on: date) -> Select[tuple[Employee]]:
    """The member's employees still present after ``on``."""
    return select(Employee).where(
        Employee.member_id == member_id,
        or_(Employee.exited_on.is_(None), Employee.exited_on > on),
    )


def cutoff(after: date) -> datetime:
    """Appointments from the day after ``after`` (and not already past) are cancelled."""
    return max(clock.now(), clock.start_of_local_day(after + timedelta(days=1)))


def future_appointments(
    after: date, *, member_id: int | None = None, employee_id: int | None = None
) -> Select[tuple[Appointment]]:
    statement = select(Appointment).where(
        Appointment.status == AppointmentStatus.CONFIRMED, Appointment.starts_at >= cutoff(after)
    )
    if member_id is not None:
        statement = statement.where(Appointment.member_id == member_id)
    if employee_id is not None:
        statement = statement.where(Appointment.employee_id == employee_id)
    return statement


def count(session: Session, statement: Select) -> int:
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def exit_employees(
    session: Session, actor: Actor | None, member_id: int, on: date, reason: str
) -> list[int]:
    """Record the member's present employees as exited on ``on`` (or on their hiring day,
    for one hired later)."""
    exited = []
    for employee in session.scalars(present_employees(member_id, on)).all():
        before = audit.snapshot(employee, ["exited_on", "exit_reason"])
        employee.exited_on = max(on, employee.hired_on)
        employee.exit_reason = reason
        audit.record(
            session,
            actor,
            "employee.exit",
            "employee",
            employee.id,
            member_id=member_id,
            summary=reason,
            before=before,
            after=audit.snapshot(employee, ["exited_on", "exit_reason"]),
        )
        exited.append(employee.id)
    return exited


def cancel_appointments(
    session: Session, actor: Actor | None, statement: Select[tuple[Appointment]], reason: str
) -> list[int]:
    cancelled = []
    for appointment in session.scalars(statement).all():
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = clock.now()
        appointment.cancellation_reason = reason
        audit.record(
            session,
            actor,
            "appointment.cancel",
            "appointment",
            appointment.id,
            member_id=appointment.member_id,
            summary=reason,
            before={"status": AppointmentStatus.CONFIRMED, "starts_at": appointment.starts_at},
            after={"status": AppointmentStatus.CANCELLED},
        )
        cancelled.append(appointment.id)
    return cancelled


def record_situation(
    session: Session, actor: Actor | None, member: Member, situation: str, on: date
) -> tuple[list[int], list[int]]:
    """A cessation (``"cessation"``) or no more employees (``"no_employees"``) on ``on``:
    the member's record, its employees exited, its future appointments cancelled. Returns
    (employees exited, appointments cancelled)."""
    if situation == "cessation":
        member.status, member.ceased_on = MemberStatus.CEASED, on
        reason = CESSATION_REASON
    else:
        reason = NO_EMPLOYEES_REASON
    member.has_employees = False
    exited = exit_employees(session, actor, member.id, on, reason)
    cancelled = cancel_appointments(
        session, actor, future_appointments(on, member_id=member.id), reason
    )
    return exited, cancelled

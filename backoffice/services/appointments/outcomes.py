"""After the visit: attended, absent (a no-show the billing can invoice) or excused.

Marking a visit attended keeps ``employees.last_visit_on`` (the periodic-visit list reads
it); correcting an attended visit to another outcome puts back the employee's previous
last visit. An absence already invoiced keeps its outcome until the billing credits it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    CreditNote,
    Employee,
    Invoice,
)
from backoffice.services import audit
from backoffice.services.appointments.periods import Period, local_day
from backoffice.services.appointments.queries import (
    AppointmentFilter,
    AppointmentRow,
    appointment_rows,
)
from backoffice.services.appointments.rules import describe
from backoffice.services.errors import FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

OUTCOMES = (AppointmentStatus.ATTENDED, AppointmentStatus.ABSENT, AppointmentStatus.EXCUSED)


def _invoiced(session: Session, appointment_id: int) -> bool:
    """A no-show invoice exists for the appointment and no full credit note cancels it."""
    credited = select(CreditNote.id).where(CreditNote.invoice_id == Invoice.id, CreditNote.is_full)
    return (
        session.scalar(
            select(Invoice.id).where(Invoice.appointment_id == appointment_id, ~credited.exists())
        )
        is not None
    )


def _refusal(session: Session, appointment: Appointment, outcome: AppointmentStatus) -> str | None:
    when = describe(Period(appointment.starts_at, appointment.ends_at))
    if appointment.status == AppointmentStatus.CANCELLED:
        return tr("The appointment of {when} was cancelled: it has no outcome.", when=when)
    if appointment.starts_at > clock.now():
        return tr(
            "The appointment of {when} has not taken place yet: its outcome is recorded after it.",
            when=when,
        )
    if (
        appointment.status == AppointmentStatus.ABSENT
        and outcome != AppointmentStatus.ABSENT
        and _invoiced(session, appointment.id)
    ):
        return tr(
            "The absence of {when} was invoiced to the member: the billing must issue a "
            "credit note before the outcome can change.",
            when=when,
        )
    return None


def _previous_last_visit(session: Session, appointment: Appointment) -> date | None:
    """The employee's last visit before this one, for an attended visit corrected: the
    latest other attended visit, else the value recorded when this one was marked."""
    others = [
        local_day(starts_at)
        for starts_at in session.scalars(
            select(Appointment.starts_at).where(
                Appointment.employee_id == appointment.employee_id,
                Appointment.status == AppointmentStatus.ATTENDED,
                Appointment.id != appointment.id,
            )
        )
    ]
    recorded = None
    for event in session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == "appointment",
            AuditEvent.entity_id == appointment.id,
            AuditEvent.action == "appointment.outcome",
        )
        .order_by(AuditEvent.id.desc())
    ):
        if (event.after or {}).get("status") == AppointmentStatus.ATTENDED.value:
            value = (event.before or {}).get("last_visit_on")
            recorded = date.fromisoformat(value) if value else None
            break
    candidates = [day for day in [*others, recorded] if day is not None]
    return max(candidates, default=None)


def _apply(
    session: Session, actor: Actor, appointment: Appointment, outcome: AppointmentStatus
) -> None:
    employee = session.get(Employee, appointment.employee_id)
    assert employee is not None
    before = {"status": appointment.status, "last_visit_on": employee.last_visit_on}
    day = local_day(appointment.starts_at)
    if outcome == AppointmentStatus.ATTENDED:
        employee.last_visit_on = max(employee.last_visit_on or day, day)
    elif appointment.status == AppointmentStatus.ATTENDED:
        employee.last_visit_on = _previous_last_visit(session, appointment)
    appointment.status = outcome
    appointment.outcome_recorded_at = clock.now()
    appointment.outcome_recorded_by_id = actor.staff_id
    session.flush()
    audit.record(
        session,
        actor,
        "appointment.outcome",
        "appointment",
        appointment.id,
        member_id=appointment.member_id,
        summary=tr(
            "Outcome of the appointment of {when}: {outcome}",
            when=describe(Period(appointment.starts_at, appointment.ends_at)),
            outcome=outcome_label(outcome),
        ),
        before=before,
        after={"status": outcome, "last_visit_on": employee.last_visit_on},
    )


def outcome_label(outcome: AppointmentStatus) -> str:
    return {
        AppointmentStatus.ATTENDED: tr("attended"),
        AppointmentStatus.ABSENT: tr("absent"),
        AppointmentStatus.EXCUSED: tr("excused"),
    }.get(outcome, outcome.value)


def record_outcome(
    session: Session, actor: Actor, appointment_ids: list[int], outcome: AppointmentStatus
) -> list[AppointmentRow]:
    """Record the outcome of one or several past appointments; refused whole when one of
    them cannot take it."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    if outcome not in OUTCOMES:
        raise ValidationFailed.single("outcome", tr("Outcome: choose attended, absent or excused."))
    appointments = list(
        session.scalars(
            select(Appointment)
            .where(Appointment.id.in_(appointment_ids))
            .order_by(Appointment.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    if len(appointments) != len(set(appointment_ids)):
        raise NotFound(tr("This appointment no longer exists."))
    errors = [
        FieldError(f"appointment:{appointment.id}", message)
        for appointment in appointments
        if (message := _refusal(session, appointment, outcome)) is not None
    ]
    if errors:
        raise ValidationFailed(errors)
    for appointment in appointments:
        if appointment.status != outcome:
            _apply(session, actor, appointment, outcome)
    return appointment_rows(session, actor, AppointmentFilter(ids=appointment_ids))

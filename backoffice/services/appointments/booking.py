"""Booking, moving and cancelling appointments.

Each change checks the rules (``rules.py``), locks the professional and the employee,
checks overlaps, writes, and records the audit event. On PostgreSQL two exclusion
constraints refuse overlapping appointments even from a writer that skipped the checks;
that refusal becomes a :class:`Conflict` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    AppointmentRequest,
    AppointmentStatus,
    RequestKind,
    RequestStatus,
)
from backoffice.services import audit
from backoffice.services.appointments.decisions import decide
from backoffice.services.appointments.periods import Period
from backoffice.services.appointments.queries import AppointmentRow, appointment_row
from backoffice.services.appointments.rules import (
    Parties,
    check_overlaps,
    check_slot,
    describe,
    load_parties,
    lock_people,
    locked,
)
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

AUDITED = (
    "employee_id",
    "professional_id",
    "centre_id",
    "visit_type_code",
    "starts_at",
    "ends_at",
    "status",
    "request_id",
    "cancellation_reason",
)


@dataclass(frozen=True)
class SlotChoice:
    """Where and when: a professional, a centre, a start (aware)."""

    professional_id: int
    centre_id: int
    starts_at: datetime


def _period(parties: Parties, starts_at: datetime) -> Period:
    if starts_at.tzinfo is None:
        raise ValueError("a booking needs an aware start")
    return Period(starts_at, starts_at + timedelta(minutes=parties.visit_type.duration_minutes))


def _insert(session: Session, appointment: Appointment) -> None:
    """Insert inside a savepoint: PostgreSQL's exclusion constraints have the last word."""
    try:
        with session.begin_nested():
            session.add(appointment)
            session.flush()
    except IntegrityError as error:
        if "ex_appointments" not in str(error.orig):
            raise
        raise Conflict(
            tr("Another booking took this time at the same moment; choose another slot.")
        ) from error


def create_appointment(
    session: Session,
    actor: Actor,
    employee_id: int,
    visit_type_code: str,
    choice: SlotChoice,
    *,
    request_id: int | None = None,
    note: str | None = None,
) -> Appointment:
    """Book a visit; refused whole (nothing written) when a rule is broken."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    parties = load_parties(
        session, employee_id, visit_type_code, choice.professional_id, choice.centre_id
    )
    period = _period(parties, choice.starts_at)
    check_slot(session, parties, period)
    lock_people(session, parties.professional.id, parties.employee.id)
    check_overlaps(session, parties, period)
    appointment = Appointment(
        member_id=parties.member.id,
        employee_id=parties.employee.id,
        professional_id=parties.professional.id,
        centre_id=parties.centre.id,
        visit_type_code=parties.visit_type.code,
        starts_at=period.starts_at,
        ends_at=period.ends_at,
        status=AppointmentStatus.CONFIRMED,
        request_id=request_id,
        booked_at=clock.now(),
        booked_by_id=actor.staff_id,
        note=note,
    )
    _insert(session, appointment)
    audit.record(
        session,
        actor,
        "appointment.book",
        "appointment",
        appointment.id,
        member_id=parties.member.id,
        summary=tr(
            "Appointment booked on {when} with {professional}",
            when=describe(period),
            professional=parties.professional.display_name,
        ),
        after=audit.snapshot(appointment, AUDITED),
    )
    return appointment


def book_appointment(
    session: Session,
    actor: Actor,
    employee_id: int,
    visit_type_code: str,
    choice: SlotChoice,
    *,
    note: str | None = None,
) -> AppointmentRow:
    appointment = create_appointment(
        session, actor, employee_id, visit_type_code, choice, note=note
    )
    return appointment_row(session, actor, appointment.id)


def locked_appointment(session: Session, appointment_id: int, expected_version: int) -> Appointment:
    """The appointment, row-locked, as the user saw it (else :class:`Conflict`)."""
    appointment = locked(session, Appointment, appointment_id)
    if appointment is None:
        raise NotFound(tr("This appointment no longer exists."))
    if appointment.version != expected_version:
        raise Conflict(
            tr(
                "This appointment was changed by someone else since you opened it; "
                "look at it again before changing it."
            )
        )
    return appointment


def require_upcoming(appointment: Appointment, what: str) -> None:
    """Only a confirmed appointment that has not started can be moved or cancelled."""
    when = describe(Period(appointment.starts_at, appointment.ends_at))
    if appointment.status != AppointmentStatus.CONFIRMED:
        raise ValidationFailed.single(
            "appointment",
            tr(
                "The appointment of {when} is no longer confirmed: it cannot be {what}.",
                when=when,
                what=what,
            ),
        )
    if appointment.starts_at <= clock.now():
        raise ValidationFailed.single(
            "appointment",
            tr(
                "The appointment of {when} has already started or taken place: it cannot be "
                "{what}; record it as attended, absent or excused instead.",
                when=when,
                what=what,
            ),
        )


def move_appointment(
    session: Session, actor: Actor, appointment_id: int, expected_version: int, choice: SlotChoice
) -> AppointmentRow:
    """Move a confirmed appointment to another time, professional or centre."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    appointment = locked_appointment(session, appointment_id, expected_version)
    require_upcoming(appointment, tr("moved"))
    parties = load_parties(
        session,
        appointment.employee_id,
        appointment.visit_type_code,
        choice.professional_id,
        choice.centre_id,
    )
    period = _period(parties, choice.starts_at)
    check_slot(session, parties, period, excluding=appointment.id)
    lock_people(session, parties.professional.id, parties.employee.id)
    check_overlaps(session, parties, period, excluding=appointment.id)
    before = audit.snapshot(appointment, AUDITED)
    appointment.professional_id = parties.professional.id
    appointment.centre_id = parties.centre.id
    appointment.starts_at, appointment.ends_at = period.starts_at, period.ends_at
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise Conflict(
            tr("Another booking took this time at the same moment; choose another slot.")
        ) from error
    changed_before, changed_after = audit.changed_fields(
        before, audit.snapshot(appointment, AUDITED)
    )
    audit.record(
        session,
        actor,
        "appointment.move",
        "appointment",
        appointment.id,
        member_id=appointment.member_id,
        summary=tr("Appointment moved to {when}", when=describe(period)),
        before=changed_before,
        after=changed_after,
    )
    return appointment_row(session, actor, appointment.id)


def cancel_appointment(
    session: Session, actor: Actor, appointment_id: int, expected_version: int, reason: str
) -> AppointmentRow:
    """Cancel a confirmed appointment to come (the slot is freed); a pending cancellation
    request of the member for it is accepted at the same time."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            [FieldError("reason", tr("Reason: say why the appointment is cancelled."))]
        )
    appointment = locked_appointment(session, appointment_id, expected_version)
    cancel(session, actor, appointment, reason)
    pending = session.scalars(
        select(AppointmentRequest).where(
            AppointmentRequest.appointment_id == appointment.id,
            AppointmentRequest.kind == RequestKind.CANCELLATION,
            AppointmentRequest.status == RequestStatus.PENDING,
        )
    ).all()
    for request in pending:
        decide(
            session,
            actor,
            request,
            RequestStatus.ACCEPTED,
            tr("Cancellation request answered by the cancellation of the appointment"),
        )
    return appointment_row(session, actor, appointment.id)


def cancel(session: Session, actor: Actor, appointment: Appointment, reason: str) -> None:
    """Cancel an appointment already locked (shared with the cancellation requests)."""
    require_upcoming(appointment, tr("cancelled"))
    before = audit.snapshot(appointment, ("status", "cancellation_reason"))
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = clock.now()
    appointment.cancellation_reason = reason[:300]
    session.flush()
    audit.record(
        session,
        actor,
        "appointment.cancel",
        "appointment",
        appointment.id,
        member_id=appointment.member_id,
        summary=tr(
            "Appointment of {when} cancelled: {reason}",
            when=describe(Period(appointment.starts_at, appointment.ends_at)),
            reason=reason,
        ),
        before=before,
        after=audit.snapshot(appointment, ("status", "cancellation_reason")),
    )

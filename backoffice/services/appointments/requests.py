"""The medical assistants' queue: booking and cancellation requests from the portal.

A booking request is validated by booking a slot, or refused with a reason the member
reads on the portal. A cancellation request is accepted (the slot is freed) or refused;
one asked less than ``appointments.cancellation_notice_hours`` before the visit is too
late, and is accepted only as an explicit exception. Two assistants answering the same
request: the request row is locked and its version checked, the second one is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from backoffice import clock
from backoffice.dates import format_moment
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    AppointmentRequest,
    Employee,
    HealthProfessional,
    Member,
    RequestKind,
    RequestStatus,
    StaffUser,
    VisitCentre,
    VisitType,
)
from backoffice.services import settings as settings_service
from backoffice.services.appointments.booking import (
    SlotChoice,
    cancel,
    create_appointment,
    locked_appointment,
)
from backoffice.services.appointments.decisions import decide
from backoffice.services.appointments.queries import (
    AppointmentRow,
    appointment_row,
    employee_label,
    member_label,
)
from backoffice.services.appointments.rules import locked
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

CLAIM_MINUTES = 60  # a claim older than this no longer keeps colleagues away


@dataclass(frozen=True)
class RequestRow:
    id: int
    kind: RequestKind
    version: int
    status: RequestStatus
    submitted_at: datetime
    member_id: int
    member_code: str
    member_name: str
    centre_id: int | None  # the member's visit centre
    referent_id: int | None  # the member's referent professional
    employee_id: int | None
    employee: str
    employee_left_on: date | None
    visit_type_code: str | None
    visit_type: str
    wished_from: date | None
    wished_to: date | None
    comment: str | None
    appointment_id: int | None
    appointment_starts_at: datetime | None
    appointment_professional: str
    appointment_centre: str
    hours_notice: int | None  # cancellation: hours between the request and the visit
    late: bool  # cancellation asked too late under the notice setting
    claimed_by: str | None


def notice_hours(session: Session) -> int:
    return int(settings_service.get(session, "appointments.cancellation_notice_hours"))


def _statement() -> Select:
    booked = aliased(Appointment)
    professional = aliased(HealthProfessional)
    centre = aliased(VisitCentre)
    return (
        select(
            AppointmentRequest,
            Member,
            Employee,
            VisitType.label,
            booked.starts_at,
            professional,
            centre.name,
            StaffUser.full_name,
        )
        .join(Member, AppointmentRequest.member_id == Member.id)
        .outerjoin(Employee, AppointmentRequest.employee_id == Employee.id)
        .outerjoin(VisitType, AppointmentRequest.visit_type_code == VisitType.code)
        .outerjoin(booked, AppointmentRequest.appointment_id == booked.id)
        .outerjoin(professional, booked.professional_id == professional.id)
        .outerjoin(centre, booked.centre_id == centre.id)
        .outerjoin(StaffUser, AppointmentRequest.claimed_by_id == StaffUser.id)
    )


def _rows(session: Session, statement: Select) -> list[RequestRow]:
    notice = notice_hours(session)
    claim_limit = clock.now() - timedelta(minutes=CLAIM_MINUTES)
    rows = []
    for (
        request,
        member,
        employee,
        label,
        starts_at,
        professional,
        centre,
        claimer,
    ) in session.execute(statement):
        hours = None
        if request.kind == RequestKind.CANCELLATION and starts_at is not None:
            hours = int((starts_at - request.submitted_at).total_seconds() // 3600)
        claimed = (
            claimer if request.claimed_at is not None and request.claimed_at > claim_limit else None
        )
        rows.append(
            RequestRow(
                request.id,
                request.kind,
                request.version,
                request.status,
                request.submitted_at,
                member.id,
                member.member_code,
                member_label(member.trade_name, member.legal_name),
                member.visit_centre_id,
                member.referent_professional_id,
                request.employee_id,
                employee_label(employee.last_name, employee.first_name) if employee else "",
                employee.exited_on if employee else None,
                request.visit_type_code,
                label or "",
                request.wished_from,
                request.wished_to,
                request.comment,
                request.appointment_id,
                starts_at,
                professional.display_name if professional else "",
                centre or "",
                hours,
                hours is not None and hours < notice,
                claimed,
            )
        )
    return rows


def pending_requests(session: Session, actor: Actor) -> list[RequestRow]:
    """Every pending request, oldest first (as the portal submitted them)."""
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    return _rows(
        session,
        _statement()
        .where(AppointmentRequest.status == RequestStatus.PENDING)
        .order_by(AppointmentRequest.submitted_at, AppointmentRequest.id),
    )


def request_row(session: Session, actor: Actor, request_id: int) -> RequestRow:
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    rows = _rows(session, _statement().where(AppointmentRequest.id == request_id))
    if not rows:
        raise NotFound(tr("This request no longer exists."))
    return rows[0]


# -- answering ------------------------------------------------------------------------------


def _locked(session: Session, request_id: int) -> AppointmentRequest:
    request = locked(session, AppointmentRequest, request_id)
    if request is None:
        raise NotFound(tr("This request no longer exists."))
    return request


def _pending(
    session: Session, request_id: int, expected_version: int, kind: RequestKind | None = None
) -> AppointmentRequest:
    """The request, row-locked, still pending and as the user saw it."""
    request = _locked(session, request_id)
    if request.status == RequestStatus.WITHDRAWN:
        raise Conflict(tr("The member withdrew this request on the portal."))
    if request.status != RequestStatus.PENDING:
        decider = session.get(StaffUser, request.decided_by_id) if request.decided_by_id else None
        raise Conflict(
            tr(
                "This request was already answered by {name} at {when}.",
                name=decider.full_name if decider else tr("a colleague"),
                when=format_moment(request.decided_at) if request.decided_at else "",
            )
        )
    if request.version != expected_version:
        raise Conflict(
            tr("This request changed since you opened it (a colleague or the member); look again.")
        )
    if kind is not None and request.kind != kind:
        raise ValidationFailed.single("kind", tr("This request is not of that kind."))
    return request


def accept_booking_request(
    session: Session,
    actor: Actor,
    request_id: int,
    expected_version: int,
    choice: SlotChoice,
    visit_type_code: str | None = None,
) -> AppointmentRow:
    """Validate a booking request by booking the chosen slot (refused whole, the request
    left pending, when the slot breaks a rule)."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    request = _pending(session, request_id, expected_version, RequestKind.BOOKING)
    visit = visit_type_code or request.visit_type_code
    if request.employee_id is None or visit is None:
        raise ValidationFailed(
            [
                FieldError(
                    "employee",
                    tr("This request names no employee or no visit: refuse it with a reason."),
                )
            ]
        )
    appointment = create_appointment(
        session, actor, request.employee_id, visit, choice, request_id=request.id
    )
    decide(
        session,
        actor,
        request,
        RequestStatus.ACCEPTED,
        tr("Booking request validated"),
        appointment_id=appointment.id,
    )
    return appointment_row(session, actor, appointment.id)


def refuse_request(
    session: Session, actor: Actor, request_id: int, expected_version: int, reason: str
) -> None:
    """Refuse a booking or cancellation request; the member reads ``reason`` on the portal."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            [FieldError("reason", tr("Reason: the member reads it on the portal; it is required."))]
        )
    request = _pending(session, request_id, expected_version)
    summary = tr("Request refused: {reason}", reason=reason)
    decide(session, actor, request, RequestStatus.REFUSED, summary, refusal_reason=reason)


def late_cancellation_reason(session: Session) -> str:
    """The reason proposed when refusing a late cancellation; the member reads it on the
    portal, so it is written in French like the letters."""
    return (
        f"Demande d'annulation reçue moins de {notice_hours(session)} heures avant le "
        "rendez-vous : conformément aux conditions du service, le rendez-vous est maintenu. "
        "Une absence non excusée pourra être facturée."
    )


def accept_cancellation_request(
    session: Session,
    actor: Actor,
    request_id: int,
    expected_version: int,
    *,
    accept_late: bool = False,
) -> AppointmentRow:
    """Cancel the appointment the member asked to cancel; a late request only with
    ``accept_late`` (an exception the assistant decides, kept in the audit trail)."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    request = _pending(session, request_id, expected_version, RequestKind.CANCELLATION)
    assert request.appointment_id is not None  # a CHECK constraint
    row = request_row(session, actor, request.id)
    if row.late and not accept_late:
        raise ValidationFailed.single(
            "late",
            tr(
                "This cancellation was asked {hours} hours before the visit, less than the "
                "{notice} hours the service requires: refuse it, or accept it as an exception.",
                hours=row.hours_notice,
                notice=notice_hours(session),
            ),
        )
    current = session.get(Appointment, request.appointment_id)
    assert current is not None
    appointment = locked_appointment(session, current.id, current.version)
    cancel(session, actor, appointment, "Annulation demandée par l'adhérent sur le portail")
    summary = (
        tr("Late cancellation request accepted as an exception")
        if row.late
        else tr("Cancellation request accepted")
    )
    decide(session, actor, request, RequestStatus.ACCEPTED, summary)
    return appointment_row(session, actor, appointment.id)


# -- claims ---------------------------------------------------------------------------------


def claim_request(
    session: Session, actor: Actor, request_id: int, *, take_over: bool = False
) -> RequestRow:
    """Say "I am handling this one" so that colleagues see it in the queue; a colleague's
    recent claim is taken over only when asked."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    request = _locked(session, request_id)
    if request.status != RequestStatus.PENDING:
        return request_row(session, actor, request.id)
    recent = request.claimed_at is not None and request.claimed_at > clock.now() - timedelta(
        minutes=CLAIM_MINUTES
    )
    if request.claimed_by_id not in (None, actor.staff_id) and recent and not take_over:
        colleague = session.get(StaffUser, request.claimed_by_id)
        raise RequestClaimed(
            tr(
                "{name} has been handling this request since {time}.",
                name=colleague.full_name if colleague else tr("a colleague"),
                time=clock.local(request.claimed_at).strftime("%H:%M"),
            )
        )
    request.claimed_by_id = actor.staff_id
    request.claimed_at = clock.now()
    session.flush()
    return request_row(session, actor, request.id)


def release_request(session: Session, actor: Actor, request_id: int) -> None:
    """Give a request back to the queue (the assistant closed it without answering)."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    request = session.get(AppointmentRequest, request_id)
    if request is not None and request.claimed_by_id == actor.staff_id:
        request.claimed_by_id = None
        request.claimed_at = None
        session.flush()


class RequestClaimed(Conflict):
    """A colleague is handling the request right now."""

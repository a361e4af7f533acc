"""The answer to a portal booking request, by e-mail to the member's convocation contact:
the slot confirmed, or the refusal with its reason. Queued in the outbox with the
decision, when a mail server is set and the member takes its documents by e-mail."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    Appointment,
    AppointmentRequest,
    Employee,
    Member,
    RequestKind,
    RequestStatus,
    VisitCentre,
    VisitType,
)
from backoffice.services.mail import documents as mail_documents
from backoffice.services.mail.documents import Delivery, day
from backoffice.services.permissions import Actor


def mail_answer(session: Session, actor: Actor, request: AppointmentRequest) -> int | None:
    """Queue the answer to ``request`` (just decided); the message's id, or None."""
    if not mail_documents.mail_enabled(session):
        return None
    member = session.get(Member, request.member_id)
    if member is None or not mail_documents.by_email(member, Delivery.PREFERENCE):
        return None
    confirmed = request.status == RequestStatus.ACCEPTED
    if confirmed and (request.kind != RequestKind.BOOKING or request.appointment_id is None):
        return None  # an accepted cancellation: the portal shows it
    employee = session.get(Employee, request.employee_id) if request.employee_id else None
    visit = session.get(VisitType, request.visit_type_code) if request.visit_type_code else None
    values = {
        "employee_name": f"{employee.first_name} {employee.last_name.upper()}" if employee else "",
        "visit_type": visit.label.lower() if visit else "visite",
        "request_date": day(clock.local(request.submitted_at)),
    }
    if confirmed:
        appointment = session.get(Appointment, request.appointment_id)
        assert appointment is not None
        centre = session.get(VisitCentre, appointment.centre_id)
        assert centre is not None
        visit = session.get(VisitType, appointment.visit_type_code) or visit
        starts = clock.local(appointment.starts_at)
        values |= {
            "visit_type": visit.label.lower() if visit else "visite",
            "visit_date": day(starts),
            "visit_time": f"{starts:%H:%M}",
            "centre": centre.name,
            "centre_address": ", ".join(
                part
                for part in (
                    centre.address_line1,
                    centre.address_line2,
                    f"{centre.postcode} {centre.city}",
                )
                if part
            ),
        }
    else:
        values["reason"] = request.refusal_reason or "—"
    outcome = mail_documents.appointment_answer(
        session, actor, member, request_id=request.id, confirmed=confirmed, values=values
    )
    return outcome.message_id

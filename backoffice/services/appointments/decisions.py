"""Answering a portal request: its new status, who decided and when, the audit event, the
e-mail to the member (``answers``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import AppointmentRequest, RequestStatus
from backoffice.services import audit
from backoffice.services.appointments import answers
from backoffice.services.permissions import Actor

DECIDED = ("status", "appointment_id", "refusal_reason")


def decide(
    session: Session,
    actor: Actor,
    request: AppointmentRequest,
    status: RequestStatus,
    summary: str,
    *,
    appointment_id: int | None = None,
    refusal_reason: str | None = None,
) -> None:
    """Accept or refuse ``request`` (the caller checked it is still pending); the claim
    on it ends with the decision."""
    before = audit.snapshot(request, DECIDED)
    request.status = status
    request.decided_at = clock.now()
    request.decided_by_id = actor.staff_id
    request.claimed_by_id = None
    request.claimed_at = None
    if appointment_id is not None:
        request.appointment_id = appointment_id
    if refusal_reason is not None:
        request.refusal_reason = refusal_reason
    session.flush()
    action = "accept" if status == RequestStatus.ACCEPTED else "refuse"
    audit.record(
        session,
        actor,
        f"appointment_request.{action}",
        "appointment_request",
        request.id,
        member_id=request.member_id,
        summary=summary,
        before=before,
        after=audit.snapshot(request, DECIDED),
    )
    answers.mail_answer(session, actor, request)

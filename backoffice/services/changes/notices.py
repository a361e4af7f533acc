"""The member's answer to its portal request, by e-mail: approved (what changes, from
when) or rejected (the staff member's reason). Queued in the outbox with the decision,
when a mail server is set and the member takes its documents by e-mail; a partial
approval is an approval listing the fields accepted (the portal shows the others' reasons).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import ChangeKind, ChangeStatus, Member
from backoffice.services.changes.fields import display
from backoffice.services.changes.plans import Plan
from backoffice.services.mail import documents as mail_documents
from backoffice.services.mail.documents import Delivery, day
from backoffice.services.permissions import Actor

# The member's e-mails are French whatever the staff's language.
KIND_TEXT = {
    ChangeKind.COMPANY_RECORD: "modification de la fiche de l'entreprise",
    ChangeKind.SITUATION: "changement de situation",
    ChangeKind.SEPA_OPT_IN: "adhésion au prélèvement SEPA",
    ChangeKind.EMPLOYEE_ADDED: "ajout d'un salarié",
    ChangeKind.EMPLOYEE_EXITED: "sortie d'un salarié",
    ChangeKind.EMPLOYEE_UPDATED: "modification d'un salarié",
}


def mail_decisions(session: Session, actor: Actor, plans: list[Plan]) -> list[int]:
    """Queue the answer of each decided request; returns the messages' ids."""
    if not plans or not mail_documents.mail_enabled(session):
        return []
    queued = []
    for plan in plans:
        request = plan.request
        if plan.status == ChangeStatus.DUPLICATE or request.member_id is None:
            continue
        member = session.get(Member, request.member_id)
        if member is None or not mail_documents.by_email(member, Delivery.PREFERENCE):
            continue
        kind = KIND_TEXT.get(request.kind, "demande")
        if request.employee_label:
            kind = f"{kind} : {request.employee_label}"
        values = {
            "request_date": day(clock.local(request.submitted_at)),
            "change_kind": kind,
        }
        approved = plan.status in (ChangeStatus.APPROVED, ChangeStatus.PARTIALLY_APPROVED)
        if approved:
            values["effective_date"] = day(plan.effective_on or clock.today())
            values["changes"] = "\n".join(
                f"- {item.label} : {display(item.spec, item.submitted, item.risk_labels) or '—'}"
                for item in plan.approved
            )
        else:
            values["reason"] = plan.reason or "—"
        outcome = mail_documents.change_decision(
            session, actor, member, request_id=request.id, approved=approved, values=values
        )
        queued.append(outcome.message_id)
    return queued

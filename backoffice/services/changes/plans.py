"""The plan of a decision: each field approved or rejected, checked whole against the
assessment before anything is written; then written for a whole batch with one UPDATE per
table and one audit event per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import ChangeRequest, ChangeRequestField, ChangeStatus
from backoffice.models.change_requests import FieldDecision
from backoffice.services import audit
from backoffice.services.changes import fields as catalogue
from backoffice.services.changes.assessment import Assessment, FieldAssessment
from backoffice.services.changes.facts import RequestFacts
from backoffice.services.errors import Conflict, FieldError, ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.tracking import mark_touched


@dataclass(frozen=True)
class FieldChoice:
    approve: bool
    reason: str | None = None  # shown to the member when the field is rejected
    confirm_conflict: bool = False  # approve over a value that changed since the request


@dataclass
class Plan:
    assessment: Assessment
    status: ChangeStatus
    fields: dict[str, tuple[FieldDecision, str | None, str | None]]  # decision, reason, value
    effective_on: date | None = None
    reason: str | None = None
    duplicate_of: int | None = None
    approved: list[FieldAssessment] = field(default_factory=list)

    @property
    def request(self) -> RequestFacts:
        return self.assessment.request


def make_plan(assessment: Assessment, choices: dict[str, FieldChoice]) -> Plan:
    errors = choice_errors(assessment, choices)
    if errors:
        raise ValidationFailed(errors)
    decided: dict[str, tuple[FieldDecision, str | None, str | None]] = {}
    approved = []
    for item in assessment.fields:
        choice = choices[item.name]
        if choice.approve:
            decided[item.name] = (FieldDecision.APPROVED, None, item.expected)
            approved.append(item)
        else:
            decided[item.name] = (
                FieldDecision.REJECTED,
                (choice.reason or "").strip(),
                item.current,
            )
    reasons = list(dict.fromkeys(reason for d, reason, _v in decided.values() if reason))
    if not approved:
        status = ChangeStatus.REJECTED
    elif len(approved) < len(assessment.fields):
        status = ChangeStatus.PARTIALLY_APPROVED
    else:
        status = ChangeStatus.APPROVED
    return Plan(
        assessment,
        status,
        decided,
        effective_on=assessment.effective_on if approved else None,
        reason="; ".join(reasons) or None,
        approved=approved,
    )


def choice_errors(assessment: Assessment, choices: dict[str, FieldChoice]) -> list[FieldError]:
    kind = assessment.request.kind
    errors = []
    approving = any(choice.approve for choice in choices.values())
    if approving and assessment.refusal:
        return [FieldError("request", assessment.refusal)]
    for item in assessment.fields:
        choice = choices.get(item.name)
        if choice is None:
            errors.append(
                FieldError(item.name, tr("{field}: approve or reject it.", field=item.label))
            )
        elif choice.approve and item.problem:
            errors.append(FieldError(item.name, item.problem))
        elif choice.approve and item.conflict and not choice.confirm_conflict:
            errors.append(
                FieldError(
                    item.name,
                    tr(
                        "{field}: {conflict} Confirm that the submitted value replaces it, or "
                        "reject it.",
                        field=item.label,
                        conflict=item.conflict,
                    ),
                )
            )
        elif not choice.approve and not (choice.reason or "").strip():
            errors.append(
                FieldError(
                    item.name,
                    tr(
                        "{field}: give the reason shown to the member for rejecting it.",
                        field=item.label,
                    ),
                )
            )
    if errors:
        return errors
    if approving and assessment.blocking:  # a field the request cannot do without is absent
        return [FieldError("request", assessment.blocking)]
    present = {item.name: item for item in assessment.fields}
    for group in catalogue.GROUPS.get(kind, ()):
        members = [name for name in group if name in present]
        if len({choices[name].approve for name in members}) > 1:
            errors.append(
                FieldError(
                    members[0],
                    tr(
                        "{fields}: approve or reject them together.",
                        fields=", ".join(present[name].label for name in members),
                    ),
                )
            )
    for name in catalogue.CORE_FIELDS.get(kind, ()):
        if approving and name in present and not choices[name].approve:
            errors.append(
                FieldError(
                    name,
                    tr(
                        "{field} is needed to approve this request: approve it, or reject the "
                        "whole request.",
                        field=present[name].label,
                    ),
                )
            )
    return errors


# -- writing ----------------------------------------------------------------------------------


def write(session: Session, actor: Actor, plans: list[Plan]) -> None:
    """The decisions of ``plans``: one UPDATE per table for the batch, one audit event per
    request."""
    if not plans:
        return
    now = clock.now()
    requests = ChangeRequest.__table__
    result = session.execute(
        update(requests)
        .where(requests.c.id == bindparam("b_id"), requests.c.status == ChangeStatus.PENDING)
        .values(
            status=bindparam("b_status"),
            effective_on=bindparam("b_effective_on"),
            rejection_reason=bindparam("b_reason"),
            duplicate_of_id=bindparam("b_duplicate_of"),
            reviewed_by_id=actor.staff_id,
            reviewed_at=now,
            claimed_by_id=None,
            claimed_at=None,
            version=requests.c.version + 1,
        ),
        [
            {
                "b_id": plan.request.id,
                "b_status": plan.status,
                "b_effective_on": plan.effective_on,
                "b_reason": plan.reason,
                "b_duplicate_of": plan.duplicate_of,
            }
            for plan in plans
        ],
    )
    if session.bind.dialect.supports_sane_multi_rowcount and result.rowcount != len(plans):  # type: ignore[union-attr]
        raise Conflict(tr("Another reviewer decided on some of these requests at the same time."))
    fields = ChangeRequestField.__table__
    session.execute(
        update(fields)
        .where(fields.c.id == bindparam("b_id"))
        .values(
            decision=bindparam("b_decision"),
            decision_reason=bindparam("b_reason"),
            value_at_review=bindparam("b_value"),
        ),
        [
            {"b_id": facts.id, "b_decision": decision, "b_reason": reason, "b_value": value}
            for plan in plans
            for facts in plan.request.fields
            for decision, reason, value in [plan.fields[facts.name]]
        ],
    )
    mark_touched(session, "change_requests", {plan.request.id for plan in plans})
    for plan in plans:
        _audit(session, actor, plan)


def _audit(session: Session, actor: Actor, plan: Plan) -> None:
    request, kind_label = plan.request, catalogue.kind_label(plan.request.kind)
    rejected = [item for item in plan.assessment.fields if item not in plan.approved]
    if plan.status == ChangeStatus.DUPLICATE:
        action = "change.duplicate"
        summary = tr("{kind}: duplicate of request {id}", kind=kind_label, id=plan.duplicate_of)
    elif plan.status == ChangeStatus.REJECTED:
        action = "change.reject"
        summary = tr(
            "{kind} rejected ({fields}): {reason}",
            kind=kind_label,
            fields=", ".join(item.label for item in rejected),
            reason=plan.reason or "",
        )
    else:
        action = "change.approve"
        summary = tr(
            "{kind} approved (request {id}), effective on {date}",
            kind=kind_label,
            id=request.id,
            date=format_day(plan.effective_on) if plan.effective_on else "",
        )
        if rejected:
            summary += " — " + tr(
                "rejected: {fields} ({reason})",
                fields=", ".join(item.label for item in rejected),
                reason=plan.reason or "",
            )
    audit.record(
        session,
        actor,
        action,
        "change_request",
        request.id,
        member_id=request.member_id,
        summary=summary,
        before={item.name: item.current for item in plan.approved} or None,
        after={item.name: item.submitted for item in plan.approved} or None,
    )

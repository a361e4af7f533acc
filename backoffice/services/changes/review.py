"""One request as the review screen shows it: who sent it and when, each field current vs
submitted, the warnings, the consequences of approving, and who holds it."""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day, format_moment
from backoffice.i18n import tr
from backoffice.models import (
    AccountingFirm,
    AccountKind,
    ChangeKind,
    ChangeStatus,
    PortalAccount,
    StaffUser,
)
from backoffice.services import visibility
from backoffice.services.changes import claims, timing
from backoffice.services.changes.assessment import Assessment, FieldAssessment, assess_many
from backoffice.services.changes.consequences import consequences
from backoffice.services.changes.facts import RequestFacts, load_requests
from backoffice.services.errors import Conflict, NotFound
from backoffice.services.permissions import Actor, Permission, allows, current_role, require
from backoffice.services.visibility import FieldGroup, Visibility


@dataclass(frozen=True)
class ReviewDetail:
    id: int
    kind: ChangeKind
    status: ChangeStatus
    member_id: int | None
    member_code: str
    member_name: str
    employee_label: str | None
    submitted_at: datetime
    age_days: int
    submitted_by: str
    comment: str | None
    fields: tuple[FieldAssessment, ...]
    warnings: tuple[str, ...]
    consequences: tuple[str, ...]
    effective_on: date
    refusal: str | None  # why it can only be rejected (or closed as a duplicate)
    blocking: str | None  # why it cannot be approved (the refusal, or an invalid key value)
    duplicate_of: int | None
    holder: claims.Holder | None  # a colleague reviewing it now
    decided: str | None  # for a request already decided: by whom, when, with what effect

    @property
    def pending(self) -> bool:
        return self.status == ChangeStatus.PENDING


def submitter_label(kind: AccountKind | None, firm_name: str | None) -> str:
    if kind == AccountKind.FIRM:
        return tr("{firm} (accounting firm)", firm=firm_name or "")
    return tr("the member") if kind == AccountKind.MEMBER else tr("unknown account")


def review_detail(session: Session, actor: Actor, request_id: int) -> ReviewDetail:
    require(session, actor, Permission.CHANGES_VIEW)
    request = load_requests(session, [request_id]).get(request_id)
    if request is None:
        raise NotFound(tr("This request no longer exists."))
    assessed, records = assess_many(session, {request_id: request})
    assessment = assessed[request_id]
    holder = (
        claims.holder_of(session, request_id) if request.status == ChangeStatus.PENDING else None
    )
    if holder is not None and holder.staff_id == actor.staff_id:
        holder = None
    member = records.members.get(request.member_id or 0)
    return ReviewDetail(
        id=request.id,
        kind=request.kind,
        status=request.status,
        member_id=request.member_id if member else None,
        member_code=request.member_code,
        member_name=(member["trade_name"] or member["legal_name"]) if member else "",
        employee_label=request.employee_label,
        submitted_at=request.submitted_at,
        age_days=timing.age_in_days(request.submitted_at, clock.today()),
        submitted_by=_submitter(session, request.submitted_by_account_id),
        comment=request.comment,
        fields=_seen_fields(visibility.of(session, actor), request.kind, assessment.fields),
        warnings=tuple(_warnings(session, assessment, holder, member)),
        consequences=tuple(consequences(session, assessment, records))
        if request.status == ChangeStatus.PENDING and assessment.blocking is None
        else (),
        effective_on=request.effective_on or assessment.effective_on,
        refusal=assessment.refusal,
        blocking=assessment.blocking,
        duplicate_of=assessment.duplicate_of,
        holder=holder,
        decided=None
        if request.status == ChangeStatus.PENDING
        else decision_summary(session, request),
    )


def _seen_fields(
    seen: Visibility, kind: ChangeKind, fields: tuple[FieldAssessment, ...]
) -> tuple[FieldAssessment, ...]:
    """The fields with the values the role may not see left out (need to know: billing
    staff read an employee's change without its birth date or risk factors); the row
    stays, so that they know that the field changes."""
    return tuple(_seen_field(seen, kind, field) for field in fields)


def _seen_field(seen: Visibility, kind: ChangeKind, field: FieldAssessment) -> FieldAssessment:
    if not seen.sees_change_field(kind, field.name):
        return _without_values(field)
    if field.risk_labels and not seen.sees(FieldGroup.HEALTH):
        return _without_risk_labels(field)
    return field


def _without_risk_labels(field: FieldAssessment) -> FieldAssessment:
    """The risk factors' names serve only to show an employee's risks."""
    hidden = copy.copy(field)
    hidden.risk_labels = {}
    return hidden


def _without_values(field: FieldAssessment) -> FieldAssessment:
    hidden = copy.copy(field)
    hidden.shown = hidden.current = hidden.submitted = hidden.expected = None
    hidden.conflict = hidden.problem = hidden.note = None
    hidden.risk_labels = {}
    return hidden


def open_for_review(session: Session, actor: Actor, request_id: int) -> ReviewDetail:
    """The review screen's opening: a reviewer takes the request (unless a colleague holds
    it, whom the detail then names); a viewer only reads it."""
    require(session, actor, Permission.CHANGES_VIEW)
    if allows(current_role(session, actor), Permission.CHANGES_REVIEW):
        with contextlib.suppress(Conflict):  # decided meanwhile: the detail says by whom
            claims.claim(session, actor, request_id)
    return review_detail(session, actor, request_id)


def _submitter(session: Session, account_id: int | None) -> str:
    row = session.execute(
        select(PortalAccount.kind, AccountingFirm.name)
        .outerjoin(AccountingFirm, AccountingFirm.id == PortalAccount.firm_id)
        .where(PortalAccount.id == account_id)
    ).first()
    return submitter_label(row[0], row[1]) if row else submitter_label(None, None)


def _warnings(
    session: Session,
    assessment: Assessment,
    holder: claims.Holder | None,
    member: dict | None,
) -> list[str]:
    found = []
    if holder is not None:
        found.append(claims.held_message(holder))
    if assessment.blocking:
        found.append(assessment.blocking)
    if assessment.out_of_period:
        (start_month, start_day), (end_month, end_day) = timing.lock_period(session)
        found.append(
            tr(
                "Sent while “Mes salariés” was closed for the annual declaration "
                "({start} – {end}): check it against the member's declaration.",
                start=f"{start_day:02d}/{start_month:02d}",
                end=f"{end_day:02d}/{end_month:02d}",
            )
        )
    if assessment.record_changed and not any(field.conflict for field in assessment.fields):
        found.append(tr("The member's record changed since the member opened the form."))
    if assessment.member_ceased and member is not None:
        found.append(
            tr(
                "This member ceased its activity on {date}.",
                date=format_day(member["ceased_on"]),
            )
        )
    return found


def decision_summary(session: Session, request: RequestFacts) -> str:
    """Who decided a request, when, and with what effect, in one sentence."""
    name = session.scalar(select(StaffUser.full_name).where(StaffUser.id == request.reviewed_by_id))
    when = format_moment(request.reviewed_at) if request.reviewed_at else ""
    if request.status in (ChangeStatus.APPROVED, ChangeStatus.PARTIALLY_APPROVED):
        effect = (
            tr("applied on {date}", date=format_day(clock.local(request.applied_at)))
            if request.applied_at
            else tr("takes effect on {date}", date=format_day(request.effective_on))
            if request.effective_on
            else ""
        )
        return tr(
            "Approved by {name} on {when}; {effect}.", name=name or "", when=when, effect=effect
        )
    if request.status == ChangeStatus.WITHDRAWN:
        return tr("Withdrawn by the member on the portal.")
    if request.status == ChangeStatus.DUPLICATE:
        return tr(
            "Closed by {name} on {when} as a duplicate of request {id}.",
            name=name or "",
            when=when,
            id=request.duplicate_of_id,
        )
    return tr(
        "Rejected by {name} on {when}: {reason}",
        name=name or "",
        when=when,
        reason=request.rejection_reason or "",
    )

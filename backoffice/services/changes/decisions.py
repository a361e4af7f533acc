"""Deciding on requests: approve all or some fields, reject with a reason the member sees,
close a repeated request as a duplicate, approve many simple requests at once.

A decision takes the request's row lock (PostgreSQL ``FOR UPDATE``; SQLite's write
transaction is exclusive) and re-reads its status under it: of two reviewers deciding at
the same moment, the second finds it decided and is told by whom; nothing is written
twice. Decisions are checked and written by ``plans``, a whole batch at once, so that
approving a thousand requests costs little more than the bare updates. An approval
records the effective date; the change applies then (``apply``), or at once when the
delay is zero.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import ChangeStatus, StaffUser
from backoffice.models.change_requests import FieldDecision
from backoffice.services.changes import apply, claims, notices
from backoffice.services.changes.assessment import Assessment, assess_many
from backoffice.services.changes.facts import RequestFacts, chunks, load_requests
from backoffice.services.changes.plans import FieldChoice, Plan, make_plan, write
from backoffice.services.changes.review import decision_summary
from backoffice.services.errors import Conflict, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent

BULK_CHUNK = 250


@dataclass(frozen=True)
class DecisionOutcome:
    request_id: int
    status: ChangeStatus
    effective_on: date | None
    applied: bool  # applied at once (no delay configured)
    approved: tuple[str, ...]
    rejected: tuple[str, ...]


@dataclass(frozen=True)
class BulkOutcome:
    approved: tuple[int, ...]
    skipped: tuple[tuple[int, str], ...]  # (request, why it was left in the queue)
    effective_on: date | None


# -- single requests -------------------------------------------------------------------------


def approve(
    session: Session, actor: Actor, request_id: int, choices: dict[str, FieldChoice]
) -> DecisionOutcome:
    """Decide field by field: approved fields take effect on the effective date, rejected
    ones get their reason. Refused whole (nothing written) when a choice is missing, an
    approved value is invalid, or a conflict is approved without confirmation."""
    require(session, actor, Permission.CHANGES_REVIEW)
    assessment = _assess_locked(session, actor, request_id)
    plan = make_plan(assessment, choices)
    write(session, actor, [plan])
    applied = _apply_if_due(session, actor, [plan])
    notices.mail_decisions(session, actor, [plan])
    return _outcome(plan, applied)


def approve_all(session: Session, actor: Actor, request_id: int) -> DecisionOutcome:
    """Approve every field (conflicts excepted: they still need an explicit choice)."""
    require(session, actor, Permission.CHANGES_REVIEW)
    request = load_requests(session, [request_id]).get(request_id)
    if request is None:
        raise NotFound(tr("This request no longer exists."))
    return approve(
        session, actor, request_id, {f.name: FieldChoice(approve=True) for f in request.fields}
    )


def reject(session: Session, actor: Actor, request_id: int, reason: str) -> DecisionOutcome:
    """Reject the whole request; ``reason`` is shown to the member on the portal."""
    require(session, actor, Permission.CHANGES_REVIEW)
    if not reason.strip():
        raise ValidationFailed.single(
            "reason", tr("Reason: give the reason shown to the member on the portal.")
        )
    assessment = _assess_locked(session, actor, request_id)
    choices = {f.name: FieldChoice(approve=False, reason=reason.strip()) for f in assessment.fields}
    plan = make_plan(assessment, choices)
    write(session, actor, [plan])
    notices.mail_decisions(session, actor, [plan])
    return _outcome(plan, applied=False)


def close_as_duplicate(session: Session, actor: Actor, request_id: int) -> DecisionOutcome:
    """Close a request that repeats one still in progress; the first one is the one
    reviewed."""
    require(session, actor, Permission.CHANGES_REVIEW)
    assessment = _assess_locked(session, actor, request_id)
    if assessment.duplicate_of is None:
        raise ValidationFailed.single(
            "request", tr("This request repeats no other request in progress.")
        )
    reason = tr(
        "Request already received (request {id}): it is processed once.",
        id=assessment.duplicate_of,
    )
    plan = make_plan(assessment, {f.name: FieldChoice(False, reason) for f in assessment.fields})
    plan.status, plan.duplicate_of = ChangeStatus.DUPLICATE, assessment.duplicate_of
    write(session, actor, [plan])
    return _outcome(plan, applied=False)


def _assess_locked(session: Session, actor: Actor, request_id: int) -> Assessment:
    request = load_requests(session, [request_id], lock=True).get(request_id)
    if request is None:
        raise NotFound(tr("This request no longer exists."))
    refusal = _not_decidable(session, actor, request)
    if refusal:
        raise Conflict(refusal)
    assessed, _records = assess_many(session, {request_id: request})
    return assessed[request_id]


def _not_decidable(
    session: Session, actor: Actor, request: RequestFacts, names: dict[int, str] | None = None
) -> str | None:
    """Why ``actor`` cannot decide on the request now (decided already, or a colleague
    holds it), or None."""
    if request.status != ChangeStatus.PENDING:
        return tr(
            "This request was decided in the meantime: {decision} Nothing was changed.",
            decision=decision_summary(session, request),
        )
    if (
        request.claimed_by_id is not None
        and request.claimed_by_id != actor.staff_id
        and claims.is_fresh(request.claimed_at, clock.now())
    ):
        name = (names or {}).get(request.claimed_by_id) or session.scalar(
            select(StaffUser.full_name).where(StaffUser.id == request.claimed_by_id)
        )
        holder = claims.Holder(request.claimed_by_id, name or "", request.claimed_at)  # type: ignore[arg-type]
        return claims.held_message(holder) + " " + tr("Take it over to decide on it.")
    return None


# -- many requests ---------------------------------------------------------------------------


def approve_many(
    session: Session, actor: Actor, request_ids: Collection[int], progress: Progress | None = None
) -> BulkOutcome:
    """Approve, whole, each of the simple requests among ``request_ids`` (company-record
    changes without conflict or error); the others stay in the queue, each with its
    reason. A request is never half approved."""
    require(session, actor, Permission.CHANGES_REVIEW)
    progress = progress or silent()
    ordered = list(dict.fromkeys(request_ids))
    approved: list[int] = []
    skipped: list[tuple[int, str]] = []
    effective_on = None
    for done, part in enumerate(chunks(ordered, BULK_CHUNK)):
        progress.check()
        plans = _bulk_plans(session, actor, part, skipped)
        write(session, actor, plans)
        _apply_if_due(session, actor, plans)
        notices.mail_decisions(session, actor, plans)
        approved += [plan.request.id for plan in plans]
        effective_on = effective_on or next((p.effective_on for p in plans), None)
        finished = min(len(ordered), (done + 1) * BULK_CHUNK)
        progress.step(
            finished,
            len(ordered),
            tr("{done} of {total} requests processed", done=finished, total=len(ordered)),
        )
    return BulkOutcome(tuple(approved), tuple(skipped), effective_on)


def _bulk_plans(
    session: Session, actor: Actor, ids: list[int], skipped: list[tuple[int, str]]
) -> list[Plan]:
    requests = load_requests(session, ids, lock=True)
    holders = {r.claimed_by_id for r in requests.values() if r.claimed_by_id}
    names = dict(
        session.execute(
            select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(holders))
        ).all()
    )
    decidable = {}
    for request_id in ids:
        request = requests.get(request_id)
        why = (
            tr("This request no longer exists.")
            if request is None
            else _not_decidable(session, actor, request, names)
        )
        if why:
            skipped.append((request_id, why))
        else:
            decidable[request_id] = request
    assessed, _records = assess_many(session, decidable)
    plans = []
    for request_id, assessment in assessed.items():
        why = _not_simple(assessment)
        if why:
            skipped.append((request_id, why))
        else:
            all_fields = {f.name: FieldChoice(approve=True) for f in assessment.fields}
            plans.append(make_plan(assessment, all_fields))
    return plans


def _not_simple(assessment: Assessment) -> str | None:
    if assessment.simple:
        return None
    if assessment.refusal:
        return assessment.refusal
    for item in assessment.fields:
        if item.problem:
            return item.problem
        if item.conflict:
            return tr("{field}: {conflict}", field=item.label, conflict=item.conflict)
    return tr("Only company-record changes are approved in bulk: review this one on its own.")


def _apply_if_due(session: Session, actor: Actor, plans: list[Plan]) -> bool:
    """With no delay configured, an approved change applies at once."""
    today = clock.today()
    due = [p.request.id for p in plans if p.effective_on is not None and p.effective_on <= today]
    if due:
        apply.apply_requests(session, actor, due)
    return bool(due)


def _outcome(plan: Plan, applied: bool) -> DecisionOutcome:
    return DecisionOutcome(
        plan.request.id,
        plan.status,
        plan.effective_on,
        applied,
        tuple(item.name for item in plan.approved),
        tuple(
            name
            for name, (decision, _r, _v) in plan.fields.items()
            if decision != FieldDecision.APPROVED
        ),
    )

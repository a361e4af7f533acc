"""A member's approved changes still waiting for their effective date (the member page
shows them, so that nobody is surprised when they apply)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.models import ChangeKind, ChangeRequest, RiskFactor
from backoffice.services import visibility
from backoffice.services.changes import fields as catalogue
from backoffice.services.changes.facts import DECIDED_APPROVED, load_requests
from backoffice.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class ScheduledChange:
    request_id: int
    kind: ChangeKind
    kind_label: str
    effective_on: date
    employee_label: str | None
    values: tuple[tuple[str, str], ...]  # (field label, new value as displayed)


def scheduled_changes(session: Session, actor: Actor, member_id: int) -> list[ScheduledChange]:
    require(session, actor, Permission.MEMBERS_VIEW)
    ids = session.scalars(
        select(ChangeRequest.id).where(
            ChangeRequest.member_id == member_id,
            ChangeRequest.status.in_(DECIDED_APPROVED),
            ChangeRequest.applied_at.is_(None),
        )
    ).all()
    if not ids:
        return []
    labels = dict(session.execute(select(RiskFactor.code, RiskFactor.label)).all())
    seen = visibility.of(session, actor)
    found = []
    for request in load_requests(session, ids).values():
        if not seen.sees_change(request.kind):
            continue  # need to know: a SEPA opt-in is not shown to a medical assistant
        specs = [
            (catalogue.spec_of(request.kind, f.name), f)
            for f in request.approved_fields
            if seen.sees_change_field(request.kind, f.name)  # need to know: the others absent
        ]
        found.append(
            ScheduledChange(
                request.id,
                request.kind,
                catalogue.kind_label(request.kind),
                request.effective_on or date.min,
                request.employee_label,
                tuple(
                    (spec.label, catalogue.display(spec, f.submitted, labels)) for spec, f in specs
                ),
            )
        )
    return sorted(found, key=lambda change: (change.effective_on, change.request_id))

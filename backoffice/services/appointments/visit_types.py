"""Kinds of visit and their usual length (VIP, SIR hiring exam, periodic, reprise...).

The codes are references shared with the portal and the appointments: a kind is never
deleted, only its label, length and flags change (existing appointments keep their times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import VisitType
from backoffice.services import audit
from backoffice.services.errors import FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,19}$")
FIELDS = ("label", "duration_minutes", "is_hiring_visit", "by_doctor_only", "position")


@dataclass(frozen=True)
class VisitTypeRow:
    code: str
    label: str
    duration_minutes: int
    is_hiring_visit: bool = False
    by_doctor_only: bool = False
    position: int = 0


def list_visit_types(session: Session, actor: Actor) -> list[VisitTypeRow]:
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    return [
        _row(visit)
        for visit in session.scalars(select(VisitType).order_by(VisitType.position, VisitType.code))
    ]


def _row(visit: VisitType) -> VisitTypeRow:
    return VisitTypeRow(visit.code, *(getattr(visit, name) for name in FIELDS))


def save_visit_type(
    session: Session, actor: Actor, values: VisitTypeRow, *, create: bool
) -> VisitTypeRow:
    require(session, actor, Permission.CARE_NETWORK_MANAGE)
    errors = []
    existing = session.get(VisitType, values.code)
    if create and not _CODE.match(values.code):
        errors.append(
            FieldError(
                "code",
                tr("Code: 2 to 20 lower-case letters, digits or _, starting with a letter."),
            )
        )
    elif create and existing is not None:
        errors.append(FieldError("code", tr("Code: {code} exists already.", code=values.code)))
    if not create and existing is None:
        raise NotFound(tr("This kind of visit no longer exists."))
    if not values.label.strip():
        errors.append(FieldError("label", tr("Label is required.")))
    if not 5 <= values.duration_minutes <= 240:
        errors.append(FieldError("duration_minutes", tr("Length: between 5 and 240 minutes.")))
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(existing, FIELDS) if existing is not None else None
    visit = existing or VisitType(code=values.code)
    if existing is None:
        visit.position = (session.scalar(select(func.max(VisitType.position))) or 0) + 1
        session.add(visit)
    visit.label = values.label.strip()
    visit.duration_minutes = values.duration_minutes
    visit.is_hiring_visit = values.is_hiring_visit
    visit.by_doctor_only = values.by_doctor_only
    session.flush()
    audit.record(
        session,
        actor,
        "visit_type.create" if before is None else "visit_type.edit",
        "visit_type",
        None,
        summary=visit.code,
        before=before,
        after=audit.snapshot(visit, FIELDS),
    )
    return _row(visit)

"""Proposing free slots for an employee: by default those of the member's referent
professional at the member's visit centre, within the period the member wished."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    ConsultationSession,
    Employee,
    HealthProfessional,
    ProfessionalKind,
    VisitCentre,
    VisitType,
)
from backoffice.services.appointments.availability import (
    availabilities,
    employee_busy,
    opening_hours,
)
from backoffice.services.appointments.periods import days_between
from backoffice.services.appointments.rules import employee_member
from backoffice.services.appointments.slots import free_slots
from backoffice.services.errors import NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 120


@dataclass(frozen=True)
class ProposedSlot:
    professional_id: int
    professional: str
    centre_id: int
    centre: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Proposals:
    professional_id: int | None  # None: every professional consulting at the centre
    centre_id: int | None
    first_day: date
    last_day: date
    duration_minutes: int
    slots: list[ProposedSlot]
    note: str = ""  # why the defaults were not the referent's, when they were not
    limited: bool = False  # more free slots exist than the ones returned


@dataclass(frozen=True)
class SlotSearch:
    employee_id: int
    visit_type_code: str
    professional_id: int | None = None  # None: the member's referent
    centre_id: int | None = None  # None: the member's centre
    first_day: date | None = None
    last_day: date | None = None
    limit: int = 80
    excluding: int | None = None  # an appointment being moved
    any_professional: bool = False  # every professional of the centre, not the referent


def window(first: date | None, last: date | None) -> tuple[date, date]:
    """The days to search: the wished period, never before today, at most four months."""
    today = clock.today()
    start = max(first or today, today)
    end = last if last is not None and last >= start else start + timedelta(DEFAULT_WINDOW_DAYS)
    return start, min(end, start + timedelta(MAX_WINDOW_DAYS))


def _consulting_at(session: Session, centre_id: int, doctors_only: bool) -> list[int]:
    statement = (
        select(HealthProfessional.id)
        .join(ConsultationSession)
        .where(ConsultationSession.centre_id == centre_id, HealthProfessional.is_active)
        .distinct()
    )
    if doctors_only:
        statement = statement.where(HealthProfessional.kind == ProfessionalKind.DOCTOR)
    return list(session.scalars(statement))


def propose_slots(session: Session, actor: Actor, search: SlotSearch) -> Proposals:
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    employee = session.get(Employee, search.employee_id)
    visit_type = session.get(VisitType, search.visit_type_code)
    if employee is None:
        raise NotFound(tr("This employee no longer exists."))
    if visit_type is None:
        raise ValidationFailed.single("visit_type", tr("Visit type: choose a kind of visit."))
    member = employee_member(session, employee)
    centre_id = search.centre_id or member.visit_centre_id
    professional_id = None if search.any_professional else search.professional_id
    note = ""
    if professional_id is None and not search.any_professional:
        professional_id = member.referent_professional_id
        if professional_id is None:
            note = tr("The member has no referent professional: every professional is shown.")
    if centre_id is None:
        centre_id = session.scalar(
            select(ConsultationSession.centre_id).where(
                ConsultationSession.professional_id == professional_id
            )
        )
    first, last = window(search.first_day, search.last_day)
    if centre_id is None:
        return Proposals(professional_id, None, first, last, visit_type.duration_minutes, [], note)
    ids = (
        [professional_id]
        if professional_id is not None
        else _consulting_at(session, centre_id, visit_type.by_doctor_only)
    )
    found = _find(session, ids, centre_id, first, last, employee.id, visit_type, search)
    if not found and professional_id is not None and search.professional_id is None:
        note = tr("The referent professional has no free slot at this centre in the period.")
    limited = len(found) >= search.limit
    return Proposals(
        professional_id, centre_id, first, last, visit_type.duration_minutes, found, note, limited
    )


def _find(
    session: Session,
    professional_ids: list[int],
    centre_id: int,
    first: date,
    last: date,
    employee_id: int,
    visit_type: VisitType,
    search: SlotSearch,
) -> list[ProposedSlot]:
    names = {
        p.id: p.display_name
        for p in session.scalars(
            select(HealthProfessional).where(HealthProfessional.id.in_(professional_ids))
        )
    }
    centre = session.get(VisitCentre, centre_id)
    opening = opening_hours(session, [centre_id])
    busy = employee_busy(session, employee_id, first, last, excluding=search.excluding)
    days = days_between(first, last)
    now = clock.now()
    found = []
    for availability in availabilities(
        session, professional_ids, first, last, excluding=search.excluding
    ).values():
        slots = free_slots(
            availability,
            opening,
            days,
            visit_type.duration_minutes,
            not_before=now,
            centre_id=centre_id,
            employee_busy=busy,
        )
        found += [
            ProposedSlot(
                slot.professional_id,
                names.get(slot.professional_id, ""),
                slot.centre_id,
                centre.name if centre else "",
                slot.starts_at,
                slot.ends_at,
            )
            for slot in itertools.islice(slots, search.limit)
        ]
    found.sort(key=lambda slot: (slot.starts_at, slot.professional))
    return found[: search.limit]

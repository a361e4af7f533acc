"""The short lists the appointment screens choose from: centres, professionals, kinds of
visit, and employees found by name or member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backoffice.models import (
    Employee,
    FollowUpCategory,
    HealthProfessional,
    Member,
    MemberStatus,
    ProfessionalKind,
    VisitCentre,
    VisitType,
)
from backoffice.services.appointments.queries import employee_label, member_label
from backoffice.services.permissions import Actor, Permission, require
from backoffice.text import fold


@dataclass(frozen=True)
class CentreChoice:
    id: int
    code: str
    name: str
    is_active: bool


@dataclass(frozen=True)
class ProfessionalChoice:
    id: int
    name: str
    kind: ProfessionalKind
    is_active: bool
    centre_ids: frozenset[int]  # where they consult


@dataclass(frozen=True)
class VisitChoice:
    code: str
    label: str
    duration_minutes: int
    by_doctor_only: bool


@dataclass(frozen=True)
class NetworkChoices:
    centres: list[CentreChoice]
    professionals: list[ProfessionalChoice]
    visit_types: list[VisitChoice]

    def centre(self, centre_id: int | None) -> CentreChoice | None:
        return next((c for c in self.centres if c.id == centre_id), None)

    def professional(self, professional_id: int | None) -> ProfessionalChoice | None:
        return next((p for p in self.professionals if p.id == professional_id), None)


def network_choices(session: Session, actor: Actor) -> NetworkChoices:
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    centres = [
        CentreChoice(c.id, c.code, c.name, c.is_active)
        for c in session.scalars(select(VisitCentre).order_by(VisitCentre.name))
    ]
    professionals = [
        ProfessionalChoice(
            p.id, p.display_name, p.kind, p.is_active, frozenset(s.centre_id for s in p.sessions)
        )
        for p in session.scalars(
            select(HealthProfessional).order_by(
                HealthProfessional.last_name, HealthProfessional.first_name
            )
        )
    ]
    visits = [
        VisitChoice(v.code, v.label, v.duration_minutes, v.by_doctor_only)
        for v in session.scalars(select(VisitType).order_by(VisitType.position, VisitType.code))
    ]
    return NetworkChoices(centres, professionals, visits)


@dataclass(frozen=True)
class EmployeeChoice:
    id: int
    employee: str
    category: FollowUpCategory
    job_title: str | None
    exited_on: date | None
    member_id: int
    member_code: str
    member_name: str
    centre_id: int | None
    referent_id: int | None


def search_employees(
    session: Session, actor: Actor, text: str, limit: int = 100
) -> list[EmployeeChoice]:
    """Employees of active members whose name, or whose member's name, code or city,
    contains every word typed."""
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    tokens = fold(text).split()
    if not tokens:
        return []
    statement = (
        select(Employee, Member)
        .join(Member, Employee.member_id == Member.id)
        .where(Member.status == MemberStatus.ACTIVE)
    )
    for token in tokens:
        pattern = f"%{token}%"
        statement = statement.where(
            or_(
                Member.search_text.like(pattern),
                Employee.last_name.ilike(pattern),
                Employee.first_name.ilike(pattern),
            )
        )
    rows = session.execute(
        statement.order_by(Employee.exited_on.is_not(None), Employee.last_name).limit(limit)
    )
    return [
        EmployeeChoice(
            employee.id,
            employee_label(employee.last_name, employee.first_name),
            employee.follow_up_category,
            employee.job_title,
            employee.exited_on,
            member.id,
            member.member_code,
            member_label(member.trade_name, member.legal_name),
            member.visit_centre_id,
            member.referent_professional_id,
        )
        for employee, member in rows
    ]

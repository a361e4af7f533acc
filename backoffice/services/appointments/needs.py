"""Employees who need a visit: new hires without a hiring visit, and employees whose
periodic visit falls due (every ``appointments.periodic_interval_months[category]``
months after the last visit, or after hiring when there was none).

Both lists read ``employees.last_visit_on`` (kept by the outcomes) and never aggregate
the appointments, so that they stay fast with a million employees.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    AppointmentRequest,
    AppointmentStatus,
    Employee,
    FollowUpCategory,
    HealthProfessional,
    Member,
    MemberStatus,
    RequestKind,
    RequestStatus,
    VisitCentre,
    VisitType,
)
from backoffice.services import settings as settings_service
from backoffice.services.appointments.periods import add_months
from backoffice.services.appointments.queries import employee_label, member_label
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.text import fold

PERIODIC_VISIT = "periodique"
HIRING_VISIT = {FollowUpCategory.SIR: "examen_sir"}  # others: the VIP
DEFAULT_HIRING_VISIT = "vip_embauche"
VIP_DELAY_MONTHS = 3  # the VIP takes place within three months of hiring (R. 4624-10)
INTERVAL_KEY = "appointments.periodic_interval_months"


class NeedKind(enum.StrEnum):
    HIRING = "hiring"
    PERIODIC = "periodic"


@dataclass(frozen=True)
class NeedQuery:
    kind: NeedKind
    due_by: date | None = None  # periodic: due on or before (default: in 60 days)
    hired_since: date | None = None  # hiring: hired on or after (default: 6 months ago)
    centre_id: int | None = None
    category: FollowUpCategory | None = None
    text: str = ""
    limit: int = 2000


@dataclass(frozen=True)
class NeedRow:
    employee_id: int
    employee: str
    job_title: str | None
    category: FollowUpCategory
    hired_on: date
    last_visit_on: date | None
    due_on: date
    member_id: int
    member_code: str
    member_name: str
    centre_id: int | None
    centre: str
    referent_id: int | None
    referent: str
    visit_type_code: str
    request_pending: bool  # the member already asked for a visit on the portal

    @property
    def overdue(self) -> bool:
        return self.due_on < clock.today()


@dataclass(frozen=True)
class NeedList:
    rows: list[NeedRow]
    total: int
    intervals: dict[str, int]


def intervals(session: Session) -> dict[str, int]:
    value = settings_service.get(session, INTERVAL_KEY)
    return {category.value: int(value[category.value]) for category in FollowUpCategory}


def visit_for(kind: NeedKind, category: FollowUpCategory) -> str:
    if kind == NeedKind.PERIODIC:
        return PERIODIC_VISIT
    return HIRING_VISIT.get(category, DEFAULT_HIRING_VISIT)


def _base(query: NeedQuery) -> Select:
    referent = aliased(HealthProfessional)
    statement = (
        select(Employee, Member, VisitCentre.name, referent)
        .join(Member, Employee.member_id == Member.id)
        .outerjoin(VisitCentre, Member.visit_centre_id == VisitCentre.id)
        .outerjoin(referent, Member.referent_professional_id == referent.id)
        .where(Employee.exited_on.is_(None), Member.status == MemberStatus.ACTIVE)
    )
    if query.centre_id is not None:
        statement = statement.where(Member.visit_centre_id == query.centre_id)
    if query.category is not None:
        statement = statement.where(Employee.follow_up_category == query.category)
    for token in fold(query.text).split():
        pattern = f"%{token}%"
        statement = statement.where(
            or_(Member.search_text.like(pattern), Employee.last_name.ilike(pattern))
        )
    return statement


def _hiring(query: NeedQuery) -> Select:
    since = query.hired_since or clock.today() - timedelta(days=183)
    hiring_visit = exists().where(
        Appointment.employee_id == Employee.id,
        Appointment.status.in_([AppointmentStatus.CONFIRMED, AppointmentStatus.ATTENDED]),
        Appointment.visit_type_code == VisitType.code,
        VisitType.is_hiring_visit,
    )
    return (
        _base(query)
        .where(
            Employee.hired_on >= since,
            or_(Employee.last_visit_on.is_(None), Employee.last_visit_on < Employee.hired_on),
            ~hiring_visit,
        )
        .order_by(Employee.hired_on, Employee.id)
    )


def _periodic(query: NeedQuery, category: FollowUpCategory, months: int) -> Select:
    due_by = query.due_by or clock.today() + timedelta(days=60)
    base_day = func.coalesce(Employee.last_visit_on, Employee.hired_on)
    booked = exists().where(
        Appointment.employee_id == Employee.id,
        Appointment.status == AppointmentStatus.CONFIRMED,
        Appointment.starts_at >= clock.now(),
    )
    return (
        _base(query)
        .where(
            Employee.follow_up_category == category,
            base_day <= add_months(due_by, -months),
            ~booked,
        )
        .order_by(base_day, Employee.id)
    )


def _due_on(kind: NeedKind, employee: Employee, months: dict[str, int]) -> date:
    if kind == NeedKind.HIRING:
        if employee.follow_up_category == FollowUpCategory.SIR:
            return employee.hired_on  # the SIR exam comes before the assignment
        return add_months(employee.hired_on, VIP_DELAY_MONTHS)
    base = employee.last_visit_on or employee.hired_on
    return add_months(base, months[employee.follow_up_category.value])


def _count(session: Session, statement: Select) -> int:
    return (
        session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )


def employees_needing_visit(session: Session, actor: Actor, query: NeedQuery) -> NeedList:
    """The employees of the list ``query.kind``, soonest due first (at most ``limit``)."""
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    months = intervals(session)
    if query.kind == NeedKind.HIRING:
        statements = [_hiring(query)]
    else:
        categories = [query.category] if query.category else list(FollowUpCategory)
        statements = [_periodic(query, c, months[c.value]) for c in categories]
    total = sum(_count(session, statement) for statement in statements)
    results = [session.execute(statement.limit(query.limit)).all() for statement in statements]
    rows = sorted(
        (
            _row(query.kind, employee, member, centre, referent, months)
            for employee, member, centre, referent in itertools.chain(*results)
        ),
        key=lambda row: (row.due_on, row.employee),
    )[: query.limit]
    pending = _pending_requests(session, [row.employee_id for row in rows])
    rows = [replace(row, request_pending=row.employee_id in pending) for row in rows]
    return NeedList(rows, total, months)


def _row(
    kind: NeedKind,
    employee: Employee,
    member: Member,
    centre: str | None,
    referent: HealthProfessional | None,
    months: dict[str, int],
) -> NeedRow:
    return NeedRow(
        employee.id,
        employee_label(employee.last_name, employee.first_name),
        employee.job_title,
        employee.follow_up_category,
        employee.hired_on,
        employee.last_visit_on,
        _due_on(kind, employee, months),
        member.id,
        member.member_code,
        member_label(member.trade_name, member.legal_name),
        member.visit_centre_id,
        centre or "",
        member.referent_professional_id,
        referent.display_name if referent else "",
        visit_for(kind, employee.follow_up_category),
        False,
    )


def _pending_requests(session: Session, employee_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for chunk in range(0, len(employee_ids), 900):
        found.update(
            session.scalars(
                select(AppointmentRequest.employee_id).where(
                    AppointmentRequest.employee_id.in_(employee_ids[chunk : chunk + 900]),
                    AppointmentRequest.kind == RequestKind.BOOKING,
                    AppointmentRequest.status == RequestStatus.PENDING,
                )
            )
        )
    return found


def set_intervals(session: Session, actor: Actor, values: dict[str, int]) -> dict[str, int]:
    """Change the months between periodic visits (administrators)."""
    require(session, actor, Permission.SETTINGS_MANAGE)
    errors = []
    cleaned = {}
    for category in FollowUpCategory:
        value = values.get(category.value)
        if not isinstance(value, int) or not 1 <= value <= 120:
            errors.append(
                FieldError(
                    category.value,
                    tr(
                        "Interval {category}: give a number of months between 1 and 120.",
                        category=category.value.upper(),
                    ),
                )
            )
        else:
            cleaned[category.value] = value
    if errors:
        raise ValidationFailed(errors)
    settings_service.put_many(session, actor, {INTERVAL_KEY: cleaned})
    return cleaned

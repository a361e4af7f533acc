"""Reading appointments: the member page's tab, the day lists, what a change returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    Employee,
    HealthProfessional,
    Member,
    VisitCentre,
    VisitType,
)
from backoffice.services.errors import NotFound
from backoffice.services.permissions import Actor, Permission, require
from backoffice.text import fold


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    starts_at: datetime
    ends_at: datetime
    employee_id: int
    employee: str
    visit_type: str
    professional: str
    centre: str
    status: AppointmentStatus
    member_id: int
    member_code: str = ""
    member_name: str = ""
    visit_type_code: str = ""
    professional_id: int = 0
    centre_id: int = 0
    version: int = 1
    cancellation_reason: str | None = None


def employee_label(last_name: str, first_name: str) -> str:
    return f"{last_name.upper()} {first_name}"


def member_label(trade_name: str | None, legal_name: str) -> str:
    return trade_name or legal_name


@dataclass(frozen=True)
class AppointmentFilter:
    ids: Sequence[int] | None = None
    member_id: int | None = None
    first_day: date | None = None
    last_day: date | None = None
    centre_id: int | None = None
    professional_id: int | None = None
    statuses: Sequence[AppointmentStatus] | None = None
    text: str = ""


def _statement(query: AppointmentFilter) -> Select:
    statement = (
        select(
            Appointment,
            Employee.last_name,
            Employee.first_name,
            VisitType.label,
            HealthProfessional,
            VisitCentre.name,
            Member.member_code,
            Member.trade_name,
            Member.legal_name,
        )
        .join(Employee, Appointment.employee_id == Employee.id)
        .join(Member, Appointment.member_id == Member.id)
        .join(VisitType, Appointment.visit_type_code == VisitType.code)
        .join(HealthProfessional, Appointment.professional_id == HealthProfessional.id)
        .join(VisitCentre, Appointment.centre_id == VisitCentre.id)
    )
    if query.ids is not None:
        statement = statement.where(Appointment.id.in_(list(query.ids)))
    if query.member_id is not None:
        statement = statement.where(Appointment.member_id == query.member_id)
    if query.first_day is not None:
        statement = statement.where(
            Appointment.starts_at >= clock.start_of_local_day(query.first_day)
        )
    if query.last_day is not None:
        statement = statement.where(Appointment.starts_at < clock.end_of_local_day(query.last_day))
    if query.centre_id is not None:
        statement = statement.where(Appointment.centre_id == query.centre_id)
    if query.professional_id is not None:
        statement = statement.where(Appointment.professional_id == query.professional_id)
    if query.statuses:
        statement = statement.where(Appointment.status.in_(list(query.statuses)))
    for token in fold(query.text).split():
        pattern = f"%{token}%"
        statement = statement.where(
            or_(
                Member.search_text.like(pattern),
                Employee.last_name.ilike(pattern),
                Employee.first_name.ilike(pattern),
            )
        )
    return statement


def appointment_rows(
    session: Session, actor: Actor, query: AppointmentFilter, *, newest_first: bool = False
) -> list[AppointmentRow]:
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    order = Appointment.starts_at.desc() if newest_first else Appointment.starts_at
    rows = session.execute(_statement(query).order_by(order, Appointment.id))
    return [
        AppointmentRow(
            a.id,
            a.starts_at,
            a.ends_at,
            a.employee_id,
            employee_label(last, first),
            label,
            professional.display_name,
            centre,
            a.status,
            a.member_id,
            code,
            member_label(trade, legal),
            a.visit_type_code,
            a.professional_id,
            a.centre_id,
            a.version,
            a.cancellation_reason,
        )
        for a, last, first, label, professional, centre, code, trade, legal in rows
    ]


def appointment_row(session: Session, actor: Actor, appointment_id: int) -> AppointmentRow:
    rows = appointment_rows(session, actor, AppointmentFilter(ids=[appointment_id]))
    if not rows:
        raise NotFound(tr("This appointment no longer exists."))
    return rows[0]


def member_appointments(session: Session, actor: Actor, member_id: int) -> list[AppointmentRow]:
    return appointment_rows(
        session, actor, AppointmentFilter(member_id=member_id), newest_first=True
    )

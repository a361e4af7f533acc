"""Reading appointments (the member page's tab, lists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.models import (
    Appointment,
    AppointmentStatus,
    Employee,
    HealthProfessional,
    VisitCentre,
    VisitType,
)
from backoffice.services.permissions import Actor, Permission, require


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


def member_appointments(session: Session, actor: Actor, member_id: int) -> list[AppointmentRow]:
    require(actor, Permission.APPOINTMENTS_VIEW)
    rows = session.execute(
        select(
            Appointment,
            Employee.last_name,
            Employee.first_name,
            VisitType.label,
            HealthProfessional,
            VisitCentre.name,
        )
        .join(Employee, Appointment.employee_id == Employee.id)
        .join(VisitType)
        .join(HealthProfessional)
        .join(VisitCentre)
        .where(Appointment.member_id == member_id)
        .order_by(Appointment.starts_at.desc())
    )
    return [
        AppointmentRow(
            a.id,
            a.starts_at,
            a.ends_at,
            a.employee_id,
            f"{last.upper()} {first}",
            label,
            professional.display_name,
            centre,
            a.status,
            a.member_id,
        )
        for a, last, first, label, professional, centre in rows
    ]

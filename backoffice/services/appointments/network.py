"""What the care-network screens share: weekday names, version checks, and the
appointments to come that a change of hours or sessions would strand."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import Appointment, AppointmentStatus, HealthProfessional, VisitCentre
from backoffice.services import audit, validation
from backoffice.services.appointments.periods import Period, WeeklyHours, within_hours
from backoffice.services.appointments.rules import describe
from backoffice.services.errors import Conflict, NotFound
from backoffice.services.permissions import Actor


def weekday_name(weekday: int) -> str:
    return (
        tr("Monday"),
        tr("Tuesday"),
        tr("Wednesday"),
        tr("Thursday"),
        tr("Friday"),
        tr("Saturday"),
        tr("Sunday"),
    )[weekday]


def require_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise Conflict(
            tr("Someone else changed this record since you opened it; reload it and try again.")
        )


Record = TypeVar("Record", VisitCentre, HealthProfessional)


def record_to_edit(
    session: Session, model: type[Record], record_id: int | None, expected_version: int | None
) -> Record | None:
    """The record being changed, as the user saw it; None for a new one."""
    if record_id is None:
        return None
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(tr("This record no longer exists."))
    require_version(record.version, expected_version)
    return record


def apply_values(record: object, values: object, fields: tuple[str, ...]) -> None:
    """Copy the form's values as stored (``validation.as_stored``); blank texts are NULL."""
    for name in fields:
        value = getattr(values, name)
        if isinstance(value, str):
            value = validation.as_stored(name, value) or None
        setattr(record, name, value)


def audit_saved(
    session: Session,
    actor: Actor,
    kind: str,
    record: VisitCentre | HealthProfessional,
    before: dict[str, object] | None,
    after: dict[str, object],
    summary: str,
) -> None:
    audit.record(
        session,
        actor,
        f"{kind}.{'create' if before is None else 'edit'}",
        record.__tablename__.removesuffix("s"),
        record.id,
        summary=summary,
        before=before,
        after=after,
    )


def future_appointments(
    session: Session, *, centre_id: int | None = None, professional_id: int | None = None
) -> list[Appointment]:
    """Confirmed appointments to come, in time order, of a centre or a professional."""
    statement = select(Appointment).where(
        Appointment.status == AppointmentStatus.CONFIRMED, Appointment.starts_at > clock.now()
    )
    if centre_id is not None:
        statement = statement.where(Appointment.centre_id == centre_id)
    if professional_id is not None:
        statement = statement.where(Appointment.professional_id == professional_id)
    return list(session.scalars(statement.order_by(Appointment.starts_at)))


def outside(
    appointments: list[Appointment],
    hours: tuple[WeeklyHours, ...] | Callable[[Appointment], tuple[WeeklyHours, ...]],
) -> list[str]:
    """The appointments (described) that do not fit in ``hours`` (or in the hours the
    callable gives for each appointment)."""
    stranded = []
    for appointment in appointments:
        period = Period(appointment.starts_at, appointment.ends_at)
        allowed = hours(appointment) if callable(hours) else hours
        if not within_hours(period, allowed):
            stranded.append(describe(period))
    return stranded

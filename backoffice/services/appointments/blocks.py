"""Blocked periods in a professional's agenda (leave, training, meeting).

A block over booked appointments is refused (they are moved first); a block is removed
when the professional is available after all — it is a planning note, not a legal record,
and its creation and removal are in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import (
    AgendaBlock,
    Appointment,
    AppointmentStatus,
    HealthProfessional,
    VisitCentre,
)
from backoffice.services import audit
from backoffice.services.appointments.periods import Period
from backoffice.services.appointments.rules import describe
from backoffice.services.errors import FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

AUDITED = ("professional_id", "centre_id", "starts_at", "ends_at", "reason")


@dataclass(frozen=True)
class BlockRow:
    id: int
    professional_id: int
    centre_id: int | None
    starts_at: datetime
    ends_at: datetime
    reason: str


def _errors(
    session: Session,
    professional_id: int,
    centre_id: int | None,
    period: Period,
    reason: str,
) -> list[FieldError]:
    errors = []
    if session.get(HealthProfessional, professional_id) is None:
        errors.append(FieldError("professional", tr("Professional: choose a doctor or a nurse.")))
    if centre_id is not None and session.get(VisitCentre, centre_id) is None:
        errors.append(FieldError("centre", tr("Centre: choose a visit centre.")))
    if not reason:
        errors.append(FieldError("reason", tr("Reason: say why the agenda is blocked.")))
    if period.ends_at <= period.starts_at:
        errors.append(FieldError("ends_at", tr("End: the block must end after it starts.")))
    elif period.ends_at <= clock.now():
        errors.append(FieldError("ends_at", tr("End: the block is entirely in the past.")))
    if errors:
        return errors
    booked = session.scalars(
        select(Appointment)
        .where(
            Appointment.professional_id == professional_id,
            Appointment.status == AppointmentStatus.CONFIRMED,
            Appointment.starts_at < period.ends_at,
            Appointment.ends_at > period.starts_at,
        )
        .order_by(Appointment.starts_at)
    ).all()
    if centre_id is not None:
        booked = [a for a in booked if a.centre_id == centre_id]
    if booked:
        errors.append(
            FieldError(
                "starts_at",
                ntr(
                    "Period: an appointment is booked in it (on {when}); move or cancel it first.",
                    "Period: {count} appointments are booked in it (the first on {when}); move "
                    "or cancel them first.",
                    len(booked),
                    when=describe(Period(booked[0].starts_at, booked[0].ends_at)),
                ),
            )
        )
    return errors


def add_block(
    session: Session,
    actor: Actor,
    professional_id: int,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    centre_id: int | None = None,
) -> BlockRow:
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    reason = reason.strip()
    errors = _errors(session, professional_id, centre_id, Period(starts_at, ends_at), reason)
    if errors:
        raise ValidationFailed(errors)
    block = AgendaBlock(
        professional_id=professional_id,
        centre_id=centre_id,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason[:200],
        created_by_id=actor.staff_id,
    )
    session.add(block)
    session.flush()
    audit.record(
        session,
        actor,
        "agenda_block.add",
        "agenda_block",
        block.id,
        summary=tr(
            "Agenda blocked on {when}: {reason}",
            when=describe(Period(starts_at, ends_at)),
            reason=reason,
        ),
        after=audit.snapshot(block, AUDITED),
    )
    return BlockRow(block.id, professional_id, centre_id, starts_at, ends_at, block.reason)


def remove_block(session: Session, actor: Actor, block_id: int) -> None:
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    block = session.get(AgendaBlock, block_id)
    if block is None:
        raise NotFound(tr("This blocked period no longer exists."))
    before = audit.snapshot(block, AUDITED)
    session.delete(block)
    session.flush()
    audit.record(
        session,
        actor,
        "agenda_block.remove",
        "agenda_block",
        block_id,
        summary=tr("Blocked period removed: {reason}", reason=before["reason"]),
        before=before,
    )

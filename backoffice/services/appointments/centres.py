"""Visit centres and their opening hours (administrators edit them, everyone reads them).

A change that would leave appointments to come outside the centre's hours, or a centre
closed with appointments still booked there, is refused: they are moved first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.i18n import ntr, tr
from backoffice.models import CentreOpeningHours, ConsultationSession, Member, VisitCentre
from backoffice.services import audit
from backoffice.services.appointments.network import (
    apply_values,
    audit_saved,
    future_appointments,
    outside,
    record_to_edit,
    weekday_name,
)
from backoffice.services.appointments.periods import WeeklyHours
from backoffice.services.errors import FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.validation import (
    check_email,
    check_phone,
    check_postcode,
    check_required,
)


@dataclass(frozen=True)
class CentreValues:
    code: str
    name: str
    address_line1: str
    postcode: str
    city: str
    address_line2: str | None = None
    phone: str | None = None
    email: str | None = None
    access_notes: str | None = None
    is_active: bool = True
    opening: tuple[WeeklyHours, ...] = ()


@dataclass(frozen=True)
class CentreRow:
    id: int
    version: int
    values: CentreValues
    members: int  # members whose visit centre it is
    professionals: int  # professionals consulting there

    @property
    def name(self) -> str:
        return self.values.name


FIELDS = (
    "code",
    "name",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "phone",
    "email",
    "access_notes",
    "is_active",
)


def list_centres(session: Session, actor: Actor, only: int | None = None) -> list[CentreRow]:
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    statement = select(VisitCentre).order_by(VisitCentre.name)
    if only is not None:
        statement = statement.where(VisitCentre.id == only)
    members = dict(
        session.execute(
            select(Member.visit_centre_id, func.count()).group_by(Member.visit_centre_id)
        ).all()
    )
    professionals = dict(
        session.execute(
            select(
                ConsultationSession.centre_id,
                func.count(ConsultationSession.professional_id.distinct()),
            ).group_by(ConsultationSession.centre_id)
        ).all()
    )
    return [
        _row(centre, members.get(centre.id, 0), professionals.get(centre.id, 0))
        for centre in session.scalars(statement)
    ]


def _row(centre: VisitCentre, members: int, professionals: int) -> CentreRow:
    values = CentreValues(
        **{name: getattr(centre, name) for name in FIELDS},
        opening=tuple(
            WeeklyHours(hours.weekday, hours.opens_at, hours.closes_at)
            for hours in sorted(centre.opening_hours, key=lambda h: (h.weekday, h.opens_at))
        ),
    )
    return CentreRow(centre.id, centre.version, values, members, professionals)


def _errors(session: Session, centre_id: int | None, values: CentreValues) -> list[FieldError]:
    checks = [
        ("code", check_required(tr("Code"), values.code)),
        ("name", check_required(tr("Name"), values.name)),
        ("address_line1", check_required(tr("Address"), values.address_line1)),
        ("postcode", check_required(tr("Postcode"), values.postcode)),
        ("postcode", check_postcode(tr("Postcode"), values.postcode)),
        ("city", check_required(tr("City"), values.city)),
        ("phone", check_phone(tr("Phone"), values.phone)),
        ("email", check_email(tr("Email"), values.email)),
    ]
    errors = [FieldError(field, message) for field, message in checks if message]
    same_code = session.scalar(
        select(VisitCentre.id).where(
            VisitCentre.code == values.code.strip(), VisitCentre.id != (centre_id or 0)
        )
    )
    if same_code is not None:
        errors.append(
            FieldError("code", tr("Code: another centre already uses {code}.", code=values.code))
        )
    return errors + hours_errors(values.opening)


def hours_errors(hours: tuple[WeeklyHours, ...], label: str | None = None) -> list[FieldError]:
    """Each period starts before it ends and none overlaps another of the same day."""
    errors = []
    label = label or tr("Opening hours")
    ordered = sorted(hours, key=lambda h: (h.weekday, h.starts))
    for index, period in enumerate(ordered):
        day = weekday_name(period.weekday)
        if period.starts >= period.ends:
            errors.append(
                FieldError(
                    "opening",
                    tr("{label}: on {day}, a period ends before it starts.", label=label, day=day),
                )
            )
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following and following.weekday == period.weekday and following.starts < period.ends:
            errors.append(
                FieldError(
                    "opening",
                    tr("{label}: on {day}, two periods overlap.", label=label, day=day),
                )
            )
    return errors


def save_centre(
    session: Session,
    actor: Actor,
    centre_id: int | None,
    expected_version: int | None,
    values: CentreValues,
) -> CentreRow:
    """Create a centre (``centre_id`` None) or change one, with its opening hours."""
    require(session, actor, Permission.CARE_NETWORK_MANAGE)
    centre = record_to_edit(session, VisitCentre, centre_id, expected_version)
    errors = _errors(session, centre_id, values)
    if centre is not None:
        errors += _booked_errors(session, centre, values)
    if errors:
        raise ValidationFailed(errors)
    before = _snapshot(centre) if centre is not None else None
    if centre is None:
        centre = VisitCentre()
        session.add(centre)
    apply_values(centre, values, FIELDS)
    centre.opening_hours = [
        CentreOpeningHours(weekday=h.weekday, opens_at=h.starts, closes_at=h.ends)
        for h in values.opening
    ]
    session.flush()
    audit_saved(session, actor, "centre", centre, before, _snapshot(centre), centre.name)
    return list_centres(session, actor, only=centre.id)[0]


def _snapshot(centre: VisitCentre) -> dict[str, object]:
    snapshot = audit.snapshot(centre, FIELDS)
    snapshot["opening"] = [
        f"{weekday_name(h.weekday)} {h.opens_at:%H:%M}-{h.closes_at:%H:%M}"
        for h in centre.opening_hours
    ]
    return snapshot


def _booked_errors(session: Session, centre: VisitCentre, values: CentreValues) -> list[FieldError]:
    """Appointments to come that the change would strand."""
    booked = future_appointments(session, centre_id=centre.id)
    if not booked:
        return []
    if not values.is_active:
        return [
            FieldError(
                "is_active",
                ntr(
                    "Active: an appointment to come is booked at this centre; move or cancel "
                    "it before closing the centre.",
                    "Active: {count} appointments to come are booked at this centre; move or "
                    "cancel them before closing it.",
                    len(booked),
                ),
            )
        ]
    stranded = outside(booked, values.opening)
    if stranded:
        return [
            FieldError(
                "opening",
                ntr(
                    "Opening hours: an appointment to come would fall outside them (on {when}).",
                    "Opening hours: {count} appointments to come would fall outside them "
                    "(the first on {when}).",
                    len(stranded),
                    when=stranded[0],
                ),
            )
        ]
    return []


def centre_id_by_code(session: Session, code: str) -> int:
    """The id of the visit centre of ``code`` (``MUL``, any case), refused in French."""
    centre_id = session.scalar(
        select(VisitCentre.id).where(VisitCentre.code == code.strip().upper())
    )
    if centre_id is None:
        raise NotFound(tr("There is no visit centre {code}.", code=code))
    return centre_id

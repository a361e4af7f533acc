"""Health professionals, their weekly consultation sessions, and the members they are
the referent of. Administrators edit them; a change that would strand appointments to
come (sessions removed, professional leaving) is refused until they are moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backoffice.i18n import ntr, tr
from backoffice.models import (
    ConsultationSession,
    HealthProfessional,
    Member,
    ProfessionalKind,
    VisitCentre,
)
from backoffice.services import audit
from backoffice.services.appointments.availability import opening_hours
from backoffice.services.appointments.centres import hours_errors
from backoffice.services.appointments.network import (
    apply_values,
    audit_saved,
    future_appointments,
    outside,
    record_to_edit,
    weekday_name,
)
from backoffice.services.appointments.periods import WeeklyHours, within_hours
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.tracking import mark_touched
from backoffice.services.validation import check_email, check_phone, check_required


@dataclass(frozen=True)
class SessionValues:
    centre_id: int
    weekday: int
    starts_at: time
    ends_at: time
    slot_minutes: int = 15

    @property
    def hours(self) -> WeeklyHours:
        return WeeklyHours(self.weekday, self.starts_at, self.ends_at)


@dataclass(frozen=True)
class ProfessionalValues:
    kind: ProfessionalKind
    title: str
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    secretary_name: str | None = None
    secretary_phone: str | None = None
    secretary_email: str | None = None
    is_active: bool = True
    sessions: tuple[SessionValues, ...] = ()


@dataclass(frozen=True)
class ProfessionalRow:
    id: int
    version: int
    display_name: str
    values: ProfessionalValues
    centres: str  # where they consult, for the list
    members: int  # members whose referent they are


FIELDS = (
    "kind",
    "title",
    "first_name",
    "last_name",
    "email",
    "phone",
    "secretary_name",
    "secretary_phone",
    "secretary_email",
    "is_active",
)


def list_professionals(
    session: Session, actor: Actor, only: int | None = None
) -> list[ProfessionalRow]:
    require(session, actor, Permission.APPOINTMENTS_VIEW)
    centres = dict(session.execute(select(VisitCentre.id, VisitCentre.name)).all())
    members = dict(
        session.execute(
            select(Member.referent_professional_id, func.count()).group_by(
                Member.referent_professional_id
            )
        ).all()
    )
    statement = select(HealthProfessional).order_by(
        HealthProfessional.last_name, HealthProfessional.first_name
    )
    if only is not None:
        statement = statement.where(HealthProfessional.id == only)
    rows = []
    for professional in session.scalars(statement):
        sessions = tuple(
            SessionValues(s.centre_id, s.weekday, s.starts_at, s.ends_at, s.slot_minutes)
            for s in sorted(professional.sessions, key=lambda s: (s.weekday, s.starts_at))
        )
        values = ProfessionalValues(
            **{name: getattr(professional, name) for name in FIELDS}, sessions=sessions
        )
        where = sorted({centres.get(s.centre_id, "") for s in sessions})
        rows.append(
            ProfessionalRow(
                professional.id,
                professional.version,
                professional.display_name,
                values,
                ", ".join(where),
                members.get(professional.id, 0),
            )
        )
    return rows


def _errors(session: Session, values: ProfessionalValues) -> list[FieldError]:
    checks = [
        ("title", check_required(tr("Title"), values.title)),
        ("first_name", check_required(tr("First name"), values.first_name)),
        ("last_name", check_required(tr("Last name"), values.last_name)),
        ("email", check_email(tr("Email"), values.email)),
        ("phone", check_phone(tr("Phone"), values.phone)),
        ("secretary_phone", check_phone(tr("Secretary's phone"), values.secretary_phone)),
        ("secretary_email", check_email(tr("Secretary's email"), values.secretary_email)),
    ]
    errors = [FieldError(field, message) for field, message in checks if message]
    sessions = values.sessions
    errors += [
        FieldError(
            "sessions",
            tr(
                "Sessions: the slots of {day} must last between 5 and 240 minutes.",
                day=weekday_name(s.weekday),
            ),
        )
        for s in sessions
        if not 5 <= s.slot_minutes <= 240
    ]
    errors += [
        FieldError(error.field.replace("opening", "sessions"), error.message)
        for error in hours_errors(tuple(s.hours for s in sessions), tr("Sessions"))
    ]
    errors += _opening_errors(session, sessions)
    return errors


def _opening_errors(session: Session, sessions: tuple[SessionValues, ...]) -> list[FieldError]:
    """Each session lies within the opening hours of its centre."""
    opening = opening_hours(session, {s.centre_id for s in sessions})
    names = dict(session.execute(select(VisitCentre.id, VisitCentre.name)).all())
    errors = []
    for s in sessions:
        if s.centre_id not in names:
            errors.append(FieldError("sessions", tr("Sessions: choose the centre of each one.")))
            continue
        sample = _a_day_of(s.weekday)
        if s.starts_at < s.ends_at and not within_hours(
            s.hours.on(sample), opening.get(s.centre_id, ())
        ):
            errors.append(
                FieldError(
                    "sessions",
                    tr(
                        "Sessions: on {day} from {start} to {end}, {centre} is not open.",
                        day=weekday_name(s.weekday),
                        start=s.starts_at.strftime("%H:%M"),
                        end=s.ends_at.strftime("%H:%M"),
                        centre=names[s.centre_id],
                    ),
                )
            )
    return errors


def _a_day_of(weekday: int) -> date:
    """A day of that weekday, to compare wall-clock hours (a week without a time change)."""
    return date(2024, 1, 1) + timedelta(days=weekday)


def save_professional(
    session: Session,
    actor: Actor,
    professional_id: int | None,
    expected_version: int | None,
    values: ProfessionalValues,
) -> ProfessionalRow:
    """Create a professional (``professional_id`` None) or change one with its sessions."""
    require(session, actor, Permission.CARE_NETWORK_MANAGE)
    professional = record_to_edit(session, HealthProfessional, professional_id, expected_version)
    errors = _errors(session, values)
    if professional is not None:
        errors += _stranding_errors(session, professional, values)
    if errors:
        raise ValidationFailed(errors)
    before = _snapshot(professional) if professional is not None else None
    if professional is None:
        professional = HealthProfessional()
        session.add(professional)
    apply_values(professional, values, FIELDS)
    professional.sessions = [
        ConsultationSession(
            centre_id=s.centre_id,
            weekday=s.weekday,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            slot_minutes=s.slot_minutes,
        )
        for s in values.sessions
    ]
    session.flush()
    after = _snapshot(professional)
    audit_saved(
        session, actor, "professional", professional, before, after, professional.display_name
    )
    return list_professionals(session, actor, only=professional.id)[0]


def _snapshot(professional: HealthProfessional) -> dict[str, object]:
    snapshot = audit.snapshot(professional, FIELDS)
    snapshot["sessions"] = [
        f"{weekday_name(s.weekday)} {s.starts_at:%H:%M}-{s.ends_at:%H:%M} "
        f"centre {s.centre_id} /{s.slot_minutes} min"
        for s in professional.sessions
    ]
    return snapshot


def _stranding_errors(
    session: Session, professional: HealthProfessional, values: ProfessionalValues
) -> list[FieldError]:
    booked = future_appointments(session, professional_id=professional.id)
    errors = []
    if not values.is_active:
        if booked:
            errors.append(
                FieldError(
                    "is_active",
                    ntr(
                        "Active: an appointment to come is booked with this professional; "
                        "move or cancel it first.",
                        "Active: {count} appointments to come are booked with this "
                        "professional; move or cancel them first.",
                        len(booked),
                    ),
                )
            )
        referent_of = session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.referent_professional_id == professional.id)
        )
        if referent_of:
            errors.append(
                FieldError(
                    "is_active",
                    ntr(
                        "Active: this professional is the referent of a member; give it "
                        "another referent first.",
                        "Active: this professional is the referent of {count} members; "
                        "give them another referent first.",
                        referent_of,
                    ),
                )
            )
        return errors
    stranded = outside(
        booked,
        lambda appointment: tuple(
            s.hours for s in values.sessions if s.centre_id == appointment.centre_id
        ),
    )
    if stranded:
        errors.append(
            FieldError(
                "sessions",
                ntr(
                    "Sessions: an appointment to come would fall outside them (on {when}).",
                    "Sessions: {count} appointments to come would fall outside them "
                    "(the first on {when}).",
                    len(stranded),
                    when=stranded[0],
                ),
            )
        )
    return errors


def reassign_members(
    session: Session,
    actor: Actor,
    from_professional_id: int,
    to_professional_id: int,
    centre_id: int | None = None,
) -> int:
    """Give every member whose referent is one professional another referent (a doctor
    leaving, a new sector); only the members of ``centre_id`` when given."""
    require(session, actor, Permission.CARE_NETWORK_MANAGE)
    target = session.get(HealthProfessional, to_professional_id)
    if target is None or not target.is_active or to_professional_id == from_professional_id:
        raise ValidationFailed.single(
            "professional",
            tr("New referent: choose another professional who still consults."),
        )
    condition = Member.referent_professional_id == from_professional_id
    if centre_id is not None:
        condition = condition & (Member.visit_centre_id == centre_id)
    ids = list(session.scalars(select(Member.id).where(condition)))
    if ids:
        session.execute(
            update(Member)
            .where(Member.id.in_(ids))
            .values(referent_professional_id=to_professional_id, version=Member.version + 1)
        )
        mark_touched(session, "members", set(ids))
        for member_id in ids:
            audit.record(
                session,
                actor,
                "member.referent",
                "member",
                member_id,
                member_id=member_id,
                summary=tr("Referent professional: {name}", name=target.display_name),
                before={"referent_professional_id": from_professional_id},
                after={"referent_professional_id": to_professional_id},
            )
    return len(ids)

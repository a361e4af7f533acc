"""A member's cessation or return recorded by staff (a letter, a call), with the same
consequences as a portal request (*changement de situation*): shown before, carried out
by the same code (``services.changes.effects``) — billing stops, employees exited, future
appointments cancelled. A return makes the member active again; its employees who left
stay exited (the present ones are added or imported again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from backoffice import clock, dates
from backoffice.i18n import tr
from backoffice.models import Member, MemberStatus
from backoffice.models.change_requests import SITUATIONS
from backoffice.services import audit, validation
from backoffice.services.changes import effects
from backoffice.services.changes.consequences import situation_consequences
from backoffice.services.changes.fields import situation_label
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

STATE = ["status", "ceased_on", "has_employees"]


@dataclass(frozen=True)
class SituationRecorded:
    member_id: int
    situation: str  # "cessation", "no_employees" or "return"
    on: date
    employees_exited: int
    appointments_cancelled: int


def _member(session: Session, member_id: int, expected_version: int | None = None) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(tr("This member no longer exists."))
    if expected_version is not None and member.version != expected_version:
        raise Conflict(
            tr(
                "This member's record was changed by someone else since you opened it. "
                "Look at it again before recording its situation."
            )
        )
    return member


def _date_problem(member: Member, on: date | None) -> str | None:
    """The date is needed, not before the member joined, and not to come."""
    text = tr("Date of the change")
    if on is None:
        return validation.check_required(text, None)
    if on > clock.today():
        return tr(
            "{field}: {date} is to come; record the change on that day.",
            field=text,
            date=dates.format_day(on),
        )
    return validation.check_date_order(tr("Joined on"), member.joined_on, text, on)


def _check(member: Member, situation: str, on: date | None) -> None:
    errors: list[tuple[str, str]] = []
    if situation not in (*SITUATIONS, "return"):
        errors.append(("situation", tr("{value} is not a change of situation.", value=situation)))
    elif situation == "return" and member.status == MemberStatus.ACTIVE and member.has_employees:
        errors.append(("situation", tr("The member is active: there is nothing to return from.")))
    elif situation != "return" and member.status == MemberStatus.CEASED:
        errors.append(
            (
                "situation",
                tr(
                    "The member already ceased on {date}.",
                    date=dates.format_day(member.ceased_on),
                ),
            )
        )
    message = _date_problem(member, on)
    if message:
        errors.append(("on", message))
    if errors:
        raise ValidationFailed([FieldError(field, text) for field, text in errors])


def consequences(
    session: Session, actor: Actor, member_id: int, situation: str, on: date | None
) -> list[str]:
    """What recording the change does, in sentences shown before it is confirmed."""
    require(session, actor, Permission.MEMBERS_VIEW)
    member = _member(session, member_id)
    _check(member, situation, on)
    assert on is not None
    if situation == "return":
        return return_consequences(member, on)
    return situation_consequences(session, member.id, situation, on, clock.today())


def return_consequences(member: Member, on: date) -> list[str]:
    found = [
        tr(
            "The member is active again from {date}: it is billed from the next invoices.",
            date=dates.format_day(on),
        )
    ]
    if member.status == MemberStatus.CEASED:
        found.append(
            tr(
                "Its employees who left on its cessation stay exited: add or import those "
                "present now."
            )
        )
    return found


def record_situation(
    session: Session,
    actor: Actor,
    member_id: int,
    expected_version: int | None,
    situation: str,
    on: date | None,
) -> SituationRecorded:
    """A cessation, no more employees, or a return (``situation`` "return") on ``on``."""
    require(session, actor, Permission.MEMBERS_EDIT)
    member = _member(session, member_id, expected_version)
    _check(member, situation, on)
    assert on is not None
    before = audit.snapshot(member, STATE)
    exited: list[int] = []
    cancelled: list[int] = []
    if situation == "return":
        member.status, member.ceased_on, member.has_employees = MemberStatus.ACTIVE, None, True
        summary = tr("Return recorded by staff, on {date}", date=dates.format_day(on))
    else:
        exited, cancelled = effects.record_situation(session, actor, member, situation, on)
        summary = tr(
            "{situation} (recorded by staff, on {date}): {employees} employees exited, "
            "{appointments} appointments cancelled",
            situation=situation_label(situation),
            date=dates.format_day(on),
            employees=len(exited),
            appointments=len(cancelled),
        )
    session.flush()
    audit.record(
        session,
        actor,
        "member.situation",
        "member",
        member.id,
        member_id=member.id,
        summary=summary,
        before=before,
        after={**audit.snapshot(member, STATE), "situation": situation, "on": on},
    )
    return SituationRecorded(member.id, situation, on, len(exited), len(cancelled))

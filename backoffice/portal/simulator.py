"""Portal writes: submit a change, declare the workforce, request or cancel a visit, log in.

Each function takes a session and the portal account acting (a member's own login or an
accounting firm acting for one of its members), writes what the portal writes, and leaves
the commit to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backoffice import clock, passwords
from backoffice.models import (
    AccountKind,
    Appointment,
    AppointmentRequest,
    ChangeKind,
    ChangeRequest,
    ChangeRequestField,
    DeclarationSource,
    Employee,
    FirmAccess,
    LoginAttempt,
    Member,
    PortalAccount,
    RequestKind,
    WorkforceDeclaration,
)
from backoffice.models.change_requests import (
    SUBMITTABLE_FIELDS,
    change_fingerprint,
    encode_value,
)
from backoffice.services import audit
from backoffice.services import settings as settings_service


class PortalRefusal(Exception):
    """What the portal itself would refuse (wrong account, locked, bad password...)."""


class LoginOutcome(StrEnum):
    OK = "ok"
    MUST_CHANGE_PASSWORD = "must_change_password"  # first login after a letter
    WRONG_PASSWORD = "wrong_password"
    LOCKED = "locked"  # "votre espace a été bloqué"
    EXPIRED = "expired"  # temporary password too old
    UNKNOWN = "unknown"


def account(session: Session, login: str) -> PortalAccount:
    found = session.scalar(select(PortalAccount).where(PortalAccount.login == login))
    if found is None:
        raise PortalRefusal(f"no portal account {login}")
    return found


def _member_for(session: Session, acting: PortalAccount, member_code: str | None) -> Member:
    """The member the account acts for: its own, or one that gave the firm access."""
    if acting.kind == AccountKind.MEMBER:
        member = acting.member
        if member is None or (member_code and member.member_code != member_code):
            raise PortalRefusal("a member account acts only for its own member")
        return member
    member = session.scalar(select(Member).where(Member.member_code == member_code))
    if member is None:
        raise PortalRefusal(f"unknown member {member_code}")
    granted = session.scalar(
        select(FirmAccess.id).where(
            FirmAccess.firm_id == acting.firm_id,
            FirmAccess.member_id == member.id,
            FirmAccess.revoked_at.is_(None),
        )
    )
    if granted is None:
        raise PortalRefusal(f"firm {acting.login} has no access to {member_code}")
    return member


# -- member changes ----------------------------------------------------------------------


def submit_change(
    session: Session,
    login: str,
    kind: ChangeKind,
    values: dict[str, object],
    *,
    member_code: str | None = None,
    employee_id: int | None = None,
    comment: str | None = None,
    submitted_at: datetime | None = None,
) -> ChangeRequest:
    """Submit a change as the portal does: the fields edited, each with the value the portal
    showed and the value typed. Nothing on the member's record changes."""
    unknown = set(values) - set(SUBMITTABLE_FIELDS[kind])
    if unknown:
        raise PortalRefusal(f"the portal does not submit {sorted(unknown)} for {kind.value}")
    acting = account(session, login)
    member = _member_for(session, acting, member_code)
    employee = session.get(Employee, employee_id) if employee_id else None
    if employee_id and (employee is None or employee.member_id != member.id):
        raise PortalRefusal("the employee does not belong to the member")
    shown_from = (
        employee
        if kind in (ChangeKind.EMPLOYEE_EXITED, ChangeKind.EMPLOYEE_UPDATED)
        else member
        if kind == ChangeKind.COMPANY_RECORD
        else None
    )
    submitted = {name: encode_value(value) for name, value in values.items()}
    request = ChangeRequest(
        kind=kind,
        member_id=member.id,
        member_code=member.member_code,
        employee_id=employee.id if employee else None,
        employee_label=employee.full_name if employee else _new_employee_label(values),
        submitted_at=submitted_at or clock.now(),
        submitted_by_account_id=acting.id,
        member_version_seen=member.version,
        comment=comment,
        fingerprint=change_fingerprint(member.member_code, kind.value, employee_id, submitted),
    )
    for position, (name, value) in enumerate(submitted.items()):
        shown = _shown_value(shown_from, name) if shown_from is not None else None
        request.fields.append(
            ChangeRequestField(
                position=position, field_name=name, shown_value=shown, submitted_value=value
            )
        )
    session.add(request)
    session.flush()
    audit.record(
        session,
        f"portal:{acting.login}",
        "portal.change_submitted",
        "change_request",
        request.id,
        member_id=member.id,
        summary=kind.value,
        after=submitted,
    )
    return request


def _shown_value(record: object, field_name: str) -> str | None:
    if field_name == "risk_factors" and isinstance(record, Employee):
        return encode_value(record.risk_codes)
    return encode_value(getattr(record, field_name, None))


def _new_employee_label(values: dict[str, object]) -> str | None:
    if "last_name" in values:
        return f"{str(values['last_name']).upper()} {values.get('first_name', '')}".strip()
    return None


def withdraw_change(session: Session, login: str, request_id: int) -> None:
    acting = account(session, login)
    changed = session.execute(
        update(ChangeRequest)
        .where(
            ChangeRequest.id == request_id,
            ChangeRequest.status == "pending",
            ChangeRequest.submitted_by_account_id == acting.id,
        )
        .values(status="withdrawn", version=ChangeRequest.version + 1)
    ).rowcount
    if not changed:
        raise PortalRefusal("only a pending request of one's own can be withdrawn")


# -- workforce declaration ---------------------------------------------------------------


def declare_workforce(
    session: Session,
    login: str,
    year: int,
    si: int,
    sia: int,
    sir: int,
    *,
    member_code: str | None = None,
    declared_at: datetime | None = None,
) -> WorkforceDeclaration:
    """The annual declaration; declaring again the same year replaces the counts."""
    if min(si, sia, sir) < 0:
        raise PortalRefusal("headcounts cannot be negative")
    acting = account(session, login)
    member = _member_for(session, acting, member_code)
    declaration = session.scalar(
        select(WorkforceDeclaration).where(
            WorkforceDeclaration.member_id == member.id, WorkforceDeclaration.year == year
        )
    )
    if declaration is None:
        declaration = WorkforceDeclaration(member_id=member.id, year=year)
        session.add(declaration)
    declaration.headcount_si, declaration.headcount_sia, declaration.headcount_sir = si, sia, sir
    declaration.declared_at = declared_at or clock.now()
    declaration.source = DeclarationSource.PORTAL
    declaration.declared_by_account_id = acting.id
    declaration.declared_by_staff_id = None
    session.flush()
    return declaration


# -- appointments ------------------------------------------------------------------------


def request_appointment(
    session: Session,
    login: str,
    employee_id: int,
    visit_type_code: str,
    *,
    wished_from: date | None = None,
    wished_to: date | None = None,
    comment: str | None = None,
    member_code: str | None = None,
    submitted_at: datetime | None = None,
) -> AppointmentRequest:
    acting = account(session, login)
    member = _member_for(session, acting, member_code)
    employee = session.get(Employee, employee_id)
    if employee is None or employee.member_id != member.id:
        raise PortalRefusal("the employee does not belong to the member")
    request = AppointmentRequest(
        kind=RequestKind.BOOKING,
        member_id=member.id,
        employee_id=employee_id,
        visit_type_code=visit_type_code,
        wished_from=wished_from,
        wished_to=wished_to,
        comment=comment,
        submitted_at=submitted_at or clock.now(),
        submitted_by_account_id=acting.id,
    )
    session.add(request)
    session.flush()
    return request


def request_cancellation(
    session: Session,
    login: str,
    appointment_id: int,
    *,
    comment: str | None = None,
    member_code: str | None = None,
    submitted_at: datetime | None = None,
) -> AppointmentRequest:
    acting = account(session, login)
    member = _member_for(session, acting, member_code)
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.member_id != member.id:
        raise PortalRefusal("the appointment does not belong to the member")
    request = AppointmentRequest(
        kind=RequestKind.CANCELLATION,
        member_id=member.id,
        employee_id=appointment.employee_id,
        visit_type_code=appointment.visit_type_code,
        appointment_id=appointment.id,
        comment=comment,
        submitted_at=submitted_at or clock.now(),
        submitted_by_account_id=acting.id,
    )
    session.add(request)
    session.flush()
    return request


# -- logging in --------------------------------------------------------------------------


@dataclass(frozen=True)
class LockRule:
    max_failures: int
    window_minutes: int

    @classmethod
    def of(cls, session: Session) -> LockRule:
        value = settings_service.get(session, "portal.lock_rule")
        return cls(int(value["max_failures"]), int(value["window_minutes"]))

    def reached(self, session: Session, found: PortalAccount, moment: datetime) -> bool:
        """Whether the last ``max_failures`` failures since the counter was last reset (a
        successful login, an unblock, a new letter) all fall within the window: failures
        from before an unblock never count again."""
        if found.failed_attempt_count < self.max_failures:
            return False
        oldest_counted = session.scalar(
            select(LoginAttempt.attempted_at)
            .where(LoginAttempt.account_id == found.id, LoginAttempt.succeeded.is_(False))
            .order_by(LoginAttempt.attempted_at.desc())
            .offset(self.max_failures - 1)
            .limit(1)
        )
        window_start = moment - timedelta(minutes=self.window_minutes)
        return oldest_counted is not None and oldest_counted > window_start


def log_in(
    session: Session,
    login: str,
    password: str,
    *,
    source_address: str = "203.0.113.7",
    at: datetime | None = None,
) -> LoginOutcome:
    """A login attempt on the portal's form: records it, and locks the account after too
    many failures within the window of the shared lock rule."""
    moment = at or clock.now()
    found = session.scalar(select(PortalAccount).where(PortalAccount.login == login))
    if found is None or not found.is_active:
        return LoginOutcome.UNKNOWN
    if found.locked_at is not None:
        _record_attempt(session, found, moment, False, source_address)
        return LoginOutcome.LOCKED
    if not passwords.verify_password(found.password_hash, password):
        _record_attempt(session, found, moment, False, source_address)
        rule = LockRule.of(session)
        found.failed_attempt_count += 1
        if rule.reached(session, found, moment):
            found.locked_at = moment
            found.lock_reason = (
                f"{rule.max_failures} échecs de connexion en moins de {rule.window_minutes} minutes"
            )
            session.flush()
            return LoginOutcome.LOCKED
        session.flush()
        return LoginOutcome.WRONG_PASSWORD
    if found.temporary_password_expires_at and found.temporary_password_expires_at < moment:
        _record_attempt(session, found, moment, False, source_address)
        return LoginOutcome.EXPIRED
    _record_attempt(session, found, moment, True, source_address)
    found.failed_attempt_count = 0
    found.last_login_at = moment
    session.flush()
    return LoginOutcome.MUST_CHANGE_PASSWORD if found.must_change_password else LoginOutcome.OK


def _record_attempt(
    session: Session, found: PortalAccount, moment: datetime, succeeded: bool, source: str
) -> None:
    session.add(
        LoginAttempt(
            account_id=found.id, attempted_at=moment, succeeded=succeeded, source_address=source
        )
    )


def complete_first_login(
    session: Session, login: str, current_password: str, new_password: str, recovery_email: str
) -> None:
    """The portal's first-login form: a new password (6 characters at least) and a
    recovery email, both required."""
    found = account(session, login)
    if not passwords.verify_password(found.password_hash, current_password):
        raise PortalRefusal("wrong current password")
    if len(new_password) < 6:
        raise PortalRefusal("the new password needs at least 6 characters")
    if new_password == current_password:
        raise PortalRefusal("the new password must differ from the one in the letter")
    if "@" not in recovery_email or "." not in recovery_email.rsplit("@", 1)[-1]:
        raise PortalRefusal("the recovery address is not an email address")
    found.password_hash = passwords.hash_password(new_password)
    found.must_change_password = False
    found.temporary_password_expires_at = None
    found.recovery_email = recovery_email
    session.flush()

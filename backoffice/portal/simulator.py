"""Portal writes: submit a change, declare the workforce, request or cancel a visit, log in.

Each function takes a session and the portal account acting (a member's own login or an
accounting firm acting for one of its members), writes what the portal writes, and leaves
the commit to the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session, selectinload

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
    return _members_for(session, [(acting, member_code)])[0]


def _members_for(
    session: Session, asked: Sequence[tuple[PortalAccount, str | None]]
) -> list[Member]:
    """:func:`_member_for` of many (account, member code) pairs, reading the members and
    the firms' accesses in one query each."""
    codes = {code for acting, code in asked if acting.kind != AccountKind.MEMBER and code}
    by_code = {
        member.member_code: member
        for member in session.scalars(select(Member).where(Member.member_code.in_(codes)))
    }
    firm_ids = {acting.firm_id for acting, _code in asked if acting.kind != AccountKind.MEMBER}
    granted = set(
        session.execute(
            select(FirmAccess.firm_id, FirmAccess.member_id).where(
                FirmAccess.firm_id.in_(firm_ids),
                FirmAccess.member_id.in_([member.id for member in by_code.values()]),
                FirmAccess.revoked_at.is_(None),
            )
        )
    )
    members = []
    for acting, member_code in asked:
        if acting.kind == AccountKind.MEMBER:
            member = acting.member
            if member is None or (member_code and member.member_code != member_code):
                raise PortalRefusal("a member account acts only for its own member")
        else:
            member = by_code.get(member_code or "")
            if member is None:
                raise PortalRefusal(f"unknown member {member_code}")
            if (acting.firm_id, member.id) not in granted:
                raise PortalRefusal(f"firm {acting.login} has no access to {member_code}")
        members.append(member)
    return members


def _accounts(session: Session, logins: Iterable[str]) -> dict[str, PortalAccount]:
    """The accounts of ``logins`` (one query), each member's own member loaded with it."""
    wanted = set(logins)
    found = {
        account.login: account
        for account in session.scalars(
            select(PortalAccount)
            .where(PortalAccount.login.in_(wanted))
            .options(selectinload(PortalAccount.member))
        )
    }
    missing = wanted - set(found)
    if missing:
        raise PortalRefusal(f"no portal account {sorted(missing)[0]}")
    return found


# -- member changes ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeSubmission:
    """What the portal sends when a member submits a change (see :func:`submit_change`)."""

    login: str
    kind: ChangeKind
    values: dict[str, object]
    member_code: str | None = None
    employee_id: int | None = None
    comment: str | None = None
    submitted_at: datetime | None = None


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
    submission = ChangeSubmission(
        login, kind, values, member_code, employee_id, comment, submitted_at
    )
    return submit_changes(session, [submission])[0]


def submit_changes(
    session: Session, submissions: Sequence[ChangeSubmission]
) -> list[ChangeRequest]:
    """Many submissions as one (the demo's recent portal activity): the accounts,
    members and employees read in one query each, the requests written in one flush."""
    for submission in submissions:
        unknown = set(submission.values) - set(SUBMITTABLE_FIELDS[submission.kind])
        if unknown:
            raise PortalRefusal(
                f"the portal does not submit {sorted(unknown)} for {submission.kind.value}"
            )
    accounts = _accounts(session, (submission.login for submission in submissions))
    members = _members_for(
        session, [(accounts[item.login], item.member_code) for item in submissions]
    )
    employee_ids = {item.employee_id for item in submissions if item.employee_id}
    employees = {
        employee.id: employee
        for employee in session.scalars(
            select(Employee)
            .where(Employee.id.in_(employee_ids))
            .options(selectinload(Employee.risk_factors))
        )
    }
    requests = [
        _change_request(accounts[item.login], member, employees, item)
        for item, member in zip(submissions, members, strict=True)
    ]
    session.add_all(requests)
    session.flush()
    for item, request in zip(submissions, requests, strict=True):
        audit.record(
            session,
            f"portal:{item.login}",
            "portal.change_submitted",
            "change_request",
            request.id,
            member_id=request.member_id,
            summary=item.kind.value,
            after={field.field_name: field.submitted_value for field in request.fields},
        )
    return requests


def _change_request(
    acting: PortalAccount,
    member: Member,
    employees: dict[int, Employee],
    submission: ChangeSubmission,
) -> ChangeRequest:
    kind, employee_id = submission.kind, submission.employee_id
    employee = employees.get(employee_id) if employee_id else None
    if employee_id and (employee is None or employee.member_id != member.id):
        raise PortalRefusal("the employee does not belong to the member")
    shown_from = (
        employee
        if kind in (ChangeKind.EMPLOYEE_EXITED, ChangeKind.EMPLOYEE_UPDATED)
        else member
        if kind == ChangeKind.COMPANY_RECORD
        else None
    )
    submitted = {name: encode_value(value) for name, value in submission.values.items()}
    request = ChangeRequest(
        kind=kind,
        member_id=member.id,
        member_code=member.member_code,
        employee_id=employee.id if employee else None,
        employee_label=employee.full_name if employee else _new_employee_label(submission.values),
        submitted_at=submission.submitted_at or clock.now(),
        submitted_by_account_id=acting.id,
        member_version_seen=member.version,
        comment=submission.comment,
        fingerprint=change_fingerprint(member.member_code, kind.value, employee_id, submitted),
    )
    for position, (name, value) in enumerate(submitted.items()):
        shown = _shown_value(shown_from, name) if shown_from is not None else None
        request.fields.append(
            ChangeRequestField(
                position=position, field_name=name, shown_value=shown, submitted_value=value
            )
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


@dataclass(frozen=True)
class Declaration:
    """A member's annual workforce declaration (see :func:`declare_workforce`)."""

    login: str
    year: int
    si: int
    sia: int
    sir: int
    member_code: str | None = None
    declared_at: datetime | None = None


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
    declaration = Declaration(login, year, si, sia, sir, member_code, declared_at)
    return declare_workforces(session, [declaration])[0]


def declare_workforces(
    session: Session, declarations: Sequence[Declaration]
) -> list[WorkforceDeclaration]:
    """Many declarations as one: accounts, members and earlier declarations read in one
    query each, written in one flush."""
    if any(min(item.si, item.sia, item.sir) < 0 for item in declarations):
        raise PortalRefusal("headcounts cannot be negative")
    accounts = _accounts(session, (item.login for item in declarations))
    members = _members_for(
        session, [(accounts[item.login], item.member_code) for item in declarations]
    )
    earlier = {
        (found.member_id, found.year): found
        for found in session.scalars(
            select(WorkforceDeclaration).where(
                WorkforceDeclaration.member_id.in_({member.id for member in members}),
                WorkforceDeclaration.year.in_({item.year for item in declarations}),
            )
        )
    }
    written = []
    for item, member in zip(declarations, members, strict=True):
        declaration = earlier.get((member.id, item.year))
        if declaration is None:
            declaration = WorkforceDeclaration(member_id=member.id, year=item.year)
            earlier[member.id, item.year] = declaration
            session.add(declaration)
        declaration.headcount_si = item.si
        declaration.headcount_sia = item.sia
        declaration.headcount_sir = item.sir
        declaration.declared_at = item.declared_at or clock.now()
        declaration.source = DeclarationSource.PORTAL
        declaration.declared_by_account_id = accounts[item.login].id
        declaration.declared_by_staff_id = None
        written.append(declaration)
    session.flush()
    return written


# -- appointments ------------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentAsk:
    """A member asking for a visit of one of its employees (see
    :func:`request_appointment`)."""

    login: str
    employee_id: int
    visit_type_code: str
    wished_from: date | None = None
    wished_to: date | None = None
    comment: str | None = None
    member_code: str | None = None
    submitted_at: datetime | None = None


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
    ask = AppointmentAsk(
        login,
        employee_id,
        visit_type_code,
        wished_from,
        wished_to,
        comment,
        member_code,
        submitted_at,
    )
    return request_appointments(session, [ask])[0]


def request_appointments(
    session: Session, asks: Sequence[AppointmentAsk]
) -> list[AppointmentRequest]:
    """Many requests as one: accounts, members and employees read in one query each,
    written in one flush."""
    accounts = _accounts(session, (ask.login for ask in asks))
    members = _members_for(session, [(accounts[ask.login], ask.member_code) for ask in asks])
    owners = dict(
        session.execute(
            select(Employee.id, Employee.member_id).where(
                Employee.id.in_({ask.employee_id for ask in asks})
            )
        ).all()
    )
    requests = []
    for ask, member in zip(asks, members, strict=True):
        if owners.get(ask.employee_id) != member.id:
            raise PortalRefusal("the employee does not belong to the member")
        requests.append(
            AppointmentRequest(
                kind=RequestKind.BOOKING,
                member_id=member.id,
                employee_id=ask.employee_id,
                visit_type_code=ask.visit_type_code,
                wished_from=ask.wished_from,
                wished_to=ask.wished_to,
                comment=ask.comment,
                submitted_at=ask.submitted_at or clock.now(),
                submitted_by_account_id=accounts[ask.login].id,
            )
        )
    session.add_all(requests)
    session.flush()
    return requests


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

    def reached(self, session: Session, account_id: int, failures: int, moment: datetime) -> bool:
        """Whether the last ``max_failures`` failures since the counter was last reset (a
        successful login, an unblock, a new letter) all fall within the window: failures
        from before an unblock never count again. ``failures`` is the counter as the
        attempt's own increment returned it."""
        if failures < self.max_failures:
            return False
        oldest_counted = session.scalar(
            select(LoginAttempt.attempted_at)
            .where(LoginAttempt.account_id == account_id, LoginAttempt.succeeded.is_(False))
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
        return _failed(session, found.id, moment)
    if found.temporary_password_expires_at and found.temporary_password_expires_at < moment:
        _record_attempt(session, found, moment, False, source_address)
        return LoginOutcome.EXPIRED
    _record_attempt(session, found, moment, True, source_address)
    _bookkeeping(session, found.id, failed_attempt_count=0, last_login_at=moment)
    return LoginOutcome.MUST_CHANGE_PASSWORD if found.must_change_password else LoginOutcome.OK


def _failed(session: Session, account_id: int, moment: datetime) -> LoginOutcome:
    """A wrong password: counted by one atomic increment (concurrent attempts all count),
    then the lock rule; the lock is set once, by whichever attempt reaches it first."""
    failures = session.scalar(
        update(PortalAccount)
        .where(PortalAccount.id == account_id)
        .values(failed_attempt_count=PortalAccount.failed_attempt_count + 1)
        .returning(PortalAccount.failed_attempt_count)
        .execution_options(synchronize_session="fetch")
    )
    rule = LockRule.of(session)
    if not rule.reached(session, account_id, int(failures or 0), moment):
        return LoginOutcome.WRONG_PASSWORD
    _bookkeeping(
        session,
        account_id,
        PortalAccount.locked_at.is_(None),
        locked_at=moment,
        lock_reason=(
            f"{rule.max_failures} échecs de connexion en moins de {rule.window_minutes} minutes"
        ),
    )
    return LoginOutcome.LOCKED


def _bookkeeping(
    session: Session, account_id: int, *conditions: ColumnElement[bool], **values: object
) -> None:
    """The portal's login bookkeeping: one statement on the row, no read-modify-write and
    no new version (a colleague's open form on the account is not made stale by it)."""
    session.execute(
        update(PortalAccount)
        .where(PortalAccount.id == account_id, *conditions)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )


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

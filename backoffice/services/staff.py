"""Staff accounts: logging in (with slow-down and lock), passwords, and their management.

Repeated failures slow down: after ``FREE_ATTEMPTS`` failures, each new attempt must wait
a delay that doubles with each failure (capped); at ``LOCK_AFTER`` failures the account
locks until an administrator unlocks it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from backoffice import clock, passwords
from backoffice.i18n import tr
from backoffice.models.staff import Role, StaffUser
from backoffice.services import audit, validation
from backoffice.services.actors import actor_of
from backoffice.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor, Permission, current_role, require
from backoffice.services.tracking import mark_touched

FREE_ATTEMPTS = 3
LOCK_AFTER = 10
MAX_DELAY_SECONDS = 60
MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 3  # zxcvbn: "safely unguessable", 10⁸ guesses and more
LOGIN_CHARACTERS = frozenset(string.ascii_letters + string.digits + "._-")


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt: the actor, or why not (committed either way, so that
    failures count)."""

    actor: Actor | None
    message: str = ""
    retry_after: int = 0
    must_change_password: bool = False


def delay_after(failures: int) -> int:
    """Seconds an attempt must wait after ``failures`` consecutive failures."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_SECONDS)


def authenticate(session: Session, login: str, password: str) -> LoginResult:
    """Check ``login`` and ``password``; a failure is recorded, and refused in French.

    Each attempt on a known, unlocked account is first counted as a failure by one atomic
    ``UPDATE … SET failed_login_count = failed_login_count + 1 … RETURNING`` (concurrent
    attempts each get their own number), then the slow-down is applied to that number,
    and only then is the password checked: simultaneous attempts cannot all reach the
    hash. A right password resets the counter.
    """
    user = session.scalar(select(StaffUser).where(StaffUser.login == login.strip()))
    now = clock.now()
    unknown = tr("Unknown login or wrong password.")
    if user is None or not user.is_active or user.role == Role.SYSTEM:
        passwords.verify_password(_DUMMY_HASH, password)  # same time as a real check
        return LoginResult(None, unknown)
    if user.locked_at is not None:
        return _locked_message()
    wait = _remaining_wait(user.failed_login_count, user.last_failed_login_at, now)
    if wait > 0:
        return _wait_message(wait)
    seen = user.failed_login_count
    failures = _count_failure(session, user.id, now)
    if failures is None:  # locked meanwhile by a concurrent attempt
        return _locked_message()
    # Someone else failing between our read and our count made that failure this
    # attempt's previous one, just now: its delay applies, before any hash check.
    throttled = failures > seen + 1 and delay_after(failures - 1) > 0
    if throttled or not passwords.verify_password(user.password_hash, password):
        audit.record(session, f"staff:{user.login}", "staff.login_failed", "staff_user", user.id)
        if failures >= LOCK_AFTER:
            return _lock(session, user.id, now)
        if throttled:
            return _wait_message(delay_after(failures - 1))
        return LoginResult(None, unknown, retry_after=delay_after(failures))
    bookkeeping: dict[str, object] = {
        "failed_login_count": 0,
        "last_failed_login_at": None,
        "last_login_at": now,
    }
    if passwords.needs_rehash(user.password_hash):
        bookkeeping["password_hash"] = passwords.hash_password(password)
    _note(session, user.id, bookkeeping)
    audit.record(session, f"staff:{user.login}", "staff.login", "staff_user", user.id)
    return LoginResult(actor_of(user), must_change_password=user.must_change_password)


def _note(session: Session, staff_id: int, values: dict[str, object]) -> None:
    """Login bookkeeping, without a new version: an administrator editing the account at
    the same time must not be told that someone else changed it."""
    session.execute(
        update(StaffUser)
        .where(StaffUser.id == staff_id)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    mark_touched(session, "staff_users", {staff_id})


def _count_failure(session: Session, staff_id: int, now: datetime) -> int | None:
    """One more failure, counted by the database (None: the account is locked)."""
    failures = session.scalar(
        update(StaffUser)
        .where(StaffUser.id == staff_id, StaffUser.locked_at.is_(None))
        .values(failed_login_count=StaffUser.failed_login_count + 1, last_failed_login_at=now)
        .returning(StaffUser.failed_login_count)
        .execution_options(synchronize_session="fetch")
    )
    mark_touched(session, "staff_users", {staff_id})
    return failures


def _lock(session: Session, staff_id: int, now: datetime) -> LoginResult:
    locked = session.execute(
        update(StaffUser)
        .where(StaffUser.id == staff_id, StaffUser.locked_at.is_(None))
        .values(locked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if locked.rowcount:  # type: ignore[attr-defined]
        audit.record(session, "system", "staff.locked", "staff_user", staff_id)
    return LoginResult(
        None,
        tr(
            "This account is now locked after too many failed "
            "attempts: an administrator must unlock it."
        ),
    )


def _locked_message() -> LoginResult:
    return LoginResult(
        None,
        tr(
            "This account is locked after too many failed attempts: "
            "an administrator must unlock it."
        ),
    )


def _wait_message(wait: int) -> LoginResult:
    return LoginResult(
        None,
        tr("Too many failed attempts: try again in {seconds} s.", seconds=wait),
        retry_after=wait,
    )


def _remaining_wait(failures: int, last_failed_at: datetime | None, now: datetime) -> int:
    delay = delay_after(failures)
    if not delay or last_failed_at is None:
        return 0
    remaining = last_failed_at + timedelta(seconds=delay) - now
    return max(0, int(remaining.total_seconds() + 0.999))


_DUMMY_HASH = passwords.hash_password("timing-equaliser", light=True)


def check_password_rules(login: str, password: str, *hints: str) -> None:
    """At least ``MIN_PASSWORD_LENGTH`` characters, not the login, and hard to guess:
    zxcvbn's estimate (dictionaries, keyboard walks, repeats, dates, the login and
    ``hints`` such as the name) must reach ``MIN_PASSWORD_SCORE``. Ten spaces, ``aaaa…``,
    ``azertyuiop`` or ``motdepasse1`` are refused."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.single(
            "password",
            tr("The password must have at least {count} characters.", count=MIN_PASSWORD_LENGTH),
        )
    if password.strip().lower() == login.strip().lower():
        raise ValidationFailed.single("password", tr("The password must differ from the login."))
    if zxcvbn(password, user_inputs=[login, *hints])["score"] < MIN_PASSWORD_SCORE:
        raise ValidationFailed.single(
            "password",
            tr(
                "This password is too easy to guess: make it longer, with unrelated words, "
                "digits or signs."
            ),
        )


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> None:
    current_role(session, actor)  # still active, with the role they logged in with
    user = _user(session, actor.staff_id)
    if not passwords.verify_password(user.password_hash, current):
        raise ValidationFailed.single("current", tr("The current password is wrong."))
    if new == current:
        raise ValidationFailed.single(
            "password", tr("The new password must differ from the current one.")
        )
    check_password_rules(user.login, new, user.full_name)
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    audit.record(session, actor, "staff.password_changed", "staff_user", user.id)


def has_any_staff(session: Session) -> bool:
    """Whether a person has an account (the nightly jobs' system account is no one)."""
    people = select(func.count()).select_from(StaffUser).where(StaffUser.role != Role.SYSTEM)
    return bool(session.scalar(people))


def create_first_administrator(
    session: Session, login: str, full_name: str, password: str
) -> Actor:
    """Only on a database without any staff member (first start)."""
    if has_any_staff(session):
        raise PermissionDenied(tr("An administrator already exists: log in instead."))
    _check_new_login(session, login)
    if not full_name.strip():
        raise ValidationFailed.single("full_name", tr("The name is required."))
    check_password_rules(login, password, full_name)
    user = StaffUser(
        login=login.strip(),
        full_name=full_name.strip(),
        role=Role.ADMINISTRATOR,
        password_hash=passwords.hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(session, f"staff:{user.login}", "staff.create_first_admin", "staff_user", user.id)
    return actor_of(user)


# -- management (administrators) -----------------------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    id: int
    login: str
    full_name: str
    email: str | None
    role: Role
    is_active: bool
    locked: bool
    failed_login_count: int
    last_login_at: datetime | None
    version: int


def list_staff(session: Session, actor: Actor) -> list[StaffRow]:
    require(session, actor, Permission.STAFF_MANAGE)
    return [
        StaffRow(
            u.id,
            u.login,
            u.full_name,
            u.email,
            u.role,
            u.is_active,
            u.locked_at is not None,
            u.failed_login_count,
            u.last_login_at,
            u.version,
        )
        for u in session.scalars(
            select(StaffUser).where(StaffUser.role != Role.SYSTEM).order_by(StaffUser.login)
        )
    ]


def create_staff(
    session: Session, actor: Actor, login: str, full_name: str, role: Role, email: str | None = None
) -> tuple[StaffRow, str]:
    """A new staff account and its temporary password (shown once, never stored)."""
    require(session, actor, Permission.STAFF_MANAGE)
    _check_human_role(role)
    _check_new_login(session, login)
    if not full_name.strip():
        raise ValidationFailed.single("full_name", tr("The name is required."))
    temporary = passwords.temporary_password()
    user = StaffUser(
        login=login.strip(),
        full_name=full_name.strip(),
        role=role,
        email=_checked_email(email),
        password_hash=passwords.hash_password(temporary),
        must_change_password=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "staff.create",
        "staff_user",
        user.id,
        after={"login": user.login, "role": role, "full_name": user.full_name},
    )
    return _row(user), temporary


def update_staff(
    session: Session,
    actor: Actor,
    staff_id: int,
    expected_version: int,
    *,
    role: Role | None = None,
    full_name: str | None = None,
    email: str | None = None,
    is_active: bool | None = None,
) -> StaffRow:
    require(session, actor, Permission.STAFF_MANAGE)
    user = _user(session, staff_id)
    if role is not None:
        _check_human_role(role)
    if user.id == actor.staff_id and (role not in (None, Role.ADMINISTRATOR) or is_active is False):
        raise PermissionDenied(tr("You cannot remove your own administrator rights."))
    _expect_version(user, expected_version)
    before = audit.snapshot(user, ["role", "full_name", "email", "is_active"])
    if role is not None:
        user.role = role
    if full_name is not None:
        user.full_name = full_name.strip()
    if email is not None:
        user.email = _checked_email(email)
    if is_active is not None:
        user.is_active = is_active
    changed_before, changed_after = audit.changed_fields(
        before, audit.snapshot(user, ["role", "full_name", "email", "is_active"])
    )
    audit.record(
        session,
        actor,
        "staff.update",
        "staff_user",
        user.id,
        before=changed_before,
        after=changed_after,
    )
    session.flush()
    return _row(user)


def unlock_staff(session: Session, actor: Actor, staff_id: int) -> StaffRow:
    require(session, actor, Permission.STAFF_MANAGE)
    user = _user(session, staff_id)
    before = {"locked_at": user.locked_at, "failed_login_count": user.failed_login_count}
    user.locked_at = None
    user.failed_login_count = 0
    user.last_failed_login_at = None
    audit.record(
        session,
        actor,
        "staff.unlock",
        "staff_user",
        user.id,
        before=before,
        after={"locked_at": None, "failed_login_count": 0},
    )
    session.flush()
    return _row(user)


def reset_staff_password(session: Session, actor: Actor, staff_id: int) -> str:
    require(session, actor, Permission.STAFF_MANAGE)
    user = _user(session, staff_id)
    temporary = passwords.temporary_password()
    user.password_hash = passwords.hash_password(temporary)
    user.must_change_password = True
    user.locked_at = None
    user.failed_login_count = 0
    audit.record(session, actor, "staff.password_reset", "staff_user", user.id)
    return temporary


def _row(user: StaffUser) -> StaffRow:
    return StaffRow(
        user.id,
        user.login,
        user.full_name,
        user.email,
        user.role,
        user.is_active,
        user.locked_at is not None,
        user.failed_login_count,
        user.last_login_at,
        user.version,
    )


def _user(session: Session, staff_id: int) -> StaffUser:
    user = session.get(StaffUser, staff_id)
    if user is None:
        raise NotFound(tr("This staff account no longer exists."))
    return user


def _expect_version(user: StaffUser, expected_version: int) -> None:
    if user.version != expected_version:
        raise Conflict(tr("This staff account was changed by someone else meanwhile; reload it."))


def _check_human_role(role: Role) -> None:
    if role == Role.SYSTEM:
        raise ValidationFailed.single(
            "role", tr("The system role belongs to the nightly jobs' account, not to a person.")
        )


def _check_new_login(session: Session, login: str) -> None:
    """ASCII letters, digits, dots, dashes and underscores only: no look-alike of another
    login (a Cyrillic « а » in « аdmin »), and unique whatever the case."""
    cleaned = login.strip()
    if not cleaned or not set(cleaned) <= LOGIN_CHARACTERS:
        raise ValidationFailed.single(
            "login",
            tr(
                "The login may only contain unaccented letters (a to z), digits, dots, "
                "dashes and underscores."
            ),
        )
    limit = StaffUser.__table__.c.login.type.length
    if len(cleaned) > limit:
        raise ValidationFailed.single(
            "login", tr("The login may have at most {count} characters.", count=limit)
        )
    taken = select(StaffUser.login).where(func.lower(StaffUser.login) == cleaned.lower())
    if (existing := session.scalar(taken)) is not None:
        raise ValidationFailed.single(
            "login", tr("The login {login} is already taken.", login=existing)
        )


def _checked_email(email: str | None) -> str | None:
    cleaned = (email or "").strip() or None
    if problem := validation.check_email(tr("Email"), cleaned):
        raise ValidationFailed.single("email", problem)
    return cleaned

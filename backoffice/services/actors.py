"""Finding the acting staff member: the command line's ``--as LOGIN`` (once authenticated),
or the system account the nightly jobs run as."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models.staff import Role, StaffUser
from backoffice.services.errors import NotFound, PermissionDenied
from backoffice.services.permissions import Actor


def actor_of(user: StaffUser) -> Actor:
    return Actor(staff_id=user.id, login=user.login, full_name=user.full_name, role=user.role)


def actor_for_login(session: Session, login: str) -> Actor:
    user = session.scalar(select(StaffUser).where(StaffUser.login == login))
    if user is None:
        raise NotFound(tr("There is no staff member with the login {login}.", login=login))
    if not user.is_active or user.locked_at is not None:
        raise PermissionDenied(tr("The staff account {login} is disabled or locked.", login=login))
    return actor_of(user)


def system_actor(session: Session) -> Actor:
    """The nightly jobs' own account (role ``system``: apply the changes due, print the
    convocations; it cannot log in). An administrator stops the jobs by disabling it."""
    user = session.scalar(select(StaffUser).where(StaffUser.role == Role.SYSTEM))
    if user is None or not user.is_active:
        raise PermissionDenied(
            tr("The system account of the nightly jobs is disabled: nothing was done.")
        )
    return actor_of(user)


def command_line_reader() -> Actor:
    """Who reads from the command line without ``--as`` (a preview, an export): a
    read-only actor, which no service lets write."""
    return Actor(staff_id=0, login="cli", full_name=tr("command line"), role=Role.READ_ONLY)

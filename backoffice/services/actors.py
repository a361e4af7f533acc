"""Finding the acting staff member (the command line's ``--as LOGIN``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models.staff import StaffUser
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

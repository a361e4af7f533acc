"""Staff login: success, slow-down, lock, unlock, passwords, first administrator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice import clock, passwords
from backoffice.db import Database
from backoffice.models import AuditEvent, Role, StaffUser
from backoffice.services import staff
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import factories
from tests.factories import STAFF_PASSWORD


def login(database: Database, user: str, password: str) -> staff.LoginResult:
    with database.transaction() as session:
        return staff.authenticate(session, user, password)


def test_login_succeeds_and_is_audited(database: Database, actors: dict[str, Actor]) -> None:
    result = login(database, "billing", STAFF_PASSWORD)
    assert result.actor is not None and result.actor.role == Role.BILLING
    with database.session() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.login == "billing"))
        assert user.last_login_at is not None
        # A light (demo) hash is upgraded to the standard cost at the first login.
        assert not passwords.needs_rehash(user.password_hash)
        assert (
            session.scalar(select(AuditEvent.action).where(AuditEvent.action == "staff.login"))
            == "staff.login"
        )


def test_unknown_login_and_wrong_password_read_the_same(
    database: Database, actors: dict[str, Actor]
) -> None:
    assert login(database, "nobody", "x").message == login(database, "billing", "x").message
    assert login(database, "billing", "x").actor is None


def test_failures_slow_down_then_lock(database: Database, actors: dict[str, Actor]) -> None:
    start = clock.now()
    for attempt in range(staff.FREE_ATTEMPTS):
        with clock.frozen(start + timedelta(seconds=attempt)):
            assert login(database, "billing", "wrong").retry_after == staff.delay_after(attempt + 1)
    last_failure = start + timedelta(seconds=staff.FREE_ATTEMPTS - 1)
    with clock.frozen(last_failure + timedelta(milliseconds=500)):
        refused = login(database, "billing", STAFF_PASSWORD)  # even the right password waits
        assert refused.actor is None and "réessayez dans" in refused.message
    moment = start + timedelta(seconds=100)
    for _attempt in range(staff.FREE_ATTEMPTS, staff.LOCK_AFTER):
        moment += timedelta(seconds=staff.MAX_DELAY_SECONDS + 1)
        with clock.frozen(moment):
            last = login(database, "billing", "wrong")
    assert "bloqué" in last.message
    with clock.frozen(moment + timedelta(days=1)):
        assert login(database, "billing", STAFF_PASSWORD).actor is None  # locked for good
    with database.transaction() as session:
        target = session.scalar(select(StaffUser.id).where(StaffUser.login == "billing"))
        staff.unlock_staff(session, actors["administrator"], target)
    assert login(database, "billing", STAFF_PASSWORD).actor is not None


def test_change_own_password_rules(database: Database, actors: dict[str, Actor]) -> None:
    actor = actors["administrative"]
    with database.transaction() as session, pytest.raises(ValidationFailed):
        staff.change_own_password(session, actor, "wrong", "un-nouveau-mot-2026")
    with database.transaction() as session, pytest.raises(ValidationFailed) as short:
        staff.change_own_password(session, actor, STAFF_PASSWORD, "court")
    assert "10 caractères" in short.value.message
    with database.transaction() as session:
        staff.change_own_password(session, actor, STAFF_PASSWORD, "un-nouveau-mot-2026")
    assert login(database, "administrative", "un-nouveau-mot-2026").actor is not None


def test_first_administrator_only_on_an_empty_database(database: Database) -> None:
    with database.transaction() as session:
        assert not staff.has_any_staff(session)
        actor = staff.create_first_administrator(session, "chef", "Chef", "premier-mot-2026")
        assert actor.role == Role.ADMINISTRATOR
    with database.transaction() as session, pytest.raises(PermissionDenied):
        staff.create_first_administrator(session, "autre", "Autre", "premier-mot-2026")


def test_administrators_manage_accounts(database: Database, actors: dict[str, Actor]) -> None:
    admin = actors["administrator"]
    with database.transaction() as session:
        row, temporary = staff.create_staff(
            session, admin, "nouvelle", "Nouvelle Recrue", Role.MEDICAL_ASSISTANT
        )
    result = login(database, "nouvelle", temporary)
    assert result.actor is not None and result.must_change_password
    with database.transaction() as session, pytest.raises(ValidationFailed):
        staff.create_staff(session, admin, "nouvelle", "Doublon", Role.BILLING)
    with database.transaction() as session:
        updated = staff.update_staff(session, admin, row.id, row.version, role=Role.BILLING)
    with database.transaction() as session, pytest.raises(Conflict):
        staff.update_staff(session, admin, row.id, row.version, full_name="Périmé")
    with database.transaction() as session, pytest.raises(PermissionDenied):
        own = session.get(StaffUser, admin.staff_id).version
        staff.update_staff(session, admin, admin.staff_id, own, is_active=False)
    assert updated.role == Role.BILLING
    with database.transaction() as session:
        factories.staff(session, Role.READ_ONLY, "lecteur")
    with database.transaction() as session, pytest.raises(PermissionDenied):
        staff.list_staff(session, actors["billing"])

"""Reset access and first access: the temporary password, its hash, its expiry, the
portal's first login, and the password never written in clear anywhere."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import argon2
import pytest
from sqlalchemy import select, text

from backoffice import clock
from backoffice.db import Database
from backoffice.models import AuditEvent, Base, MemberStatus, PortalAccount
from backoffice.passwords import TEMPORARY_PASSWORD_ALPHABET, TEMPORARY_PASSWORD_LENGTH
from backoffice.portal import simulator
from backoffice.portal.simulator import LoginOutcome
from backoffice.reports.accounts_letter import LetterKind
from backoffice.services import settings as settings_service
from backoffice.services.accounts import access
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import accounts_support as support
from tests import factories


def test_reset_stores_only_an_argon2id_hash_the_portal_verifies(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member, account = support.locked_member(session)
        sent = access.reset_access(session, actors["administrative"], account.id)
        password = sent.temporary_password
        assert len(password) == TEMPORARY_PASSWORD_LENGTH
        assert set(password) <= set(TEMPORARY_PASSWORD_ALPHABET)
        stored = account.password_hash
    # As the portal does it, with argon2-cffi and nothing of ours: the PHC string carries
    # the algorithm and its parameters.
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    parameters = argon2.extract_parameters(stored)  # as documented in docs/schema.md
    assert (parameters.salt_len, parameters.hash_len) == (16, 32)
    assert argon2.PasswordHasher().verify(stored, password)
    assert argon2.low_level.verify_secret(
        stored.encode(), password.encode(), argon2.low_level.Type.ID
    )
    with pytest.raises(argon2.exceptions.VerifyMismatchError):
        argon2.PasswordHasher().verify(stored, support.PORTAL_PASSWORD)
    assert sent.kind == LetterKind.RESET and sent.login == member.member_code


def test_reset_forces_a_new_password_before_the_expiry_and_clears_the_lock(
    database: Database, actors: dict[str, Actor]
) -> None:
    moment = datetime(2026, 3, 10, 9, 30, tzinfo=clock.SERVICE_TZ)
    with clock.frozen(moment), database.transaction() as session:
        settings_service.put(session, actors["administrator"], "portal.temporary_password_days", 15)
        member, account = support.locked_member(session)
        sent = access.reset_access(
            session, actors["administrative"], account.id, expected_version=account.version
        )
        assert account.must_change_password and account.locked_at is None
        assert account.failed_attempt_count == 0
        assert clock.local(sent.expires_at) == datetime(2026, 3, 26, tzinfo=clock.SERVICE_TZ)
        assert sent.letter.valid_until.isoformat() == "2026-03-25"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "accounts.reset"))
        assert event.before["locked_at"] and event.after["locked_at"] is None
        assert event.after["must_change_password"] is True
        # The old password no longer opens the account; the temporary one must be changed.
        code = member.member_code
        assert simulator.log_in(session, code, support.PORTAL_PASSWORD) == (
            LoginOutcome.WRONG_PASSWORD
        )
        assert simulator.log_in(session, code, sent.temporary_password) == (
            LoginOutcome.MUST_CHANGE_PASSWORD
        )
        simulator.complete_first_login(
            session, code, sent.temporary_password, "mon-nouveau", "compta@boulangerie.fr"
        )
        assert simulator.log_in(session, code, "mon-nouveau") == LoginOutcome.OK
        assert account.recovery_email == "compta@boulangerie.fr"
        assert not account.must_change_password
    # Unused past its last day, the temporary password is refused by the portal.
    with clock.frozen(moment + timedelta(days=17)), database.transaction() as session:
        other, other_account = support.member_with_account(session)
        with clock.frozen(moment):
            sent = access.reset_access(session, actors["administrator"], other_account.id)
        assert simulator.log_in(session, other.member_code, sent.temporary_password) == (
            LoginOutcome.EXPIRED
        )


def test_first_access_creates_the_account_of_a_new_member(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        sent = access.first_access(session, actors["administrative"], f" {member.member_code} ")
        account = session.get(PortalAccount, sent.account_id)
        assert (account.login, account.member_id) == (member.member_code, member.id)
        assert sent.kind == LetterKind.FIRST_ACCESS and account.must_change_password
        assert simulator.log_in(session, member.member_code, sent.temporary_password) == (
            LoginOutcome.MUST_CHANGE_PASSWORD
        )
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["accounts.create", "accounts.first_access"]
        with pytest.raises(ValidationFailed) as refused:
            access.first_access(session, actors["administrative"], member.member_code)
        assert "a déjà reçu ses accès" in refused.value.message


def test_the_command_line_reset_sends_a_first_access_when_there_is_no_account(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        account_less = factories.member(session)
        factories.portal_account(session, member, password=None)
        first = access.reset_member_access(session, actors["administrator"], member.member_code)
        assert first.kind == LetterKind.FIRST_ACCESS
        created = access.reset_member_access(
            session, actors["administrator"], account_less.member_code
        )
        assert created.kind == LetterKind.FIRST_ACCESS and created.login == account_less.member_code
        again = access.reset_member_access(session, actors["administrator"], member.member_code)
        assert again.kind == LetterKind.RESET


def test_bad_resets_are_refused_and_change_nothing(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        _member, account = support.member_with_account(session, status=MemberStatus.ACTIVE)
        account.is_active = False
        session.flush()
        hash_before, events = account.password_hash, support.audit_count(session)
        with pytest.raises(ValidationFailed) as unknown:
            access.reset_member_access(session, actors["administrative"], "000000")
        assert "il n'y a pas d'adhérent avec le code 000000" in unknown.value.message
        with pytest.raises(ValidationFailed) as disabled:
            access.reset_access(session, actors["administrative"], account.id)
        assert "est désactivé" in disabled.value.message
        with pytest.raises(Conflict):
            access.reset_access(
                session, actors["administrative"], account.id, expected_version=account.version + 1
            )
        with pytest.raises(PermissionDenied):
            access.reset_access(session, actors["read_only"], account.id)
        assert account.password_hash == hash_before
        assert support.audit_count(session) == events


def test_the_temporary_password_is_never_written_in_clear(
    tmp_path: object, database: Database, actors: dict[str, Actor], caplog: pytest.LogCaptureFixture
) -> None:
    """Not in any SQL statement or parameter sent (the engine echoes them all), not in any
    table afterwards, not in the audit trail, not in the logs."""
    caplog.set_level(logging.DEBUG)
    echoing = Database(database.url.render_as_string(hide_password=False), echo=True)
    try:
        with echoing.transaction() as session:
            _member, account = support.locked_member(session)
            sent = access.reset_access(session, actors["administrative"], account.id)
            stored_hash = account.password_hash
    finally:
        echoing.dispose()
    password = sent.temporary_password
    assert "portal_accounts" in caplog.text  # the statements were indeed logged
    assert password not in caplog.text
    assert password not in repr(sent)
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(text(f"SELECT * FROM {table.name}")):
                assert password not in str(tuple(row)), table.name
        trail = str(session.execute(text("SELECT before, after, summary FROM audit_events")).all())
        assert stored_hash not in trail and "argon2" not in trail

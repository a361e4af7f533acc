"""Unblocking a locked portal account: what it clears, what it refuses, who may do it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import AuditEvent, LoginAttempt
from backoffice.portal import simulator
from backoffice.portal.simulator import LoginOutcome
from backoffice.services.accounts import rules, unblock
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import accounts_support as support


def test_unblock_clears_the_lock_and_the_counter_and_is_audited(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member, account = support.locked_member(session)
        locked_at, reason = account.locked_at, account.lock_reason
        outcome = unblock.unblock_account(
            session, actors["administrative"], account.id, note="Appel de Mme Roth, 10 h 05"
        )
        assert (outcome.login, outcome.failures_cleared) == (member.member_code, 5)
        assert outcome.locked_at == locked_at and outcome.lock_reason == reason
        assert account.locked_at is None and account.lock_reason is None
        assert account.failed_attempt_count == 0
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "accounts.unblock"))
        assert event.actor == "staff:administrative" and event.entity_id == account.id
        assert event.member_id == member.id
        assert event.summary == "Appel de Mme Roth, 10 h 05"
        assert event.before["failed_attempt_count"] == 5 and event.before["locked_at"]
        assert event.after == {"locked_at": None, "lock_reason": None, "failed_attempt_count": 0}
        # The attempts stay: they are the account's history.
        assert len(session.scalars(select(LoginAttempt)).all()) == 5


def test_after_an_unblock_the_member_logs_in_and_one_typo_does_not_lock_again(
    database: Database, actors: dict[str, Actor]
) -> None:
    """The five failures before the unblock are still within the window: they must not
    count again (the shared lock rule counts failures since the counter was reset)."""
    with database.transaction() as session:
        member, account = support.locked_member(session)
        assert simulator.log_in(session, member.member_code, support.PORTAL_PASSWORD) == (
            LoginOutcome.LOCKED
        )
        unblock.unblock_member(session, actors["administrator"], member.member_code)
        assert simulator.log_in(session, member.member_code, "encore faux") == (
            LoginOutcome.WRONG_PASSWORD
        )
        assert account.locked_at is None
        assert simulator.log_in(session, member.member_code, support.PORTAL_PASSWORD) == (
            LoginOutcome.OK
        )
        # Five new failures lock it again, as the rule says.
        support.lock(session, member.member_code, minutes_ago=0)
        assert account.locked_at is not None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("999999", "il n'y a pas d'adhérent avec le code 999999"),
        (None, "n'est pas bloqué"),
    ],
)
def test_bad_unblocks_are_refused_in_french_and_change_nothing(
    database: Database, actors: dict[str, Actor], code: str | None, expected: str
) -> None:
    with database.transaction() as session:
        member, account = support.member_with_account(session)
        account.failed_attempt_count = 2
        session.flush()
        before = (account.version, support.audit_count(session))
        with pytest.raises(ValidationFailed) as refused:
            unblock.unblock_member(session, actors["administrative"], code or member.member_code)
        assert expected in refused.value.message
        assert (account.version, support.audit_count(session)) == before
        assert account.failed_attempt_count == 2


def test_only_administrative_staff_and_administrators_unblock(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        _member, account = support.locked_member(session)
        for role in ("billing", "medical_assistant", "read_only"):
            with pytest.raises(PermissionDenied) as refused:
                unblock.unblock_account(session, actors[role], account.id)
            assert "débloquer" in refused.value.message
        assert account.locked_at is not None
        assert support.audit_count(session) == 0


def test_unblock_refuses_an_account_changed_since_it_was_shown(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        _member, account = support.locked_member(session)
        seen = account.version - 1
        with pytest.raises(Conflict):
            unblock.unblock_account(
                session, actors["administrative"], account.id, expected_version=seen
            )
        assert account.locked_at is not None


def test_the_lock_rule_an_administrator_sets_is_the_one_the_portal_applies(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        assert rules.portal_rules(session, actors["read_only"]) == rules.PortalRules(5, 30, 30)
        with pytest.raises(PermissionDenied):
            rules.set_portal_rules(session, actors["administrative"], rules.PortalRules(3, 10, 15))
        with pytest.raises(ValidationFailed) as refused:
            rules.set_portal_rules(session, actors["administrator"], rules.PortalRules(1, 0, 400))
        assert {error.field for error in refused.value.errors} == {
            "max_failures",
            "window_minutes",
            "temporary_days",
        }
        assert "en dehors des valeurs acceptées (3 à 20)" in refused.value.message
        assert rules.portal_rules(session, actors["read_only"]).max_failures == 5
        rules.set_portal_rules(session, actors["administrator"], rules.PortalRules(3, 10, 15))
        member, account = support.member_with_account(session)
        start = clock.now() - timedelta(minutes=5)
        outcomes = [
            simulator.log_in(session, member.member_code, "faux", at=start + timedelta(minutes=i))
            for i in range(3)
        ]
        assert outcomes[-1] == LoginOutcome.LOCKED
        assert account.lock_reason == "3 échecs de connexion en moins de 10 minutes"
        assert "3 échecs de connexion en moins de 10 minutes" in rules.describe(
            rules.portal_rules(session, actors["read_only"])
        )

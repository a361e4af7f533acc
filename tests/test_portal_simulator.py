"""The portal's writes, as the back-office will find them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import ChangeKind, LoginAttempt, PortalAccount
from backoffice.portal import simulator
from tests import factories


def test_submitted_change_records_what_the_portal_showed(database: Database) -> None:
    with database.transaction() as session:
        member = factories.member(session, city="Mulhouse")
        factories.portal_account(session, member)
        request = simulator.submit_change(
            session,
            member.member_code,
            ChangeKind.COMPANY_RECORD,
            {"city": "Colmar", "postcode": "68000"},
        )
        fields = {field.field_name: field for field in request.fields}
        assert fields["city"].shown_value == "Mulhouse"
        assert fields["city"].submitted_value == "Colmar"
        assert request.member_version_seen == member.version
        assert member.city == "Mulhouse"  # nothing applied before review
        duplicate = simulator.submit_change(
            session,
            member.member_code,
            ChangeKind.COMPANY_RECORD,
            {"postcode": "68000", "city": "Colmar"},
        )
        assert duplicate.fingerprint == request.fingerprint


def test_portal_never_submits_greyed_fields(database: Database) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        factories.portal_account(session, member)
        with pytest.raises(simulator.PortalRefusal):
            simulator.submit_change(
                session, member.member_code, ChangeKind.COMPANY_RECORD, {"legal_name": "AUTRE NOM"}
            )


def test_repeated_failures_lock_the_account(database: Database) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        factories.portal_account(session, member, password="bon-mot-de-passe")
        start = clock.now() - timedelta(minutes=10)
        outcomes = [
            simulator.log_in(session, member.member_code, "faux", at=start + timedelta(minutes=i))
            for i in range(5)
        ]
        assert outcomes[:4] == [simulator.LoginOutcome.WRONG_PASSWORD] * 4
        assert outcomes[4] == simulator.LoginOutcome.LOCKED
        account = session.scalar(select(PortalAccount))
        assert account.locked_at is not None and "5 échecs" in account.lock_reason
        assert (
            simulator.log_in(session, member.member_code, "bon-mot-de-passe")
            == simulator.LoginOutcome.LOCKED
        )
        assert len(session.scalars(select(LoginAttempt)).all()) == 6


def test_failures_outside_the_window_do_not_lock(database: Database) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        factories.portal_account(session, member)
        start = clock.now() - timedelta(days=1)
        for i in range(6):
            outcome = simulator.log_in(
                session, member.member_code, "faux", at=start + timedelta(minutes=40 * i)
            )
        assert outcome == simulator.LoginOutcome.WRONG_PASSWORD


def test_first_login_forces_a_new_password_and_recovery_email(database: Database) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        factories.portal_account(session, member, password="Lettre-2026", must_change_password=True)
        assert (
            simulator.log_in(session, member.member_code, "Lettre-2026")
            == simulator.LoginOutcome.MUST_CHANGE_PASSWORD
        )
        with pytest.raises(simulator.PortalRefusal):
            simulator.complete_first_login(
                session, member.member_code, "Lettre-2026", "court", "a@b.fr"
            )
        with pytest.raises(simulator.PortalRefusal):
            simulator.complete_first_login(
                session, member.member_code, "Lettre-2026", "assez-long", "pas-un-email"
            )
        simulator.complete_first_login(
            session, member.member_code, "Lettre-2026", "assez-long", "rh@exemple.fr"
        )
        assert (
            simulator.log_in(session, member.member_code, "assez-long") == simulator.LoginOutcome.OK
        )

"""The account console's reads: search and filters in SQL, sorting, one account's detail;
and the recovery email staff correct."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import AuditEvent
from backoffice.services.accounts import firms, queries, recovery, unblock
from backoffice.services.accounts.firms import GrantInput
from backoffice.services.accounts.queries import AccountFilter, AccountQuery
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import accounts_support as support
from tests import factories


@pytest.fixture
def population(database: Database, actors: dict[str, Actor]) -> dict[str, int]:
    """Five accounts: two locked, one awaiting its first login, one expired, one firm."""
    with database.transaction() as session:
        staff = actors["administrative"]
        _m, locked_old = support.locked_member(session, legal_name="ÉBÉNISTERIE WEBER")
        locked_old.locked_at = clock.now() - timedelta(days=2)
        _m, locked_new = support.locked_member(session, legal_name="GARAGE MEYER", city="Colmar")
        _m, fresh = support.member_with_account(session, legal_name="BOULANGERIE ROTH")
        _m, expired = support.member_with_account(session, legal_name="CAFÉ DE LA GARE")
        expired.must_change_password = True
        expired.temporary_password_expires_at = clock.now() - timedelta(days=1)
        expired.recovery_email = "patron@cafe-gare.fr"
        fresh.must_change_password = True
        fresh.last_login_at = None
        locked_new.last_login_at = clock.now() - timedelta(days=1)
        created = support.create_firm(session, staff, name="Fiduciaire Rhénane")
        firms.grant_access(
            session, staff, created.firm_id, [GrantInput(_m.member_code, clock.today())]
        )
        session.flush()
        return {
            "locked_old": locked_old.id,
            "locked_new": locked_new.id,
            "fresh": fresh.id,
            "expired": expired.id,
            "firm": created.access.account_id,
        }


def ids(database: Database, actor: Actor, **query: object) -> list[int]:
    with database.session() as session:
        return queries.search_account_ids(session, actor, AccountQuery(**query))  # type: ignore[arg-type]


def test_filters_and_search_run_in_sql(
    database: Database, actors: dict[str, Actor], population: dict[str, int]
) -> None:
    reader = actors["read_only"]
    assert len(ids(database, reader)) == 5
    assert set(ids(database, reader, filter=AccountFilter.LOCKED)) == {
        population["locked_old"],
        population["locked_new"],
    }
    assert set(ids(database, reader, filter=AccountFilter.AWAITING_FIRST_LOGIN)) == {
        population["fresh"],
        population["expired"],
        population["firm"],
    }
    assert ids(database, reader, filter=AccountFilter.EXPIRED) == [population["expired"]]
    assert ids(database, reader, filter=AccountFilter.FIRMS) == [population["firm"]]
    # Accents and case ignored, on members (SQL) and firms alike; every word must match.
    assert ids(database, reader, text="ebenisterie") == [population["locked_old"]]
    assert ids(database, reader, text="rhenane") == [population["firm"]]
    assert ids(database, reader, text="cab0001") == [population["firm"]]
    assert ids(database, reader, text="cafe-gare") == [population["expired"]]
    assert ids(database, reader, text="garage colmar") == [population["locked_new"]]
    assert ids(database, reader, text="garage mulhouse") == []
    assert ids(database, reader, text="100%_") == []
    assert ids(database, reader, text="meyer", filter=AccountFilter.LOCKED) == [
        population["locked_new"]
    ]


def test_sorting_in_sql(
    database: Database, actors: dict[str, Actor], population: dict[str, int]
) -> None:
    reader = actors["administrator"]
    # Case folded: the firm's mixed-case name sorts among the members' capitals.
    by_name = ids(database, reader)
    assert by_name[:4] == [
        population["fresh"],  # BOULANGERIE
        population["expired"],  # CAFÉ
        population["firm"],  # Fiduciaire
        population["locked_new"],  # GARAGE
    ]
    by_lock = ids(database, reader, sort="locked_at", descending=True)
    assert by_lock[:2] == [population["locked_new"], population["locked_old"]]
    by_login = ids(database, reader, sort="last_login_at")
    assert by_login[-1] in (population["fresh"], population["expired"], population["firm"])
    assert ids(database, reader, sort="login", descending=True)[0] == population["firm"]


def test_rows_and_detail_show_what_staff_need(
    database: Database, actors: dict[str, Actor], population: dict[str, int]
) -> None:
    reader = actors["read_only"]
    with database.transaction() as session:
        unblock.unblock_account(
            session, actors["administrative"], population["locked_new"], note="Au téléphone"
        )
    with database.session() as session:
        rows = queries.account_rows(session, reader, [population["expired"], population["firm"]])
        assert [row.id for row in rows] == [population["expired"], population["firm"]]
        expired, firm = rows
        assert expired.temporary_expired and not expired.locked
        assert expired.acts_for == (firm.login,) and firm.acts_for == (expired.login,)
        assert firm.holder == "Fiduciaire Rhénane"
        detail = queries.account_detail(session, reader, population["locked_new"])
        assert not detail.row.locked
        assert len(detail.attempts) == 5 and not any(a.succeeded for a in detail.attempts)
        assert detail.attempts[0].attempted_at > detail.attempts[-1].attempted_at
        assert detail.holder.address[-1] == "68100 Colmar"
        assert [(h.action, h.summary) for h in detail.history] == [
            ("accounts.unblock", "Au téléphone")
        ]
        assert detail.history[0].actor == "Agent administrative"
        firm_detail = queries.account_detail(session, reader, population["firm"])
        assert [g.member_code for g in firm_detail.grants] == [expired.login]
        assert firm_detail.grants[0].granted_by == "Agent administrative"
        assert firm_detail.holder.firm_version is not None
        member_detail = queries.account_detail(session, reader, population["expired"])
        assert [g.firm_code for g in member_detail.grants] == [firm.login]
        assert [h.action for h in member_detail.history] == ["accounts.firm_grant"]


def test_the_console_is_closed_to_roles_without_the_permission(
    database: Database, actors: dict[str, Actor], population: dict[str, int]
) -> None:
    with database.session() as session:
        for role in ("billing", "medical_assistant"):
            with pytest.raises(PermissionDenied):
                queries.search_accounts(session, actors[role], AccountQuery())
            with pytest.raises(PermissionDenied):
                queries.account_detail(session, actors[role], population["firm"])


def test_recovery_email_must_be_an_email(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        _member, account = support.member_with_account(session)
        account.recovery_email = "ancien@exemple.fr"
        session.flush()
        for wrong in ("pas-un-email", "jean@", "  "):
            with pytest.raises(ValidationFailed) as refused:
                recovery.set_recovery_email(session, actors["administrative"], account.id, wrong)
            assert refused.value.errors[0].field == "recovery_email"
            assert "E-mail de récupération" in refused.value.message
        assert account.recovery_email == "ancien@exemple.fr"
        with pytest.raises(PermissionDenied):
            recovery.set_recovery_email(session, actors["read_only"], account.id, "a@b.fr")
        recovery.set_recovery_email(
            session, actors["administrative"], account.id, " nouveau@exemple.fr "
        )
        assert account.recovery_email == "nouveau@exemple.fr"
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "accounts.recovery_email")
        )
        assert event.before == {"recovery_email": "ancien@exemple.fr"}


def test_member_page_summary_still_reads_the_account(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        assert queries.member_account(session, actors["read_only"], member.id) is None
        _m, account = support.locked_member(session)
        summary = queries.member_account(session, actors["read_only"], _m.id)
        assert summary is not None and summary.locked_at == account.locked_at
        assert len(summary.recent_failures) == 5

"""Two workstations acting on the same account at once (PostgreSQL, real threads, one
session each): one wins, the other is told in French, nothing is written twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import argon2
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.models import AuditEvent, FirmAccess, PortalAccount
from backoffice.services.accounts import access, firms, unblock
from backoffice.services.accounts.firms import GrantInput
from backoffice.services.errors import Conflict
from backoffice.services.permissions import Actor
from tests import accounts_support as support
from tests import factories

pytestmark = pytest.mark.postgres
HOLD_SECONDS = 0.4


@pytest.fixture
def actors(pg_database: Database) -> dict[str, Actor]:
    with pg_database.transaction() as session:
        return factories.staff_of_every_role(session)


def race(
    database: Database, first: Callable[[Session], object], second: Callable[[Session], object]
) -> tuple[object, BaseException | object]:
    """``first`` writes and holds its transaction open while ``second`` starts on the same
    rows from what it read; then ``first`` commits. Returns both outcomes (or errors)."""
    written = threading.Barrier(2, timeout=10)
    outcomes: dict[str, object] = {}

    def run_first() -> None:
        with database.transaction() as session:
            outcomes["first"] = first(session)
            session.flush()
            written.wait()
            time.sleep(HOLD_SECONDS)  # the second is now waiting on our row lock

    def run_second() -> None:
        try:
            with database.transaction() as session:
                written.wait()
                outcomes["second"] = second(session)
        except BaseException as error:  # the refusal is the expected outcome
            outcomes["second"] = error

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes["first"], outcomes["second"]


def test_two_colleagues_unblock_the_same_account(
    pg_database: Database, actors: dict[str, Actor]
) -> None:
    with pg_database.transaction() as session:
        _member, account = support.locked_member(session)
        account_id = account.id
    first, second = race(
        pg_database,
        lambda s: unblock.unblock_account(s, actors["administrative"], account_id, note="A"),
        lambda s: unblock.unblock_account(s, actors["administrator"], account_id, note="B"),
    )
    assert isinstance(first, unblock.Unblocked)
    assert isinstance(second, Conflict) and "modifié entre-temps" in second.message
    with pg_database.session() as session:
        assert session.get(PortalAccount, account_id).locked_at is None
        summaries = session.scalars(
            select(AuditEvent.summary).where(AuditEvent.action == "accounts.unblock")
        ).all()
        assert summaries == ["A"]


def test_two_colleagues_reset_the_same_account_only_one_letter_is_valid(
    pg_database: Database, actors: dict[str, Actor]
) -> None:
    with pg_database.transaction() as session:
        _member, account = support.member_with_account(session)
        account_id, seen = account.id, account.version
    first, second = race(
        pg_database,
        lambda s: access.reset_access(
            s, actors["administrative"], account_id, expected_version=seen
        ),
        lambda s: access.reset_access(
            s, actors["administrator"], account_id, expected_version=seen
        ),
    )
    assert isinstance(first, access.AccessSent) and isinstance(second, Conflict)
    with pg_database.session() as session:
        stored = session.get(PortalAccount, account_id).password_hash
        assert argon2.PasswordHasher().verify(stored, first.temporary_password)
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "accounts.reset")
            )
            == 1
        )


def test_two_colleagues_grant_the_same_firm_the_same_member(
    pg_database: Database, actors: dict[str, Actor]
) -> None:
    with pg_database.transaction() as session:
        created = support.create_firm(session, actors["administrative"])
        member, _account = support.member_with_account(session)
        firm_id, code = created.firm_id, member.member_code
    grant = [GrantInput(code, member.joined_on)]
    first, second = race(
        pg_database,
        lambda s: firms.grant_access(s, actors["administrative"], firm_id, grant),
        lambda s: firms.grant_access(s, actors["administrator"], firm_id, grant),
    )
    assert isinstance(first, list) and isinstance(second, Conflict)
    assert "par quelqu'un d'autre" in second.message
    with pg_database.session() as session:
        assert session.scalar(select(func.count()).select_from(FirmAccess)) == 1

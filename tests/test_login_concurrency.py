"""Failed logins counted under concurrency (PostgreSQL, real threads, one session each):
every simultaneous attempt counts, and the slow-down applies before the hash check."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from backoffice import clock, passwords
from backoffice.db import Database
from backoffice.models import LoginAttempt, PortalAccount, StaffUser
from backoffice.portal import simulator
from backoffice.services import settings as settings_service
from backoffice.services import staff
from backoffice.services.permissions import Actor
from tests import factories

pytestmark = pytest.mark.postgres
ATTEMPTS = 8
PORTAL_ATTEMPTS = 240


@pytest.fixture
def actors(pg_database: Database) -> dict[str, Actor]:
    with pg_database.transaction() as session:
        return factories.staff_of_every_role(session)


@pytest.fixture
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords that reached the Argon2 check (thread-safe)."""
    checked: list[str] = []
    guard = threading.Lock()
    verify = passwords.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        with guard:
            checked.append(password)
        return verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    return checked


@pytest.fixture
def together(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every attempt has read the account before any of them counts its failure: the
    moment the old read-then-write bookkeeping lost all but one."""
    barrier = threading.Barrier(ATTEMPTS, timeout=20)
    count = staff._count_failure

    def after_everyone_read(*arguments: object) -> int | None:
        barrier.wait()
        return count(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(staff, "_count_failure", after_everyone_read)
    yield


def in_threads(count: int, attempt: Callable[[int], object]) -> list[object]:
    outcomes: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            outcomes[index] = attempt(index)
        except BaseException as error:  # reported in the outcomes, asserted by the test
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def staff_login(database: Database, password: str) -> Callable[[int], staff.LoginResult]:
    def attempt(_index: int) -> staff.LoginResult:
        with database.transaction() as session:
            return staff.authenticate(session, "billing", password)

    return attempt


def staff_counters(database: Database) -> tuple[int, bool]:
    with database.session() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.login == "billing"))
        return user.failed_login_count, user.locked_at is not None


def test_eight_simultaneous_wrong_passwords_all_count(
    pg_database: Database, actors: dict[str, Actor], hash_checks: list[str], together: None
) -> None:
    with clock.frozen(clock.now()):
        outcomes = in_threads(ATTEMPTS, staff_login(pg_database, "mauvais"))
    assert all(isinstance(outcome, staff.LoginResult) for outcome in outcomes), outcomes
    assert all(outcome.actor is None for outcome in outcomes)  # type: ignore[union-attr]
    assert staff_counters(pg_database) == (ATTEMPTS, False)
    # Only the attempts the slow-down lets through reached the hash: the free ones.
    assert len(hash_checks) == staff.FREE_ATTEMPTS
    waits = [o for o in outcomes if "réessayez dans" in o.message]  # type: ignore[union-attr]
    assert len(waits) == ATTEMPTS - staff.FREE_ATTEMPTS


def test_after_a_wait_simultaneous_wrong_passwords_get_one_hash_check_then_lock(
    pg_database: Database, actors: dict[str, Actor], hash_checks: list[str], together: None
) -> None:
    """The issue's case: after the wait, eight at once used to reach the hash eight times
    and count once."""
    now = clock.now()
    with pg_database.transaction() as session:
        session.execute(
            update(StaffUser)
            .where(StaffUser.login == "billing")
            .values(
                failed_login_count=staff.FREE_ATTEMPTS,
                last_failed_login_at=now - timedelta(seconds=staff.MAX_DELAY_SECONDS * 2),
            )
        )
    with clock.frozen(now):
        outcomes = in_threads(ATTEMPTS, staff_login(pg_database, "mauvais"))
    assert all(isinstance(outcome, staff.LoginResult) for outcome in outcomes), outcomes
    assert len(hash_checks) == 1
    messages = [outcome.message for outcome in outcomes]  # type: ignore[union-attr]
    # Counted one by one up to the lock; the attempt after the lock was refused by it.
    assert staff_counters(pg_database) == (staff.LOCK_AFTER, True)
    assert sum("réessayez dans" in message for message in messages) == (
        staff.LOCK_AFTER - staff.FREE_ATTEMPTS - 2
    )
    assert sum("bloqué" in message for message in messages) == (
        staff.FREE_ATTEMPTS + ATTEMPTS - staff.LOCK_AFTER + 1
    )


def test_the_portal_counts_every_one_of_240_concurrent_failures(pg_database: Database) -> None:
    with pg_database.transaction() as session:
        member = factories.member(session)
        account_id = factories.portal_account(session, member, password="portail-secret").id
        login = member.member_code
        settings_service.store(
            session, None, "portal.lock_rule", {"max_failures": 1000, "window_minutes": 30}
        )
    start = threading.Barrier(PORTAL_ATTEMPTS, timeout=60)

    def attempt(_index: int) -> simulator.LoginOutcome:
        start.wait()
        with pg_database.transaction() as session:
            return simulator.log_in(session, login, "faux")

    outcomes = in_threads(PORTAL_ATTEMPTS, attempt)
    assert outcomes == [simulator.LoginOutcome.WRONG_PASSWORD] * PORTAL_ATTEMPTS
    with pg_database.session() as session:
        account = session.get(PortalAccount, account_id)
        assert account.failed_attempt_count == PORTAL_ATTEMPTS
        recorded = session.scalar(select(func.count()).where(LoginAttempt.account_id == account_id))
        assert recorded == PORTAL_ATTEMPTS


def test_the_portal_locks_once_under_concurrent_failures(pg_database: Database) -> None:
    with pg_database.transaction() as session:
        member = factories.member(session)
        account_id = factories.portal_account(session, member, password="portail-secret").id
        login = member.member_code
    start = threading.Barrier(ATTEMPTS * 3, timeout=60)

    def attempt(_index: int) -> simulator.LoginOutcome:
        start.wait()
        with pg_database.transaction() as session:
            return simulator.log_in(session, login, "faux")

    outcomes = in_threads(ATTEMPTS * 3, attempt)
    assert all(isinstance(outcome, simulator.LoginOutcome) for outcome in outcomes), outcomes
    with pg_database.session() as session:
        account = session.get(PortalAccount, account_id)
        assert account.locked_at is not None and account.lock_reason
        wrong = outcomes.count(simulator.LoginOutcome.WRONG_PASSWORD)
        assert wrong == 4  # the default rule: the fifth failure locks
        assert account.failed_attempt_count >= 5

"""Rights checked against the database at every service call, not against the snapshot
taken at login: a disabled or demoted staff member's open session does nothing more
(issue 14.4)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Invoice, Payment, PaymentMethod, Role, StaffUser
from backoffice.services import staff
from backoffice.services.billing import payments, single_invoices
from backoffice.services.billing import queries as billing_queries
from backoffice.services.errors import PermissionDenied, StaffRightsChanged
from backoffice.services.permissions import Actor, Permission, require
from tests import factories

YEAR = clock.today().year


@pytest.fixture
def member_id(database: Database) -> int:
    with database.transaction() as session:
        factories.tariff(session, YEAR)
        return factories.member(session).id


def change(database: Database, admin: Actor, who: Actor, **values: object) -> None:
    """What an administrator does meanwhile, on another workstation."""
    with database.transaction() as session:
        version = session.get(StaffUser, who.staff_id).version
        staff.update_staff(session, admin, who.staff_id, version, **values)  # type: ignore[arg-type]


def record_payment(database: Database, actor: Actor, member_id: int) -> None:
    with database.transaction() as session:
        payments.record_payment(
            session,
            actor,
            member_id,
            5000,
            PaymentMethod.CHEQUE,
            clock.today(),
            allow_overpayment=True,
        )


def issue_joining_fee(database: Database, actor: Actor, member_id: int) -> None:
    with database.transaction() as session:
        single_invoices.issue_joining_fee(session, actor, member_id, YEAR, 1)


def counts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Payment)) or 0,
            session.scalar(select(func.count()).select_from(Invoice)) or 0,
        )


def test_a_disabled_staff_members_session_records_and_issues_nothing(
    database: Database, actors: dict[str, Actor], member_id: int
) -> None:
    billing = actors["billing"]
    record_payment(database, billing, member_id)  # logged in, allowed
    issue_joining_fee(database, billing, member_id)
    assert counts(database) == (1, 1)
    change(database, actors["administrator"], billing, is_active=False)
    for call in (record_payment, issue_joining_fee):
        with pytest.raises(StaffRightsChanged) as refused:
            call(database, billing, member_id)
        assert refused.value.message == (
            "Votre compte (billing) a été désactivé depuis votre connexion : rien n'a été fait."
        )
    with pytest.raises(StaffRightsChanged), database.session() as session:  # reads too
        billing_queries.member_invoices(session, billing, member_id)
    assert counts(database) == (1, 1)


def test_a_demoted_staff_member_is_refused_even_what_the_new_role_allows(
    database: Database, actors: dict[str, Actor], member_id: int
) -> None:
    billing = actors["billing"]
    change(database, actors["administrator"], billing, role=Role.READ_ONLY)
    with pytest.raises(StaffRightsChanged) as refused:
        record_payment(database, billing, member_id)
    assert refused.value.message == (
        "Votre rôle a changé depuis votre connexion (désormais : Consultation seule) : rien n'a "
        "été fait ; reconnectez-vous."
    )
    assert refused.value.staff_id == billing.staff_id
    # The old snapshot could read invoices, and the new role may too: still refused, the
    # session belongs to a role that no longer exists for this person.
    with pytest.raises(StaffRightsChanged), database.session() as session:
        billing_queries.member_invoices(session, billing, member_id)
    assert counts(database) == (0, 0)
    # Logging in again gives the new role, which the services then follow.
    with database.transaction() as session:
        again = staff.authenticate(session, "billing", factories.STAFF_PASSWORD).actor
    assert again is not None and again.role == Role.READ_ONLY
    with database.session() as session:
        assert billing_queries.member_invoices(session, again, member_id) is not None
    with pytest.raises(PermissionDenied) as plain:
        record_payment(database, again, member_id)
    assert not isinstance(plain.value, StaffRightsChanged)


def test_a_deleted_staff_row_refuses_too(
    database: Database, actors: dict[str, Actor], member_id: int
) -> None:
    ghost = Actor(staff_id=987654, login="fantome", full_name="Fantôme", role=Role.ADMINISTRATOR)
    with pytest.raises(StaffRightsChanged), database.session() as session:
        require(session, ghost, Permission.MEMBERS_VIEW)


def test_the_program_itself_only_reads(database: Database) -> None:
    process = Actor(staff_id=0, login="cli", full_name="ligne de commande", role=Role.ADMINISTRATOR)
    with database.session() as session:
        require(session, process, Permission.BILLING_VIEW)
        with pytest.raises(PermissionDenied):
            require(session, process, Permission.STAFF_MANAGE)


@pytest.fixture
def staff_reads(database: Database) -> Iterator[list[str]]:
    """The statements that read ``staff_users`` (by the rights check)."""
    seen: list[str] = []

    def remember(_connection: Connection, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "staff_users" in statement:
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", remember)
    yield seen
    event.remove(database.engine, "before_cursor_execute", remember)


def test_one_read_of_the_staff_row_per_transaction(
    database: Database, actors: dict[str, Actor], member_id: int, staff_reads: list[str]
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        for _ in range(5):
            billing_queries.member_invoices(session, billing, member_id)
            require(session, billing, Permission.PAYMENTS_RECORD)
    assert len(staff_reads) == 1
    with database.transaction() as session:  # a new transaction reads it again
        billing_queries.member_invoices(session, billing, member_id)
    assert len(staff_reads) == 2


def test_a_change_committed_between_two_transactions_is_seen(
    database: Database, actors: dict[str, Actor], member_id: int
) -> None:
    """The same session object, two transactions: the second sees the demotion."""
    billing = actors["billing"]
    with database.session() as session:
        billing_queries.member_invoices(session, billing, member_id)
        session.rollback()
        change(database, actors["administrator"], billing, role=Role.MEDICAL_ASSISTANT)
        with pytest.raises(StaffRightsChanged):
            billing_queries.member_invoices(session, billing, member_id)

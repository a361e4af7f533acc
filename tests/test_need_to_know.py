"""Need to know: what the services return to each role holds nothing that role may not see
— a medical assistant's member detail has no IBAN at all in the data, not only on the
screen (issue 14.10)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Role
from backoffice.services import dashboard
from backoffice.services import members as member_service
from backoffice.services.errors import PermissionDenied
from backoffice.services.members import MemberQuery
from backoffice.services.permissions import Actor, Permission, allows
from tests import factories
from tests.sepa.builders import TODAY, invoice, member_with_mandate

MEMBER_ROLES = [role for role in Role if allows(role, Permission.MEMBERS_VIEW)]


@dataclass(frozen=True)
class Known:
    member_id: int
    iban: str
    bic: str
    rum: str


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def known(database: Database, actors: dict[str, Actor]) -> Known:
    """A member with a mandate, an overdue instalment and an employee."""
    with database.transaction() as session:
        member, mandate = member_with_mandate(session, actors["billing"])
        invoice(session, member, [(date(2027, 1, 20), 24000)])
        factories.employee(session, member.id)
        return Known(member.id, mandate.iban, mandate.bic, mandate.rum)


def everything_returned(database: Database, actor: Actor, member_id: int) -> str:
    """What a role's screens of the member get from the services, as text."""
    with database.session() as session:
        returned = [
            member_service.member_detail(session, actor, member_id),
            member_service.search_members(session, actor, MemberQuery()),
            member_service.member_rows(session, actor, [member_id]),
            member_service.member_employees(session, actor, member_id),
            dashboard.counts(session, actor),
        ]
    return repr(returned)


@pytest.mark.parametrize("role", MEMBER_ROLES, ids=lambda role: role.value)
def test_each_role_gets_only_what_it_may_see(
    database: Database, actors: dict[str, Actor], known: Known, role: Role
) -> None:
    actor = actors[role.value]
    text = everything_returned(database, actor, known.member_id)
    with database.session() as session:
        detail = member_service.member_detail(session, actor, known.member_id)
        [row] = member_service.member_rows(session, actor, [known.member_id])
        counts = dashboard.counts(session, actor)
    if allows(role, Permission.BILLING_VIEW):
        assert known.iban in text and known.rum in text  # the check below can fail
        assert detail.mandate is not None and detail.mandate.iban == known.iban
        assert (row.sepa, row.overdue) == (True, True)
        assert counts.overdue_cents == 24000
    else:
        for secret in (known.iban, known.iban[-8:], known.bic, known.rum):
            assert secret not in text
        assert detail.mandate is None
        assert (row.sepa, row.overdue) == (None, None)
        assert (counts.overdue_instalments, counts.overdue_cents) == (None, None)


@pytest.mark.parametrize(
    "query",
    [
        MemberQuery(sepa=True),
        MemberQuery(sepa=False),
        MemberQuery(overdue_only=True),
        MemberQuery(sort="overdue"),
        MemberQuery(sort="sepa", descending=True),
    ],
)
def test_a_medical_assistant_cannot_search_by_mandate_or_debt(
    database: Database, actors: dict[str, Actor], known: Known, query: MemberQuery
) -> None:
    """A filter would tell what the rows do not: who has a mandate, who owes."""
    with database.session() as session:
        with pytest.raises(PermissionDenied) as refused:
            member_service.search_member_ids(session, actors["medical_assistant"], query)
        assert "consulter les factures" in refused.value.message
        found = member_service.search_member_ids(session, actors["billing"], query)
    assert found == ([known.member_id] if query.sepa is not False else [])

"""A caller cannot choose which permission a service checks (issue 14 item 5): the
mandates and joining fees recorded on the way of another action have entry points of
their own, each checking its own right."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.db import Database
from backoffice.services.billing import single_invoices
from backoffice.services.errors import PermissionDenied
from backoffice.services.permissions import Actor
from backoffice.services.sepa import mandates
from tests import factories

IBAN, BIC = "FR7630006000011234567890189", "AGRIFRPP"


def test_administrative_staff_cannot_borrow_another_right(
    database: Database, actors: dict[str, Actor]
) -> None:
    administrative = actors["administrative"]  # may review changes and edit members
    with database.transaction() as session:
        member_id = factories.member(session).id
        factories.tariff(session, 2027)
    with database.transaction() as session:
        with pytest.raises(PermissionDenied):
            mandates.create_mandate(
                session, administrative, member_id, IBAN, BIC, signed_on=date(2026, 1, 5)
            )
        with pytest.raises(TypeError):
            mandates.create_mandate(  # type: ignore[call-arg]
                session,
                administrative,
                member_id,
                IBAN,
                BIC,
                signed_on=date(2026, 1, 5),
                permission="changes.review",
            )
        with pytest.raises(PermissionDenied):
            single_invoices.issue_joining_fee(session, administrative, member_id, 2027, 1)
        with pytest.raises(TypeError):
            single_invoices.issue_joining_fee(  # type: ignore[call-arg]
                session, administrative, member_id, 2027, 1, permission="members.edit"
            )


def test_each_entry_point_checks_its_own_right(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member_id = factories.member(session).id
        factories.tariff(session, 2027)
    with database.transaction() as session, pytest.raises(PermissionDenied):
        # billing staff manage direct debits but do not review the portal's changes
        mandates.create_opt_in_mandate(
            session, actors["billing"], 1, member_id, IBAN, BIC, signed_on=date(2026, 1, 5)
        )
    with database.transaction() as session, pytest.raises(PermissionDenied):
        # billing staff issue invoices but do not record members
        single_invoices.issue_new_member_joining_fee(session, actors["billing"], member_id, 2027, 1)
    with database.transaction() as session:
        issued = single_invoices.issue_new_member_joining_fee(
            session, actors["administrative"], member_id, 2027, 2
        )
        assert issued.number

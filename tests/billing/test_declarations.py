"""Workforce declarations entered by staff, the members who have not declared, reminders."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import AuditEvent, DeclarationSource, MemberStatus, WorkforceDeclaration
from backoffice.portal import simulator
from backoffice.services.billing import declarations
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import factories
from tests.billing.builders import billed_member, declare, pdf_text


def test_staff_enter_then_correct_a_declaration(
    database: Database, actors: dict[str, Actor]
) -> None:
    clerk = actors["administrative"]
    with database.transaction() as session:
        member_id = factories.member(session).id
    with database.transaction() as session:
        first = declarations.enter_declaration(session, clerk, member_id, 2027, 12, 2, 1)
    assert (first.row.headcount_si, first.row.total) == (12, 15)
    assert first.row.source == DeclarationSource.STAFF and not first.already_invoiced
    with database.transaction() as session:
        second = declarations.enter_declaration(
            session, clerk, member_id, 2027, 10, 2, 1, expected_version=first.row.version
        )
    assert second.row.total == 13
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(WorkforceDeclaration)) == 1
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "declaration.enter")
            .order_by(AuditEvent.id)
        ).all()
        assert events[1].before["headcount_si"] == 12 and events[1].after["headcount_si"] == 10
        assert events[1].staff_id == clerk.staff_id


def test_negative_counts_are_refused_in_french(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        member_id = factories.member(session).id
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        declarations.enter_declaration(session, billing, member_id, 2027, 3, -1, 0)
    [error] = refused.value.errors
    assert error.field == "headcount_sia"
    assert error.message == (
        "Salariés en SIA : -1 n'est pas un nombre de salariés valide (de 0 à 100000)."
    )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(WorkforceDeclaration)) == 0


def test_a_portal_declaration_meanwhile_is_a_conflict(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        factories.portal_account(session, member)
        declaration = declare(session, member, 2027, si=5)
        member_id, version = member.id, declaration.version
    with database.transaction() as session:
        simulator.declare_workforce(
            session, session.get(factories.Member, member_id).member_code, 2027, 6, 0, 0
        )
    with pytest.raises(Conflict), database.transaction() as session:
        declarations.enter_declaration(
            session, billing, member_id, 2027, 9, 0, 0, expected_version=version
        )


def test_a_correction_after_the_invoice_says_so(database: Database, billing: Actor) -> None:
    member_id, _invoice_id = billed_member(database, billing, si=4)
    with database.transaction() as session:
        outcome = declarations.enter_declaration(session, billing, member_id, 2027, 6, 0, 0)
    assert outcome.already_invoiced  # the view offers a regularisation


def test_the_not_declared_list_and_its_reminder_letters(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        declared = factories.member(session, legal_name="DÉCLARÉ SA")
        declare(session, declared, 2027, si=3)
        late = factories.member(session, legal_name="RETARD SARL", contact_name="M. Weber")
        declare(session, late, 2026, si=7)
        factories.member(
            session, legal_name="CESSÉ", status=MemberStatus.CEASED, ceased_on=date(2026, 6, 1)
        )
        factories.member(session, legal_name="FUTUR", joined_on=date(2028, 1, 1))
        late_id = late.id
    clerk = actors["administrative"]
    with database.session() as session:
        rows = declarations.undeclared_members(session, clerk, 2027)
    assert [(row.member_name, row.previous_total) for row in rows] == [("RETARD SARL", 7)]
    with database.transaction() as session:
        content = declarations.declaration_reminders(session, clerk, 2027, [late_id])
    text = "".join(pdf_text(content))
    assert "Déclaration annuelle des effectifs 2027" in text
    assert "RETARD SARL" in text and "M. Weber" in text
    assert "Mes salariés" in text
    with database.session() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "declaration.reminder", AuditEvent.member_id == late_id)
            )
            == 1
        )
    with pytest.raises(PermissionDenied), database.transaction() as session:
        declarations.declaration_reminders(session, actors["read_only"], 2027, [late_id])

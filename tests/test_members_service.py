"""Members: search in SQL (accents and case ignored), filters, sorting, staff edits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    AccountKind,
    DocumentChannel,
    Instalment,
    Invoice,
    InvoiceKind,
    Member,
    MemberStatus,
    SepaMandate,
)
from backoffice.services import members as member_service
from backoffice.services.errors import ValidationFailed
from backoffice.services.members import EmployeeState, MemberQuery
from backoffice.services.permissions import Actor
from tests import factories


@pytest.fixture
def three_members(database: Database) -> dict[str, int]:
    today = clock.today()
    with database.transaction() as session:
        societe = factories.member(
            session,
            legal_name="SOCIÉTÉ GÉNÉRALE D'ŒUVRES",
            city="Sélestat",
            postcode="67600",
            member_code="300001",
        )
        garage = factories.member(
            session,
            legal_name="GARAGE DU RHIN",
            city="Colmar",
            postcode="68000",
            member_code="300002",
            siret="40483304800022",
        )
        ceased = factories.member(
            session,
            legal_name="ANCIENNE BOULANGERIE",
            member_code="300003",
            status=MemberStatus.CEASED,
            ceased_on=date(2024, 6, 30),
        )
        session.add(
            SepaMandate(
                member_id=garage.id,
                rum="STRV-300002-001",
                signed_on=date(2023, 1, 1),
                iban="FR7630006000011234567890189",
                bic="AGRIFRPP",
                debtor_name="GARAGE DU RHIN",
            )
        )
        invoice = Invoice(
            number="FA-2026-000001",
            kind=InvoiceKind.ANNUAL,
            member_id=garage.id,
            year=2026,
            period_label="Année 2026",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            issued_on=date(2026, 2, 15),
            issued_at=clock.now(),
            total_ht_cents=10000,
            vat_rate_bp=2000,
            vat_cents=2000,
            total_ttc_cents=12000,
            billing_name="GARAGE DU RHIN",
            billing_address_line1="1 rue",
            billing_postcode="68000",
            billing_city="Colmar",
        )
        invoice.instalments.append(
            Instalment(position=1, due_on=today - timedelta(days=10), amount_cents=12000)
        )
        session.add(invoice)
        factories.employee(session, garage.id)
        factories.employee(session, garage.id, exited_on=today - timedelta(days=3))
        return {"societe": societe.id, "garage": garage.id, "ceased": ceased.id}


def search(database: Database, actor: Actor, **query: object) -> list[int]:
    with database.session() as session:
        return member_service.search_member_ids(session, actor, MemberQuery(**query))


def test_search_ignores_accents_and_case(
    database: Database, actors: dict[str, Actor], three_members: dict[str, int]
) -> None:
    reader = actors["read_only"]
    assert search(database, reader, text="societe generale") == [three_members["societe"]]
    assert search(database, reader, text="OEUVRES") == [three_members["societe"]]
    assert search(database, reader, text="selestat") == [three_members["societe"]]
    assert search(database, reader, text="300002") == [three_members["garage"]]
    assert search(database, reader, text="40483304800022") == [three_members["garage"]]
    assert search(database, reader, text="68000 colmar") == [three_members["garage"]]
    assert search(database, reader, text="100%_") == []


def test_filters_and_sorting(
    database: Database, actors: dict[str, Actor], three_members: dict[str, int]
) -> None:
    reader = actors["read_only"]
    assert search(database, reader, status=MemberStatus.CEASED) == [three_members["ceased"]]
    assert search(database, reader, sepa=True) == [three_members["garage"]]
    assert three_members["garage"] not in search(database, reader, sepa=False)
    assert search(database, reader, overdue_only=True) == [three_members["garage"]]
    ordered = search(database, reader, sort="legal_name")
    assert ordered == [three_members["ceased"], three_members["garage"], three_members["societe"]]
    assert search(database, reader, sort="legal_name", descending=True) == ordered[::-1]
    with database.session() as session:
        rows = member_service.member_rows(session, reader, ordered)
    assert [row.id for row in rows] == ordered
    garage = rows[1]
    assert garage.sepa and garage.overdue and garage.employees == 1


def test_every_column_of_the_list_sorts_in_sql(
    database: Database, actors: dict[str, Actor], three_members: dict[str, int]
) -> None:
    """Issue 20, 7.6: employees, centre, SEPA and overdue sort too (ties by id)."""
    reader = actors["read_only"]
    with database.session() as session:
        rows = {
            row.id: row
            for row in member_service.member_rows(session, reader, list(three_members.values()))
        }
    for key, value in (
        ("employees", lambda r: r.employees),
        ("centre", lambda r: r.centre or ""),
        ("sepa", lambda r: r.sepa),
        ("overdue", lambda r: r.overdue),
    ):
        for descending in (False, True):
            ordered = search(database, reader, sort=key, descending=descending)
            values = [value(rows[member_id]) for member_id in ordered]
            assert values == sorted(values, reverse=descending), (key, descending)
    assert search(database, reader, sort="overdue", descending=True)[0] == three_members["garage"]
    assert search(database, reader, sort="sepa", descending=True)[0] == three_members["garage"]


def test_staff_edit_is_validated_saved_and_audited(
    database: Database, actors: dict[str, Actor], three_members: dict[str, int]
) -> None:
    editor = actors["administrative"]
    member_id = three_members["societe"]
    with database.session() as session:
        version = session.get(Member, member_id).version
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        member_service.update_member(
            session, editor, member_id, version, {"siret": "12345678901234", "postcode": "6800"}
        )
    assert {error.field for error in refused.value.errors} == {"siret", "postcode"}
    assert "SIRET" in refused.value.message and "code postal" in refused.value.message.lower()
    with database.transaction() as session:
        detail = member_service.update_member(
            session,
            editor,
            member_id,
            version,
            {"legal_name": "SOCIÉTÉ GÉNÉRALE D'ŒUVRES SAS", "city": "Colmar"},
        )
    assert detail.values["city"] == "Colmar" and detail.version == version + 1
    with database.session() as session:
        history = member_service.member_history(session, actors["read_only"], member_id)
    assert history[0].action == "member.edit"
    assert history[0].before == {"legal_name": "SOCIÉTÉ GÉNÉRALE D'ŒUVRES", "city": "Sélestat"}
    # The search text follows the edit.
    assert search(database, editor, text="colmar societe") == [member_id]


def test_a_stale_edit_is_refused_with_the_current_values(
    database: Database, actors: dict[str, Actor], three_members: dict[str, int]
) -> None:
    editor = actors["administrative"]
    member_id = three_members["garage"]
    with database.session() as session:
        seen = session.get(Member, member_id).version
    with database.transaction() as session:  # a colleague saves first
        member_service.update_member(session, editor, member_id, seen, {"phone": "03 89 11 11 11"})
    with database.transaction() as session, pytest.raises(member_service.MemberConflict) as lost:
        member_service.update_member(session, editor, member_id, seen, {"city": "Mulhouse"})
    assert lost.value.current.values["phone"] == "03 89 11 11 11"
    with database.session() as session:
        assert session.get(Member, member_id).city == "Colmar"


def test_employee_states_follow_the_portal_colours(
    database: Database, actors: dict[str, Actor], three_members: dict[str, int]
) -> None:
    with database.transaction() as session:
        factories.employee(
            session,
            three_members["garage"],
            origin=AccountKind.MEMBER and "portal",
            hired_on=clock.today(),
        )
    with database.session() as session:
        rows = member_service.member_employees(
            session, actors["read_only"], three_members["garage"]
        )
    assert sorted(row.state for row in rows) == sorted(
        [EmployeeState.COMPLETE, EmployeeState.EXITED, EmployeeState.ADDED]
    )
    with database.session() as session:
        assert session.scalar(
            select(Member.search_text).where(Member.id == three_members["garage"])
        ).startswith("300002")


def test_the_documents_preference_is_edited_checked_and_audited(
    database: Database, actors: dict[str, Actor], three_members: dict[str, int]
) -> None:
    editor = actors["administrative"]
    member_id = three_members["garage"]
    with database.session() as session:
        version = session.get(Member, member_id).version
        detail = member_service.member_detail(session, editor, member_id)
    assert detail.values["documents_by"] == DocumentChannel.EMAIL
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        member_service.update_member(
            session, editor, member_id, version, {"documents_by": "pigeon"}
        )
    assert refused.value.errors[0].field == "documents_by"
    assert refused.value.message == ("Envoi des documents : choisissez par e-mail ou par courrier.")
    with database.transaction() as session:
        detail = member_service.update_member(
            session, editor, member_id, version, {"documents_by": "post"}
        )
    assert detail.values["documents_by"] == DocumentChannel.POST
    with database.session() as session:
        assert session.get(Member, member_id).documents_by == DocumentChannel.POST
        history = member_service.member_history(session, actors["read_only"], member_id)
    assert history[0].action == "member.edit"
    assert (history[0].before, history[0].after) == (
        {"documents_by": "email"},
        {"documents_by": "post"},
    )

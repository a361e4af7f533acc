"""A new member recorded by staff: its code from the numbering rule, its SIRET checked and
unique, its joining fee and first portal access in the same transaction."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import AuditEvent, Invoice, InvoiceKind, Member, MemberStatus
from backoffice.portal import simulator
from backoffice.reports.accounts_letter import access_letter_pdf
from backoffice.services import members, settings
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.membership import numbering
from backoffice.services.membership.creation import NewMember, create_member
from backoffice.services.permissions import Actor
from tests import factories
from tests.accounts_support import pdf_text

VALUES: dict[str, object] = {
    "legal_name": "  MENUISERIE KOENIG SARL ",
    "trade_name": "Koenig Bois",
    "siret": "879 514 628 00020",
    "naf_code": "1623z",
    "joined_on": date(2027, 3, 1),
    "address_line1": "14 rue du Ballon",
    "postcode": "68500",
    "city": "Guebwiller",
    "contact_name": "Paul Koenig",
    "email": "contact@koenig-bois.example",
}


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_new_member_gets_the_next_code_of_the_rule(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        factories.member(session, member_code="100041", siret="73282932000074")
        factories.member(session, member_code="A00007", siret="87951462800012")
        created = create_member(session, actors["administrative"], NewMember(VALUES))
    assert created.member_code == "100042"  # after the highest code of the rule
    with database.session() as session:
        member = session.get(Member, created.member_id)
        assert member.legal_name == "MENUISERIE KOENIG SARL"
        assert member.siret == "87951462800020" and member.naf_code == "1623Z"
        assert member.status == MemberStatus.ACTIVE
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "member.create"))
        assert event.member_id == member.id and event.after["member_code"] == "100042"
        # Found by the members' search at once (the portal reads the same row).
        ids = members.search_member_ids(
            session, actors["administrative"], members.MemberQuery(text="koenig")
        )
        assert ids == [member.id]
    with database.transaction() as session:
        settings.put(
            session,
            actors["administrator"],
            "members.code_rule",
            {"prefix": "A", "digits": 5, "first": 1},
        )
        factories.member(session, member_code="A00008", siret="73282932000074")  # typed by hand
        second = create_member(
            session, actors["administrative"], NewMember(dict(VALUES, siret="87951462800038"))
        )
        third = create_member(
            session, actors["administrative"], NewMember(dict(VALUES, siret="87951462800046"))
        )
    assert (second.member_code, third.member_code) == ("A00009", "A00010")


def test_bad_values_are_refused_each_with_its_sentence_and_nothing_written(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        factories.member(session, member_code="100007", siret="87951462800020")
    before = count(database, Member)
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        create_member(
            session,
            actors["administrative"],
            NewMember(
                dict(
                    VALUES,
                    siret="87951462800020",
                    postcode="6850",
                    email="koenig@",
                    address_line1=" ",
                )
            ),
        )
    messages = {error.field: error.message for error in refused.value.errors}
    assert messages == {
        "siret": "SIRET : 87951462800020 est déjà le SIRET de l'adhérent 100007 "
        "(BOULANGERIE MÜLLER " + messages["siret"].split("MÜLLER ")[1],
        "postcode": "Code postal : 6850 n'est pas un code postal français (5 chiffres).",
        "email": "E-mail : koenig@ n'est pas une adresse e-mail.",
        "address_line1": "Adresse : champ obligatoire.",
    }
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        create_member(session, actors["administrative"], NewMember({"legal_name": "X"}))
    assert {error.field for error in refused.value.errors} == {
        "siret",
        "joined_on",
        "address_line1",
        "postcode",
        "city",
    }
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        create_member(
            session, actors["administrative"], NewMember(dict(VALUES, siret="87951462800021"))
        )
    assert "n'est pas un numéro SIRET valide" in refused.value.message
    assert count(database, Member) == before


def test_a_ceased_member_comes_back_by_a_return_not_a_new_record(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        factories.member(
            session,
            member_code="100009",
            siret="87951462800020",
            status=MemberStatus.CEASED,
            ceased_on=date(2026, 6, 30),
        )
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        create_member(session, actors["administrative"], NewMember(VALUES))
    assert "qui a cessé son activité : enregistrez plutôt son retour" in refused.value.message


def test_editing_a_record_refuses_the_siret_of_another_member(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        factories.member(session, member_code="100001", siret="87951462800020")
        other = factories.member(session, member_code="100002", siret="87951462800038")
        other_id, version = other.id, other.version
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        members.update_member(
            session, actors["administrative"], other_id, version, {"siret": "87951462800020"}
        )
    assert "déjà le SIRET de l'adhérent 100001" in refused.value.message


def test_joining_fee_and_first_access_in_the_same_step(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        factories.tariff(session, 2027)
    with clock.frozen(clock.at_local(date(2027, 3, 2), time(9))), database.transaction() as session:
        created = create_member(
            session,
            actors["administrative"],  # not a billing clerk: the fee comes with the record
            NewMember(VALUES, joining_fee_employees=4, first_access=True),
        )
    assert created.invoice_number == "FA-2027-000001"
    with database.session() as session:
        invoice = session.get(Invoice, created.invoice_id)
        assert invoice.kind == InvoiceKind.JOINING_FEE and invoice.member_id == created.member_id
        assert invoice.total_ht_cents == 4 * 2500
    letter = " ".join(pdf_text(access_letter_pdf(created.access.letter)).split())
    assert "MENUISERIE KOENIG SARL" in letter and created.access.temporary_password in letter
    with database.transaction() as session:  # the member logs in on the portal with it
        outcome = simulator.log_in(session, created.member_code, created.access.temporary_password)
    assert outcome == simulator.LoginOutcome.MUST_CHANGE_PASSWORD


def test_without_a_tariff_for_the_joining_year_nothing_is_created(
    database: Database, actors: dict[str, Actor]
) -> None:
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        create_member(session, actors["administrative"], NewMember(VALUES, joining_fee_employees=2))
    assert "2027" in refused.value.message
    assert count(database, Member) == 0 and count(database, Invoice) == 0


def test_only_staff_who_edit_members_create_them(
    database: Database, actors: dict[str, Actor]
) -> None:
    for role in ("billing", "medical_assistant", "read_only"):
        with pytest.raises(PermissionDenied), database.transaction() as session:
            create_member(session, actors[role], NewMember(VALUES))


def test_the_numbering_rule_is_checked() -> None:
    assert [
        e.field for e in numbering.rule_problems({"prefix": "A-", "digits": 2, "first": 1})
    ] == [
        "members.code_rule.prefix",
        "members.code_rule.digits",
    ]
    assert numbering.rule_problems({"prefix": "", "digits": 4, "first": 10000})[0].field == (
        "members.code_rule.first"
    )
    assert numbering.rule_problems({"prefix": "AD", "digits": 6, "first": 1}) == []


@pytest.mark.postgres
def test_two_workstations_creating_members_at_once_get_two_codes(
    pg_database: Database,
) -> None:
    with pg_database.transaction() as session:
        actor = factories.staff_of_every_role(session)["administrative"]
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def create(siret: str) -> None:
        try:
            barrier.wait()
            with pg_database.transaction() as session:
                codes.append(
                    create_member(session, actor, NewMember(dict(VALUES, siret=siret))).member_code
                )
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [
        threading.Thread(target=create, args=(siret,))
        for siret in ("87951462800020", "87951462800038")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(codes) == ["100001", "100002"]

"""Issue 14.1: what people type is stored as the database accepts it, or refused first."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice import clock
from backoffice.db import Database
from backoffice.models import AccountingFirm, Member, Payment, PaymentMethod
from backoffice.services import members as member_service
from backoffice.services.accounts import firms
from backoffice.services.errors import ValidationFailed
from backoffice.services.member_fields import member_fields
from backoffice.services.permissions import Actor
from tests import factories
from tests.hardening.support import database_state


def _member(database: Database) -> tuple[int, int]:
    with database.transaction() as session:
        member = factories.member(session)
        return member.id, member.version


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("siret", "732 829 320 00074", "73282932000074"),
        ("siret", "７３２８２９３２００００７４", "73282932000074"),
        ("siret", "732\u00a0829\u202f320\u200900074", "73282932000074"),
        ("siret", "732.829.320.00074", "73282932000074"),
        ("postcode", "68 100", "68100"),
        ("postcode", "６８１００", "68100"),
        ("billing_postcode", " 68\u00a0200 ", "68200"),
        ("phone", "03\u00a089\u202f00  00 00", "03 89 00 00 00"),
        ("phone", "０３ ８９ ００ ００ ００", "03 89 00 00 00"),
        ("convocation_phone", "+33 3 89 00 00 00", "+33 3 89 00 00 00"),
        ("naf_code", " 1071 c", "1071C"),
    ],
)
def test_a_member_edit_stores_what_was_typed_normalised(
    database: Database, actors: dict[str, Actor], field: str, typed: str, stored: str
) -> None:
    member_id, version = _member(database)
    with database.transaction() as session:
        detail = member_service.update_member(
            session, actors["administrative"], member_id, version, {field: typed}
        )
    assert detail.values[field] == stored
    with database.session() as session:
        assert getattr(session.get(Member, member_id), field) == stored


@pytest.mark.parametrize("field", [name for name, f in member_fields().items() if f.max_length])
def test_a_member_text_longer_than_its_column_is_refused_naming_the_field(
    database: Database, actors: dict[str, Actor], field: str
) -> None:
    member_id, version = _member(database)
    definition = member_fields()[field]
    too_long = "7" * (definition.max_length + 1)
    before = database_state(database)
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        member_service.update_member(
            session, actors["administrative"], member_id, version, {field: too_long}
        )
    assert refused.value.errors[0].field == field
    assert refused.value.message == (
        f"{definition.label} : {definition.max_length} caractères au plus "
        f"({definition.max_length + 1} saisis)."
    )
    assert database_state(database) == before


def test_the_form_limits_plain_texts_to_their_column_not_identifiers() -> None:
    fields = member_fields()
    assert fields["legal_name"].input_length == 200
    assert fields["siret"].input_length is None  # typed with its spaces


def test_every_flush_refuses_what_a_column_cannot_hold(database: Database) -> None:
    member_id, _version = _member(database)
    before = database_state(database)
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        session.get(Member, member_id).city = "x" * 101
    assert refused.value.message == "Ville : 100 caractères au plus (101 saisis)."
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        session.add(
            Payment(
                member_id=member_id,
                method=PaymentMethod.TRANSFER,
                amount_cents=2**63 - 1 + 1,
                received_on=date(2026, 1, 5),
                recorded_at=clock.now(),
            )
        )
    assert refused.value.errors[0].field == "amount_cents"
    assert "trop grand" in refused.value.message
    assert database_state(database) == before


def test_a_firm_siret_and_phone_are_stored_normalised(
    database: Database, actors: dict[str, Actor]
) -> None:
    values = firms.FirmInput(
        code="CABINET14",
        name="Cabinet Quatorze",
        siret="７３２ ８２９ ３２０ ０００７４",
        contact_name=None,
        email="contact@cabinet14.fr",
        phone="03\u00a089\u00a000\u00a000\u00a000",
        address_line1="1 rue du Port",
        address_line2=None,
        postcode="68 100",
        city="Mulhouse",
    )
    with database.transaction() as session:
        firms.create_firm(session, actors["administrative"], values)
    with database.session() as session:
        firm = session.query(AccountingFirm).one()
        assert (firm.siret, firm.phone, firm.postcode) == (
            "73282932000074",
            "03 89 00 00 00",
            "68100",
        )


def test_a_portal_change_typed_with_spaces_is_applied_as_stored(
    database: Database, actors: dict[str, Actor]
) -> None:
    from datetime import timedelta

    from backoffice.models import ChangeKind
    from backoffice.services.actors import system_actor
    from backoffice.services.changes import apply, decisions
    from tests import changes_support as support

    owner, request_id = support.one_request(
        database,
        ChangeKind.COMPANY_RECORD,
        {"postcode": "68\u00a0000", "city": "Colmar", "phone": "03\u202f89 00\u00a000 00 00"},
    )
    with database.transaction() as session:
        decisions.approve_all(session, actors["administrative"], request_id)
    with clock.frozen(clock.now() + timedelta(days=1)), database.transaction() as session:
        report = apply.apply_due(session, system_actor(session))
    assert report.applied == (request_id,) and report.failed == ()
    with database.session() as session:
        member = session.get(Member, owner.id)
        assert (member.postcode, member.phone) == ("68000", "03 89 00 00 00 00")

"""Mandates by staff: bank details checked with schwifty, refused in French before
anything is written; revocation, the 36-month lapse and the list of those about to lapse."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import AuditEvent, MandateStatus, SepaMandate
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.sepa import mandates, queries
from backoffice.services.sepa.mandates import DebtorDetails, lapses_on
from tests import factories
from tests.sepa.builders import account, member_with_mandate

GOOD_IBAN = "FR7630006000011234567890189"
GOOD_BIC = "AGRIFRPP"


def mandate_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(SepaMandate)) or 0


def test_staff_creates_a_mandate_with_the_account_holder(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member = factories.member(session)
        created = mandates.create_mandate(
            session,
            actors["billing"],
            member.id,
            "fr76 3000 6000 0112 3456 7890 189",
            "agrifrpp",
            signed_on=date(2027, 1, 20),
            email="compta@exemple.fr",
            debtor=DebtorDetails("Müller & Söhne SARL", "5 rue Haute", "68100", "Mulhouse"),
        )
    assert created.rum == f"STRV-{member.member_code}-001"
    assert created.iban == GOOD_IBAN and created.bic == GOOD_BIC
    assert created.name_in_file == "Muller + Sohne SARL"  # what the bank will receive, shown
    with database.session() as session:
        stored = session.get(SepaMandate, created.id)
        assert stored is not None
        assert stored.debtor_name == "Müller & Söhne SARL"  # kept as typed
        assert (stored.debtor_street, stored.debtor_postcode, stored.debtor_town) == (
            "5 rue Haute",
            "68100",
            "Mulhouse",
        )
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "mandate.create"))
        assert event is not None and event.after["rum"] == created.rum


WRONG_CHECKSUM = "FR7630006000011234567890188"
# The IBAN's own checksum is right, the French RIB key inside it is not (89 expected).
WRONG_RIB_KEY = "FR5430006000011234567890100"
BRAZILIAN_IBAN = "BR1800360305000010009795493C1"


@pytest.mark.parametrize(
    ("iban", "bic", "field", "message", "values"),
    [
        (
            WRONG_CHECKSUM,
            GOOD_BIC,
            "iban",
            "{field}: {value} is not a valid IBAN (checksum or length).",
            {"value": WRONG_CHECKSUM},
        ),
        (
            WRONG_RIB_KEY,
            GOOD_BIC,
            "iban",
            "{field}: the RIB key of {value} is wrong.",
            {"value": WRONG_RIB_KEY},
        ),
        (
            GOOD_IBAN,
            "BNPAFRPP",
            "bic",
            "{field}: {value} is not the BIC of the IBAN's bank ({expected}).",
            {"value": "BNPAFRPP", "expected": "AGRIFRPPXXX"},
        ),
        (GOOD_IBAN, "XYZ", "bic", "{field}: {value} is not a valid BIC.", {"value": "XYZ"}),
        (  # a valid IBAN, of a country outside the SEPA scheme: it cannot be debited
            BRAZILIAN_IBAN,
            "BCBBBRDF",
            "iban",
            "{field}: {value} is an account of a country outside the SEPA zone; "
            "it cannot be used for direct debits.",
            {"value": BRAZILIAN_IBAN},
        ),
    ],
)
def test_bad_bank_details_are_refused_and_nothing_is_written(
    database: Database,
    actors: dict[str, Actor],
    iban: str,
    bic: str,
    field: str,
    message: str,
    values: dict[str, str],
) -> None:
    with database.transaction() as session:
        member_id = factories.member(session).id
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        mandates.create_mandate(
            session, actors["billing"], member_id, iban, bic, signed_on=date(2027, 1, 5)
        )
    assert [error.field for error in refused.value.errors] == [field]
    # The sentence of the validation helpers, in the language of the catalogues.
    assert refused.value.message == tr(message, field=field.upper(), **values)
    assert mandate_count(database) == 0


def test_other_bad_inputs_are_refused(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        member_id = factories.member(session).id
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        mandates.create_mandate(
            session,
            actors["billing"],
            member_id,
            GOOD_IBAN,
            GOOD_BIC,
            signed_on=date(2027, 3, 1),
            debtor=DebtorDetails(" ", "1 rue X", "6810", "Mulhouse", "FR"),
        )
    fields = {error.field for error in refused.value.errors}
    assert fields == {"debtor_name", "signed_on", "debtor_postcode"}
    assert "Date de signature : le 01/03/2027 est dans le futur." in refused.value.message
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        mandates.create_mandate(
            session,
            actors["billing"],
            member_id,
            GOOD_IBAN,
            GOOD_BIC,
            signed_on=date(2027, 1, 3),
            debtor=DebtorDetails("ETS DUPONT", None, None, None, "France"),
        )
    assert refused.value.message == "Pays : France n'est pas un code pays à deux lettres."
    assert mandate_count(database) == 0


def test_a_new_mandate_revokes_the_active_one(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        member, first = member_with_mandate(session, actors["billing"])
        iban, bic = account()
        second = mandates.create_mandate(
            session, actors["billing"], member.id, iban, bic, signed_on=date(2027, 1, 10)
        )
    assert second.rum.endswith("-002")
    with database.session() as session:
        old = session.get(SepaMandate, first.id)
        assert old is not None and old.status == MandateStatus.REVOKED
        assert old.revoked_on == date(2027, 1, 10)


def test_revoke_with_reason_date_and_version(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        _member, created = member_with_mandate(session, actors["billing"])
        version = session.get(SepaMandate, created.id).version  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        mandates.revoke_mandate(
            session, actors["billing"], created.id, revoked_on=date(2027, 5, 1), reason=""
        )
    assert {error.field for error in refused.value.errors} == {"revoked_on", "reason"}
    with pytest.raises(Conflict), database.transaction() as session:
        mandates.revoke_mandate(
            session,
            actors["billing"],
            created.id,
            revoked_on=date(2027, 1, 30),
            reason="Courrier",
            expected_version=version + 1,
        )
    with database.transaction() as session:
        revoked = mandates.revoke_mandate(
            session,
            actors["billing"],
            created.id,
            revoked_on=date(2027, 1, 30),
            reason="Courrier de l'adhérent du 28/01",
            expected_version=version,
        )
    assert revoked.status == MandateStatus.REVOKED
    with database.session() as session:
        event = session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "mandate.revoke")
            .order_by(AuditEvent.id.desc())
        )
        assert event is not None and event.summary == "Courrier de l'adhérent du 28/01"
        assert event.before == {"status": "active"}


def test_unused_mandates_lapse_after_36_months_and_are_listed_before(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        _m1, never_used = member_with_mandate(session, billing, signed_on=date(2024, 1, 31))
        _m2, used = member_with_mandate(session, billing, signed_on=date(2020, 1, 1))
        session.get(SepaMandate, used.id).last_collected_on = date(2024, 3, 15)  # type: ignore[union-attr]
        _m3, recent = member_with_mandate(session, billing, signed_on=date(2026, 1, 1))
    assert lapses_on(date(2024, 1, 31), None) == date(2027, 1, 31)
    assert lapses_on(date(2020, 1, 1), date(2024, 2, 29)) == date(2027, 2, 28)
    with database.session() as session:
        soon = queries.list_mandates(session, billing, lapsing_within_days=60)
    assert {row.id: row.lapses_on for row in soon} == {
        never_used.id: date(2027, 1, 31),
        used.id: date(2027, 3, 15),
    }
    with database.transaction() as session:
        lapsed = mandates.lapse_mandates(session, billing)
    assert [item.id for item in lapsed] == [never_used.id]
    with database.session() as session:
        statuses = {row.id: row.status for row in queries.list_mandates(session, billing)}
    assert statuses == {
        never_used.id: MandateStatus.LAPSED,
        used.id: MandateStatus.ACTIVE,
        recent.id: MandateStatus.ACTIVE,
    }


def test_only_billing_and_administrators_manage_mandates(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member_id = factories.member(session).id
    for role in ("read_only", "administrative", "medical_assistant"):
        with pytest.raises(PermissionDenied), database.transaction() as session:
            mandates.create_mandate(
                session, actors[role], member_id, GOOD_IBAN, GOOD_BIC, signed_on=date(2027, 1, 5)
            )
    with database.transaction() as session:
        mandates.create_mandate(
            session,
            actors["administrator"],
            member_id,
            GOOD_IBAN,
            GOOD_BIC,
            signed_on=date(2027, 1, 5),
        )

"""The collection file's own rules: a file that fails the official schema is never kept
and nothing is marked sent; a debtor whose bank is outside the EEA needs a structured
address, which the review asks for before the export."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import Instalment, SepaCollection, SepaMandate, SepaState
from backoffice.reports.sepa import pain008
from backoffice.services.errors import ServiceError, ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.sepa import collections, mandates
from backoffice.services.sepa.mandates import DebtorDetails
from backoffice.services.sepa.selection import AnomalyKind
from tests import factories
from tests.sepa.builders import COLLECTION, count, due, export, invoice, review
from tests.sepa.xsd import assert_valid

SWISS_IBAN = "CH9300762011623852957"
SWISS_BIC = "UBSWCHZH80A"


def test_a_file_failing_the_schema_is_never_kept_and_nothing_is_marked_sent(
    database: Database, actors: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    due(database, actors["billing"], 10000, 20000)
    # An end-to-end id longer than the schema's 35 characters.
    monkeypatch.setattr(collections, "end_to_end_id", lambda line, _id: "X" * 36)
    with pytest.raises(ValidationFailed) as refused:
        export(database, actors["billing"], late_notice=True)
    message = refused.value.errors[0].message
    assert "pain.008.001.08" in message and "EndToEndId" in message
    assert "pas été écrit" in message and "PmtInf/DrctDbtTxInf[XXXX" in message
    assert count(database, SepaCollection) == 0
    with database.session() as session:
        assert set(session.scalars(select(Instalment.sepa_state))) == {SepaState.NONE}
        assert set(session.scalars(select(Instalment.end_to_end_id))) == {None}
        assert set(session.scalars(select(SepaMandate.first_collected_on))) == {None}


def test_a_refused_file_leaves_nothing_marked_sent_even_if_the_unit_of_work_goes_on(
    database: Database, actors: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are updated while the file is built (a thread, under a
    savepoint): a refused file undoes them itself, whatever the caller does next."""
    due(database, actors["billing"], 10000, 20000)

    def refuse(_document: object, schema: str) -> None:
        raise pain008.SchemaInvalid(schema, ["refused for the test"])

    monkeypatch.setattr(pain008, "validate", refuse)
    # The refusal caught inside the unit of work, which then commits.
    with database.transaction() as session, pytest.raises(ValidationFailed):
        collections.export_collection(session, actors["billing"], COLLECTION, late_notice=True)
    with database.session() as session:
        assert set(session.scalars(select(Instalment.sepa_state))) == {SepaState.NONE}
        assert set(session.scalars(select(Instalment.end_to_end_id))) == {None}
        assert set(session.scalars(select(SepaMandate.first_collected_on))) == {None}


def _swiss_member(database: Database, actor: Actor, town: str | None) -> int:
    with database.transaction() as session:
        member = factories.member(session, legal_name=f"UHRWERK {town} AG")
        mandates.create_mandate(
            session,
            actor,
            member.id,
            SWISS_IBAN,
            SWISS_BIC,
            signed_on=date(2025, 6, 1),
            debtor=DebtorDetails("Uhrwerk AG", "Bahnhofstrasse 10", "8001", town, "CH"),
        )
        invoice(session, member, [(COLLECTION, 30000)])
        return member.id


def test_a_debtor_banking_outside_the_eea_needs_a_town(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    without_town = _swiss_member(database, billing, None)
    with_town = _swiss_member(database, billing, "Zürich")
    lines = {line.member_id: line for line in review(database, billing, late_notice=True).lines}
    blocked = lines[without_town]
    assert not blocked.included
    assert AnomalyKind.ADDRESS_REQUIRED in {a.kind for a in blocked.anomalies}
    assert lines[with_town].included
    outcome = export(database, billing, late_notice=True)
    assert outcome.count == 1 and outcome.excluded == 1
    assert_valid(outcome.xml)
    assert b"<TwnNm>Zurich</TwnNm><Ctry>CH</Ctry>" in outcome.xml
    assert b"<StrtNm>Bahnhofstrasse 10</StrtNm>" in outcome.xml


def test_a_french_debtor_without_a_town_goes_without_an_address(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    (member_id,) = due(database, billing, 12345)
    with database.transaction() as session:
        mandate = session.scalar(select(SepaMandate).where(SepaMandate.member_id == member_id))
        assert mandate is not None
        mandate.debtor_town = None
    outcome = export(database, billing, late_notice=True)
    assert outcome.count == 1
    assert_valid(outcome.xml)
    assert outcome.xml.count(b"<PstlAdr>") == 1  # the creditor's


def test_the_file_is_refused_whole_when_every_line_is_blocked(
    database: Database, actors: dict[str, Actor]
) -> None:
    _swiss_member(database, actors["billing"], None)
    with pytest.raises(ServiceError, match="Aucune des 1 échéances"):
        export(database, actors["billing"], late_notice=True)
    assert count(database, SepaCollection) == 0
    assert pain008.SCHEMAS[0] == "pain.008.001.08"

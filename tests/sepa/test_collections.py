"""Collections: the selection and its anomalies, pre-notification in time, the export
(validated file, exact amounts, one traceable transaction per instalment, kept for audit),
and every refusal before anything is written."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from backoffice import clock
from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import (
    AuditEvent,
    Instalment,
    PaymentMethod,
    SepaCollection,
    SepaMandate,
    SepaPrenotification,
    SepaState,
    Setting,
)
from backoffice.reports.sepa import pain008
from backoffice.reports.sepa.charset import to_sepa_text
from backoffice.services import identity, settings
from backoffice.services.billing.payments import record_payment
from backoffice.services.errors import Conflict, PermissionDenied, ServiceError, ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.sepa import collections, creditor, mandates, selection
from backoffice.services.sepa.selection import AnomalyKind
from tests import factories
from tests.sepa.builders import (
    COLLECTION,
    count,
    due,
    export,
    invoice,
    member_with_mandate,
    prenotify,
    review,
)
from tests.sepa.xsd import assert_valid


def kinds(line: object) -> set[AnomalyKind]:
    return {anomaly.kind for anomaly in line.anomalies}  # type: ignore[attr-defined]


def test_review_selects_due_unpaid_instalments_and_shows_the_anomalies(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        good, _ = member_with_mandate(session, billing, name="ETS DUPONT SARL")
        first = invoice(
            session,
            good,
            [(date(2027, 2, 15), 48608), (COLLECTION, 48607), (date(2027, 5, 15), 48607)],
        )
        first.instalments[0].paid_cents = 10000  # partly paid: the rest is collected
        paid, _ = member_with_mandate(session, billing)
        invoice(session, paid, [(COLLECTION, 30000)]).instalments[0].paid_cents = 30000
        no_mandate = factories.member(session)
        invoice(session, no_mandate, [(COLLECTION, 12000)], direct_debit=False)
        revoked, revoked_mandate = member_with_mandate(session, billing)
        mandates.revoke_mandate(
            session, billing, revoked_mandate.id, revoked_on=date(2027, 1, 20), reason="Lettre"
        )
        invoice(session, revoked, [(COLLECTION, 15000)])  # issued for direct debit
        broken, broken_mandate = member_with_mandate(session, billing)
        session.get(SepaMandate, broken_mandate.id).iban = "FR7630006000011234567890188"  # type: ignore[union-attr]
        invoice(session, broken, [(COLLECTION, 20000)])
        replanned, _ = member_with_mandate(session, billing)
        superseded = invoice(session, replanned, [(COLLECTION, 9000)]).instalments[0]
        superseded.superseded_at = datetime(2027, 1, 25, tzinfo=UTC)
        lapsed, _ = member_with_mandate(session, billing, signed_on=date(2024, 3, 1))
        invoice(session, lapsed, [(COLLECTION, 11000)])
    result = review(database, billing)
    amounts = sorted((line.member_id, line.due_on, line.amount_cents) for line in result.lines)
    assert amounts == sorted(
        [
            (good.id, date(2027, 2, 15), 38608),
            (good.id, COLLECTION, 48607),
            (revoked.id, COLLECTION, 15000),
            (broken.id, COLLECTION, 20000),
            (lapsed.id, COLLECTION, 11000),
        ]
    )
    for line in (line for line in result.lines if line.member_id == good.id):
        assert kinds(line) == {AnomalyKind.NOT_PRENOTIFIED}
    missing = next(line for line in result.lines if line.member_id == revoked.id)
    assert kinds(missing) == {AnomalyKind.MISSING_MANDATE}
    bad_iban = next(line for line in result.lines if line.member_id == broken.id)
    assert AnomalyKind.INVALID_BANK_DETAILS in kinds(bad_iban)
    too_old = next(line for line in result.lines if line.member_id == lapsed.id)
    assert AnomalyKind.MANDATE_LAPSED in kinds(too_old)  # lapses 01/03/2027, before the 15th
    assert result.count == 0  # nothing pre-notified yet
    overridden = review(database, billing, late_notice=True)
    assert overridden.count == 2 and overridden.total_cents == 38608 + 48607
    assert overridden.excluded_count == 3
    assert all(line.sequence == "FRST" for line in overridden.included)
    for line in result.lines:  # made without __init__ (selection.filled): the same lines
        assert line == selection.ReviewLine(**vars(line))
        assert set(vars(line)) == {field.name for field in fields(selection.ReviewLine)}
        if line.mandate_id is not None:
            debit = collections.direct_debit(line, 7)
            assert debit == pain008.DirectDebit(**vars(debit))
            assert set(vars(debit)) == {field.name for field in fields(pain008.DirectDebit)}
            assert collections.prepared_debit(line, 7) == pain008.prepared(debit)


def _line(**changes: object) -> selection.ReviewLine:
    values: dict[str, object] = {
        "instalment_id": 1,
        "version": 1,
        "member_id": 1,
        "member_code": "300001",
        "member_name": "ETS DURAND SARL",
        "invoice_number": "FA-2027-000001",
        "creditor_reference": "RF18FA2027000001",
        "position": 2,
        "due_on": COLLECTION,
        "amount_cents": 48607,
        "sepa_state": SepaState.PRENOTIFIED,
        "mandate_id": 1,
        "rum": "STRV-300001-001",
        "mandate_signed_on": date(2025, 1, 10),
        "iban": "fr76 3000 6000 0112 3456 7890 189",
        "bic": "agri frpp",
        "debtor_name": "ETS DURAND SARL",
        "name_in_file": None,
        "debtor_address": pain008.PostalAddress("12 bis rue de la Paix", "68100", "Mulhouse", "FR"),
        "sequence": "RCUR",
        "prenotification_id": 1,
        "anomalies": (),
    }
    values.update(changes)
    name = values["debtor_name"]
    if name and "name_in_file" not in changes:  # as the review makes it
        values["name_in_file"] = to_sepa_text(str(name), pain008.NAME_LENGTH)
    return selection.ReviewLine(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"debtor_name": "Boulangerie Müller & Fils", "bic": None},
        {"debtor_name": "", "member_name": "ŒUVRES  SOCIALES  D'ÉTÉ"},
        {"debtor_name": "  ", "debtor_address": None},
        {"creditor_reference": "RF18 FA_2027", "member_code": "É-12"},
        {"invoice_number": "FA 2027 " + "9" * 120, "member_code": " 300001 "},
        {"invoice_number": "FA-2027-000001  bis", "position": 12},
        {"debtor_address": pain008.PostalAddress(None, None, "Zürich", "CH")},
    ],
)
def test_the_debits_texts_taken_from_the_review_are_the_files(changes: dict[str, object]) -> None:
    """The export reuses the name the review put in the SEPA set and writes the
    remittance without transliterating it: the same texts as from the debit itself."""
    line = _line(**changes)
    assert line.remittance_in_file == to_sepa_text(line.remittance, pain008.REMITTANCE_LENGTH)
    debit = collections.direct_debit(line, 7)
    assert collections.prepared_debit(line, 7) == pain008.prepared(debit)


def test_prenotified_collection_is_exported_validated_and_kept(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        member, mandate = member_with_mandate(
            session, billing, name="Boulangerie Müller & Fils", email="compta@muller.fr"
        )
        bill = invoice(session, member, [(date(2027, 3, 1), 48608), (COLLECTION, 48607)])
        other, _ = member_with_mandate(session, billing)
        invoice(session, other, [(COLLECTION, 145822)])
    batch = prenotify(database, billing)
    assert len(batch.notices) == 2
    notice = next(item for item in batch.notices if item.member_code == member.member_code)
    assert notice.channel == "email" and notice.email == "compta@muller.fr"
    assert notice.total_cents == 48608 + 48607 and notice.rum == mandate.rum
    assert notice.creditor_id == "FR72ZZZ123456"
    assert {n.channel for n in batch.notices} == {"email", "letter"}
    assert count(database, SepaPrenotification) == 2

    outcome = export(database, billing)
    assert (outcome.count, outcome.total_cents) == (3, 48608 + 48607 + 145822)
    assert_valid(outcome.xml)  # the official XSD, independently of the code under test
    transactions = pain008.read_transactions(outcome.xml)
    assert sum(t.amount_cents for t in transactions) == outcome.total_cents
    assert {t.sequence for t in transactions} == {"FRST"}
    assert "Boulangerie Muller + Fils" in {t.debtor_name for t in transactions}
    with database.session() as session:
        instalments = session.scalars(select(Instalment).order_by(Instalment.id)).all()
        by_e2e = {item.end_to_end_id: item for item in instalments}
        for transaction in transactions:  # each transaction names its instalment
            instalment = by_e2e[transaction.end_to_end_id]
            assert instalment.sepa_state == SepaState.SENT
            assert instalment.collection_id == outcome.collection_id
            assert transaction.amount_cents == instalment.remaining_cents
        assert f"{bill.number}-2-{outcome.collection_id}" in by_e2e
        kept = session.get(SepaCollection, outcome.collection_id)
        assert kept is not None and kept.xml == outcome.xml and not kept.resent
        assert kept.message_id == outcome.message_id and kept.transaction_count == 3
        used = session.get(SepaMandate, mandate.id)
        assert used is not None
        assert (used.first_collected_on, used.last_collected_on) == (COLLECTION, COLLECTION)
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "sepa.collection.export")
        )
        assert event is not None and event.staff_id == billing.staff_id
        assert sorted(event.after["instalments"]) == sorted(
            by_e2e[t.end_to_end_id].id for t in transactions
        )

    # The same instalments again: refused unless explicitly chosen.
    with pytest.raises(ServiceError, match="Aucune des 3 échéances"):
        export(database, billing)
    assert count(database, SepaCollection) == 1
    again = review(database, billing, resend=True)
    assert {k for line in again.lines for k in kinds(line)} >= {AnomalyKind.ALREADY_SENT}
    resent = export(database, billing, resend=True)
    assert resent.resent and resent.count == 3
    assert {t.sequence for t in pain008.read_transactions(resent.xml)} == {"RCUR"}
    assert_valid(resent.xml)


def test_notice_must_leave_in_time_unless_overridden(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    due(database, billing, 25000)
    with clock.frozen(datetime(2027, 3, 5, 9, tzinfo=UTC)):  # 10 days before
        with pytest.raises(ValidationFailed) as refused:
            prenotify(database, billing)
        assert refused.value.errors[0].field == "collection_date"
        assert "dans moins de 14 jours" in refused.value.message
        assert "le 01/03/2027" in refused.value.message
        assert count(database, SepaPrenotification) == 0
        prenotify(database, billing, short_notice=True)
        late = review(database, billing)
        assert kinds(late.lines[0]) == {AnomalyKind.LATE_NOTICE}
        assert "au plus tard le 01/03/2027" in late.lines[0].anomalies[0].message
        with pytest.raises(ServiceError):
            export(database, billing)
        assert count(database, SepaCollection) == 0
        outcome = export(database, billing, late_notice=True)
    assert outcome.count == 1 and outcome.late_notice
    with database.session() as session:
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "sepa.collection.export")
        )
        assert event is not None and event.after["late_notice_override"] is True


def test_a_notice_for_another_date_does_not_count(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    due(database, billing, 25000)
    prenotify(database, billing, date(2027, 3, 16))
    line = review(database, billing).lines[0]
    assert kinds(line) == {AnomalyKind.NOT_PRENOTIFIED}
    assert "16/03/2027" in line.anomalies[0].message


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 29), "n'est pas une date future"),
        (date(2027, 3, 13), "un samedi"),
        (date(2027, 3, 29), "lundi de Pâques"),
    ],
)
def test_bad_collection_dates_are_refused_before_anything_is_written(
    database: Database, actors: dict[str, Actor], day: date, expected: str
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        member, _ = member_with_mandate(session, billing)
        invoice(session, member, [(date(2027, 1, 15), 25000)])
    for step in (review, prenotify, export):
        with pytest.raises(ValidationFailed) as refused:
            step(database, billing, day)
        assert expected in refused.value.message
        assert refused.value.message.startswith("Date de prélèvement : ")
    assert count(database, SepaPrenotification) == 0
    assert count(database, SepaCollection) == 0


def test_an_invalid_creditor_identity_stops_the_export(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    due(database, billing, 25000)
    with database.transaction() as session:
        stored = session.get(Setting, "service.identity")
        stored.value = dict(stored.value, creditor_id="FR00ZZZ000000")  # by hand, unchecked
    with pytest.raises(ValidationFailed) as refused:
        export(database, billing, late_notice=True)
    assert refused.value.message.startswith("Identité du créancier (Paramètres) : ")
    assert "FR00ZZZ000000" in refused.value.message
    assert count(database, SepaCollection) == 0
    with database.session() as session:
        assert session.scalar(select(Instalment.sepa_state)) == SepaState.NONE


def test_the_older_format_is_a_setting(database: Database, actors: dict[str, Actor]) -> None:
    due(database, actors["billing"], 25000)
    with database.transaction() as session:
        settings.put(session, actors["administrator"], "sepa.schema", "pain.008.001.02")
    outcome = export(database, actors["billing"], late_notice=True)
    assert outcome.schema == "pain.008.001.02"
    assert b"urn:iso:std:iso:20022:tech:xsd:pain.008.001.02" in outcome.xml
    assert_valid(outcome.xml, "pain.008.001.02")


def test_a_batch_changed_since_the_review_is_a_conflict(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    (member_id,) = due(database, billing, 25000)
    reviewed = review(database, billing, late_notice=True)
    versions = {line.instalment_id: line.version for line in reviewed.included}
    with database.transaction() as session:  # the member pays by transfer meanwhile
        record_payment(session, billing, member_id, 25000, PaymentMethod.TRANSFER, date(2027, 2, 1))
    with pytest.raises(Conflict):
        export(database, billing, late_notice=True, instalment_versions=versions)
    assert count(database, SepaCollection) == 0


def test_a_mandate_revoked_since_the_review_is_a_conflict(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    due(database, billing, 10000, 20000)
    reviewed = review(database, billing, late_notice=True)
    versions = {line.instalment_id: line.version for line in reviewed.included}
    with database.transaction() as session:
        mandate_id = session.scalar(select(SepaMandate.id).limit(1))
        mandates.revoke_mandate(
            session, billing, mandate_id, revoked_on=date(2027, 2, 1), reason="Lettre"
        )
    with pytest.raises(Conflict, match="Le lot a changé"):
        export(database, billing, late_notice=True, instalment_versions=versions)
    assert count(database, SepaCollection) == 0


def test_only_the_lines_chosen_in_the_review_go(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    due(database, billing, 10000, 20000, 30000)
    reviewed = review(database, billing, late_notice=True)
    chosen = [line for line in reviewed.included if line.amount_cents != 20000]
    outcome = export(
        database,
        billing,
        late_notice=True,
        instalment_versions={line.instalment_id: line.version for line in chosen},
    )
    assert (outcome.count, outcome.total_cents) == (2, 40000)
    with database.session() as session:
        left = session.scalar(select(Instalment).where(Instalment.amount_cents == 20000))
        assert left is not None and left.sepa_state == SepaState.NONE


def test_read_only_staff_cannot_prepare_nor_export(
    database: Database, actors: dict[str, Actor]
) -> None:
    for role in ("read_only", "administrative"):
        with pytest.raises(PermissionDenied):
            review(database, actors[role])
        with pytest.raises(PermissionDenied):
            export(database, actors[role])


def test_demo_like_rejected_history_is_presented_again_with_a_warning(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        member, _ = member_with_mandate(session, billing)
        bill = invoice(session, member, [(date(2027, 1, 15), 25000), (COLLECTION, 25000)])
        session.execute(
            update(Instalment)
            .where(Instalment.id == bill.instalments[0].id)
            .values(sepa_state=SepaState.REJECTED, rejection_code="AM04", end_to_end_id="HIST1")
        )
    prenotify(database, billing)
    result = review(database, billing)
    warned = next(line for line in result.lines if line.due_on == date(2027, 1, 15))
    assert kinds(warned) == {AnomalyKind.PREVIOUSLY_REJECTED}
    assert "AM04 (Provision insuffisante)" in warned.anomalies[0].message
    assert warned.included and result.count == 2


def test_the_creditor_identity_is_checked_in_the_settings(
    database: Database, actors: dict[str, Actor]
) -> None:
    admin = actors["administrator"]
    with database.session() as session:
        good = identity.load(session)
    account = replace(good.direct_debit_account, bic="BNPAFRPP")
    bad = replace(
        good,
        creditor_id="FR99ZZZ123456",
        bank_accounts=(good.bank_accounts[0], account),
    )
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        identity.save(session, admin, bad)
    assert {error.field for error in refused.value.errors} == {"creditor_id", "bank_accounts.1.bic"}
    assert refused.value.errors[0].message == tr(
        "{field}: {value} is not a valid SEPA creditor identifier (ICS).",
        field=tr("Creditor identifier (ICS)"),
        value="FR99ZZZ123456",
    )
    # The files want a creditor account: without one, the export says so.
    problems = creditor.problems(replace(good, bank_accounts=good.bank_accounts[:1]))
    assert [problem.message for problem in problems] == [
        "Manquant : compte bancaire crédité par les prélèvements."
    ]
    with database.transaction() as session:
        identity.save(session, admin, replace(good, legal_name="Santé & Travail"))
        summary = creditor.summary(session, actors["billing"])
    assert summary.name == "Santé & Travail" and summary.problems == ()


def test_marking_sent_is_guarded_by_the_versions_read(
    database: Database, actors: dict[str, Actor]
) -> None:
    """The last guard of the export (each backend has its own statement): a row changed
    after the selection makes the whole unit of work fail, nothing is marked."""
    due(database, actors["billing"], 10000, 20000)
    with pytest.raises(Conflict), database.transaction() as session:
        lines = selection.build_review(session, COLLECTION, late_notice=True).included
        session.execute(
            update(Instalment)
            .where(Instalment.id == lines[0].instalment_id)
            .values(version=Instalment.version + 1)
        )
        kept = SepaCollection(
            message_id="M1",
            collection_date=COLLECTION,
            schema="pain.008.001.08",
            created_at=clock.now(),
            transaction_count=2,
            total_cents=30000,
            file_name="f.xml",
            xml=b"<x/>",
        )
        session.add(kept)
        session.flush()
        e2e = [collections.end_to_end_id(line, kept.id) for line in lines]
        collections._mark_sent(session, lines, e2e, kept)
    with database.session() as session:
        states = set(session.scalars(select(Instalment.sepa_state)))
    assert states == {SepaState.NONE}
    assert count(database, SepaCollection) == 0

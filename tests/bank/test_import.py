"""Importing statements: each format read, entries stored once, collections, transfers
and returns matched (both backends)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.models import (
    AuditEvent,
    Instalment,
    Invoice,
    Payment,
    PaymentMethod,
    SepaState,
)
from backoffice.models.bank import (
    BankEntry,
    BankEntryKind,
    BankEntryPayment,
    BankFile,
    BankMatchState,
)
from backoffice.references import creditor_reference
from backoffice.reports.bank import Movement
from backoffice.services.bank.importing import BankImportRefused
from tests.bank import builders
from tests.bank.builders import AFTER, CREDITED, run_import
from tests.sepa.builders import TODAY, exported, invoice, member_with_mandate


def _count(database, model, *where):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.mark.parametrize("version", ["08", "02"])
def test_a_collection_credited_by_batch_settles_all_its_instalments(database, actors, version):
    billing = actors["billing"]
    _, collection_id = exported(database, billing, 48607, 145822, 3000)
    with clock.frozen(AFTER), database.session() as session:
        data, credits = builders.credit_statement(session, collection_id, version)
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("releve.xml", data))
    assert (outcome.read, outcome.new, outcome.matched, outcome.left) == (
        len(credits),
        len(credits),
        len(credits),
        0,
    )
    with database.session() as session:
        open_left = session.scalar(
            select(func.count(Instalment.id)).where(
                Instalment.collection_id == collection_id,
                Instalment.paid_cents < Instalment.amount_cents,
            )
        )
        assert open_left == 0
        payments = session.scalars(select(Payment)).all()
        assert {payment.method for payment in payments} == {PaymentMethod.DIRECT_DEBIT}
        assert sum(payment.amount_cents for payment in payments) == 48607 + 145822 + 3000
        # the file's import in the audit trail, as done by the import for its staff member
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.import"))
        file_id = session.scalar(select(BankFile.id))
        assert (event.entity_type, event.entity_id, event.staff_id) == (
            "bank_file",
            file_id,
            billing.staff_id,
        )
        assert event.actor == f"bank-import:{billing.login}"
        assert event.after["new"] == len(credits) and "releve.xml" in event.summary
        linked = session.scalar(select(func.count()).select_from(BankEntryPayment))
        assert linked == 3
        actors_seen = set(
            session.scalars(
                select(AuditEvent.actor).where(AuditEvent.action == "sepa.collection.received")
            )
        )
        assert actors_seen == {f"bank-import:{billing.login}"}


def test_the_same_file_twice_and_an_overlapping_statement_store_nothing_twice(database, actors):
    billing = actors["billing"]
    _, collection_id = exported(database, billing, 48607, 145822)
    with clock.frozen(AFTER), database.session() as session:
        iban, bic = builders.service_iban(session)
        credits = builders.collection_credits(session, collection_id, CREDITED)
        extra = Movement(12000, date(2027, 3, 16), None, name="INCONNU SA", remittance="DIVERS")
        first = builders.camt053([builders.statement(iban, bic, credits, day=CREDITED)])
        overlapping = builders.camt053(
            [builders.statement(iban, bic, [*credits, extra], day=CREDITED, identifier="B")]
        )
        notice = builders.camt054([builders.statement(iban, bic, credits, day=CREDITED)])
    with clock.frozen(AFTER):
        run_import(database, billing, ("a.xml", first))
        again = run_import(database, billing, ("a-copy.xml", first))
        later = run_import(database, billing, ("b.xml", overlapping), ("c.xml", notice))
    assert (again.read, again.new, again.matched) == (len(credits), 0, 0)
    assert again.files[0].already_imported
    assert (later.new, later.matched, later.left) == (1, 0, 1)
    assert _count(database, BankEntry) == len(credits) + 1
    assert _count(database, BankFile) == 3
    assert _count(database, Payment) == 2


def test_transfers_match_by_reference_number_code_iban_and_name(database, actors):
    billing = actors["billing"]
    with clock.frozen(TODAY), database.transaction() as session:
        by_rf, _ = member_with_mandate(session, billing)
        rf_invoice = invoice(session, by_rf, [(date(2027, 3, 15), 50000)], direct_debit=False)
        by_number, _ = member_with_mandate(session, billing)
        number_invoice = invoice(session, by_number, [(date(2027, 3, 15), 42000)])
        by_code, _ = member_with_mandate(session, billing)
        invoice(session, by_code, [(date(2027, 3, 15), 10000), (date(2027, 5, 15), 10000)])
        by_iban, mandate = member_with_mandate(session, billing)
        iban_invoice = invoice(session, by_iban, [(date(2027, 3, 15), 33300)])
        by_name, _ = member_with_mandate(session, billing, name="BOULANGERIE DUPONT SARL")
        name_invoice = invoice(session, by_name, [(date(2027, 3, 15), 7700)])
        iban, bic = builders.service_iban(session)
        movements = [
            Movement(
                50000,
                CREDITED,
                builders.reference(),
                name="PAYEUR UN",
                creditor_reference=rf_invoice.creditor_reference,
            ),
            Movement(
                42000,
                CREDITED,
                builders.reference(),
                name="PAYEUR DEUX",
                remittance=f"Reglement facture {number_invoice.number.replace('-', ' ')}",
            ),
            Movement(
                15000,
                CREDITED,
                builders.reference(),
                name="PAYEUR TROIS",
                remittance=f"Cotisation adherent {by_code.member_code}",
            ),
            Movement(33300, CREDITED, builders.reference(), name="X", iban=mandate.iban),
            Movement(7700, CREDITED, builders.reference(), name="Boulangerie Dupont SARL"),
            Movement(9900, CREDITED, builders.reference(), name="PERSONNE", remittance="don"),
        ]
        data = builders.camt053([builders.statement(iban, bic, movements, day=CREDITED)])
        codes = {
            rf_invoice.id: "reference",
            number_invoice.id: "invoice",
            iban_invoice.id: "iban",
            name_invoice.id: "name",
        }
        by_code_id = by_code.id
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("virements.xml", data))
    assert (outcome.new, outcome.matched, outcome.left) == (6, 5, 1)
    with database.session() as session:
        rules = dict(
            session.execute(
                select(BankEntry.invoice_id, BankEntry.match_rule).where(
                    BankEntry.invoice_id.is_not(None)
                )
            ).all()
        )
        assert rules == codes
        member_rule = session.scalar(
            select(BankEntry.match_rule).where(BankEntry.member_id == by_code_id)
        )
        assert member_rule == "member"
        # 150 € against 2 × 100 € owed: the oldest instalment first, then part of the next
        paid = session.scalars(
            select(Instalment.paid_cents)
            .join(Invoice)
            .where(Invoice.member_id == by_code_id)
            .order_by(Instalment.due_on)
        ).all()
        assert paid == [10000, 5000]
        left = session.scalar(
            select(BankEntry).where(BankEntry.match_state == BankMatchState.UNMATCHED)
        )
        assert left.counterparty_name == "PERSONNE"
        assert set(session.scalars(select(Payment.method))) == {PaymentMethod.TRANSFER}


def test_an_ambiguous_amount_and_name_is_left_to_staff(database, actors):
    billing = actors["billing"]
    with clock.frozen(TODAY), database.transaction() as session:
        member, _ = member_with_mandate(session, billing, name="GARAGE MARTIN")
        invoice(session, member, [(date(2027, 3, 15), 20000)])
        invoice(session, member, [(date(2027, 3, 15), 20000)])
        iban, bic = builders.service_iban(session)
        movements = [Movement(20000, CREDITED, builders.reference(), name="GARAGE MARTIN")]
        data = builders.camt053([builders.statement(iban, bic, movements, day=CREDITED)])
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("a.xml", data))
    assert (outcome.matched, outcome.left) == (0, 1)
    assert _count(database, Payment) == 0


def test_a_cfonb_statement_imports_and_matches(database, actors):
    billing = actors["billing"]
    _, collection_id = exported(database, billing, 48607, 2500)
    with clock.frozen(TODAY), database.transaction() as session:
        member, _ = member_with_mandate(session, billing)
        transfer_invoice = invoice(session, member, [(date(2027, 3, 15), 12345)])
    with clock.frozen(AFTER), database.session() as session:
        iban, bic = builders.service_iban(session)
        credits = builders.collection_credits(session, collection_id, CREDITED)
        reference = creditor_reference(transfer_invoice.number)
        movements = [
            *credits,
            Movement(12345, CREDITED, "VIR0001", name="PAYEUR", creditor_reference=reference),
            Movement(-350, CREDITED, "FRAIS01", kind="fee", remittance="COMMISSION"),
        ]
        data = builders.cfonb120([builders.statement(iban, bic, movements, day=CREDITED)])
    lines = data.decode("ascii").split("\r\n")[:-1]
    assert all(len(line) == 120 for line in lines)
    assert lines[0][:2] == "01" and lines[-1][:2] == "07"
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("releve.txt", data))
    assert (outcome.read, outcome.matched, outcome.left) == (len(credits) + 2, len(credits) + 1, 1)
    with database.session() as session:
        fee = session.scalar(select(BankEntry).where(BankEntry.kind == BankEntryKind.DEBIT))
        assert fee.amount_cents == -350 and fee.match_state == BankMatchState.UNMATCHED


def test_an_account_that_is_not_the_services_is_refused_whole(database, actors):
    billing = actors["billing"]
    with database.session() as session:
        iban, bic = builders.service_iban(session)
    movements = [Movement(1000, CREDITED, builders.reference(), name="A")]
    ours = builders.camt053([builders.statement(iban, bic, movements, day=CREDITED)])
    other = builders.camt053(
        [builders.statement("FR7630004008230001234567819", bic, movements, day=CREDITED)]
    )
    with clock.frozen(AFTER), pytest.raises(BankImportRefused) as refused:
        run_import(database, billing, ("ours.xml", ours), ("autre.xml", other))
    assert "autre.xml" in str(refused.value) and "FR7630004008230001234567819" in str(refused.value)
    assert _count(database, BankEntry) == 0 and _count(database, BankFile) == 0


def test_a_role_that_may_not_record_payments_cannot_import(database, actors):
    from backoffice.services.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(database, actors["read_only"], ("a.xml", b"<x/>"))


def test_instalments_sent_stay_sent_until_credited(database, actors):
    """A credit that does not add up to the batch (a debit missing) is left to staff."""
    billing = actors["billing"]
    _, collection_id = exported(database, billing, 48607, 145822)
    with clock.frozen(AFTER), database.session() as session:
        iban, bic = builders.service_iban(session)
        credits = builders.collection_credits(session, collection_id, CREDITED)
        wrong = builders.short_by(credits, 100)
        data = builders.camt053([builders.statement(iban, bic, wrong, day=CREDITED)])
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("a.xml", data))
    assert outcome.matched == 0 and outcome.left == len(credits)
    with database.session() as session:
        states = set(session.scalars(select(Instalment.sepa_state)))
        assert states == {SepaState.SENT}
        assert session.scalar(select(func.count(Payment.id))) == 0

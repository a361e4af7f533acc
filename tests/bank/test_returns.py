"""Returns read in statements (camt.054, camt.053, CFONB) and rejects (pain.002): the
instalment reopened with its reason, the member flagged, a fee by the setting, the
mandate following the code (both backends)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.models import (
    EntrySource,
    Instalment,
    Invoice,
    InvoiceKind,
    JournalEntry,
    JournalLine,
    MandateStatus,
    Payment,
    SepaMandate,
    SepaState,
)
from backoffice.models.bank import BankEntry, BankMatchState, BankReturn
from backoffice.services import settings
from backoffice.services.sepa.reason_codes import reason_label
from tests.bank import builders
from tests.bank.builders import AFTER, CREDITED, run_import
from tests.sepa.builders import TODAY, exported

RETURNED = date(2027, 3, 17)
ENDING = ["AC04", "AC06", "MD01", "MD07"]


def _credited(database, actor, *amounts):
    """Debits exported, then credited by the bank (a camt.053)."""
    _, collection_id = exported(database, actor, *amounts)
    with clock.frozen(AFTER), database.session() as session:
        data, credits = builders.credit_statement(session, collection_id)
    with clock.frozen(AFTER):
        assert run_import(database, actor, ("credit.xml", data)).matched == len(credits)
    with database.session() as session:
        ids = session.scalars(
            select(Instalment.id)
            .where(Instalment.collection_id == collection_id)
            .order_by(Instalment.id)  # the order they were made in: PostgreSQL's may differ
        ).all()
    return collection_id, list(ids)


def _entry_amounts(session, source, payment_id):
    """The (debit, credit) of each line of the payment's entry from ``source``."""
    return [
        (line.debit_cents, line.credit_cents)
        for line in session.scalars(
            select(JournalLine)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.source == source, JournalEntry.source_id == payment_id)
            .order_by(JournalLine.position)
        )
    ]


def _return_file(database, instalment_id, code, fmt="camt.054"):
    with clock.frozen(AFTER), database.session() as session:
        iban, bic = builders.service_iban(session)
        movement = builders.returned(session, instalment_id, code, RETURNED)
        statement = builders.statement(iban, bic, [movement], day=RETURNED, opening=500_000)
        if fmt == "camt.054":
            return builders.camt054([statement], "02")
        if fmt == "cfonb":
            return builders.cfonb120([statement])
        return builders.camt053([statement], "02")


@pytest.mark.parametrize("fmt", ["camt.054", "cfonb"])  # CFONB: its reject reasons, 14, 34…
@pytest.mark.parametrize("code", [*ENDING, "AM04"])
def test_each_return_code_reopens_the_instalment_and_the_mandate_follows(
    database, actors, code, fmt
):
    billing = actors["billing"]
    _, (instalment_id, other_id) = _credited(database, billing, 48607, 145822)
    data = _return_file(database, instalment_id, code, fmt=fmt)
    with clock.frozen(AFTER):
        name = "retour.txt" if fmt == "cfonb" else "retour.xml"
        outcome = run_import(database, billing, (name, data))
    assert (outcome.returned, outcome.left) == (1, 0)
    with database.session() as session:
        instalment = session.get(Instalment, instalment_id)
        assert instalment.sepa_state == SepaState.REJECTED
        assert instalment.rejection_code == code
        assert instalment.paid_cents == 0  # owed again
        assert session.get(Instalment, other_id).paid_cents == 145822
        payment = session.scalar(select(Payment).where(Payment.amount_cents == 48607))
        assert payment.reversed_on == RETURNED
        assert reason_label(code) in payment.reversal_reason
        # in the books: the payment's entry, then its mirror (posted with the file's others)
        assert (
            _entry_amounts(session, EntrySource.PAYMENT_REVERSAL, payment.id)
            == [
                (credit, debit)
                for debit, credit in _entry_amounts(session, EntrySource.PAYMENT, payment.id)
            ]
            != []
        )
        member_id = instalment.invoice.member_id
        mandate = session.scalar(select(SepaMandate).where(SepaMandate.member_id == member_id))
        flag = session.scalar(select(BankReturn).where(BankReturn.member_id == member_id))
        assert flag.cleared_at is None and flag.code == code  # the member is flagged
        entry = session.get(BankEntry, flag.entry_id)
        assert entry.match_state == BankMatchState.RETURNED
        if code in ENDING:
            assert mandate.status == MandateStatus.REVOKED and flag.mandate_ended
            assert mandate.revoked_on == RETURNED
        else:
            assert mandate.status == MandateStatus.ACTIVE and not flag.mandate_ended
            # the returned debit was the first one: the next one is first again (FRST)
            assert mandate.first_collected_on is None


def test_a_return_after_a_debit_that_went_through_keeps_the_next_one_recurrent(database, actors):
    billing = actors["billing"]
    _, (instalment_id,) = _credited(database, billing, 48607)
    with database.transaction() as session:  # an earlier debit of the member went through
        instalment = session.get(Instalment, instalment_id)
        mandate = session.scalar(
            select(SepaMandate).where(SepaMandate.member_id == instalment.invoice.member_id)
        )
        first = mandate.first_collected_on
        assert first is not None
    with database.transaction() as session:
        extra = Payment(
            member_id=instalment.invoice.member_id,
            method="direct_debit",
            amount_cents=100,
            received_on=date(2027, 1, 15),
            recorded_at=TODAY,
            collection_id=instalment.collection_id,
        )
        session.add(extra)
    data = _return_file(database, instalment_id, "AM04", fmt="camt.053")
    with clock.frozen(AFTER):
        run_import(database, billing, ("retour.xml", data))
    with database.session() as session:
        mandate = session.get(SepaMandate, mandate.id)
        assert mandate.first_collected_on == first and mandate.status == MandateStatus.ACTIVE


def test_a_fee_is_invoiced_when_the_setting_asks_for_one(database, actors):
    billing = actors["billing"]
    with database.transaction() as session:
        settings.put(session, actors["administrator"], "bank.return_fee_cents", 1500)
    _, (instalment_id,) = _credited(database, billing, 48607)
    data = _return_file(database, instalment_id, "AM04", fmt="cfonb")
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("retour.txt", data))
    assert outcome.returned == 1
    with database.session() as session:
        flag = session.scalar(select(BankReturn))
        fee = session.get(Invoice, flag.fee_invoice_id)
        assert fee.kind == InvoiceKind.RETURN_FEE and fee.total_ht_cents == 1500
        assert fee.member_id == flag.member_id


def test_no_fee_by_default_and_the_same_return_twice_is_applied_once(database, actors):
    billing = actors["billing"]
    _, (instalment_id,) = _credited(database, billing, 48607)
    notice = _return_file(database, instalment_id, "AM04", fmt="camt.054")
    with clock.frozen(AFTER), database.session() as session:  # the day's statement, too
        iban, bic = builders.service_iban(session)
        movement = builders.returned(session, instalment_id, "AM04", RETURNED)
        statement = builders.camt053(
            [builders.statement(iban, bic, [movement], day=RETURNED, identifier="J")]
        )
    with clock.frozen(AFTER):
        first = run_import(database, billing, ("avis.xml", notice))
        second = run_import(database, billing, ("releve.xml", statement))
    assert (first.returned, second.returned, second.left) == (1, 0, 0)
    with database.session() as session:
        assert session.scalar(select(func.count(BankReturn.id))) == 1
        assert session.scalar(select(BankReturn.fee_invoice_id)) is None
        reversed_count = session.scalar(
            select(func.count(Payment.id)).where(Payment.reversed_at.is_not(None))
        )
        assert reversed_count == 1
        duplicate = session.scalar(
            select(BankEntry).where(BankEntry.match_state == BankMatchState.IGNORED)
        )
        assert duplicate.match_rule == "duplicate"


def test_a_pain002_reject_reopens_before_anything_was_received(database, actors):
    billing = actors["billing"]
    _, collection_id = exported(database, billing, 48607, 145822)
    with clock.frozen(AFTER), database.session() as session:
        first, _second = builders.end_to_end_ids(session, collection_id)
        first_id = session.scalar(select(Instalment.id).where(Instalment.end_to_end_id == first))
        report = builders.rejects(session, collection_id, [(first_id, "MD01")])
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("pain002.xml", report))
    assert (outcome.read, outcome.returned, outcome.left) == (1, 1, 0)
    with database.session() as session:
        instalment = session.get(Instalment, first_id)
        assert instalment.sepa_state == SepaState.REJECTED and instalment.rejection_code == "MD01"
        mandate = session.scalar(
            select(SepaMandate).where(SepaMandate.member_id == instalment.invoice.member_id)
        )
        assert mandate.status == MandateStatus.REVOKED
    # then the bank credits the file without the rejected debit: the rest is settled
    with clock.frozen(AFTER), database.session() as session:
        iban, bic = builders.service_iban(session)
        credits = builders.collection_credits(session, collection_id, CREDITED)
        credits = builders.short_by(credits, 48607)
        data = builders.camt053([builders.statement(iban, bic, credits, day=CREDITED)])
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("credit.xml", data))
    assert outcome.matched == 1
    with database.session() as session:
        assert session.scalar(select(func.sum(Payment.amount_cents))) == 145822


def test_a_return_for_a_debit_we_never_sent_is_left_to_staff(database, actors):
    billing = actors["billing"]
    from backoffice.reports.bank import Movement

    with database.session() as session:
        iban, bic = builders.service_iban(session)
    movement = Movement(
        -5000,
        RETURNED,
        builders.reference(),
        kind="return",
        end_to_end_id="X-1",
        return_code="AM04",
    )
    data = builders.camt054([builders.statement(iban, bic, [movement], day=RETURNED)])
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("retour.xml", data))
    assert (outcome.returned, outcome.left) == (0, 1)


def test_a_credit_imported_before_the_reject_is_matched_when_the_reject_comes(database, actors):
    billing = actors["billing"]
    _, collection_id = exported(database, billing, 48607, 145822)
    with clock.frozen(AFTER), database.session() as session:
        iban, bic = builders.service_iban(session)
        first = builders.end_to_end_ids(session, collection_id)[0]
        first_id = session.scalar(select(Instalment.id).where(Instalment.end_to_end_id == first))
        amount = session.get(Instalment, first_id).amount_cents
        report = builders.rejects(session, collection_id, [(first_id, "AM04")])
        credits = [
            replace(credit, amount_cents=credit.amount_cents - amount)
            for credit in builders.collection_credits(session, collection_id, CREDITED)
        ]
        data = builders.cfonb120([builders.statement(iban, bic, credits, day=CREDITED)])
    with clock.frozen(AFTER):
        early = run_import(database, billing, ("releve.txt", data))
        late = run_import(database, billing, ("pain002.xml", report))
    assert (early.matched, early.left) == (0, 1)  # the credit lacks a debit: not yet
    assert (late.returned, late.matched) == (1, 1)
    with database.session() as session:
        assert session.scalar(select(func.sum(Payment.amount_cents))) == 48607 + 145822 - amount
        left = session.scalar(
            select(func.count(BankEntry.id)).where(
                BankEntry.match_state == BankMatchState.UNMATCHED
            )
        )
        assert left == 0

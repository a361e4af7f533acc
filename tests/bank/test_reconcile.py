"""Reconciliation: suggestions ranked with why, an entry matched whole, split across
invoices with a credit, set aside with a reason, a wrong match undone by reversing its
payments; cheque slips matched to their statement line without paying twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backoffice import clock, references
from backoffice.db import Database
from backoffice.models import (
    AuditEvent,
    ChequeRemittance,
    EntrySource,
    Invoice,
    JournalEntry,
    Member,
    Payment,
    PaymentMethod,
)
from backoffice.models.bank import BankEntry, BankEntryKind, BankEntryPayment, BankMatchState
from backoffice.services.bank import cheques, reconcile
from backoffice.services.bank.cheques import ChequeInput
from backoffice.services.bank.reconcile import Allocation
from backoffice.services.billing import payments
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests.bank.reconcile_builders import entry
from tests.billing.builders import TODAY, billed_member, instalments_of

pytestmark = pytest.mark.usefixtures("billing_day")

DAY = TODAY.date()


def facts(database: Database, member_id: int, invoice_id: int) -> tuple[str, str, str]:
    with database.session() as session:
        member = session.get(Member, member_id)
        invoice = session.get(Invoice, invoice_id)
        return member.member_code, member.legal_name, invoice.creditor_reference


def add(database: Database, cents: int, **options) -> int:
    with database.transaction() as session:
        return entry(session, cents, **options)


def suggested(database: Database, actor: Actor, entry_id: int):
    with database.session() as session:
        return reconcile.suggestions(session, actor, entry_id)


def test_suggestions_are_ranked_and_say_why(database: Database, actors: dict[str, Actor]) -> None:
    billing = actors["billing"]
    member_id, invoice_id = billed_member(database, billing, si=10)  # 3 × 420,00 €
    other_id, other_invoice = billed_member(database, billing, si=5)
    code, _name, reference = facts(database, member_id, invoice_id)
    other_code, other_name, _ = facts(database, other_id, other_invoice)
    # The RF reference, spaced as printed: certain.
    by_reference = add(database, 42000, text=f"VIR {references.display(reference)}")
    [best, *_] = suggested(database, billing, by_reference)
    assert (best.member_id, best.invoice_id, best.score) == (member_id, invoice_id, 100)
    assert best.why.startswith(f"référence de paiement {references.display(reference)}")
    assert "le montant d'une échéance" in best.why
    # The payer's name only: the member's invoice, less sure.
    by_name = add(database, 126000, name=other_name)
    found = suggested(database, billing, by_name)
    assert found[0].member_id == other_id and found[0].invoice_id == other_invoice
    assert "le nom du payeur est celui de l'adhérent" in found[0].why
    assert found[0].score < 100
    # The member code in the text, an amount of nothing in particular.
    by_code = add(database, 1234, text=f"cotisation adherent {code}")
    found = suggested(database, billing, by_code)
    assert found[0].member_id == member_id
    assert f"code adhérent {code} indiqué" in found[0].why
    # Nothing to go on: nothing suggested, and money paid out never is.
    assert suggested(database, billing, add(database, 777, text="???")) == []
    assert suggested(database, billing, add(database, -950, text=f"FRAIS {other_code}")) == []


def test_an_entry_matched_whole_records_its_payment(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    member_id, invoice_id = billed_member(database, billing, si=10)
    entry_id = add(database, 42000, text="virement", reference="BANKREF1")
    with database.session() as session:
        version = session.get(BankEntry, entry_id).version
    with database.transaction() as session:
        outcome = reconcile.match_entry(
            session,
            billing,
            entry_id,
            [Allocation(member_id, 42000, invoice_id)],
            expected_version=version,
        )
    assert outcome.state == BankMatchState.MATCHED and len(outcome.payment_ids) == 1
    with database.session() as session:
        stored = session.get(BankEntry, entry_id)
        assert (stored.match_state, stored.match_rule) == (BankMatchState.MATCHED, "manual")
        assert (stored.member_id, stored.invoice_id) == (member_id, invoice_id)
        payment = session.get(Payment, outcome.payment_ids[0])
        assert (payment.method, payment.amount_cents, payment.reference) == (
            PaymentMethod.TRANSFER,
            42000,
            "BANKREF1",
        )
        assert [item.paid_cents for item in instalments_of(session, invoice_id)] == [42000, 0, 0]
        linked = session.scalars(
            select(BankEntryPayment.payment_id).where(BankEntryPayment.entry_id == entry_id)
        ).all()
        assert linked == [payment.id]
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.match"))
        assert reconcile.entries(session, billing) == []
        [row] = reconcile.entries(session, billing, BankMatchState.MATCHED)
        assert row.id == entry_id and row.rule == "manual"
    # Another workstation got there first: refused, nothing doubled.
    with pytest.raises(Conflict), database.transaction() as session:
        reconcile.match_entry(session, billing, entry_id, [Allocation(member_id, 42000)])


def test_an_entry_split_across_invoices_with_the_rest_as_a_credit(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    first, first_invoice = billed_member(database, billing, si=10)  # 1 260,00 €
    second, second_invoice = billed_member(database, billing, si=5)  # 630,00 €
    entry_id = add(database, 200000, name="CABINET COMPTABLE DUPONT")
    parts = [
        Allocation(first, 126000, first_invoice),
        Allocation(second, 63000, second_invoice),
        Allocation(first, 11000, credit=True),
    ]
    with pytest.raises(ValidationFailed, match="990,00"), database.transaction() as session:
        reconcile.match_entry(
            session, billing, entry_id, [*parts[:2], Allocation(first, 10000, credit=True)]
        )
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        reconcile.match_entry(
            session,
            billing,
            entry_id,
            [
                Allocation(first, 137000, first_invoice),
                Allocation(second, 63000, second_invoice),
            ],
        )
    assert refused.value.errors[0].field == "allocations.1.amount"
    assert refused.value.message.startswith("Partie 1 : ")
    with database.transaction() as session:
        outcome = reconcile.match_entry(session, billing, entry_id, parts)
    assert len(outcome.payment_ids) == 3 and outcome.credit_cents == 11000
    with database.session() as session:
        assert sum(i.remaining_cents for i in instalments_of(session, first_invoice)) == 0
        assert sum(i.remaining_cents for i in instalments_of(session, second_invoice)) == 0
        assert payments.member_credit_cents(session, first) == 11000
        stored = session.get(BankEntry, entry_id)
        assert stored.invoice_id is None and stored.member_id == first
        posted = session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(
                JournalEntry.source == EntrySource.PAYMENT,
                JournalEntry.source_id.in_(outcome.payment_ids),
            )
        )
        assert posted == 3


def test_a_wrong_match_is_undone_by_reversing_its_payments(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    member_id, invoice_id = billed_member(database, billing, si=10)
    other_id, other_invoice = billed_member(database, billing, si=10)
    entry_id = add(database, 42000)
    with database.transaction() as session:
        matched = reconcile.match_entry(
            session, billing, entry_id, [Allocation(member_id, 42000, invoice_id)]
        )
    with pytest.raises(ValidationFailed), database.transaction() as session:
        reconcile.undo_entry(session, billing, entry_id, "  ")
    with database.transaction() as session:
        undone = reconcile.undo_entry(session, billing, entry_id, "mauvais adhérent")
    assert undone.reversed_payment_ids == matched.payment_ids
    with database.session() as session:
        payment = session.get(Payment, matched.payment_ids[0])
        assert payment is not None  # kept, reversed: not deleted
        assert payment.reversed_at is not None
        assert payment.reversal_reason == "Rapprochement bancaire erroné : mauvais adhérent"
        assert [i.paid_cents for i in instalments_of(session, invoice_id)] == [0, 0, 0]
        stored = session.get(BankEntry, entry_id)
        assert stored.match_state == BankMatchState.UNMATCHED and stored.member_id is None
        reversal = session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.source == EntrySource.PAYMENT_REVERSAL)
        )
        assert reversal == 1
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.undo"))
        assert event.after["reversed_payments"] == list(matched.payment_ids)
    # Matched again, to the right member; undone again, only the new payment is reversed.
    with database.transaction() as session:
        again = reconcile.match_entry(
            session, billing, entry_id, [Allocation(other_id, 42000, other_invoice)]
        )
    with database.transaction() as session:
        second = reconcile.undo_entry(session, billing, entry_id, "test")
    assert second.reversed_payment_ids == again.payment_ids
    with pytest.raises(Conflict), database.transaction() as session:
        reconcile.undo_entry(session, billing, entry_id, "rien à annuler")


def test_an_entry_set_aside_with_its_reason_and_the_month_s_progress(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    member_id, invoice_id = billed_member(database, billing, si=10)
    fees = add(database, -1250, text="FRAIS TENUE DE COMPTE")
    interest = add(database, 312, text="INTERETS CREDITEURS")
    paid = add(database, 42000)
    add(database, 5000, booked_on=DAY - timedelta(days=40))  # last month: not counted
    with pytest.raises(ValidationFailed), database.transaction() as session:
        reconcile.ignore_entry(session, billing, fees, " ")
    with database.transaction() as session:
        reconcile.ignore_entry(session, billing, fees, "Frais bancaires")
        reconcile.match_entry(session, billing, paid, [Allocation(member_id, 42000, invoice_id)])
    with database.session() as session:
        progress = reconcile.month_progress(session, billing, DAY)
        ignored = reconcile.entries(session, billing, BankMatchState.IGNORED)
        left = reconcile.entries(session, billing, month=DAY)
    assert (progress.matched, progress.ignored, progress.unmatched, progress.total) == (1, 1, 1, 3)
    assert (progress.matched_cents, progress.unmatched_cents, progress.done) == (42000, 312, 2)
    assert progress.month == date(2027, 2, 1)
    assert [(row.id, row.note) for row in ignored] == [(fees, "Frais bancaires")]
    assert [row.id for row in left] == [interest]
    with database.transaction() as session:
        reconcile.undo_entry(session, billing, fees, "c'était un prélèvement")
    with database.session() as session:
        assert session.get(BankEntry, fees).match_state == BankMatchState.UNMATCHED


def test_only_billing_staff_reconcile(database: Database, actors: dict[str, Actor]) -> None:
    member_id, _invoice = billed_member(database, actors["billing"])
    entry_id = add(database, 1000)
    for role in ("read_only", "administrative"):
        with pytest.raises(PermissionDenied), database.transaction() as session:
            reconcile.match_entry(session, actors[role], entry_id, [Allocation(member_id, 1000)])
        with pytest.raises(PermissionDenied), database.transaction() as session:
            reconcile.ignore_entry(session, actors[role], entry_id, "frais")
    with database.session() as session:  # looking is allowed
        assert len(reconcile.entries(session, actors["read_only"])) == 1


def test_a_cheque_slip_s_line_is_matched_to_it_without_paying_twice(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    member_id, invoice_id = billed_member(database, billing, si=10)
    other_id, _ = billed_member(database, billing, si=5)
    with database.transaction() as session:
        slip = cheques.create_remittance(
            session,
            billing,
            [
                ChequeInput(member_id, "CIC", "0000001", 42000, invoice_id),
                ChequeInput(other_id, "LCL", "0000002", 10000),
            ],
        )
        second = cheques.create_remittance(
            session,
            billing,
            [ChequeInput(other_id, "LCL", "0000003", 52000)],
            allow_overpayment=True,
        )
        third = cheques.create_remittance(
            session,
            billing,
            [ChequeInput(other_id, "LCL", "0000004", 52000)],
            allow_overpayment=True,
        )
    later = DAY + timedelta(days=2)
    with clock.frozen(TODAY + timedelta(days=2)):
        # Named by its number: matched by the import's rule.
        named = add(database, 52000, text=f"REMISE CHEQUES {slip.number}", booked_on=later)
        # Same total, a cheque remittance, but two slips of that total left: staff choose.
        vague = add(database, 52000, kind=BankEntryKind.CHEQUE, booked_on=later)
        with database.transaction() as session:
            found = session.scalars(select(BankEntry).where(BankEntry.id.in_([named, vague])))
            assert cheques.match_slips(session, billing, list(found)) == 1
        with database.session() as session:
            assert session.get(ChequeRemittance, slip.remittance_id).bank_entry_id == named
            assert session.get(BankEntry, vague).match_state == BankMatchState.UNMATCHED
            assert session.scalar(select(func.count()).select_from(Payment)) == 4  # the cheques
            found = reconcile.suggestions(session, billing, vague)
            rows = cheques.remittances(session, billing)
        assert [(item.remittance_id, item.score) for item in found] == [
            (second.remittance_id, 75),
            (third.remittance_id, 75),
        ]
        assert "total du bordereau RC-2027-000002" in found[0].why
        assert [row.matched for row in rows] == [False, False, True]
        with database.transaction() as session:
            reconcile.match_slip(session, billing, vague, second.remittance_id)
        with pytest.raises(Conflict), database.transaction() as session:
            reconcile.match_slip(session, billing, add(database, 52000), second.remittance_id)
        with database.transaction() as session:
            reconcile.undo_entry(session, billing, vague, "pas ce bordereau")
        with database.session() as session:
            assert session.get(ChequeRemittance, second.remittance_id).bank_entry_id is None
            assert (
                session.scalar(
                    select(func.count())
                    .select_from(Payment)
                    .where(Payment.reversed_at.is_not(None))
                )
                == 0
            )  # the cheques' payments stand

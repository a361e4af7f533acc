"""Payments settle the oldest due first; credit notes cancel all or part of an invoice and
the schedule follows; overdue lists and reminder letters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    CreditNote,
    Instalment,
    Invoice,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentReminder,
)
from backoffice.services.billing import (
    credit_notes,
    invoice_lists,
    payments,
    reminders,
    replanning,
)
from backoffice.services.billing.invoice_lists import InvoiceQuery, Settlement
from backoffice.services.billing.queries import InstalmentStatus, schedule
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests.billing.builders import billed_member, billing_clerk, instalments_of, pdf_text

TODAY = date(2027, 2, 10)


def pay(database: Database, actor: Actor, member_id: int, cents: int, **options):
    with database.transaction() as session:
        return payments.record_payment(
            session, actor, member_id, cents, PaymentMethod.TRANSFER, TODAY, **options
        )


def test_a_payment_settles_the_oldest_due_first_and_partly(
    database: Database, billing: Actor
) -> None:
    member_id, invoice_id = billed_member(database, billing, si=10)  # 3 × 420,00 €
    outcome = pay(database, billing, member_id, 50000)
    assert outcome.allocated_cents == 50000 and outcome.credit_cents == 0
    with database.session() as session:
        paid = [item.paid_cents for item in instalments_of(session, invoice_id)]
        rows = schedule(session, billing, invoice_id=invoice_id)
    assert paid == [42000, 8000, 0]
    assert [row.status for row in rows] == [
        InstalmentStatus.PAID,
        InstalmentStatus.PARTIAL,
        InstalmentStatus.DUE,
    ]


def test_paying_more_than_owed_needs_a_confirmation_then_is_a_credit(
    database: Database, billing: Actor
) -> None:
    member_id, _invoice_id = billed_member(database, billing, si=10)
    with pytest.raises(ValidationFailed) as refused:
        pay(database, billing, member_id, 130000)
    assert refused.value.message.startswith(
        "1\u202f300,00\u00a0€ dépasse ce qui est dû (1\u202f260,00"
    )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 0
    outcome = pay(database, billing, member_id, 130000, allow_overpayment=True)
    assert outcome.credit_cents == 4000
    with database.session() as session:
        assert payments.member_credit_cents(session, member_id) == 4000


def test_paid_and_unpaid_lists_like_the_portal(database: Database, billing: Actor) -> None:
    paid_member, paid_invoice = billed_member(database, billing, si=10)
    _other, unpaid_invoice = billed_member(database, billing, si=3)
    pay(database, billing, paid_member, 126000)
    with database.session() as session:
        unpaid = invoice_lists.search_invoices(
            session, billing, InvoiceQuery(year=2027, settlement=Settlement.UNPAID)
        )
        paid = invoice_lists.search_invoices(
            session, billing, InvoiceQuery(year=2027, settlement=Settlement.PAID)
        )
        detail = invoice_lists.invoice_detail(session, billing, paid_invoice)
    assert [row.id for row in unpaid] == [unpaid_invoice]
    assert [row.id for row in paid] == [paid_invoice]
    assert paid[0].paid_cents == 126000 and paid[0].remaining_cents == 0
    assert [payment.on_this_invoice_cents for payment in detail.payments] == [126000]
    assert len(detail.schedule) == 3 and detail.lines[0].quantity == 10


def test_a_full_credit_note_cancels_what_is_due_and_frees_what_was_paid(
    database: Database, billing: Actor
) -> None:
    member_id, invoice_id = billed_member(database, billing, si=10)  # 1 050 HT, 1 260 TTC
    pay(database, billing, member_id, 50000)
    with database.transaction() as session:
        note = credit_notes.issue_credit_note(session, billing, invoice_id, "Adhésion résiliée")
    assert note.number == "AV-2027-000001" and note.is_full
    assert (note.total_ht_cents, note.vat_cents, note.total_ttc_cents) == (105000, 21000, 126000)
    assert (note.cancelled_due_cents, note.released_to_credit_cents) == (76000, 50000)
    with database.session() as session:
        items = instalments_of(session, invoice_id)
        assert [(i.paid_cents, i.credited_cents) for i in items] == [(0, 42000)] * 3
        assert payments.member_credit_cents(session, member_id) == 50000
        assert session.scalar(select(func.count()).select_from(PaymentAllocation)) == 0
        statuses = [row.status for row in schedule(session, billing, invoice_id=invoice_id)]
        assert statuses == [InstalmentStatus.CANCELLED] * 3
        assert session.get(Invoice, invoice_id).total_ttc_cents == 126000  # never edited
    with pytest.raises(ValidationFailed, match="déjà entièrement"), database.transaction() as s:
        credit_notes.issue_credit_note(s, billing, invoice_id, "Encore")


def test_partial_credit_notes_add_up_to_the_invoice_to_the_cent(
    database: Database, billing: Actor
) -> None:
    _member_id, invoice_id = billed_member(database, billing, si=3, sepa=True)
    with database.session() as session:
        invoice = session.get(Invoice, invoice_id)
        ttc, vat = invoice.total_ttc_cents, invoice.vat_cents
    with database.transaction() as session:
        first = credit_notes.issue_credit_note(session, billing, invoice_id, "Un salarié", 10333)
    assert first.vat_cents == 2067 and not first.is_full  # 20 % of 103,33 = 20,666
    with database.transaction() as session:
        rest = credit_notes.issue_credit_note(session, billing, invoice_id, "Le reste")
    assert rest.is_full and rest.number == "AV-2027-000002"
    assert first.total_ttc_cents + rest.total_ttc_cents == ttc
    assert first.vat_cents + rest.vat_cents == vat
    with database.session() as session:
        assert sum(i.credited_cents for i in instalments_of(session, invoice_id)) == ttc


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [(0, "Erreur", "amount"), (999999, "Erreur", "amount"), (100, "  ", "reason")],
)
def test_bad_credit_notes_are_refused(
    database: Database, billing: Actor, amount: int, reason: str, field: str
) -> None:
    _member_id, invoice_id = billed_member(database, billing, si=3)
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        credit_notes.issue_credit_note(session, billing, invoice_id, reason, amount)
    assert refused.value.errors[0].field == field
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(CreditNote)) == 0


def test_overdue_instalments_and_reminder_letters_escalate(
    database: Database, billing: Actor, actors: dict[str, Actor]
) -> None:
    member_id, invoice_id = billed_member(database, billing, si=10)
    with clock.frozen(datetime(2027, 5, 20, 9, tzinfo=UTC)):
        with database.session() as session:
            rows = reminders.overdue_instalments(session, billing)
        assert [(row.due_on, row.days_late) for row in rows] == [
            (date(2027, 3, 15), 66),
            (date(2027, 5, 15), 5),
        ]
        ids = [row.instalment_id for row in rows]
        with pytest.raises(PermissionDenied), database.transaction() as session:
            reminders.send_reminders(session, actors["read_only"], ids)
        levels = []
        for _ in range(4):
            with database.transaction() as session:
                batch = reminders.send_reminders(session, billing, ids)
            assert (batch.letters, batch.instalments) == (1, 2)
            levels.append(pdf_text(batch.pdf)[0])
        with database.session() as session:
            recorded = session.scalars(
                select(PaymentReminder.level).order_by(PaymentReminder.id)
            ).all()
            assert recorded == [1, 1, 2, 2, 3, 3, 3, 3]
            assert reminders.overdue_instalments(session, billing)[0].last_reminder_level == 3
    first, second, notice = levels[0], levels[1], levels[2]
    assert "Relance" in first and "840,00" in first.replace("\u202f", "") and "66" in first
    assert "40 €" in first  # the fixed recovery indemnity
    assert "Deuxième relance" in second
    assert "Mise en demeure" in notice and "quinze jours" in notice
    pay(database, billing, member_id, 126000)
    with clock.frozen(datetime(2027, 5, 20, 9, tzinfo=UTC)), database.session() as session:
        assert reminders.overdue_instalments(session, billing) == []
    assert invoice_id


# -- properties over any sequence of payments, credit notes and re-plans ---------------------

operations = st.lists(
    st.tuples(
        st.sampled_from(["pay", "credit", "replan", "reverse"]),
        st.integers(min_value=1, max_value=90000),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=operations)
def test_any_sequence_keeps_the_schedule_exact(
    sqlite_database: Database, steps: list[tuple[str, int]]
) -> None:
    """Whatever happens to an invoice, its live instalments add up to its total, each one
    is paid + credited + remaining, the credit notes equal what is credited, and the
    member's money is either allocated or kept as a credit."""
    database = sqlite_database
    billing = billing_clerk(database)
    member_id, invoice_id = billed_member(database, billing, si=7, sir=1)
    received = 0
    for operation, cents in steps:
        with database.transaction() as session:
            received += _apply(session, billing, member_id, invoice_id, operation, cents)
    with database.session() as session:
        invoice = session.get(Invoice, invoice_id)
        live = instalments_of(session, invoice_id)
        assert sum(item.amount_cents for item in live) == invoice.total_ttc_cents
        for item in live:
            assert item.remaining_cents >= 0
        credited = session.scalar(
            select(func.coalesce(func.sum(CreditNote.total_ttc_cents), 0)).where(
                CreditNote.invoice_id == invoice_id
            )
        )
        assert sum(item.credited_cents for item in live) == credited
        allocated = session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0))
            .join(Payment)
            .where(Payment.member_id == member_id, Payment.reversed_at.is_(None))
        )
        assert sum(item.paid_cents for item in live) == allocated
        assert payments.member_credit_cents(session, member_id) == received - allocated


def _apply(session, billing, member_id, invoice_id, operation, cents) -> int:
    """One step; returns the money received (net of reversals)."""
    left = payments.outstanding_cents(session, member_id, invoice_id)
    if operation == "pay":
        payments.record_payment(
            session,
            billing,
            member_id,
            cents,
            PaymentMethod.CHEQUE,
            TODAY,
            invoice_id=invoice_id,
            allow_overpayment=True,
        )
        return cents
    if operation == "reverse":
        payment = session.scalar(
            select(Payment).where(Payment.member_id == member_id, Payment.reversed_at.is_(None))
        )
        if payment is None:
            return 0
        payments.reverse_payment(session, billing, payment.id, "Chèque impayé")
        return -payment.amount_cents
    if operation == "credit":
        creditable = credit_notes.creditable(session, session.get(Invoice, invoice_id))
        if creditable.ht_cents > 0:
            amount = min(cents, creditable.ht_cents)
            credit_notes.issue_credit_note(session, billing, invoice_id, "Correction", amount)
        return 0
    if left >= 2:
        replanning.replan(session, billing, invoice_id, [date(2027, 6, 1), date(2027, 9, 1)])
    return 0


def test_instalment_amounts_never_break_the_database_rule(
    database: Database, billing: Actor
) -> None:
    member_id, invoice_id = billed_member(database, billing, si=10)
    pay(database, billing, member_id, 126000)
    with database.transaction() as session:
        credit_notes.issue_credit_note(session, billing, invoice_id, "Trop perçu", 50000)
    with database.session() as session:
        for item in session.scalars(select(Instalment)):
            assert item.paid_cents + item.credited_cents <= item.amount_cents
        assert payments.member_credit_cents(session, member_id) == 60000  # 500 HT + 100 VAT


def test_a_batch_of_payments_follows_the_rules_of_one_payment(
    database: Database, billing: Actor
) -> None:
    """``PaymentBatch``: each payment allocated oldest due first, seeing what the ones added
    before it settled; the same refusals as ``record_payment``; written all at once."""
    member_id, invoice_id = billed_member(database, billing, si=10)  # 3 × 420,00 €
    other_id, other_invoice = billed_member(database, billing, si=5)  # 3 × 210,00 €
    with database.transaction() as session:
        batch = payments.PaymentBatch(session, billing, [member_id, other_id])
        assert batch.owed(member_id) == 126000 and batch.owed(other_id, other_invoice) == 63000
        batch.add(member_id, 50000, PaymentMethod.TRANSFER, TODAY)
        assert batch.owed(member_id) == 76000  # the next one sees what this one settles
        assert batch.open_by_invoice(member_id) == {invoice_id: [34000, 42000]}
        batch.add(member_id, 80000, PaymentMethod.TRANSFER, TODAY, allow_overpayment=True)
        with pytest.raises(ValidationFailed):  # more than owed, not confirmed
            batch.add(other_id, 70000, PaymentMethod.TRANSFER, TODAY)
        with pytest.raises(ValidationFailed):  # in the future
            batch.add(other_id, 100, PaymentMethod.TRANSFER, date(2099, 1, 1))
        batch.add(other_id, 21000, PaymentMethod.CHEQUE, TODAY, invoice_id=other_invoice)
        first, second, third = batch.write()
    assert (first.allocated_cents, first.credit_cents) == (50000, 0)
    assert (second.allocated_cents, second.credit_cents) == (76000, 4000)
    assert (third.allocated_cents, third.credit_cents) == (21000, 0)
    with database.session() as session:
        assert [item.paid_cents for item in instalments_of(session, invoice_id)] == [
            42000,
            42000,
            42000,
        ]
        assert [item.paid_cents for item in instalments_of(session, other_invoice)] == [
            21000,
            0,
            0,
        ]
        assert payments.member_credit_cents(session, member_id) == 4000
        recorded = session.scalars(select(Payment).order_by(Payment.id)).all()
        assert [(p.member_id, p.amount_cents, p.method) for p in recorded] == [
            (member_id, 50000, PaymentMethod.TRANSFER),
            (member_id, 80000, PaymentMethod.TRANSFER),
            (other_id, 21000, PaymentMethod.CHEQUE),
        ]
        assert session.scalar(select(func.count()).select_from(PaymentAllocation)) == 5

"""Entries posted at the event: invoices, credit notes, payments, returns, write-offs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice.models import (
    EntrySource,
    Invoice,
    JournalEntry,
    JournalLine,
    LineKind,
    PaymentMethod,
)
from backoffice.services import settings
from backoffice.services.accounting import chart as chart_service
from backoffice.services.accounting import write_offs
from backoffice.services.accounting.chart import ChartIncomplete
from backoffice.services.billing import credit_notes, payments
from tests.accounting.builders import (
    YEAR,
    balance,
    billed,
    close,
    entry_of,
    lines_by_account,
    on,
    pay,
)
from tests.billing.builders import instalments_of


def test_an_invoice_is_posted_in_the_sales_journal_when_issued(database, billing):
    member_id, invoice_id = billed(database, billing, si=11, sepa=True)
    with database.session() as session:
        invoice = session.get(Invoice, invoice_id)
        entry = entry_of(session, EntrySource.INVOICE, invoice_id)
        assert (entry.journal, entry.journal_label) == ("VT", "Ventes")
        assert entry.entry_date == entry.piece_date == invoice.issued_on
        assert entry.piece_ref == invoice.number
        assert entry.sequence is None and entry.validated_on is None  # a draft until closed
        assert entry.member_id == member_id
        assert lines_by_account(entry) == {
            "411000": (invoice.total_ttc_cents, 0),
            "709100": (invoice.discount_cents, 0),
            "706100": (0, invoice.total_ht_cents),
            "445740": (0, invoice.vat_cents),
        }
        customer = next(line for line in entry.lines if line.kind == LineKind.CUSTOMER)
        assert customer.member_id == member_id


def test_payments_move_the_vat_of_what_they_settle_and_leave_no_cent_pending(database, billing):
    # 1 365,20 € incl. 227,53 € of VAT in three instalments of 455,08 / 455,06 / 455,06:
    # each payment moves the VAT of its part, rounded; the last one what is left.
    member_id, invoice_id = billed(database, billing, si=11, sepa=True)
    with database.session() as session:
        invoice = session.get(Invoice, invoice_id)
        parts = [item.amount_cents for item in instalments_of(session, invoice_id)]
    assert (invoice.total_ttc_cents, invoice.vat_cents) == (136520, 22753)
    assert parts == [45508, 45506, 45506]
    first = pay(database, billing, member_id, 45508, date(2026, 3, 14))
    second = pay(database, billing, member_id, 45506, date(2026, 5, 14), PaymentMethod.CHEQUE)
    with database.session() as session:
        assert lines_by_account(entry_of(session, EntrySource.PAYMENT, first)) == {
            "512000": (45508, 0),
            "411000": (0, 45508),
            "445740": (7585, 0),  # 455,08 × 227,53 / 1 365,20 = 75,8467
            "445710": (0, 7585),
        }
        assert lines_by_account(entry_of(session, EntrySource.PAYMENT, second)) == {
            "511200": (45506, 0),
            "411000": (0, 45506),
            "445740": (7584, 0),  # 75,8433
            "445710": (0, 7584),
        }
        assert balance(session, "445740", invoice_id=invoice_id) == -(22753 - 7585 - 7584)
    last = pay(database, billing, member_id, 45506, date(2026, 7, 14), PaymentMethod.CARD)
    with database.session() as session:
        vat = lines_by_account(entry_of(session, EntrySource.PAYMENT, last))["445710"]
        assert vat == (0, 22753 - 7585 - 7584)
        assert balance(session, "445740", invoice_id=invoice_id) == 0
        assert balance(session, "445710") == -invoice.vat_cents
        assert balance(session, "411000", member_id=member_id) == 0


def test_the_vat_of_a_partial_payment_is_rounded_and_the_settling_one_takes_the_rest(
    database, billing
):
    member_id, _invoice_id = billed(database, billing, si=11, sepa=True)
    for day, cents in ((date(2026, 3, 1), 10001), (date(2026, 3, 2), 10001)):
        pay(database, billing, member_id, cents, day)
    with database.session() as session:
        moved = -balance(session, "445710")
        assert moved == 2 * 1667  # 100,01 × 227,53 / 1 365,20 = 16,6683
    pay(database, billing, member_id, 136520 - 20002, date(2026, 3, 3))
    with database.session() as session:
        assert balance(session, "445710") == -22753
        assert balance(session, "445740") == 0


def test_an_overpayment_stays_on_the_customer_account_without_vat(database, billing):
    member_id, invoice_id = billed(database, billing, si=10)
    with database.session() as session:
        total = session.get(Invoice, invoice_id).total_ttc_cents
        vat = session.get(Invoice, invoice_id).vat_cents
    pay(database, billing, member_id, total + 5000, date(2026, 3, 1), allow_overpayment=True)
    with database.session() as session:
        assert balance(session, "411000", member_id=member_id) == -5000
        assert balance(session, "445710") == -vat
        assert balance(session, "445740") == 0


def test_a_credit_note_takes_sales_and_pending_vat_off(database, billing):
    member_id, invoice_id = billed(database, billing, si=10)
    with on(date(2026, 2, 20)), database.transaction() as session:
        outcome = credit_notes.issue_credit_note(
            session, billing, invoice_id, "Effectif surévalué", amount_ht_cents=10500
        )
    with database.session() as session:
        entry = entry_of(session, EntrySource.CREDIT_NOTE, outcome.id)
        assert entry.journal == "VT" and entry.piece_ref == outcome.number
        assert entry.entry_date == date(2026, 2, 20)
        assert lines_by_account(entry) == {
            "709000": (10500, 0),
            "445740": (2100, 0),
            "411000": (0, 12600),
        }
        invoice = session.get(Invoice, invoice_id)
        assert balance(session, "445740", invoice_id=invoice_id) == -(invoice.vat_cents - 2100)
        assert balance(session, "411000", member_id=member_id) == invoice.total_ttc_cents - 12600


def test_a_reversed_payment_mirrors_its_entry_and_the_money_leaves_the_bank(database, billing):
    member_id, invoice_id = billed(database, billing, si=10)
    with database.session() as session:
        invoice = session.get(Invoice, invoice_id)
    payment_id = pay(database, billing, member_id, 42000, date(2026, 3, 10), PaymentMethod.CHEQUE)
    with on(date(2026, 3, 20)), database.transaction() as session:
        payments.reverse_payment(
            session, billing, payment_id, "Chèque impayé", reversed_on=date(2026, 3, 18)
        )
    with database.session() as session:
        paid = entry_of(session, EntrySource.PAYMENT, payment_id)
        reversal = entry_of(session, EntrySource.PAYMENT_REVERSAL, payment_id)
        assert reversal.entry_date == date(2026, 3, 18)
        assert reversal.journal == "BQ" and reversal.piece_ref == paid.piece_ref
        assert lines_by_account(reversal) == {
            "512000": (0, 42000),
            "411000": (42000, 0),
            "445740": (0, 7000),
            "445710": (7000, 0),
        }
        assert balance(session, "411000", member_id=member_id) == invoice.total_ttc_cents
        assert balance(session, "445740", invoice_id=invoice_id) == -invoice.vat_cents
        assert balance(session, "445710") == 0


def test_a_write_off_books_the_loss_without_its_vat(database, billing):
    member_id, invoice_id = billed(database, billing, si=10)
    with database.session() as session:
        invoice = session.get(Invoice, invoice_id)
    pay(database, billing, member_id, 42000, date(2026, 3, 10))
    with on(date(2026, 11, 5)), database.transaction() as session:
        outcome = write_offs.write_off_invoice(
            session, billing, invoice_id, "Liquidation judiciaire, clôture pour insuffisance"
        )
    assert outcome.amount_cents == invoice.total_ttc_cents - 42000
    with database.session() as session:
        assert all(item.remaining_cents == 0 for item in instalments_of(session, invoice_id))
        entries = session.scalars(
            select(JournalEntry).where(JournalEntry.source == EntrySource.WRITE_OFF)
        ).all()
        assert {entry.journal for entry in entries} == {"OD"}
        assert balance(session, "411000", member_id=member_id) == 0
        assert balance(session, "445740", invoice_id=invoice_id) == 0
        assert balance(session, "654000") == outcome.amount_cents * 5 // 6


def test_an_event_after_its_month_was_closed_goes_on_the_first_open_day(database, billing):
    member_id, _invoice_id = billed(database, billing, si=10)
    close(database, billing, date(2026, 3, 31), on_day=date(2026, 4, 3))
    payment_id = pay(database, billing, member_id, 42000, date(2026, 3, 30))
    with database.session() as session:
        entry = entry_of(session, EntrySource.PAYMENT, payment_id)
        assert entry.piece_date == date(2026, 3, 30)
        assert entry.entry_date == date(2026, 4, 1)
        assert entry.fiscal_year == YEAR


def test_an_account_missing_from_the_chart_refuses_the_event_whole(database, billing):
    member_id, _invoice_id = billed(database, billing, si=10)
    admin = billing_admin(database)
    with database.transaction() as session:
        chart = settings.get(session, chart_service.SETTING)
        chart["accounts"]["receipts_cheque"]["number"] = ""
        settings.put(session, admin, chart_service.SETTING, chart)
    with pytest.raises(ChartIncomplete, match="Chèques à encaisser"):
        pay(database, billing, member_id, 42000, date(2026, 3, 1), PaymentMethod.CHEQUE)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(JournalLine)) == 3  # the invoice's
        assert not session.scalars(
            select(JournalEntry).where(JournalEntry.source == EntrySource.PAYMENT)
        ).all()


def billing_admin(database):
    from backoffice.models import Role
    from backoffice.services.actors import actor_of
    from tests import factories

    with database.transaction() as session:
        return actor_of(factories.staff(session, Role.ADMINISTRATOR))


def test_the_chart_refuses_an_account_of_the_wrong_class():
    chart = chart_service.from_value({})
    assert chart.account("bank").number == "512000"
    value = {"accounts": {"bank": {"number": "411000", "label": "Banque"}}}
    problems = chart_service.problems(value)
    assert [problem.field for problem in problems] == ["account.bank"]
    assert "commencer par 5" in problems[0].message
    assert chart_service.problems({"accounts": {"sales_annual": {"number": "7O6", "label": "x"}}})
    assert chart_service.problems({"journals": {"bank": {"code": "VT", "label": "Banque"}}})


def test_payments_posted_together_split_the_vat_as_one_by_one(database, billing):
    member_id, invoice_id = billed(database, billing, si=11, sepa=True)
    with on(date(2026, 3, 1)), database.transaction() as session:
        ids = [
            payments.record_payment(
                session,
                billing,
                member_id,
                cents,
                PaymentMethod.TRANSFER,
                date(2026, 3, 1),
                journal=False,
            ).payment_id
            for cents in (45508, 91012)
        ]
        assert not session.scalars(
            select(JournalEntry).where(JournalEntry.source == EntrySource.PAYMENT)
        ).all()
        from backoffice.services.accounting import events

        events.post_payments(session, ids)
    with database.session() as session:
        first, second = (
            lines_by_account(entry_of(session, EntrySource.PAYMENT, item))["445710"] for item in ids
        )
        assert first == (0, 7585)  # in proportion, as alone
        assert second == (0, 22753 - 7585)  # it settles the invoice: the rest
        assert balance(session, "445740", invoice_id=invoice_id) == 0

"""The aged balance, the VAT on receipts and the figures of the charts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from backoffice.models import Invoice, JournalLine, PaymentMethod
from backoffice.services.accounting import aged_balance, figures, vat_receipts
from backoffice.services.billing import payments
from tests.accounting.builders import a_year, billed, on, pay
from tests.billing.builders import instalments_of


def test_the_aged_balance_sorts_debts_by_age_and_reconciles_to_the_open_instalments(
    database, billing
):
    late, _ = billed(database, billing, si=10)  # 420 € due 15/03, 15/05, 15/07
    partly, _ = billed(database, billing, si=11)  # 462 € each
    paid, _ = billed(database, billing, si=3)
    pay(database, billing, partly, 46200 + 10000, date(2026, 5, 2))
    pay(database, billing, paid, 37800, date(2026, 3, 1))
    with on(date(2026, 7, 1)), database.session() as session:
        balance = aged_balance.aged_balance(session, billing)
    assert balance.on == date(2026, 7, 1)
    rows = {row.member_id: row for row in balance.rows}
    assert set(rows) == {late, partly}
    first = rows[late]
    # 15/03: 108 days late; 15/05: 47 days; 15/07: not yet due.
    assert (first.not_due_cents, first.days_0_30_cents, first.days_31_60_cents) == (42000, 0, 42000)
    assert (first.days_61_90_cents, first.over_90_cents) == (0, 42000)
    assert first.oldest_due_on == date(2026, 3, 15)
    assert rows[partly].days_31_60_cents == 46200 - 10000 and rows[partly].over_90_cents == 0
    assert balance.rows[0].member_id == late  # the most overdue first
    assert balance.total_cents == balance.reconciliation_cents == 126000 + 138600 - 56200


def test_the_aged_balance_of_a_past_day_is_the_one_that_day_showed(database, billing):
    member_id, invoice_id = billed(database, billing, si=10)
    pay(database, billing, member_id, 42000, date(2026, 3, 10))
    cheque = pay(database, billing, member_id, 42000, date(2026, 5, 10), PaymentMethod.CHEQUE)
    with on(date(2026, 6, 3)), database.transaction() as session:
        payments.reverse_payment(
            session, billing, cheque, "Chèque impayé", reversed_on=date(2026, 6, 2)
        )
    pay(database, billing, member_id, 42000, date(2026, 6, 20))
    with on(date(2026, 6, 25)), database.session() as session:
        may = aged_balance.aged_balance(session, billing, date(2026, 5, 31))
        april = aged_balance.aged_balance(session, billing, date(2026, 4, 30))
        today = aged_balance.aged_balance(session, billing)
    # On 31 May the cheque had paid the May instalment; the June transfer not yet arrived.
    assert [(row.not_due_cents, row.total_cents) for row in may.rows] == [(42000, 42000)]
    assert may.reconciliation_cents is None
    assert [(row.not_due_cents, row.days_0_30_cents) for row in april.rows] == [(84000, 0)]
    assert [(row.not_due_cents, row.total_cents) for row in today.rows] == [(42000, 42000)]
    with database.session() as session:
        assert sum(item.remaining_cents for item in instalments_of(session, invoice_id)) == 42000


def test_the_vat_on_receipts_of_each_month_reconciles_with_the_journal(database, billing):
    a_year(database, billing)
    with database.session() as session:
        report = vat_receipts.vat_on_receipts(session, billing, 2026)
        collected = sum(
            line.credit_cents - line.debit_cents
            for line in session.scalars(select(JournalLine).where(JournalLine.account == "445710"))
        )
    months = {month.month.month: month for month in report.months}
    assert len(report.months) == 12
    march = months[3]
    # 12/03: 1 260 € paid in full (VAT 210 €); 20/03: a cheque of 462 € (VAT 77 €).
    assert march.receipts_cents == 126000 + 46200
    assert [(rate.rate_bp, rate.base_cents, rate.vat_cents) for rate in march.rates] == [
        (2000, 105000 + 38500, 21000 + 7700)
    ]
    april = months[4]  # a cheque of 100 € received on 2 April, bounced on 9 April
    assert april.receipts_cents == 0 and april.vat_cents == 0
    assert all(
        month.difference_cents == 0 and month.unsettled_cents == 0 for month in months.values()
    )
    assert report.total("vat_cents") == collected == report.total("journal_vat_cents")
    assert report.total("receipts_cents") == 126000 + 46200 + 46200


def test_the_figures_of_the_campaign_by_month(database, billing):
    a_year(database, billing)
    with on(date(2026, 12, 1)), database.session() as session:
        campaign = figures.campaign(session, billing, 2026)
        ages = figures.overdue_by_age(session, billing)
        invoiced = sum(session.scalars(select(Invoice.total_ttc_cents)))
    by_month = {month.month.month: month for month in campaign.months}
    assert [month.month.month for month in campaign.months] == [3, 4, 5, 6, 7]
    assert campaign.billed_cents == invoiced - 12600 - 37800  # less the credited, the lost
    assert by_month[3].billed_cents == 42000 + 46200  # the lost debt counts no more
    assert by_month[3].collected_cents == 126000 + 46200
    assert campaign.collected_cents == 126000 + 46200 + 46200
    assert ages.cents == [0, 0, 0, 46200 - 12600]  # the second member's July instalment


def test_returns_by_reason(database, billing):
    _member, invoice_id = billed(database, billing, si=10)
    with database.transaction() as session:
        for instalment, code in zip(
            instalments_of(session, invoice_id), ("AM04", "AM04", "MD01"), strict=True
        ):
            instalment.rejection_code = code
    with database.session() as session:
        reasons = figures.returns_by_reason(session, billing, 2026)
    assert [(reason.code, reason.count, reason.cents) for reason in reasons] == [
        ("AM04", 2, 84000),
        ("MD01", 1, 42000),
    ]
    assert reasons[0].label == "Provision insuffisante"

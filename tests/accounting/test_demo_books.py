"""The demo's books: last year's FEC passes the checker and adds up to what happened."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.demo.generate import DemoOptions, generate
from backoffice.models import CreditNote, Invoice, Payment, Role, StaffUser
from backoffice.services.accounting import aged_balance, fec, history, vat_receipts
from backoffice.services.actors import actor_of


@pytest.fixture
def demo(database: Database) -> Database:
    generate(database, DemoOptions(members=60, seed=7))
    return database


def _between(column, year: int):
    return column.between(date(year, 1, 1), date(year, 12, 31))


def test_last_years_fec_passes_and_equals_the_invoices_credit_notes_and_payments(
    demo, tmp_path, every_fec_checked
):
    year = clock.today().year - 1
    with demo.session() as session:
        clerk = actor_of(
            session.scalars(select(StaffUser).where(StaffUser.role == Role.BILLING)).first()
        )
        assert sum(history.pending_counts(session).values()) == 0
        outcome = fec.export_fec(session, clerk, year, tmp_path)
        invoiced = session.scalar(
            select(func.sum(Invoice.total_ttc_cents)).where(_between(Invoice.issued_on, year))
        )
        credited = session.scalar(
            select(func.coalesce(func.sum(CreditNote.total_ttc_cents), 0)).where(
                _between(CreditNote.issued_on, year)
            )
        )
        received = session.scalar(
            select(func.sum(Payment.amount_cents)).where(_between(Payment.received_on, year))
        )
        balance = aged_balance.aged_balance(session, clerk)
        vat = vat_receipts.vat_on_receipts(session, clerk, year)
    assert outcome.complete
    summary = every_fec_checked[-1]  # what the checker read back from the file
    customers = summary.by_account["411000"]
    assert invoiced > 0 and received > 0
    assert customers == invoiced - credited - received  # no return nor loss in the demo
    assert balance.total_cents == balance.reconciliation_cents
    assert all(month.difference_cents == 0 for month in vat.months)
    assert vat.total("receipts_cents") == received

"""A direct-debit file in the books: each debit received waits in the clearing account
until the bank's credit of the file clears it; a debit returned leaves the bank."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from backoffice import clock
from backoffice.models import EntrySource, Instalment, JournalEntry, Payment
from backoffice.services.accounting import history
from backoffice.services.sepa import returns
from tests.accounting.builders import balance, entry_of, lines_by_account
from tests.bank.builders import AFTER
from tests.sepa.builders import exported


def test_debits_received_then_credited_then_one_returned(database, actors):
    billing = actors["billing"]
    _, collection_id = exported(database, billing, 48607, 145822)
    with clock.frozen(AFTER), database.transaction() as session:
        returns.record_debits_received(session, billing, collection_id)
    with database.session() as session:
        payments = session.scalars(select(Payment).order_by(Payment.id)).all()
        for payment in payments:
            assert lines_by_account(entry_of(session, EntrySource.PAYMENT, payment.id)) == {
                "511700": (payment.amount_cents, 0),
                "411000": (0, payment.amount_cents),
            }
        credit = entry_of(session, EntrySource.COLLECTION, payments[0].id)
        assert credit.journal == "BQ" and credit.entry_date == date(2027, 3, 15)
        assert lines_by_account(credit) == {"512000": (194429, 0), "511700": (0, 194429)}
        assert balance(session, "511700") == 0
        instalment_id = session.scalar(
            select(Instalment.id).where(Instalment.amount_cents == 48607)
        )
    with clock.frozen(AFTER), database.transaction() as session:
        returns.record_return(
            session, billing, instalment_id, "AM04", returned_on=date(2027, 3, 17)
        )
    with database.session() as session:
        returned = session.scalar(select(Payment).where(Payment.amount_cents == 48607))
        reversal = entry_of(session, EntrySource.PAYMENT_REVERSAL, returned.id)
        assert reversal.entry_date == date(2027, 3, 17)
        assert lines_by_account(reversal) == {"512000": (0, 48607), "411000": (48607, 0)}
        assert balance(session, "512000") == 145822 and balance(session, "511700") == 0
        posted = {(e.source, e.source_id) for e in session.scalars(select(JournalEntry))}
    with database.transaction() as session:  # forgotten, then journalised again
        for entry in session.scalars(select(JournalEntry)):
            for line in entry.lines:
                session.delete(line)
            session.delete(entry)
    with clock.frozen(AFTER), database.transaction() as session:
        history.catch_up(session, billing)
    with database.session() as session:
        again = {(e.source, e.source_id) for e in session.scalars(select(JournalEntry))}
        assert balance(session, "511700") == 0
    # The same entries, and the invoices these tests wrote below the services.
    assert {source for source, _id in again - posted} == {EntrySource.INVOICE}
    assert posted < again

"""Posting at the event: called by the services that record an event, in its transaction.

Each function reads the event's facts as they are at that moment (the instalments a payment
just settled, the VAT still pending on its invoices) and writes its entry. Nothing here
checks permissions: the calling service did, for the event itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.models import EntrySource, Instalment, JournalEntry
from backoffice.services.accounting import builders, chart, facts, posting


def _remaining(session: Session, invoice_id: int) -> int:
    """What is left to pay on an invoice now (its live instalments)."""
    remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
    return int(
        session.scalar(
            select(func.coalesce(func.sum(remaining), 0)).where(
                Instalment.invoice_id == invoice_id, Instalment.superseded_at.is_(None)
            )
        )
        or 0
    )


def _closes(session: Session) -> Callable[[int], bool]:
    return lambda invoice_id: _remaining(session, invoice_id) == 0


def post_invoices(session: Session, invoice_ids: Sequence[int]) -> int:
    """The sales entries of invoices just issued (one, or a chunk of the campaign)."""
    books = chart.load(session)
    found = facts.invoices(session, invoice_ids)
    return posting.post(
        session, books, (builders.invoice_entry(found[item], books) for item in invoice_ids)
    )


def post_credit_note(session: Session, credit_note_id: int) -> None:
    books = chart.load(session)
    note = facts.credit_notes(session, [credit_note_id])[credit_note_id]
    posting.post(session, books, [builders.credit_note_entry(note, books)])


def post_payment(session: Session, payment_id: int) -> None:
    """The bank entry of a payment just recorded, with the VAT of what it settled."""
    session.flush()
    books = chart.load(session)
    row, allocations = facts.payments(session, [payment_id])[payment_id]
    ledger = facts.VatLedger(session)
    settlements = facts.settle(allocations, ledger, _closes(session))
    entry = builders.payment_entry(facts.payment_facts(row, settlements), books)
    posting.post(session, books, [entry])


def _has_entry(session: Session, source: EntrySource, source_id: int) -> bool:
    return (
        session.scalar(
            select(JournalEntry.id).where(
                JournalEntry.source == source, JournalEntry.source_id == source_id
            )
        )
        is not None
    )


def post_reversal(session: Session, payment_id: int) -> None:
    """The payment's entry on the other side (a payment older than the books is first
    posted as it was, so that its reversal has something to mirror)."""
    session.flush()
    if not _has_entry(session, EntrySource.PAYMENT, payment_id):
        post_payment(session, payment_id)
    books = chart.load(session)
    row, _allocations = facts.payments(session, [payment_id])[payment_id]
    lines = facts.entry_lines(session, EntrySource.PAYMENT, [payment_id])[payment_id]
    assert row.reversed_on is not None
    entry = builders.reversal_entry(
        payment_id, row.reversed_on, row.reversal_reason or "", row.member_id, lines, books
    )
    posting.post(session, books, [entry])


def post_collection(session: Session, payment_ids: Sequence[int]) -> None:
    """The bank's credit of debits of a file just recorded as received (``payment_ids``,
    all of one file; a file credited in several batches gets an entry per batch)."""
    if not payment_ids:
        return
    session.flush()
    books = chart.load(session)
    credit = facts.collection_credit(session, payment_ids)
    posting.post(session, books, [builders.collection_entry(credit, books)])


def post_write_offs(session: Session, write_off_ids: Sequence[int]) -> None:
    """The loss entries of instalments just written off (in order: the last one of an
    invoice moves all the VAT left pending on it)."""
    session.flush()
    books = chart.load(session)
    rows = facts.write_offs(session, write_off_ids)
    ledger = facts.VatLedger(session)
    closes = _closes(session)
    drafts = []
    last_of_invoice = {rows[item].invoice_id: item for item in write_off_ids}
    for item in write_off_ids:
        row = rows[item]
        settles = last_of_invoice[row.invoice_id] == item and closes(row.invoice_id)
        drafts.append(builders.write_off_entry(facts.write_off_facts(row, ledger, settles), books))
    posting.post(session, books, drafts)

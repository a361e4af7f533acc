"""Posting at the event: called by the services that record an event, in its transaction.

Each function reads the event's facts as they are at that moment (the instalments a payment
just settled, the VAT still pending on its invoices) and writes its entry. Nothing here
checks permissions: the calling service did, for the event itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.models import EntrySource, Instalment, JournalEntry
from backoffice.services.accounting import builders, chart, facts, posting
from backoffice.services.sql_values import among


def remaining_now(session: Session, invoice_ids: Sequence[int]) -> dict[int, int]:
    """What is left to pay on each invoice now (its live instalments)."""
    remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
    left = dict.fromkeys(invoice_ids, 0)
    for chunk in facts.in_chunks(sorted(set(invoice_ids))):
        for invoice_id, cents in session.execute(
            select(Instalment.invoice_id, func.sum(remaining))
            .where(among(session, Instalment.invoice_id, chunk), Instalment.superseded_at.is_(None))
            .group_by(Instalment.invoice_id)
        ):
            left[invoice_id] = int(cents or 0)
    return left


def _closes(session: Session, invoice_ids: Sequence[int]) -> Callable[[int], bool]:
    left = remaining_now(session, invoice_ids)
    return lambda invoice_id: left[invoice_id] == 0


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
    post_payments(session, [payment_id])


def post_payments(session: Session, payment_ids: Sequence[int]) -> None:
    """The bank entries of payments just recorded (one, or a whole direct-debit file at
    once: :func:`payments.record_payment` with ``journal=False``, then this). An invoice
    counts as settled by a payment when nothing was left on it after that payment, the
    later ones of the batch put back."""
    if not payment_ids:
        return
    session.flush()
    books = chart.load(session)
    found = facts.payments(session, payment_ids)
    invoices = [item.invoice_id for _row, allocations in found.values() for item in allocations]
    ledger = facts.VatLedger(session)
    ledger.load(invoices)
    left = remaining_now(session, invoices)
    later: Counter[int] = Counter()
    for _row, allocations in found.values():
        for allocation in allocations:
            later[allocation.invoice_id] += allocation.amount_cents
    drafts = []
    for payment_id in sorted(payment_ids):
        row, allocations = found[payment_id]
        for allocation in allocations:
            later[allocation.invoice_id] -= allocation.amount_cents
        settlements = facts.settle(
            allocations, ledger, lambda invoice: left[invoice] + later[invoice] == 0
        )
        drafts.append(builders.payment_entry(facts.payment_facts(row, settlements), books))
    posting.post(session, books, drafts)


def post_reversal(session: Session, payment_id: int) -> None:
    """The payment's entry on the other side (a payment older than the books is first
    posted as it was, so that its reversal has something to mirror)."""
    post_reversals(session, [payment_id])


def post_reversals(session: Session, payment_ids: Sequence[int]) -> None:
    """:func:`post_reversal` of payments just reversed (a bank file's returns: with
    ``payments.reverse_payment(..., journal=False)``), together."""
    if not payment_ids:
        return
    session.flush()
    posted = _posted(session, EntrySource.PAYMENT, payment_ids)
    for payment_id in payment_ids:
        if payment_id not in posted:
            post_payment(session, payment_id)
    books = chart.load(session)
    found = facts.payments(session, payment_ids)
    lines = facts.entry_lines(session, EntrySource.PAYMENT, payment_ids)
    drafts = []
    for payment_id in payment_ids:
        row, _allocations = found[payment_id]
        assert row.reversed_on is not None
        drafts.append(
            builders.reversal_entry(
                payment_id,
                row.reversed_on,
                row.reversal_reason or "",
                row.member_id,
                lines[payment_id],
                books,
            )
        )
    posting.post(session, books, drafts)


def _posted(session: Session, source: EntrySource, source_ids: Sequence[int]) -> set[int]:
    """Those of ``source_ids`` with an entry in the books."""
    posted: set[int] = set()
    for chunk in facts.in_chunks(source_ids):
        posted.update(
            session.scalars(
                select(JournalEntry.source_id).where(
                    JournalEntry.source == source, among(session, JournalEntry.source_id, chunk)
                )
            )
        )
    return posted


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
    closes = _closes(session, [row.invoice_id for row in rows.values()])
    drafts = []
    last_of_invoice = {rows[item].invoice_id: item for item in write_off_ids}
    for item in write_off_ids:
        row = rows[item]
        settles = last_of_invoice[row.invoice_id] == item and closes(row.invoice_id)
        drafts.append(builders.write_off_entry(facts.write_off_facts(row, ledger, settles), books))
    posting.post(session, books, drafts)

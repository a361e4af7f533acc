"""Journalising the events that have no entry: those recorded before the books existed (a
database upgraded from an earlier version, the demo's generated years).

The events are read in date order (on one day: invoices, credit notes, payments,
write-offs, returns, then the bank's credits of direct-debit files) and posted with the
same builders as at the event. What cannot be known any more is rebuilt from the rows:
a payment's allocations are taken as they are now, and an invoice counts as settled by a
payment when nothing was left to pay on it after that payment in this replay.

The run holds the books' row exclusively: postings wait for it, and a second run waits,
then finds nothing left to post. Running it again is harmless.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import (
    CreditNote,
    EntrySource,
    Instalment,
    Invoice,
    JournalEntry,
    LineKind,
    Payment,
    PaymentMethod,
    SepaCollection,
    WriteOff,
)
from backoffice.services.accounting import builders, chart, facts
from backoffice.services.accounting.drafts import EntryDraft, LineDraft
from backoffice.services.accounting.posting import EntryWriter, closed_through
from backoffice.services.billing.bulk_rows import collector_paused
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent

CHUNK = 2000
ORDER = {
    EntrySource.INVOICE: 0,
    EntrySource.CREDIT_NOTE: 1,
    EntrySource.PAYMENT: 2,
    EntrySource.WRITE_OFF: 3,
    EntrySource.PAYMENT_REVERSAL: 4,
    EntrySource.COLLECTION: 5,
}

Event = tuple[date, int, int]  # (day, order of the source, id)


@dataclass(frozen=True)
class CatchUpOutcome:
    posted: int
    by_source: dict[EntrySource, int]


def _without_entry(source: EntrySource, key):
    return (
        ~select(JournalEntry.id)
        .where(JournalEntry.source == source, JournalEntry.source_id == key)
        .exists()
    )


def _unposted(source: EntrySource) -> Select:
    """(day, id) of the events of ``source`` without an entry."""
    match source:
        case EntrySource.INVOICE:
            statement = select(Invoice.issued_on, Invoice.id).where(
                _without_entry(source, Invoice.id)
            )
        case EntrySource.CREDIT_NOTE:
            statement = select(CreditNote.issued_on, CreditNote.id).where(
                _without_entry(source, CreditNote.id)
            )
        case EntrySource.PAYMENT:
            statement = select(Payment.received_on, Payment.id).where(
                _without_entry(source, Payment.id)
            )
        case EntrySource.PAYMENT_REVERSAL:
            statement = select(Payment.reversed_on, Payment.id).where(
                Payment.reversed_on.is_not(None), _without_entry(source, Payment.id)
            )
        case EntrySource.WRITE_OFF:
            statement = select(WriteOff.written_off_on, WriteOff.id).where(
                _without_entry(source, WriteOff.id)
            )
        case EntrySource.COLLECTION:  # files with debits received, none of them credited
            debits = (Payment.collection_id == SepaCollection.id) & (
                Payment.method == PaymentMethod.DIRECT_DEBIT
            )
            credited = (
                select(JournalEntry.id)
                .join(Payment, Payment.id == JournalEntry.source_id)
                .where(JournalEntry.source == source, debits)
            )
            statement = select(SepaCollection.collection_date, SepaCollection.id).where(
                select(Payment.id).where(debits).exists(), ~credited.exists()
            )
    return statement


def pending_counts(session: Session) -> dict[EntrySource, int]:
    """How many events of each kind have no entry yet."""
    counts = {}
    for source in ORDER:
        subquery = _unposted(source).subquery()
        counts[source] = session.scalar(select(func.count()).select_from(subquery)) or 0
    return counts


def _events(session: Session) -> list[Event]:
    events: list[Event] = []
    for source, order in ORDER.items():
        events.extend((day, order, key) for day, key in session.execute(_unposted(source)))
    events.sort()
    return events


class Replay:
    """Builds the entries of a chunk of events in order, following each invoice's VAT
    still pending and what is left to pay on it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.chart = chart.load(session)
        self.ledger = facts.VatLedger(session)
        self.remaining: dict[int, int] = {}
        self.payment_lines: dict[int, list[LineDraft]] = {}
        self.reversed: set[int] = set()

    def _left(self, invoice_id: int) -> int:
        if invoice_id not in self.remaining:  # journalised before this run: as it is now
            left = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
            self.remaining[invoice_id] = int(
                self.session.scalar(
                    select(func.coalesce(func.sum(left), 0)).where(
                        Instalment.invoice_id == invoice_id, Instalment.superseded_at.is_(None)
                    )
                )
                or 0
            )
        return self.remaining[invoice_id]

    def _take(self, invoice_id: int, cents: int) -> None:
        self.remaining[invoice_id] = max(0, self._left(invoice_id) - cents)

    def drafts(self, chunk: list[Event]) -> Iterator[EntryDraft]:
        ids: dict[int, list[int]] = defaultdict(list)
        for _day, order, key in chunk:
            ids[order].append(key)
        source = {order: source for source, order in ORDER.items()}
        loaded = {order: self._load(source[order], keys) for order, keys in ids.items()}
        for _day, order, key in chunk:
            yield self._draft(source[order], loaded[order], key)

    def _load(self, source: EntrySource, keys: list[int]) -> dict:  # type: ignore[type-arg]
        session = self.session
        match source:
            case EntrySource.INVOICE:
                return facts.invoices(session, keys)
            case EntrySource.CREDIT_NOTE:
                return facts.credit_notes(session, keys)
            case EntrySource.PAYMENT | EntrySource.PAYMENT_REVERSAL:
                found = facts.payments(session, keys)
                if source == EntrySource.PAYMENT:
                    self.reversed.update(key for key, (row, _a) in found.items() if row.reversed_on)
                return found
            case EntrySource.WRITE_OFF:
                return facts.write_offs(session, keys)
            case EntrySource.COLLECTION:  # one credit for all the debits of each file
                debits: dict[int, list[int]] = defaultdict(list)
                for file_id, payment_id in session.execute(
                    select(Payment.collection_id, Payment.id).where(
                        Payment.collection_id.in_(keys),
                        Payment.method == PaymentMethod.DIRECT_DEBIT,
                    )
                ):
                    debits[file_id].append(payment_id)
                return {key: facts.collection_credit(session, debits[key]) for key in keys}
        raise AssertionError(source)

    def _draft(self, source: EntrySource, loaded: dict, key: int) -> EntryDraft:  # type: ignore[type-arg]
        books = self.chart
        match source:
            case EntrySource.INVOICE:
                invoice = loaded[key]
                self.ledger.opened(invoice.id, invoice.vat_cents)
                self.remaining[invoice.id] = invoice.total_ttc_cents
                return builders.invoice_entry(invoice, books)
            case EntrySource.CREDIT_NOTE:
                note = loaded[key]
                self.ledger.move(note.invoice_id, -note.vat_cents)
                self._take(note.invoice_id, note.total_ttc_cents)
                return builders.credit_note_entry(note, books)
            case EntrySource.PAYMENT:
                row, allocations = loaded[key]
                for allocation in allocations:
                    self._take(allocation.invoice_id, allocation.amount_cents)
                settlements = facts.settle(
                    allocations, self.ledger, lambda invoice: self._left(invoice) == 0
                )
                draft = builders.payment_entry(facts.payment_facts(row, settlements), books)
                if key in self.reversed:
                    self.payment_lines[key] = draft.lines
                return draft
            case EntrySource.PAYMENT_REVERSAL:
                row, allocations = loaded[key]
                lines = (
                    self.payment_lines.pop(key, None)
                    or facts.entry_lines(self.session, EntrySource.PAYMENT, [key])[key]
                )
                for line in lines:  # the VAT the payment had moved is pending again
                    if line.kind == LineKind.VAT_PENDING and line.invoice_id is not None:
                        self.ledger.move(line.invoice_id, line.debit_cents - line.credit_cents)
                for allocation in allocations:
                    self.remaining[allocation.invoice_id] = (
                        self._left(allocation.invoice_id) + allocation.amount_cents
                    )
                return builders.reversal_entry(
                    key, row.reversed_on, row.reversal_reason or "", row.member_id, lines, books
                )
            case EntrySource.WRITE_OFF:
                write_off = loaded[key]
                self._take(write_off.invoice_id, write_off.amount_cents)
                closes = self._left(write_off.invoice_id) == 0
                return builders.write_off_entry(
                    facts.write_off_facts(write_off, self.ledger, closes), books
                )
            case EntrySource.COLLECTION:
                return builders.collection_entry(loaded[key], books)
        raise AssertionError(source)


def catch_up(session: Session, actor: Actor, progress: Progress | None = None) -> CatchUpOutcome:
    """Post every event that has no entry yet, in date order (see the module)."""
    require(session, actor, Permission.ACCOUNTING_MANAGE)
    return post_unposted(session, progress)


def post_unposted(session: Session, progress: Progress | None = None) -> CatchUpOutcome:
    """:func:`catch_up` without the permission check, for the demo generator."""
    progress = progress or silent()
    closed_through(session, exclusive=True)
    events = _events(session)
    replay = Replay(session)
    writer = EntryWriter(session, replay.chart)
    counted: Counter[EntrySource] = Counter()
    source = {order: source for source, order in ORDER.items()}
    with collector_paused():
        for start in range(0, len(events), CHUNK):
            progress.step(start, len(events), tr("Posting the entries of past events…"))
            chunk = events[start : start + CHUNK]
            writer.write(replay.drafts(chunk))
            counted.update(source[order] for _day, order, _key in chunk)
    progress.step(len(events), len(events), tr("Posting the entries of past events…"))
    return CatchUpOutcome(len(events), dict(counted))

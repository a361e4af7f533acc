"""Reading the facts of events from their rows, many at a time.

Shared by the posting at the event (:mod:`events`, one id) and by the catch-up of older
events (:mod:`history`, a chunk of ids). The VAT a payment moves depends on what is still
pending on each invoice: :class:`VatLedger` reads it from the journal once per invoice and
follows the moves made since, so that the entries of one run see each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.models import (
    CreditNote,
    Instalment,
    Invoice,
    JournalEntry,
    JournalLine,
    LineKind,
    Member,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    SepaCollection,
    WriteOff,
)
from backoffice.services.accounting.builders import (
    CollectionFacts,
    CreditNoteFacts,
    InvoiceFacts,
    PaymentFacts,
    Settlement,
    WriteOffFacts,
    vat_share,
)
from backoffice.services.accounting.chart import Account
from backoffice.services.accounting.drafts import LineDraft
from backoffice.services.sql_values import among

IN_LIST = 900  # ids per IN (...) list: below SQLite's limit on bound parameters


def in_chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), IN_LIST):
        yield ids[start : start + IN_LIST]


class VatLedger:
    """The VAT still pending on each invoice: the journal's pending-VAT lines of the
    invoice, plus the moves of the entries built since (not yet written)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: dict[int, int] = {}

    def load(self, invoice_ids: Iterable[int]) -> None:
        missing = sorted({item for item in invoice_ids if item not in self.pending})
        for chunk in in_chunks(missing):
            for invoice_id in chunk:
                self.pending[invoice_id] = 0
            rows = self.session.execute(
                select(
                    JournalLine.invoice_id,
                    func.sum(JournalLine.credit_cents - JournalLine.debit_cents),
                )
                .where(
                    among(self.session, JournalLine.invoice_id, chunk),
                    JournalLine.kind == LineKind.VAT_PENDING,
                )
                .group_by(JournalLine.invoice_id)
            )
            for invoice_id, cents in rows:
                self.pending[invoice_id] = int(cents)

    def of(self, invoice_id: int) -> int:
        self.load([invoice_id])
        return self.pending[invoice_id]

    def opened(self, invoice_id: int, cents: int) -> None:
        """An invoice posted now: its VAT is all pending (no need to ask the journal)."""
        self.pending[invoice_id] = cents

    def move(self, invoice_id: int, cents: int) -> None:
        """Pending VAT goes up (an invoice) or down (a payment, a credit note)."""
        self.pending[invoice_id] = self.of(invoice_id) + cents


@dataclass(frozen=True)
class Allocation:
    invoice_id: int
    amount_cents: int
    invoice_vat_cents: int
    invoice_ttc_cents: int
    vat_rate_bp: int


@dataclass(frozen=True)
class PaymentRow:
    id: int
    member_id: int
    member_name: str
    method: PaymentMethod
    amount_cents: int
    received_on: date
    reference: str | None
    reversed_on: date | None
    reversal_reason: str | None
    collection_id: int | None


def invoices(session: Session, ids: Sequence[int]) -> dict[int, InvoiceFacts]:
    facts: dict[int, InvoiceFacts] = {}
    for chunk in in_chunks(ids):
        for row in session.execute(
            select(
                Invoice.id,
                Invoice.number,
                Invoice.kind,
                Invoice.member_id,
                Invoice.billing_name,
                Invoice.issued_on,
                Invoice.total_ht_cents,
                Invoice.discount_cents,
                Invoice.vat_cents,
                Invoice.total_ttc_cents,
                Invoice.vat_rate_bp,
            ).where(among(session, Invoice.id, chunk))
        ):
            facts[row.id] = InvoiceFacts(*row)
    return facts


def credit_notes(session: Session, ids: Sequence[int]) -> dict[int, CreditNoteFacts]:
    facts: dict[int, CreditNoteFacts] = {}
    for chunk in in_chunks(ids):
        for row in session.execute(
            select(
                CreditNote.id,
                CreditNote.number,
                CreditNote.invoice_id,
                Invoice.number,
                Invoice.member_id,
                Invoice.billing_name,
                CreditNote.issued_on,
                CreditNote.total_ht_cents,
                CreditNote.vat_cents,
                CreditNote.total_ttc_cents,
                Invoice.vat_rate_bp,
            )
            .join(Invoice, Invoice.id == CreditNote.invoice_id)
            .where(among(session, CreditNote.id, chunk))
        ):
            facts[row[0]] = CreditNoteFacts(*row)
    return facts


def payments(
    session: Session, ids: Sequence[int]
) -> dict[int, tuple[PaymentRow, list[Allocation]]]:
    """Payments with what each allocated to which invoice (as the allocations are now)."""
    found: dict[int, tuple[PaymentRow, list[Allocation]]] = {}
    for chunk in in_chunks(ids):
        for row in session.execute(
            select(
                Payment.id,
                Payment.member_id,
                Member.legal_name,
                Payment.method,
                Payment.amount_cents,
                Payment.received_on,
                Payment.reference,
                Payment.reversed_on,
                Payment.reversal_reason,
                Payment.collection_id,
            )
            .join(Member, Member.id == Payment.member_id)
            .where(among(session, Payment.id, chunk))
        ):
            found[row[0]] = (PaymentRow(*row), [])
        allocations = session.execute(
            select(
                PaymentAllocation.payment_id,
                Instalment.invoice_id,
                func.sum(PaymentAllocation.amount_cents),
                Invoice.vat_cents,
                Invoice.total_ttc_cents,
                Invoice.vat_rate_bp,
            )
            .join(Instalment, Instalment.id == PaymentAllocation.instalment_id)
            .join(Invoice, Invoice.id == Instalment.invoice_id)
            .where(among(session, PaymentAllocation.payment_id, chunk))
            .group_by(
                PaymentAllocation.payment_id,
                Instalment.invoice_id,
                Invoice.vat_cents,
                Invoice.total_ttc_cents,
                Invoice.vat_rate_bp,
            )
            .order_by(PaymentAllocation.payment_id, Instalment.invoice_id)
        )
        for payment_id, invoice_id, amount, vat, ttc, rate in allocations:
            found[payment_id][1].append(Allocation(invoice_id, int(amount), vat, ttc, rate))
    return found


def settle(
    allocations: list[Allocation], ledger: VatLedger, closes: Callable[[int], bool]
) -> tuple[Settlement, ...]:
    """The VAT each allocation moves from pending to collected (and the ledger follows)."""
    settlements = []
    for allocation in allocations:
        vat = vat_share(
            allocation.amount_cents,
            allocation.invoice_vat_cents,
            allocation.invoice_ttc_cents,
            ledger.of(allocation.invoice_id),
            closes(allocation.invoice_id),
        )
        ledger.move(allocation.invoice_id, -vat)
        settlements.append(
            Settlement(allocation.invoice_id, allocation.amount_cents, vat, allocation.vat_rate_bp)
        )
    return tuple(settlements)


def payment_facts(row: PaymentRow, settlements: tuple[Settlement, ...]) -> PaymentFacts:
    return PaymentFacts(
        row.id,
        row.member_id,
        row.member_name,
        row.method,
        row.amount_cents,
        row.received_on,
        row.reference,
        settlements,
        row.collection_id,
    )


def entry_lines(
    session: Session, source: object, source_ids: Sequence[int]
) -> dict[int, list[LineDraft]]:
    """The lines of the entries of ``source_ids`` (e.g. payments), as drafts."""
    found: dict[int, list[LineDraft]] = defaultdict(list)
    for chunk in in_chunks(source_ids):
        rows = session.execute(
            select(JournalEntry.source_id, JournalLine)
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(JournalEntry.source == source, among(session, JournalEntry.source_id, chunk))
            .order_by(JournalEntry.source_id, JournalLine.position)
        )
        for source_id, line in rows:
            found[source_id].append(
                LineDraft(
                    line.kind,
                    Account(line.account, line.account_label),
                    line.debit_cents,
                    line.credit_cents,
                    line.member_id,
                    line.invoice_id,
                    line.vat_rate_bp,
                    line.label,
                    line.vat_base_cents,
                )
            )
    return found


def collection_credit(session: Session, payment_ids: Sequence[int]) -> CollectionFacts:
    """The bank's credit of these debits (of one file): their total; the entry is known
    by the first of them."""
    total = 0
    collection_id = None
    for chunk in in_chunks(sorted(payment_ids)):
        for file_id, cents in session.execute(
            select(Payment.collection_id, func.sum(Payment.amount_cents))
            .where(among(session, Payment.id, chunk))
            .group_by(Payment.collection_id)
        ):
            collection_id, total = file_id, total + int(cents)
    row = session.execute(
        select(SepaCollection.message_id, SepaCollection.collection_date).where(
            SepaCollection.id == collection_id
        )
    ).one()
    return CollectionFacts(min(payment_ids), row.message_id, row.collection_date, total)


@dataclass(frozen=True)
class WriteOffRow:
    id: int
    member_id: int
    member_name: str
    invoice_id: int
    invoice_number: str
    invoice_vat_cents: int
    invoice_ttc_cents: int
    vat_rate_bp: int
    amount_cents: int
    written_off_on: date
    reason: str


def write_offs(session: Session, ids: Sequence[int]) -> dict[int, WriteOffRow]:
    found: dict[int, WriteOffRow] = {}
    for chunk in in_chunks(ids):
        for row in session.execute(
            select(
                WriteOff.id,
                WriteOff.member_id,
                Invoice.billing_name,
                WriteOff.invoice_id,
                Invoice.number,
                Invoice.vat_cents,
                Invoice.total_ttc_cents,
                Invoice.vat_rate_bp,
                WriteOff.amount_cents,
                WriteOff.written_off_on,
                WriteOff.reason,
            )
            .join(Invoice, Invoice.id == WriteOff.invoice_id)
            .where(among(session, WriteOff.id, chunk))
        ):
            found[row[0]] = WriteOffRow(*row)
    return found


def write_off_facts(row: WriteOffRow, ledger: VatLedger, closes: bool) -> WriteOffFacts:
    vat = vat_share(
        row.amount_cents,
        row.invoice_vat_cents,
        row.invoice_ttc_cents,
        ledger.of(row.invoice_id),
        closes,
    )
    ledger.move(row.invoice_id, -vat)
    return WriteOffFacts(
        row.id,
        row.member_id,
        row.member_name,
        row.invoice_number,
        row.written_off_on,
        Settlement(row.invoice_id, row.amount_cents, vat, row.vat_rate_bp),
        row.reason,
    )

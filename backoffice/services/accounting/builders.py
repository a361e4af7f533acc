"""The entry of each kind of event, from its facts (pure functions: no session).

Every event's facts are what the service knew when it happened; :mod:`events` reads them
in the event's transaction, :mod:`history` from the rows of events that predate the books.
Labels are written in the books as they are: French text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from backoffice.models import EntrySource, InvoiceKind, LineKind, PaymentMethod
from backoffice.services.accounting.chart import RECEIPT_ACCOUNT, SALES_ACCOUNT, Chart
from backoffice.services.accounting.drafts import (
    LABEL_LENGTH,
    PIECE_LENGTH,
    EntryDraft,
    LineDraft,
    clip,
)

METHOD_WORDS = {
    PaymentMethod.TRANSFER: "virement",
    PaymentMethod.CHEQUE: "chèque",
    PaymentMethod.CARD: "carte bancaire",
    PaymentMethod.DIRECT_DEBIT: "prélèvement SEPA",
}


@dataclass(frozen=True)
class InvoiceFacts:
    id: int
    number: str
    kind: InvoiceKind
    member_id: int
    member_name: str
    issued_on: date
    total_ht_cents: int
    discount_cents: int
    vat_cents: int
    total_ttc_cents: int
    vat_rate_bp: int


@dataclass(frozen=True)
class CreditNoteFacts:
    id: int
    number: str
    invoice_id: int
    invoice_number: str
    member_id: int
    member_name: str
    issued_on: date
    total_ht_cents: int
    vat_cents: int
    total_ttc_cents: int
    vat_rate_bp: int


@dataclass(frozen=True)
class Settlement:
    """What a payment (or a write-off) took off one invoice, and the VAT that moves."""

    invoice_id: int
    amount_cents: int
    vat_cents: int
    vat_rate_bp: int


@dataclass(frozen=True)
class PaymentFacts:
    id: int
    member_id: int
    member_name: str
    method: PaymentMethod
    amount_cents: int
    received_on: date
    reference: str | None
    settlements: tuple[Settlement, ...]
    collection_id: int | None = None  # a debit of a direct-debit file


@dataclass(frozen=True)
class CollectionFacts:
    id: int  # the first debit (payment) of the batch credited: the entry's source
    message_id: str
    collection_date: date
    total_cents: int  # the debits of the file recorded as received


@dataclass(frozen=True)
class WriteOffFacts:
    id: int
    member_id: int
    member_name: str
    invoice_number: str
    written_off_on: date
    settlement: Settlement
    reason: str


def vat_share(
    share_cents: int, invoice_vat: int, invoice_ttc: int, pending: int, closes: bool
) -> int:
    """The VAT that ``share_cents`` of an invoice's price carries, out of the ``pending``
    VAT of that invoice: all of it when the share settles the invoice (no cent is left
    behind), else in proportion (rounded half up), never more than is pending."""
    if pending <= 0 or invoice_ttc <= 0:
        return 0
    if closes:
        return min(pending, share_cents)
    exact = Decimal(share_cents) * Decimal(invoice_vat) / Decimal(invoice_ttc)
    return min(pending, int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def invoice_entry(facts: InvoiceFacts, chart: Chart) -> EntryDraft:
    """Sales journal: the member owes the price incl. VAT; the sales (before the direct-
    debit discount) and the VAT, pending until paid."""
    draft = EntryDraft(
        EntrySource.INVOICE,
        facts.id,
        "sales",
        facts.issued_on,
        clip(facts.number, PIECE_LENGTH),
        clip(f"Facture {facts.number} {facts.member_name}", LABEL_LENGTH),
        facts.member_id,
    )
    draft.debit(
        LineKind.CUSTOMER,
        chart.account("customers"),
        facts.total_ttc_cents,
        member_id=facts.member_id,
        invoice_id=facts.id,
    )
    draft.debit(LineKind.DISCOUNT, chart.account("discount"), facts.discount_cents)
    draft.credit(LineKind.SALES, chart.account(SALES_ACCOUNT[facts.kind]), facts.total_ht_cents)
    draft.credit(
        LineKind.VAT_PENDING,
        chart.account("vat_pending"),
        facts.vat_cents,
        invoice_id=facts.id,
        vat_rate_bp=facts.vat_rate_bp,
        vat_base_cents=facts.total_ht_cents - facts.discount_cents,
    )
    return draft


def credit_note_entry(facts: CreditNoteFacts, chart: Chart) -> EntryDraft:
    """Sales journal: the member owes less; the sales and the pending VAT go down."""
    draft = EntryDraft(
        EntrySource.CREDIT_NOTE,
        facts.id,
        "sales",
        facts.issued_on,
        clip(facts.number, PIECE_LENGTH),
        clip(
            f"Avoir {facts.number} sur facture {facts.invoice_number} {facts.member_name}",
            LABEL_LENGTH,
        ),
        facts.member_id,
    )
    draft.debit(LineKind.CREDIT_NOTE, chart.account("credit_notes"), facts.total_ht_cents)
    draft.debit(
        LineKind.VAT_PENDING,
        chart.account("vat_pending"),
        facts.vat_cents,
        invoice_id=facts.invoice_id,
        vat_rate_bp=facts.vat_rate_bp,
        vat_base_cents=facts.total_ht_cents,
    )
    draft.credit(
        LineKind.CUSTOMER,
        chart.account("customers"),
        facts.total_ttc_cents,
        member_id=facts.member_id,
        invoice_id=facts.invoice_id,
    )
    return draft


def _vat_transfer(draft: EntryDraft, chart: Chart, settlements: tuple[Settlement, ...]) -> None:
    """The VAT of what was paid becomes due: from pending to collected, invoice by invoice."""
    for settled in settlements:
        details = {
            "invoice_id": settled.invoice_id,
            "vat_rate_bp": settled.vat_rate_bp,
            "vat_base_cents": settled.amount_cents - settled.vat_cents,
        }
        draft.debit(
            LineKind.VAT_PENDING, chart.account("vat_pending"), settled.vat_cents, **details
        )
        draft.credit(
            LineKind.VAT_COLLECTED, chart.account("vat_collected"), settled.vat_cents, **details
        )


def payment_piece(payment_id: int) -> str:
    return f"REG-{payment_id}"


def payment_entry(facts: PaymentFacts, chart: Chart) -> EntryDraft:
    """Bank journal: the money arrives (bank, cheques to cash, or — for a debit of one of
    our files — debits to cash until the bank credits the file), the member owes less,
    and the VAT of what it settled becomes due."""
    reference = f" {facts.reference}" if facts.reference else ""
    draft = EntryDraft(
        EntrySource.PAYMENT,
        facts.id,
        "bank",
        facts.received_on,
        payment_piece(facts.id),
        clip(
            f"Règlement {METHOD_WORDS[facts.method]}{reference} {facts.member_name}",
            LABEL_LENGTH,
        ),
        facts.member_id,
    )
    if facts.method != PaymentMethod.DIRECT_DEBIT:
        receipt = (LineKind.RECEIPT, chart.account(RECEIPT_ACCOUNT[facts.method]))
    elif facts.collection_id is not None:  # cleared when the bank credits the file
        receipt = (LineKind.CLEARING, chart.account("direct_debit_clearing"))
    else:  # a debit recorded by hand, outside any file of ours
        receipt = (LineKind.BANK, chart.account("bank"))
    draft.debit(*receipt, facts.amount_cents)
    draft.credit(
        LineKind.CUSTOMER, chart.account("customers"), facts.amount_cents, member_id=facts.member_id
    )
    _vat_transfer(draft, chart, facts.settlements)
    return draft


def reversal_entry(
    payment_id: int,
    reversed_on: date,
    reason: str,
    member_id: int,
    payment_lines: list[LineDraft],
    chart: Chart,
) -> EntryDraft:
    """Bank journal: the payment's entry on the other side. The money leaves the bank
    account (a returned debit or a bounced cheque had reached it), the member owes again,
    and the VAT goes back to pending."""
    draft = EntryDraft(
        EntrySource.PAYMENT_REVERSAL,
        payment_id,
        "bank",
        reversed_on,
        payment_piece(payment_id),
        clip(f"Annulation du règlement REG-{payment_id} : {reason}", LABEL_LENGTH),
        member_id,
    )
    bank = chart.account("bank")
    for line in payment_lines:
        if line.kind in (LineKind.RECEIPT, LineKind.CLEARING, LineKind.BANK):
            draft.lines.append(line.mirrored(bank, LineKind.BANK))
        else:
            draft.lines.append(line.mirrored())
    return draft


def collection_entry(facts: CollectionFacts, chart: Chart) -> EntryDraft:
    """Bank journal: the bank credits the direct-debit file; the debits to cash clear."""
    draft = EntryDraft(
        EntrySource.COLLECTION,
        facts.id,
        "bank",
        facts.collection_date,
        clip(facts.message_id, PIECE_LENGTH),
        clip(f"Remise de prélèvements SEPA {facts.message_id}", LABEL_LENGTH),
    )
    draft.debit(LineKind.BANK, chart.account("bank"), facts.total_cents)
    draft.credit(LineKind.CLEARING, chart.account("direct_debit_clearing"), facts.total_cents)
    return draft


def write_off_entry(facts: WriteOffFacts, chart: Chart) -> EntryDraft:
    """Miscellaneous journal: the debt is lost; its VAT, never received, is not due."""
    settled = facts.settlement
    draft = EntryDraft(
        EntrySource.WRITE_OFF,
        facts.id,
        "misc",
        facts.written_off_on,
        f"PERTE-{facts.id}",
        clip(
            f"Créance irrécouvrable {facts.invoice_number} {facts.member_name} : {facts.reason}",
            LABEL_LENGTH,
        ),
        facts.member_id,
    )
    draft.debit(
        LineKind.WRITE_OFF, chart.account("write_offs"), settled.amount_cents - settled.vat_cents
    )
    draft.debit(
        LineKind.VAT_PENDING,
        chart.account("vat_pending"),
        settled.vat_cents,
        invoice_id=settled.invoice_id,
        vat_rate_bp=settled.vat_rate_bp,
        vat_base_cents=settled.amount_cents - settled.vat_cents,
    )
    draft.credit(
        LineKind.CUSTOMER,
        chart.account("customers"),
        settled.amount_cents,
        member_id=facts.member_id,
        invoice_id=settled.invoice_id,
    )
    return draft

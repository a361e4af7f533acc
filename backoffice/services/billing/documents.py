"""Invoice and credit-note PDFs: the data read a chunk at a time, the files written.

One invoice, or all those of a campaign (or any selection) into one PDF or one file each,
with progress and cancellation between documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import (
    CreditNote,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    MandateStatus,
    Member,
    SepaMandate,
)
from backoffice.private_files import write_whole
from backoffice.reports.billing import documents as batch
from backoffice.reports.billing.documents import PaymentDetails
from backoffice.reports.billing.invoice_pdf import (
    CreditNoteDocument,
    DocumentInstalment,
    DocumentLine,
    InvoiceDocument,
    credit_note_story,
    invoice_story,
)
from backoffice.services import identity as identity_service
from backoffice.services import settings
from backoffice.services.errors import NotFound, ValidationFailed
from backoffice.services.identity import Purpose, ServiceIdentity
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent

CHUNK = 500
KIND_LABELS = {  # printed on the invoice: French
    InvoiceKind.ANNUAL: "Cotisation annuelle",
    InvoiceKind.REGULARISATION: "Régularisation de cotisation",
    InvoiceKind.JOINING_FEE: "Droit d'entrée",
    InvoiceKind.QUARTERLY: "Cotisation trimestrielle",
    InvoiceKind.NO_SHOW: "Absence non excusée",
    InvoiceKind.RETURN_FEE: "Frais de rejet de prélèvement",
}


def identity(session: Session) -> ServiceIdentity:
    """The seller, refused when a mention the law asks of an invoice is missing."""
    return identity_service.load_for(session, Purpose.INVOICES)


def payment_details(session: Session, service: ServiceIdentity) -> PaymentDetails:
    account = service.invoice_account
    return PaymentDetails(
        payee=service.legal_name,
        iban=account.iban if account else "",
        bic=account.bic if account else "",
        creditor_id=service.creditor_id,
        terms=settings.get(session, "billing.payment_terms"),
        late_interest=settings.get(session, "billing.late_interest_rate"),
    )


def invoice_documents(
    session: Session, invoice_ids: list[int], *, as_issued: bool = False
) -> list[InvoiceDocument]:
    """The printable data of ``invoice_ids`` (in that order), in a handful of queries.
    ``as_issued``: nothing settled nor credited yet (the Factur-X: the invoice as sent)."""
    invoices = {
        invoice.id: (invoice, code, siret)
        for invoice, code, siret in session.execute(
            select(Invoice, Member.member_code, Member.siret)
            .join(Member, Member.id == Invoice.member_id)
            .where(Invoice.id.in_(invoice_ids))
        )
    }
    lines: dict[int, list[DocumentLine]] = defaultdict(list)
    for line in session.scalars(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_(invoice_ids))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
    ):
        lines[line.invoice_id].append(
            DocumentLine(line.label, line.quantity, line.unit_price_cents, line.amount_cents)
        )
    instalments: dict[int, list[DocumentInstalment]] = defaultdict(list)
    for item in session.scalars(
        select(Instalment)
        .where(Instalment.invoice_id.in_(invoice_ids), Instalment.superseded_at.is_(None))
        .order_by(Instalment.invoice_id, Instalment.due_on, Instalment.position)
    ):
        instalments[item.invoice_id].append(
            DocumentInstalment(
                item.due_on,
                item.amount_cents,
                0 if as_issued else item.paid_cents + item.credited_cents,
            )
        )
    credited = dict(
        session.execute(
            select(CreditNote.invoice_id, func.sum(CreditNote.total_ttc_cents))
            .where(CreditNote.invoice_id.in_(invoice_ids))
            .group_by(CreditNote.invoice_id)
        ).all()
    )
    member_ids = {invoice.member_id for invoice, _code, _siret in invoices.values()}
    mandates = dict(
        session.execute(
            select(SepaMandate.member_id, SepaMandate.rum).where(
                SepaMandate.member_id.in_(member_ids), SepaMandate.status == MandateStatus.ACTIVE
            )
        ).all()
    )
    documents = []
    for invoice_id in invoice_ids:
        invoice, code, siret = invoices[invoice_id]
        documents.append(
            InvoiceDocument(
                number=invoice.number,
                kind_label=KIND_LABELS[invoice.kind],
                issued_on=invoice.issued_on,
                member_code=code,
                member_siret=siret,
                address=_address(invoice),
                period_label=invoice.period_label,
                period_start=invoice.period_start,
                period_end=invoice.period_end,
                lines=tuple(lines[invoice_id]),
                total_ht_cents=invoice.total_ht_cents,
                discount_rate_bp=invoice.discount_rate_bp,
                discount_cents=invoice.discount_cents,
                vat_rate_bp=invoice.vat_rate_bp,
                vat_cents=invoice.vat_cents,
                total_ttc_cents=invoice.total_ttc_cents,
                instalments=tuple(instalments[invoice_id]),
                mandate_reference=mandates.get(invoice.member_id)
                if invoice.pays_by_direct_debit
                else None,
                creditor_reference=invoice.creditor_reference,
                credited_cents=0 if as_issued else int(credited.get(invoice_id, 0)),
            )
        )
    return documents


def _address(invoice: Invoice) -> tuple[str, ...]:
    lines = (
        invoice.billing_name,
        invoice.billing_address_line1,
        invoice.billing_address_line2,
        f"{invoice.billing_postcode} {invoice.billing_city}",
    )
    return tuple(line for line in lines if line)


def invoice_pdf(session: Session, actor: Actor, invoice_id: int) -> bytes:
    require(session, actor, Permission.BILLING_VIEW)
    return invoice_pdf_of(session, invoice_id)


def invoice_pdf_of(session: Session, invoice_id: int) -> bytes:
    """The invoice's PDF, for a caller that checked the permission (the outbox makes it
    again when it sends the invoice)."""
    if session.get(Invoice, invoice_id) is None:
        raise NotFound(tr("This invoice no longer exists."))
    [document] = invoice_documents(session, [invoice_id])
    service = identity(session)
    return batch.render_one(
        service,
        f"Facture {document.number}",
        invoice_story(document, payment_details(session, service)),
    )


def credit_note_pdf(session: Session, actor: Actor, credit_note_id: int) -> bytes:
    require(session, actor, Permission.BILLING_VIEW)
    note = session.get(CreditNote, credit_note_id)
    if note is None:
        raise NotFound(tr("This credit note no longer exists."))
    document = credit_note_document(note)
    service = identity(session)
    return batch.render_one(
        service,
        f"Avoir {note.number}",
        credit_note_story(document, payment_details(session, service)),
    )


def credit_note_document(note: CreditNote) -> CreditNoteDocument:
    invoice = note.invoice
    member = invoice.member
    return CreditNoteDocument(
        number=note.number,
        issued_on=note.issued_on,
        invoice_number=invoice.number,
        invoice_issued_on=invoice.issued_on,
        member_code=member.member_code,
        member_siret=member.siret,
        address=_address(invoice),
        period_label=invoice.period_label,
        reason=note.reason,
        is_full=note.is_full,
        total_ht_cents=note.total_ht_cents,
        vat_rate_bp=invoice.vat_rate_bp,
        vat_cents=note.vat_cents,
        total_ttc_cents=note.total_ttc_cents,
    )


def campaign_invoice_ids(session: Session, actor: Actor, campaign_id: int) -> list[int]:
    require(session, actor, Permission.BILLING_VIEW)
    return list(
        session.scalars(
            select(Invoice.id).where(Invoice.campaign_id == campaign_id).order_by(Invoice.number)
        )
    )


def _documents_in_chunks(session: Session, invoice_ids: list[int]) -> Iterator[InvoiceDocument]:
    for start in range(0, len(invoice_ids), CHUNK):
        yield from invoice_documents(session, invoice_ids[start : start + CHUNK])


def write_invoice_pdfs(
    session: Session,
    actor: Actor,
    invoice_ids: list[int],
    target: Path,
    *,
    one_file: bool,
    progress: Progress | None = None,
) -> list[Path]:
    """All the invoices into ``target`` (a file), or one file each into ``target`` (a
    folder, files named after the invoice numbers). Returns the files written."""
    require(session, actor, Permission.BILLING_VIEW)
    if not invoice_ids:
        raise ValidationFailed.single("invoices", tr("No invoice to print."))
    progress = progress or silent()
    total = len(invoice_ids)
    service = identity(session)
    payment = payment_details(session, service)

    def step(index: int) -> None:
        progress.step(
            index + 1, total, tr("{done} / {total} invoices", done=index + 1, total=total)
        )

    documents = _documents_in_chunks(session, invoice_ids)
    if one_file:
        content = batch.render_batch(
            service,
            tr("Invoices"),
            (invoice_story(document, payment) for document in documents),
            step,
        )
        write_whole(target, content)
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for index, document in enumerate(documents):
        path = target / f"{document.number}.pdf"
        write_whole(
            path,
            batch.render_one(
                service, f"Facture {document.number}", invoice_story(document, payment)
            ),
        )
        written.append(path)
        step(index)
    return written

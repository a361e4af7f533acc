"""Factur-X files of invoices and credit notes: the CII built, reconciled and checked
against the EN 16931 profile's XSD, then embedded in the PDF/A-3 of the existing drawing.

A document refused (its totals do not add up, its member lacks a SIREN or an address, the
XML breaks the XSD) says why in one French sentence, and no file of it is left on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import private_files
from backoffice.i18n import tr
from backoffice.identity import ServiceIdentity
from backoffice.models import CreditNote, Invoice
from backoffice.reports.billing import documents as batch
from backoffice.reports.billing.documents import PaymentDetails
from backoffice.reports.billing.invoice_pdf import credit_note_story, invoice_story
from backoffice.reports.einvoicing import cii, pdfa, schema
from backoffice.services.billing import documents as billing_documents
from backoffice.services.einvoicing import facts as facts_module
from backoffice.services.errors import NotFound, ServiceError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent

CHUNK = 200
XSD_KINDS = {
    "enumeration": lambda: tr("a value outside the list the norm allows"),
    "content": lambda: tr("an element missing, unexpected or out of order"),
    "attribute": lambda: tr("an attribute missing or not allowed"),
    "pattern": lambda: tr("a value in the wrong format"),
    "datatype": lambda: tr("a value of the wrong type"),
    "length": lambda: tr("a value of the wrong length"),
    "root": lambda: tr("not a Factur-X document"),
    "other": lambda: tr("a rule of the schema"),
}


class DocumentRefused(ServiceError):
    """One document that cannot be a Factur-X: ``number`` and why (French)."""

    def __init__(self, number: str, reason: str) -> None:
        super().__init__(reason)
        self.number = number
        self.reason = reason


@dataclass(frozen=True)
class FacturX:
    number: str
    file_name: str
    content: bytes  # the PDF/A-3
    xml: bytes  # the CII embedded in it
    total_ttc_cents: int


@dataclass
class ExportOutcome:
    written: list[Path] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, reason)

    @property
    def passed(self) -> int:
        return len(self.written)


def file_name(service: ServiceIdentity, number: str) -> str:
    """The platform's naming convention: the issuer's SIREN, then the document number."""
    return f"{service.siren}_{number}.pdf"


def xsd_sentence(number: str, violation: schema.XsdViolation) -> str:
    return tr(
        "{number}: the Factur-X breaks the EN 16931 profile's XSD at {element} (line "
        "{line}): {rule}.",
        number=number,
        element=violation.element,
        line=violation.line,
        rule=XSD_KINDS.get(violation.kind, XSD_KINDS["other"])(),
    )


def checked_xml(e_invoice: cii.EInvoice, anomalies: tuple[facts_module.Anomaly, ...]) -> bytes:
    """The CII of a document that reconciles, of a member the platform can address, and
    that passes the XSD; else :class:`DocumentRefused`."""
    blocking = [anomaly.text for anomaly in anomalies if anomaly.blocking]
    if blocking:
        raise DocumentRefused(
            e_invoice.number,
            tr(
                "{number}: its member cannot receive an electronic invoice: {what}.",
                number=e_invoice.number,
                what="; ".join(blocking),
            ),
        )
    problem = facts_module.reconciliation_problem(e_invoice)
    if problem:
        raise DocumentRefused(
            e_invoice.number,
            tr(
                "{number}: the totals do not reconcile: {problem}.",
                number=e_invoice.number,
                problem=problem,
            ),
        )
    xml = cii.build(e_invoice)
    try:
        schema.check(xml)
    except schema.XsdViolation as violation:
        raise DocumentRefused(e_invoice.number, xsd_sentence(e_invoice.number, violation)) from None
    return xml


def _facturx(
    service: ServiceIdentity,
    e_invoice: cii.EInvoice,
    anomalies: tuple[facts_module.Anomaly, ...],
    title: str,
    story: list,
) -> FacturX:
    xml = checked_xml(e_invoice, anomalies)
    drawing = batch.render_one(service, title, story)
    content = pdfa.facturx_pdf(
        drawing,
        xml,
        pdfa.PdfMetadata(
            title=title,
            author=service.name,
            subject=f"{title} — {e_invoice.buyer.name}",
        ),
    )
    return FacturX(
        e_invoice.number,
        file_name(service, e_invoice.number),
        content,
        xml,
        e_invoice.total_ttc_cents,
    )


def _context(session: Session) -> tuple[ServiceIdentity, PaymentDetails]:
    service = billing_documents.identity(session)
    return service, billing_documents.payment_details(session, service)


def invoice_facturxes(
    session: Session, invoice_ids: list[int]
) -> Iterator[FacturX | DocumentRefused]:
    """The Factur-X of each invoice (in that order), or why it was refused."""
    service, payment = _context(session)
    for start in range(0, len(invoice_ids), CHUNK):
        for facts in facts_module.invoice_facts(
            session, service, payment, invoice_ids[start : start + CHUNK]
        ):
            try:
                yield _facturx(
                    service,
                    facts.e_invoice,
                    facts.anomalies,
                    f"Facture {facts.number}",
                    invoice_story(facts.document, payment),
                )
            except DocumentRefused as refused:
                yield refused


def invoice_facturx(session: Session, actor: Actor, invoice_id: int) -> FacturX:
    """One invoice's Factur-X; refused with a French sentence."""
    require(session, actor, Permission.BILLING_VIEW)
    if session.get(Invoice, invoice_id) is None:
        raise NotFound(tr("This invoice no longer exists."))
    [made] = invoice_facturxes(session, [invoice_id])
    if isinstance(made, DocumentRefused):
        raise ValidationFailed.single("facturx", made.reason)
    return made


def credit_note_facturx(session: Session, actor: Actor, credit_note_id: int) -> FacturX:
    require(session, actor, Permission.BILLING_VIEW)
    if session.get(CreditNote, credit_note_id) is None:
        raise NotFound(tr("This credit note no longer exists."))
    service, payment = _context(session)
    facts = facts_module.credit_note_facts(session, service, payment, credit_note_id)
    try:
        return _facturx(
            service,
            facts.e_invoice,
            facts.anomalies,
            f"Avoir {facts.number}",
            credit_note_story(facts.document, payment),
        )
    except DocumentRefused as refused:
        raise ValidationFailed.single("facturx", refused.reason) from None


def write_whole(path: Path, content: bytes) -> None:
    """The file appears whole or not at all, readable by its owner only."""
    private_files.write_whole(path, content)


def invoice_ids_of_year(session: Session, year: int) -> list[int]:
    return list(
        session.scalars(select(Invoice.id).where(Invoice.year == year).order_by(Invoice.number))
    )


def credit_note_ids_of_year(session: Session, year: int) -> list[int]:
    return list(
        session.scalars(
            select(CreditNote.id)
            .join(Invoice, Invoice.id == CreditNote.invoice_id)
            .where(Invoice.year == year)
            .order_by(CreditNote.number)
        )
    )


def export_folder(
    session: Session,
    actor: Actor,
    invoice_ids: list[int],
    folder: Path,
    *,
    credit_note_ids: list[int] = (),
    progress: Progress | None = None,
) -> ExportOutcome:
    """The Factur-X of each invoice and credit note, one file each into ``folder``;
    refused documents are listed with their reason and leave no file."""
    require(session, actor, Permission.BILLING_VIEW)
    progress = progress or silent()
    folder.mkdir(parents=True, exist_ok=True)
    outcome = ExportOutcome()
    total = len(invoice_ids) + len(credit_note_ids)

    def one(made: FacturX | DocumentRefused) -> None:
        if isinstance(made, DocumentRefused):
            outcome.refused.append((made.number, made.reason))
        else:
            path = folder / made.file_name
            write_whole(path, made.content)
            outcome.written.append(path)
        done = len(outcome.written) + len(outcome.refused)
        progress.step(done, total, tr("{done} / {total} Factur-X", done=done, total=total))

    for made in invoice_facturxes(session, invoice_ids):
        one(made)
    for note_id in credit_note_ids:
        try:
            one(credit_note_facturx(session, actor, note_id))
        except ValidationFailed as refused:
            number = session.get(CreditNote, note_id).number
            one(DocumentRefused(number, str(refused)))
    return outcome

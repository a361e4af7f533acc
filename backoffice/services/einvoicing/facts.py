"""What a Factur-X says, read from the database: the EN 16931 data of invoices and
credit notes (``reports.einvoicing.cii.EInvoice``) beside their printable documents, and
the anomalies that would make the platform refuse a member's invoices.

Invoices are read a chunk at a time in a handful of queries (a campaign has thousands).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from backoffice.i18n import tr
from backoffice.identity import Address, ServiceIdentity
from backoffice.models import (
    CreditNote,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    MandateStatus,
    Member,
    SepaMandate,
)
from backoffice.money import apply_rate
from backoffice.reports.billing.documents import PaymentDetails
from backoffice.reports.billing.formats import day, eur
from backoffice.reports.billing.invoice_pdf import (
    RECOVERY_INDEMNITY,
    CreditNoteDocument,
    InvoiceDocument,
    how_to_pay,
)
from backoffice.reports.einvoicing import cii
from backoffice.services import settings
from backoffice.services.billing import documents as billing_documents
from backoffice.services.errors import ValidationFailed

KIND_CODES = {  # BT-155 of a line without a follow-up category
    InvoiceKind.ANNUAL: "MINIMUM",
    InvoiceKind.REGULARISATION: "REGUL",
    InvoiceKind.JOINING_FEE: "ADHESION",
    InvoiceKind.QUARTERLY: "MINIMUM",
    InvoiceKind.NO_SHOW: "ABSENCE",
    InvoiceKind.RETURN_FEE: "FRAIS-REJET",
}
DISCOUNT_REASON = "Remise prélèvement SEPA"
CATEGORY_NOTE = (
    "Catégorie de l'opération : prestation de services. TVA exigible lors de "
    "l'encaissement (TVA sur les encaissements, article 269-2-c du CGI)."
)
PUBLIC_NAF_PREFIX = "84"  # administration publique
INDIVIDUAL_NAF = ("9700Z", "9810Z", "9820Z")  # ménages employeurs


@dataclass(frozen=True)
class Buyer:
    member_id: int
    code: str
    legal_name: str
    trade_name: str
    siret: str
    naf_code: str
    country_code: str


def vat_number_of(siren: str) -> str:
    """The French intra-community VAT number of a SIREN: FR + key + SIREN."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


@dataclass(frozen=True)
class Anomaly:
    """What the platform needs and a member lacks. ``blocking``: no valid Factur-X can
    be made at all (no SIREN, no address); otherwise the Factur-X is valid but the
    invoice does not go to the platform (a public body: Chorus Pro; an individual)."""

    text: str
    blocking: bool


def buyer_anomalies(buyer: Buyer, address: Address) -> list[Anomaly]:
    """Why the platform could not take this buyer's invoices (French sentences)."""
    found = []
    siren = buyer.siret[:9]
    if not stdnum_siren.is_valid(siren) or not stdnum_siret.is_valid(buyer.siret):
        found.append(Anomaly(tr("no valid SIREN (SIRET {siret})", siret=buyer.siret), True))
    if not (address.line1.strip() and address.postcode.strip() and address.city.strip()):
        found.append(Anomaly(tr("no complete billing address (street, postcode, city)"), True))
    naf = (buyer.naf_code or "").replace(".", "").upper()
    if naf.startswith(PUBLIC_NAF_PREFIX):
        found.append(Anomaly(tr("a public body: its invoices go through Chorus Pro"), False))
    if naf in INDIVIDUAL_NAF:
        found.append(
            Anomaly(tr("an individual employer, outside business-to-business e-invoicing"), False)
        )
    if (buyer.country_code or "FR") != "FR":
        found.append(Anomaly(tr("a company outside France (no SIREN for the platform)"), False))
    return found


@dataclass(frozen=True)
class Facts:
    """One invoice's Factur-X data and its printable document (as issued)."""

    invoice_id: int
    number: str
    e_invoice: cii.EInvoice
    document: InvoiceDocument
    anomalies: tuple[Anomaly, ...]


@dataclass(frozen=True)
class CreditNoteFacts:
    credit_note_id: int
    number: str
    e_invoice: cii.EInvoice
    document: CreditNoteDocument
    anomalies: tuple[Anomaly, ...]


def seller(service: ServiceIdentity) -> cii.Party:
    phone, email = service.billing_contact
    return cii.Party(
        name=service.legal_name,
        siret=service.siret,
        vat_number=service.vat_number,
        address=service.address,
        routing_id=service.siren,
        trade_name=service.trade_name,
        contact_department="Service facturation",
        contact_phone=phone,
        contact_email=email,
    )


def _buyer_party(buyer: Buyer, address: Address, name: str) -> cii.Party:
    siren = buyer.siret[:9]
    return cii.Party(
        name=buyer.legal_name or name,
        siret=buyer.siret,
        vat_number=vat_number_of(siren) if siren.isdigit() else "",
        address=address,
        routing_id=siren,
        trade_name=buyer.trade_name,
    )


def _invoice_address(invoice: Invoice, country: str) -> Address:
    return Address(
        invoice.billing_address_line1 or "",
        invoice.billing_address_line2 or "",
        invoice.billing_postcode or "",
        invoice.billing_city or "",
        country or "FR",
    )


def exemption_reason(session: Session, vat_rate_bp: int, number: str) -> str:
    """Why a document at 0 % bears no VAT; refused when the settings do not say."""
    if vat_rate_bp:
        return ""
    reason = str(settings.get(session, "einvoicing.vat_exemption_reason") or "").strip()
    if not reason:
        raise ValidationFailed.single(
            "vat",
            tr(
                "{number} has a VAT rate of 0 % but no VAT category: give the reason for "
                "the exemption (setting einvoicing.vat_exemption_reason).",
                number=number,
            ),
        )
    return reason


def _notes(payment: PaymentDetails, vat_rate_bp: int, exemption: str) -> tuple:
    return (
        ("AAI", CATEGORY_NOTE if vat_rate_bp else f"Prestation de services. {exemption}"),
        ("AAB", payment.terms),
        (
            "PMD",
            "En cas de retard de paiement, des pénalités sont exigibles de plein droit au "
            f"{payment.late_interest} (article L441-10 du Code de commerce).",
        ),
        ("PMT", RECOVERY_INDEMNITY),
    )


def _schedule_text(document: InvoiceDocument) -> str:
    items = document.instalments
    if not items:
        return ""
    dues = " ; ".join(
        f"{position}/{len(items)} le {day(item.due_on)} : {eur(item.amount_cents)}"
        for position, item in enumerate(items, start=1)
    )
    return f"Échéancier : {dues}."


def invoice_facts(
    session: Session, service: ServiceIdentity, payment: PaymentDetails, invoice_ids: list[int]
) -> list[Facts]:
    """The Factur-X data of ``invoice_ids`` (in that order)."""
    documents = billing_documents.invoice_documents(session, invoice_ids, as_issued=True)
    rows = {
        invoice.id: (invoice, buyer)
        for invoice, *fields in session.execute(
            select(
                Invoice,
                Member.id,
                Member.member_code,
                Member.legal_name,
                Member.trade_name,
                Member.siret,
                Member.naf_code,
                Member.country_code,
            )
            .join(Member, Member.id == Invoice.member_id)
            .where(Invoice.id.in_(invoice_ids))
        )
        for buyer in [Buyer(*fields[:3], fields[3] or "", fields[4], fields[5] or "", fields[6])]
    }
    codes: dict[int, list[str]] = defaultdict(list)
    for invoice_id, category in session.execute(
        select(InvoiceLine.invoice_id, InvoiceLine.category)
        .where(InvoiceLine.invoice_id.in_(invoice_ids))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
    ):
        codes[invoice_id].append(category.value.upper() if category else "")
    member_ids = {buyer.member_id for _invoice, buyer in rows.values()}
    debtor_ibans = dict(
        session.execute(
            select(SepaMandate.member_id, SepaMandate.iban).where(
                SepaMandate.member_id.in_(member_ids), SepaMandate.status == MandateStatus.ACTIVE
            )
        ).all()
    )
    party = seller(service)
    result = []
    for invoice_id, document in zip(invoice_ids, documents, strict=True):
        invoice, buyer = rows[invoice_id]
        address = _invoice_address(invoice, buyer.country_code)
        exemption = exemption_reason(session, invoice.vat_rate_bp, invoice.number)
        lines = tuple(
            cii.Line(
                str(position),
                code or KIND_CODES.get(invoice.kind, "AUTRE"),
                line.label,
                line.quantity,
                line.unit_price_cents,
                line.amount_cents,
            )
            for position, (line, code) in enumerate(
                zip(document.lines, codes[invoice_id], strict=True), start=1
            )
        )
        if document.mandate_reference:
            means = cii.Payment(
                cii.DIRECT_DEBIT,
                remittance=invoice.creditor_reference,
                mandate_reference=document.mandate_reference,
                creditor_id=payment.creditor_id,
                debtor_iban=debtor_ibans.get(buyer.member_id, ""),
            )
        else:
            means = cii.Payment(
                cii.CREDIT_TRANSFER,
                remittance=invoice.creditor_reference,
                payee_iban=payment.iban,
                payee_bic=payment.bic,
            )
        terms = " ".join(
            part
            for part in (
                _schedule_text(document),
                how_to_pay(document, payment),
                payment.terms,
            )
            if part
        )
        e_invoice = cii.EInvoice(
            type_code=cii.INVOICE,
            number=invoice.number,
            issued_on=invoice.issued_on,
            seller=party,
            buyer=_buyer_party(buyer, address, invoice.billing_name),
            buyer_reference=buyer.code,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            lines=lines,
            vat_rate_bp=invoice.vat_rate_bp,
            line_total_cents=invoice.total_ht_cents,
            allowance_cents=invoice.discount_cents,
            allowance_rate_bp=invoice.discount_rate_bp,
            allowance_reason=DISCOUNT_REASON,
            vat_cents=invoice.vat_cents,
            total_ttc_cents=invoice.total_ttc_cents,
            prepaid_cents=0,
            due_on=document.instalments[0].due_on if document.instalments else invoice.issued_on,
            payment_terms=terms,
            payment=means,
            notes=_notes(payment, invoice.vat_rate_bp, exemption),
            exemption_reason=exemption,
        )
        result.append(
            Facts(
                invoice_id,
                invoice.number,
                e_invoice,
                document,
                tuple(buyer_anomalies(buyer, address)),
            )
        )
    return result


def credit_note_facts(
    session: Session, service: ServiceIdentity, payment: PaymentDetails, credit_note_id: int
) -> CreditNoteFacts:
    note = session.get(CreditNote, credit_note_id)
    invoice = note.invoice
    member = invoice.member
    buyer = Buyer(
        member.id,
        member.member_code,
        member.legal_name,
        member.trade_name or "",
        member.siret,
        member.naf_code or "",
        member.country_code,
    )
    address = _invoice_address(invoice, member.country_code)
    exemption = exemption_reason(session, invoice.vat_rate_bp, note.number)
    nature = "Annulation totale" if note.is_full else "Annulation partielle"
    line = cii.Line(
        "1",
        "AVOIR",
        f"{nature} de la facture {invoice.number} : {note.reason}"[:200],
        1,
        note.total_ht_cents,
        note.total_ht_cents,
    )
    e_invoice = cii.EInvoice(
        type_code=cii.CREDIT_NOTE,
        number=note.number,
        issued_on=note.issued_on,
        seller=seller(service),
        buyer=_buyer_party(buyer, address, invoice.billing_name),
        buyer_reference=member.member_code,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        lines=(line,),
        vat_rate_bp=invoice.vat_rate_bp,
        line_total_cents=note.total_ht_cents,
        allowance_cents=0,
        allowance_rate_bp=0,
        allowance_reason="",
        vat_cents=note.vat_cents,
        total_ttc_cents=note.total_ttc_cents,
        prepaid_cents=0,
        due_on=None,
        payment_terms=(
            f"Montant déduit des échéances restant dues sur la facture {invoice.number} ; "
            "ce qui aurait déjà été réglé au-delà est remboursé ou imputé sur les "
            "prochaines factures."
        ),
        payment=None,
        notes=_notes(payment, invoice.vat_rate_bp, exemption),
        exemption_reason=exemption,
        preceding_number=invoice.number,
        preceding_issued_on=invoice.issued_on,
    )
    return CreditNoteFacts(
        note.id,
        note.number,
        e_invoice,
        billing_documents.credit_note_document(note),
        tuple(buyer_anomalies(buyer, address)),
    )


def reconciliation_problem(e_invoice: cii.EInvoice) -> str | None:
    """Why the totals of a document do not add up (a French sentence), or None.

    Exact to the cent: lines = BT-106, BT-106 − BT-107 + BT-110 = BT-112, the discount
    = its rate × BT-106, the VAT = its rate × BT-109 (a credit note that takes what was
    left of an invoice's VAT may differ by the invoice's one-cent rounding)."""
    lines = sum(line.amount_cents for line in e_invoice.lines)
    if any(line.amount_cents != line.quantity * line.unit_price_cents for line in e_invoice.lines):
        return tr("a line's amount is not its quantity times its price")
    if lines != e_invoice.line_total_cents:
        return tr(
            "its lines add up to {lines}, its total excl. VAT says {total}",
            lines=eur(lines),
            total=eur(e_invoice.line_total_cents),
        )
    if e_invoice.tax_basis_cents + e_invoice.vat_cents != e_invoice.total_ttc_cents:
        return tr("total excl. VAT, less the discount, plus VAT is not its total incl. VAT")
    if e_invoice.allowance_rate_bp and e_invoice.allowance_cents != apply_rate(
        e_invoice.line_total_cents, e_invoice.allowance_rate_bp
    ):
        return tr("its discount is not its rate applied to the total excl. VAT")
    expected = apply_rate(e_invoice.tax_basis_cents, e_invoice.vat_rate_bp)
    tolerance = 1 if e_invoice.type_code == cii.CREDIT_NOTE else 0
    if abs(expected - e_invoice.vat_cents) > tolerance:
        return tr(
            "its VAT {vat} is not {expected} (the rate applied to its taxable amount)",
            vat=eur(e_invoice.vat_cents),
            expected=eur(expected),
        )
    return None

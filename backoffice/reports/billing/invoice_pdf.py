"""The invoice and the credit note (*avoir*) as PDF: French documents with every mention
the law asks of an invoice (Code de commerce L441-9 and L441-10, CGI art. 242 nonies A):
the parties and their identifiers, number and date, the period, the lines, HT / TVA / TTC,
the discount, the due dates, payment terms, late payment penalties and the 40 € fixed
recovery indemnity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from backoffice import references
from backoffice.reports import pdf
from backoffice.reports.billing.documents import PaymentDetails, iban_display
from backoffice.reports.billing.formats import day, eur, rate
from backoffice.reports.pdf import PostalAddress

RECOVERY_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € "
    "(articles L441-10 et D441-5 du Code de commerce)."
)


@dataclass(frozen=True)
class DocumentLine:
    label: str
    quantity: int
    unit_price_cents: int
    amount_cents: int


@dataclass(frozen=True)
class DocumentInstalment:
    due_on: date
    amount_cents: int
    settled_cents: int  # paid or credited when the document is printed


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    kind_label: str  # "Cotisation annuelle", "Régularisation"...
    issued_on: date
    member_code: str
    member_siret: str
    address: tuple[str, ...]
    period_label: str
    period_start: date
    period_end: date
    lines: tuple[DocumentLine, ...]
    total_ht_cents: int
    discount_rate_bp: int
    discount_cents: int
    vat_rate_bp: int
    vat_cents: int
    total_ttc_cents: int
    instalments: tuple[DocumentInstalment, ...]
    mandate_reference: str | None  # RUM when the member pays by direct debit
    creditor_reference: str  # ISO 11649 (RF…), to give with a transfer
    credited_cents: int = 0  # credit notes issued on it since


@dataclass(frozen=True)
class CreditNoteDocument:
    number: str
    issued_on: date
    invoice_number: str
    invoice_issued_on: date
    member_code: str
    member_siret: str
    address: tuple[str, ...]
    period_label: str
    reason: str
    is_full: bool
    total_ht_cents: int
    vat_rate_bp: int
    vat_cents: int
    total_ttc_cents: int


class TextLine(Flowable):
    """One line of text in a paragraph style, without a paragraph's markup parsing and
    line breaking (titles, headings: a campaign prints thousands)."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self.style.leading

    def draw(self) -> None:
        style = self.style
        self.canv.setFont(style.fontName, style.fontSize)
        self.canv.setFillColor(style.textColor)
        self.canv.drawString(0, style.leading - style.fontSize, self.text)


def _heading(title: str, facts: list[tuple[str, str]], address: tuple[str, ...]) -> list:
    styles = pdf.styles()
    story: list[Flowable] = [pdf.AddressBlock(PostalAddress(address)), Spacer(1, 6 * mm)]
    story.append(TextLine(title, styles["title"]))
    story.append(pdf.table(facts, [45 * mm, 129 * mm], header=False))
    story.append(Spacer(1, 5 * mm))
    return story


def _lines_table(document: InvoiceDocument) -> Flowable:
    rows = [["Désignation", "Quantité", "Prix unitaire HT", "Montant HT"]]
    rows += [
        [line.label, str(line.quantity), eur(line.unit_price_cents), eur(line.amount_cents)]
        for line in document.lines
    ]
    return pdf.table(rows, [94 * mm, 20 * mm, 32 * mm, 28 * mm], right_columns=(1, 2, 3))


def _totals_table(document: InvoiceDocument) -> Flowable:
    rows = [["Total HT", eur(document.total_ht_cents)]]
    if document.discount_cents:
        rows += [
            [
                f"Remise prélèvement SEPA ({rate(document.discount_rate_bp)})",
                "-" + eur(document.discount_cents),
            ],
            ["Total HT après remise", eur(document.total_ht_cents - document.discount_cents)],
        ]
    rows += [
        [f"TVA {rate(document.vat_rate_bp)}", eur(document.vat_cents)],
        ["Total TTC", eur(document.total_ttc_cents)],
    ]
    totals = pdf.table(rows, [60 * mm, 30 * mm], header=False, right_columns=(1,), total_row=True)
    totals.hAlign = "RIGHT"
    return totals


def _schedule_table(document: InvoiceDocument) -> Flowable:
    rows = [["Échéance", "Date d'exigibilité", "Montant TTC", "Réglé", "Reste dû"]]
    for position, item in enumerate(document.instalments, start=1):
        rows.append(
            [
                f"{position}/{len(document.instalments)}",
                day(item.due_on),
                eur(item.amount_cents),
                eur(item.settled_cents),
                eur(item.amount_cents - item.settled_cents),
            ]
        )
    return pdf.table(rows, [26 * mm, 40 * mm, 36 * mm, 36 * mm, 36 * mm], right_columns=(2, 3, 4))


def how_to_pay(document: InvoiceDocument, payment: PaymentDetails) -> str:
    reference = references.display(document.creditor_reference)
    if document.mandate_reference:
        return (
            "Règlement par prélèvement SEPA à chaque échéance, sur le compte de votre mandat "
            f"(référence unique de mandat {document.mandate_reference}, identifiant créancier "
            f"SEPA {payment.creditor_id}). Vous serez informé de chaque prélèvement au moins "
            "14 jours à l'avance. Pour un règlement par virement (à "
            f"{payment.payee} — IBAN {iban_display(payment.iban)} — BIC {payment.bic}), "
            f"indiquez la référence de paiement {reference}."
        )
    return (
        f"Règlement par virement à {payment.payee} — IBAN {iban_display(payment.iban)} — "
        f"BIC {payment.bic}, en indiquant la référence de paiement {reference} ; par chèque "
        f"à l'ordre de {payment.payee}, en indiquant le numéro de facture {document.number} ; "
        "ou par carte bancaire depuis votre espace adhérent."
    )


def _legal_mentions(payment: PaymentDetails) -> list[str]:
    return [
        payment.terms,
        "En cas de retard de paiement, des pénalités sont exigibles de plein droit au "
        f"{payment.late_interest} (article L441-10 du Code de commerce).",
        RECOVERY_INDEMNITY,
        "Catégorie de l'opération : prestation de services.",
    ]


def invoice_facts(document: InvoiceDocument) -> list[tuple[str, str]]:
    """The invoice's references under its title: dates, nature, period, the member."""
    facts = [
        ("Date d'émission", day(document.issued_on)),
        ("Nature", document.kind_label),
        (
            "Période",
            f"{document.period_label} (du {day(document.period_start)} "
            f"au {day(document.period_end)})",
        ),
        ("N° d'adhérent", document.member_code),
        ("SIRET de l'adhérent", document.member_siret),
        ("Référence de paiement", references.display(document.creditor_reference)),
    ]
    if document.credited_cents:
        facts.append(("Avoirs émis", eur(document.credited_cents)))
    return facts


def invoice_story(document: InvoiceDocument, payment: PaymentDetails) -> list[Flowable]:
    styles = pdf.styles()
    story = _heading(f"Facture n° {document.number}", invoice_facts(document), document.address)
    story += [
        _lines_table(document),
        Spacer(1, 3 * mm),
        _totals_table(document),
        Spacer(1, 5 * mm),
        TextLine("Échéancier", styles["heading"]),
        _schedule_table(document),
        Spacer(1, 4 * mm),
        Paragraph(pdf.escape(how_to_pay(document, payment)), styles["body"]),
        Spacer(1, 3 * mm),
    ]
    story += legal_paragraphs(payment)
    return story


class ReusedParagraph(Paragraph):
    """A paragraph printed the same on every document of a batch: parsed once, broken
    into lines once per width (a campaign prints thousands of invoices)."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped is None or self._wrapped[0] != available_width:
            self._wrapped = (available_width, super().wrap(available_width, available_height))
        return self._wrapped[1]


@lru_cache(maxsize=8)
def legal_paragraphs(payment: PaymentDetails) -> tuple[Flowable, ...]:
    """The mentions every invoice prints."""
    style = pdf.styles()["small"]
    return tuple(ReusedParagraph(pdf.escape(text), style) for text in _legal_mentions(payment))


def credit_note_story(document: CreditNoteDocument, payment: PaymentDetails) -> list[Flowable]:
    styles = pdf.styles()
    facts = [
        ("Date d'émission", day(document.issued_on)),
        (
            "Facture d'origine",
            f"{document.invoice_number} du {day(document.invoice_issued_on)}",
        ),
        ("Période", document.period_label),
        ("N° d'adhérent", document.member_code),
        ("SIRET de l'adhérent", document.member_siret),
        ("Motif", document.reason),
    ]
    title = f"Avoir n° {document.number}"
    story = _heading(title, facts, document.address)
    nature = "Annulation totale" if document.is_full else "Annulation partielle"
    rows = [
        ["Désignation", "Montant"],
        [f"{nature} de la facture {document.invoice_number} (HT)", eur(document.total_ht_cents)],
        [f"TVA {rate(document.vat_rate_bp)}", eur(document.vat_cents)],
        ["Total TTC de l'avoir", eur(document.total_ttc_cents)],
    ]
    story += [
        pdf.table(rows, [130 * mm, 44 * mm], right_columns=(1,), total_row=True),
        Spacer(1, 5 * mm),
        Paragraph(
            "Ce montant vient en déduction des échéances restant dues sur la facture "
            f"{pdf.escape(document.invoice_number)} ; ce qui aurait déjà été réglé au-delà "
            "vous sera remboursé ou imputé sur vos prochaines factures.",
            styles["body"],
        ),
        Spacer(1, 3 * mm),
        legal_paragraphs(payment)[-1],
    ]
    return story

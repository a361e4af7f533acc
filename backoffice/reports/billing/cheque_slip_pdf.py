"""The cheque remittance slip (*bordereau de remise de chèques*) handed to the bank with
the cheques: the service's letterhead, the account credited (holder, bank, IBAN, BIC), one
line per cheque (bank drawn on, number, drawer, member, invoice, amount), the count and the
total — the amount the statement will show — and the space for the depositor's signature.
A French document, like the letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from backoffice.identity import ServiceIdentity
from backoffice.money import format_eur
from backoffice.reports import pdf
from backoffice.reports.billing.documents import iban_display


@dataclass(frozen=True)
class SlipCheque:
    position: int
    drawer_bank: str
    cheque_number: str
    member_code: str
    drawer: str  # the member's name (who wrote the cheque)
    invoice_number: str
    amount_cents: int


@dataclass(frozen=True)
class SlipDocument:
    number: str
    deposited_on: date
    account_label: str
    bank_name: str
    iban: str
    bic: str
    prepared_by: str
    cheques: tuple[SlipCheque, ...]

    @property
    def total_cents(self) -> int:
        return sum(cheque.amount_cents for cheque in self.cheques)


@cache
def _cell_style() -> ParagraphStyle:
    return ParagraphStyle("slip_cell", parent=pdf.styles()["body"], fontSize=8.5, leading=10)


def _cell(text: str) -> Paragraph:
    """A cell whose text may need two lines (a bank's or a company's long name)."""
    return Paragraph(pdf.escape(text), _cell_style())


def story(identity: ServiceIdentity, document: SlipDocument) -> list[Flowable]:
    styles = pdf.styles()
    count = len(document.cheques)
    facts = [
        ("Date de remise", pdf.french_date(document.deposited_on)),
        ("Titulaire du compte", identity.legal_name),
        ("Banque", document.bank_name or document.account_label),
        ("IBAN", iban_display(document.iban)),
        ("BIC", document.bic),
        ("Nombre de chèques", str(count)),
        ("Montant total", format_eur(document.total_cents)),
    ]
    rows: list[list[object]] = [
        ["N°", "Banque tirée", "N° chèque", "Tireur", "Adhérent", "Facture", "Montant"]
    ]
    for cheque in document.cheques:
        rows.append(
            [
                str(cheque.position),
                _cell(cheque.drawer_bank),
                cheque.cheque_number,
                _cell(cheque.drawer),
                cheque.member_code,
                cheque.invoice_number,
                format_eur(cheque.amount_cents),
            ]
        )
    rows.append(
        [
            "",
            f"Total : {count} chèque{'s' if count > 1 else ''}",
            "",
            "",
            "",
            "",
            format_eur(document.total_cents),
        ]
    )
    cheques = pdf.table(
        rows,
        [8 * mm, 36 * mm, 21 * mm, 42 * mm, 18 * mm, 28 * mm, 21 * mm],
        right_columns=(0, 6),
        total_row=True,
    )
    signature = Table(
        [["Établi par", "Signature du remettant"], [document.prepared_by, ""]],
        colWidths=[87 * mm, 87 * mm],
        rowHeights=[6 * mm, 22 * mm],
    )
    signature.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf.FONT, 8.5),
                ("BOX", (1, 0), (1, -1), 0.25, pdf.ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [
        Paragraph(
            f"Bordereau de remise de chèques n° {pdf.escape(document.number)}", styles["title"]
        ),
        pdf.table(facts, [45 * mm, 129 * mm], header=False),
        Spacer(1, 6 * mm),
        cheques,
        Spacer(1, 4 * mm),
        Paragraph(
            "Chèques à porter au crédit du compte ci-dessus, endossés à l'ordre de "
            f"{pdf.escape(identity.legal_name)}. Le total de ce bordereau apparaîtra en une "
            f"seule opération sur le relevé, avec la référence {pdf.escape(document.number)}.",
            styles["body"],
        ),
        Spacer(1, 8 * mm),
        signature,
    ]


def render(identity: ServiceIdentity, document: SlipDocument) -> bytes:
    return pdf.render(
        identity,
        f"Bordereau de remise de chèques {document.number}",
        story(identity, document),
        footer_note=f"Bordereau {document.number}",
    )

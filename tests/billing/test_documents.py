"""Invoice and credit-note PDFs read back; the schedules workbook read back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import CreditNote, Instalment, Invoice, PaymentMethod
from backoffice.money import format_eur, format_rate
from backoffice.reports.billing import formats
from backoffice.services.billing import credit_notes, documents, exports, payments
from backoffice.services.billing.exports import ScheduleSelection
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.progress import Cancelled, Progress
from tests.billing.builders import billed_member, flat, pdf_text


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_fast_amounts_are_exactly_the_babel_ones(cents: int) -> None:
    assert formats.eur(cents) == format_eur(cents)


@given(st.integers(min_value=0, max_value=10000))
def test_fast_rates_are_exactly_the_babel_ones(basis_points: int) -> None:
    assert formats.rate(basis_points) == format_rate(basis_points)


def test_the_invoice_pdf_carries_every_legal_mention(database: Database, billing: Actor) -> None:
    _member_id, invoice_id = billed_member(database, billing, si=10, sir=2, sepa=True)
    with database.session() as session:
        content = documents.invoice_pdf(session, billing, invoice_id)
        invoice = session.get(Invoice, invoice_id)
        member = invoice.member
    [page] = pdf_text(content)
    text = flat(page)
    for expected in (
        "Facture n° FA-2027-000001",
        "Santé au Travail Rhin-Vosges",  # the service
        "SIRET 87951462800012",
        "TVA intracommunautaire FR45879514628",
        member.legal_name,  # the billing address
        "68100 Mulhouse",
        f"SIRET de l'adhérent {member.siret}",
        f"N° d'adhérent {member.member_code}",
        "Date d'émission 10/02/2027",
        "Année 2027 (du 01/01/2027 au 31/12/2027)",
        "Cotisation – salariés en suivi individuel (SI)",
        "10 105,00 €",  # quantity, unit price
        "Total HT 1 302,00 €",
        "Remise prélèvement SEPA (1,5 %) -19,53 €",
        "TVA 20 % 256,49 €",
        "Total TTC 1 538,96 €",
        "15/03/2027",
        "513,00 €",  # 1 538,96 in three: 513,00 + 512,98 + 512,98
        "512,98 €",
        f"STRV-{member.member_code}-001",  # the mandate (RUM) and the creditor id
        "FR72ZZZ123456",
        "Pas d'escompte",
        "pénalités",
        "40 €",
        "L441-10",
        "prestation de services",
        "page 1",
    ):
        assert expected in text, expected
    fonts = {
        str(font.get("/BaseFont"))
        for pdf_page in PdfReader(BytesIO(content)).pages
        for font in pdf_page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in font for font in fonts)  # embedded: euro sign and accents


def test_an_invoice_paid_by_transfer_says_where_to_pay(database: Database, billing: Actor) -> None:
    _member_id, invoice_id = billed_member(database, billing, si=2)
    with database.session() as session:
        [page] = pdf_text(documents.invoice_pdf(session, billing, invoice_id))
    assert "FR76 1027 8030 0000 0201 2340 151" in flat(page)  # the account for invoices
    assert "Remise" not in page


def test_the_credit_note_pdf_names_its_invoice(database: Database, billing: Actor) -> None:
    _member_id, invoice_id = billed_member(database, billing, si=2)
    with database.transaction() as session:
        note = credit_notes.issue_credit_note(session, billing, invoice_id, "Double facturation")
    with database.session() as session:
        [page] = pdf_text(documents.credit_note_pdf(session, billing, note.id))
    text = flat(page)
    assert "Avoir n° AV-2027-000001" in text
    assert "FA-2027-000001 du 10/02/2027" in text
    assert "Double facturation" in text
    assert "Annulation totale" in text and "252,00 €" in text


def test_a_campaign_in_one_file_or_one_file_each(
    database: Database, billing: Actor, tmp_path: Path
) -> None:
    for count in (3, 5, 8):
        billed_member(database, billing, si=count)
    with database.session() as session:
        ids = list(session.scalars(select(Invoice.id).order_by(Invoice.number)))
        reports = []
        [merged] = documents.write_invoice_pdfs(
            session,
            billing,
            ids,
            tmp_path / "campagne.pdf",
            one_file=True,
            progress=Progress(lambda done, total, _message: reports.append((done, total))),
        )
        files = documents.write_invoice_pdfs(session, billing, ids, tmp_path / "un", one_file=False)
    pages = pdf_text(merged.read_bytes())
    assert len(pages) == 3
    assert [page.count("Facture n° FA-2027-00000") for page in pages] == [1, 1, 1]
    assert all("page 1" in page for page in pages)  # numbered per invoice, not per batch
    assert reports[-1] == (3, 3)
    assert sorted(path.name for path in files) == [
        "FA-2027-000001.pdf",
        "FA-2027-000002.pdf",
        "FA-2027-000003.pdf",
    ]
    assert "FA-2027-000002" in pdf_text(files[1].read_bytes())[0]


def test_printing_a_campaign_can_be_cancelled(
    database: Database, billing: Actor, tmp_path: Path
) -> None:
    for count in (3, 5):
        billed_member(database, billing, si=count)
    progress = Progress(lambda done, _total, _message: progress.cancel())
    with database.session() as session:
        ids = list(session.scalars(select(Invoice.id)))
        with pytest.raises(Cancelled):
            documents.write_invoice_pdfs(
                session, billing, ids, tmp_path / "x.pdf", one_file=True, progress=progress
            )
    assert not (tmp_path / "x.pdf").exists()


def test_the_schedules_workbook_reconciles_to_the_cent(
    database: Database, billing: Actor, tmp_path: Path
) -> None:
    first, invoice_id = billed_member(database, billing, si=10)
    billed_member(database, billing, si=3, sepa=True)
    with database.transaction() as session:
        payments.record_payment(
            session, billing, first, 50000, PaymentMethod.CHEQUE, date(2027, 2, 10)
        )
        credit_notes.issue_credit_note(session, billing, invoice_id, "Erreur", 1000)
    target = tmp_path / "echeanciers.xlsx"
    with database.session() as session:
        totals = exports.export_schedules(session, billing, target, ScheduleSelection(year=2027))
        invoices_ttc = session.scalar(select(func.sum(Invoice.total_ttc_cents)))
        instalments = session.scalar(select(func.count()).select_from(Instalment))
    sheet = load_workbook(target).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{instalments + 1}"
    assert round(sheet.column_dimensions["B"].width) == 39  # 38 characters shown
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == [
        "N° adhérent",
        "Raison sociale",
        "N° facture",
        "Date d'émission",
        "Date d'échéance",
        "Montant TTC",
    ]
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("DCE6F1")
    data = list(sheet.iter_rows(min_row=2, max_row=instalments + 1))
    assert isinstance(data[0][3].value, datetime) and data[0][3].number_format == "DD/MM/YYYY"
    assert data[0][5].number_format == '#,##0.00 "€"'
    assert isinstance(data[0][5].value, int | float)  # a number, not text

    def cents(column: int) -> int:
        return sum(int(Decimal(str(row[column].value or 0)) * 100) for row in data)

    # The totals follow the filter: SUBTOTAL formulas over the rows, with their values.
    last = instalments + 1
    total_row = [cell.value for cell in sheet[instalments + 3]]
    assert total_row[0] == "Total" and total_row[1] == f"=SUBTOTAL(3,A2:A{last})"
    assert total_row[5:9] == [f"=SUBTOTAL(9,{c}2:{c}{last})" for c in "FGHI"]
    assert sheet.cell(instalments + 3, 2).number_format == ('[=1]0 "échéance";#,##0 "échéances"')
    cached = load_workbook(target, data_only=True).active
    total_values = [cell.value for cell in cached[instalments + 3]]
    invoices_row = [cell.value for cell in cached[instalments + 4]]
    assert total_values[1] == instalments
    assert cents(5) == totals.amount_cents == invoices_ttc
    assert Decimal(str(total_values[5])) * 100 == invoices_ttc
    assert Decimal(str(invoices_row[5])) * 100 == invoices_ttc
    assert invoices_row[9] == "Rapproché"
    assert cents(6) == 50000 and cents(7) == 1200  # paid; 10,00 € HT credited = 12,00 TTC
    assert cents(8) == invoices_ttc - 50000 - 1200
    assert [Decimal(str(v)) * 100 for v in total_values[6:9]] == [
        50000,
        1200,
        invoices_ttc - 51200,
    ]
    for row in data:  # each row reconciles: amount = paid + credited + remaining
        amount, paid, credited, left = (Decimal(str(row[i].value or 0)) for i in (5, 6, 7, 8))
        assert amount == paid + credited + left
    # Printed landscape, one page wide, the header row on every page.
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth in (None, 1)  # 1, the default, goes unwritten
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert target.stat().st_mode & 0o077 == 0  # owner only: it names the members
    assert not list(tmp_path.glob(".echeanciers.xlsx.*"))  # the temporary name is gone
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(CreditNote)) == 1


def test_an_export_needs_something_to_export(database: Database, billing: Actor) -> None:
    with pytest.raises(ValidationFailed), database.session() as session:
        exports.export_schedules(session, billing, BytesIO(), ScheduleSelection())

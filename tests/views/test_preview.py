"""Preview and printing of the PDFs the application makes: pages rendered, paged through,
zoomed; printed through QPrinter (here a PDF printer, read back)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from backoffice.views.widgets import files
from backoffice.views.widgets.preview import PdfPreview, print_pdf

pytestmark = pytest.mark.gui


def three_pages() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, 4):
        pdf.setFont("Helvetica-Bold", 48)
        pdf.drawString(100, 700, f"Page {number}")
        pdf.rect(80, 80, 400, 100, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def dark_share(page: pdfium.PdfPage) -> float:
    """The share of dark pixels of a page rendered small."""
    bitmap = page.render(scale=0.25, grayscale=True)
    data = bytes(bitmap.buffer)
    return sum(1 for value in data if value < 128) / len(data)


def test_printing_to_a_pdf_printer_prints_every_page(qapp, tmp_path: Path) -> None:
    target = tmp_path / "imprime.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    assert print_pdf(three_pages(), printer) == 3
    assert len(PdfReader(target).pages) == 3
    printed = pdfium.PdfDocument(target.read_bytes())
    assert all(dark_share(printed[index]) > 0.02 for index in range(3))  # not blank pages
    printed.close()


def test_a_page_range_prints_those_pages_only(qapp, tmp_path: Path) -> None:
    target = tmp_path / "deux.pdf"
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    assert print_pdf(three_pages(), printer, 2, 3) == 2
    assert len(PdfReader(target).pages) == 2


def test_the_preview_pages_through_zooms_and_saves_a_copy(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = PdfPreview(None, "Relances", three_pages(), name="relances.pdf", kind="tests")
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    assert preview.position.text() == "Page 1 sur 3"
    assert not preview.actions["previous_page"].isEnabled()
    width = preview.image.pixmap().width()
    preview.next_page()
    preview.next_page()
    assert preview.position.text() == "Page 3 sur 3"
    assert not preview.actions["next_page"].isEnabled()
    preview.zoom_in()
    assert preview.image.pixmap().width() > width
    target = tmp_path / "copie.pdf"
    monkeypatch.setattr(files.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr("backoffice.views.widgets.preview.ask_save_path", files.ask_save_path)
    assert preview.save_copy() == target
    assert target.read_bytes() == preview.pdf
    assert "copie.pdf" in preview.note.text()

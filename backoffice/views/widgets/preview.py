"""Preview and print every PDF the application makes, without leaving it.

``PdfPreview(parent, title, pdf, name=..., kind=...)`` is a window that shows the pages
(rendered by pdfium through ``pypdfium2``; QtPdf is not part of PySide6-Essentials), pages
through them (Page Up / Page Down), zooms (Ctrl++ / Ctrl+- / fit the width), prints with
the system's printers (``QPrintDialog`` then :func:`print_pdf`) and saves a copy ("save as"
beside it). ``preview_pdf(view, title, name, produce, kind=...)`` produces the bytes in the
background first. The window is not modal: staff keep working beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.views.widgets import operations
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.files import ask_save_path, pdf_filter, write_whole

POINTS_PER_INCH = 72
PRINT_DPI_CEILING = 300  # enough for letters; keeps a page's image around 25 MB at most
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


def page_image(document: pdfium.PdfDocument, index: int, scale: float) -> QImage:
    """Page ``index`` (from 0) as an image, ``scale`` pixels per PDF point."""
    bitmap = document[index].render(
        scale=scale,
        force_bitmap_format=pdfium_c.FPDFBitmap_BGRA,
        rev_byteorder=True,  # RGBA, in the order Qt reads it
    )
    image = QImage(
        bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBA8888
    )
    return image.copy()  # Qt's own copy: the pdfium buffer is freed with ``bitmap``


def print_pdf(pdf: bytes, printer: QPrinter, first: int = 1, last: int | None = None) -> int:
    """Print pages ``first``..``last`` (from 1) on ``printer``, each rendered at the
    printer's resolution and fitted to its page; the number of pages printed."""
    document = pdfium.PdfDocument(pdf)
    try:
        last = min(last or len(document), len(document))
        dpi = min(printer.resolution(), PRINT_DPI_CEILING)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(tr("The printer could not be started."))
        try:
            for number in range(first, last + 1):
                if number > first:
                    printer.newPage()
                image = page_image(document, number - 1, dpi / POINTS_PER_INCH)
                target = painter.viewport()
                size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), size), image)
        finally:
            painter.end()
        return last - first + 1
    finally:
        document.close()


class PdfPreview(QDialog):
    """A PDF shown page by page, with Print… and Save as…"""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        pdf: bytes,
        *,
        name: str = "document.pdf",
        kind: str = "documents",
        private: bool = True,
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pdf, self.name, self.kind, self.private = pdf, name, kind, private
        self.document = pdfium.PdfDocument(pdf)
        self.page = 0
        self.zoom = 1.0
        self.fit_width = True
        self.actions = Actions(self, _NoRole())
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        for name_ in ("previous_page", "next_page"):
            bar.addWidget(self.actions.button(name_))
        self.position = QLabel()
        bar.addWidget(self.position)
        bar.addStretch()
        for name_ in ("zoom_out", "zoom_in", "fit"):
            bar.addWidget(self.actions.button(name_))
        bar.addStretch()
        for name_ in ("save_copy", "print_document"):
            bar.addWidget(self.actions.button(name_))
        layout.addLayout(bar)
        self.note = QLabel(note)
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #8a8f98; }")
        layout.addWidget(self.scroll, 1)
        self.resize(900, 1000)
        self.show_page(0)

    @property
    def page_count(self) -> int:
        return len(self.document)

    # -- showing --------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        self.page = max(0, min(index, self.page_count - 1))
        width_points = self.document[self.page].get_size()[0]
        if self.fit_width:
            available = max(self.scroll.viewport().width() - 24, 200)
            self.zoom = available / width_points
        image = page_image(self.document, self.page, self.zoom * self.devicePixelRatioF())
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.image.setPixmap(pixmap)
        self.position.setText(
            tr("Page {page} of {count}", page=self.page + 1, count=self.page_count)
        )
        self.actions.enable("previous_page", self.page > 0)
        self.actions.enable("next_page", self.page < self.page_count - 1)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.fit_width and self.page_count:
            self.show_page(self.page)

    @action(lambda: tr("Previous page"), shortcut="PgUp", icon=QStyle.StandardPixmap.SP_ArrowUp)
    def previous_page(self) -> None:
        self.show_page(self.page - 1)

    @action(lambda: tr("Next page"), shortcut="PgDown", icon=QStyle.StandardPixmap.SP_ArrowDown)
    def next_page(self) -> None:
        self.show_page(self.page + 1)

    def _zoom_to(self, zoom: float) -> None:
        self.fit_width = False
        self.zoom = zoom
        self.show_page(self.page)

    @action(lambda: tr("Zoom in"), shortcut=("Ctrl++", "Ctrl+="))
    def zoom_in(self) -> None:
        self._zoom_to(next((z for z in ZOOMS if z > self.zoom + 0.01), ZOOMS[-1]))

    @action(lambda: tr("Zoom out"), shortcut="Ctrl+-")
    def zoom_out(self) -> None:
        self._zoom_to(next((z for z in reversed(ZOOMS) if z < self.zoom - 0.01), ZOOMS[0]))

    @action(lambda: tr("Fit the width"), shortcut="Ctrl+0")
    def fit(self) -> None:
        self.fit_width = True
        self.show_page(self.page)

    # -- printing, saving -----------------------------------------------------------------

    @action(lambda: tr("Print…"), shortcut="Ctrl+P", default=True)
    def print_document(self) -> None:
        """Print on one of the system's printers (the pages, copies and printer chosen)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.name)
        printer.setFromTo(1, self.page_count)
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        first, last = (printer.fromPage(), printer.toPage()) if printer.fromPage() else (1, None)
        self.print_on(printer, first, last)

    def print_on(self, printer: QPrinter, first: int = 1, last: int | None = None) -> int:
        try:
            return print_pdf(self.pdf, printer, first, last)
        except OSError as error:
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return 0

    @action(lambda: tr("Save as…"), shortcut="Ctrl+S")
    def save_copy(self) -> Path | None:
        target = ask_save_path(self, tr("Save as"), self.name, pdf_filter(), self.kind)
        if target is None:
            return None
        try:
            write_whole(target, self.pdf, private=self.private)
        except OSError as error:
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return None
        self.note.setText(tr("Saved in {path}.", path=target))
        self.note.setVisible(True)
        return target

    def closeEvent(self, event: object) -> None:
        self.document.close()
        super().closeEvent(event)  # type: ignore[arg-type]


class _NoRole:
    """The preview's actions need no right: anyone who sees a document may print it."""

    def allows(self, _permission: object) -> bool:
        return True


def show_pdf(
    parent: QWidget,
    title: str,
    pdf: bytes,
    *,
    name: str,
    kind: str,
    private: bool = True,
    note: str = "",
) -> PdfPreview:
    """Open the preview window of ``pdf`` (it closes with its parent)."""
    preview = PdfPreview(parent, title, pdf, name=name, kind=kind, private=private, note=note)
    preview.show()
    return preview


def preview_pdf(
    view: QWidget,
    title: str,
    name: str,
    produce: Callable[[Session], bytes],
    *,
    kind: str,
    private: bool = True,
) -> None:
    """Produce the PDF in the background, then preview it."""
    operations.read(
        view,
        produce,
        lambda pdf: show_pdf(view, title, pdf, name=name, kind=kind, private=private),
    )

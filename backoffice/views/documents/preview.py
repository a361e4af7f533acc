"""A look at a document before it is published: a PDF in the application's preview
(``widgets/preview``), an image or a text here; any other file (a spreadsheet, a Word
document) opens in the workstation's viewer, from a private copy deleted when the
application quits."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.services.documents import DocumentRow
from backoffice.views.widgets.files import write_whole

TEXT_TYPES = ("text/plain", "text/csv")
TEXT_PREVIEW_BYTES = 200_000


@cache
def preview_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="backoffice-preview-"))  # mode 0700
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def open_in_viewer(row: DocumentRow, content: bytes) -> Path:
    """A private copy of the file, opened with the workstation's viewer."""
    path = preview_folder() / Path(row.file_name).name
    write_whole(path, content, private=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


def shown_here(row: DocumentRow) -> bool:
    return row.media_type.startswith("image/") or row.media_type in TEXT_TYPES


class PreviewDialog(QDialog):
    """An image or a text document, as members will download it."""

    def __init__(self, parent: QWidget | None, row: DocumentRow, content: bytes) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Preview — {title}", title=row.title))
        self.resize(860, 680)
        layout = QVBoxLayout(self)
        if row.media_type.startswith("image/"):
            image = QLabel()
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            pixmap = QPixmap()
            if pixmap.loadFromData(content):
                image.setPixmap(pixmap)
            else:
                image.setText(tr("This image cannot be read."))
            scroll = QScrollArea()
            scroll.setWidget(image)
            scroll.setWidgetResizable(True)
            layout.addWidget(scroll)
        else:
            text = QPlainTextEdit(content[:TEXT_PREVIEW_BYTES].decode("utf-8", errors="replace"))
            text.setReadOnly(True)
            layout.addWidget(text)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

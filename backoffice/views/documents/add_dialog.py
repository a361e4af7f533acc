"""Adding a document to the library: its theme and title; the file is checked by the
service (empty, too large) before the dialog closes, and what was typed stays."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services import documents
from backoffice.services.documents import Theme
from backoffice.views.widgets.operation_dialog import OperationDialog


class AddDocumentDialog(OperationDialog):
    """``result`` is the new document's id."""

    def __init__(
        self, context: AppContext, parent: QWidget | None, themes: list[Theme], path: Path
    ) -> None:
        super().__init__(context, parent, tr("Add a document"))
        self.path = path
        self.theme = QComboBox()
        for theme in themes:
            self.theme.addItem(theme.name, theme.id)
        self.title = QLineEdit(path.stem.replace("-", " ").replace("_", " ").capitalize())
        self.file = QLineEdit(path.name, readOnly=True)
        self.form.addRow(tr("File"), self.file)
        self.form.addRow(tr("Theme"), self.theme)
        self.form.addRow(tr("Title"), self.title)
        self.fields.update({"title": self.title, "file": self.file})
        self.set_action(tr("Add"))

    def busy_label(self) -> str:
        return tr("Adding the document…")

    def work(self) -> Callable[[Session], Any] | None:
        try:
            content = self.path.read_bytes()
        except OSError as error:
            self.show_errors(
                tr("{path} could not be read: {reason}", path=self.path, reason=error.strerror),
                {"file"},
            )
            return None
        actor, theme_id, title = self.context.actor, self.theme.currentData(), self.title.text()
        name = self.path.name
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return lambda session: documents.add_document(
            session, actor, theme_id, title, name, media_type, content
        )

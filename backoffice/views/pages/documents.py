"""Documents: the library members see on the portal, by theme; add, publish, withdraw."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.ops.context import AppContext, concerns
from backoffice.ops.operation import Operation, run_query
from backoffice.services import documents as document_service
from backoffice.services.documents import DocumentRow, Theme
from backoffice.services.permissions import Permission
from backoffice.services.tracking import Touched
from backoffice.views import formatting
from backoffice.views.pages.base import Page
from backoffice.views.widgets.dialogs import confirm, inform, ok_cancel
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable


def size(value: int) -> str:
    return f"{value / 1024:.0f} Ko" if value < 1024 * 1024 else f"{value / 1048576:.1f} Mo"


class AddDocumentDialog(QDialog):
    def __init__(self, parent: QWidget | None, themes: list[Theme], path: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add a document"))
        form = QFormLayout(self)
        self.theme = QComboBox()
        for theme in themes:
            self.theme.addItem(theme.name, theme.id)
        self.title = QLineEdit(path.stem.replace("-", " ").replace("_", " ").capitalize())
        form.addRow(tr("File"), QLineEdit(path.name, readOnly=True))
        form.addRow(tr("Theme"), self.theme)
        form.addRow(tr("Title"), self.title)
        form.addRow(ok_cancel(self))


class DocumentsPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.themes: list[Theme] = []
        layout = QVBoxLayout(self)
        self.model: RowsModel[DocumentRow] = RowsModel(
            [
                Column(tr("Theme"), lambda r: r.theme),
                Column(tr("Title"), lambda r: r.title),
                Column(tr("File"), lambda r: r.file_name),
                Column(
                    tr("Size"),
                    lambda r: size(r.size_bytes),
                    lambda r: r.size_bytes,
                    align_right=True,
                ),
                Column(tr("Published on the portal"), lambda r: formatting.yes_no(r.published)),
                Column(
                    tr("Added on"),
                    lambda r: formatting.moment(r.uploaded_at),
                    lambda r: r.uploaded_at,
                ),
            ],
            key=lambda row: row.id,
        )
        self.table = DataTable("documents")
        self.table.set_rows_model(self.model)
        self.table.activated_row.connect(lambda _row: self.save_copy())
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        manage = context.allows(Permission.DOCUMENTS_MANAGE)
        for text, handler, needs_manage in (
            (tr("Add…"), self.add, True),
            (tr("Publish / withdraw"), self.toggle_published, True),
            (tr("Remove…"), self.remove, True),
            (tr("Save a copy…"), self.save_copy, False),
        ):
            button = QPushButton(text)
            button.clicked.connect(handler)
            button.setVisible(manage or not needs_manage)
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addLayout(buttons)
        context.bus.changed.connect(self._on_changed)

    def activated(self) -> None:
        actor = self.context.actor
        run_query(
            self.context,
            self,
            lambda s: (
                document_service.themes(s, actor),
                document_service.list_documents(s, actor),
            ),
            self._show,
        )

    def _show(self, result: tuple[list[Theme], list[DocumentRow]]) -> None:
        self.themes, rows = result
        self.model.set_rows(rows)

    def _on_changed(self, touched: Touched) -> None:
        if concerns(touched, "documents") and self.isVisible():
            self.activated()

    def selected(self) -> DocumentRow | None:
        row = self.table.current_source_row()
        return self.model.row_at(row) if row is not None else None

    def add(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, tr("Add a document"))
        if not name:
            return
        path = Path(name)
        dialog = AddDocumentDialog(self, self.themes, path)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        actor, content = self.context.actor, path.read_bytes()
        theme_id, title = dialog.theme.currentData(), dialog.title.text()
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        Operation(
            self.context,
            self,
            lambda s: document_service.add_document(
                s, actor, theme_id, title, path.name, media_type, content
            ),
            label=tr("Adding the document…"),
        ).success(lambda _id: self.activated()).run()

    def toggle_published(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.context.actor
        Operation(
            self.context,
            self,
            lambda s: document_service.set_published(s, actor, row.id, not row.published),
        ).success(lambda _none: self.activated()).run()

    def remove(self) -> None:
        row = self.selected()
        if row is None or not confirm(
            self,
            tr("Remove a document"),
            tr(
                "Remove “{title}” from the library? Members will no longer see it.", title=row.title
            ),
            tr("Remove"),
        ):
            return
        actor = self.context.actor
        Operation(
            self.context, self, lambda s: document_service.remove_document(s, actor, row.id)
        ).success(lambda _none: self.activated()).run()

    def save_copy(self) -> None:
        row = self.selected()
        if row is None:
            return
        target, _filter = QFileDialog.getSaveFileName(self, tr("Save a copy"), row.file_name)
        if not target:
            return
        actor = self.context.actor
        run_query(
            self.context,
            self,
            lambda s: document_service.document_content(s, actor, row.id),
            lambda result: self._write(target, result[1]),
        )

    def _write(self, target: str, content: bytes) -> None:
        Path(target).write_bytes(content)
        inform(self, tr("Document saved"), tr("Saved in {path}.", path=target))

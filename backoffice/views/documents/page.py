"""Documents: the library members see on the portal (*Mes documents*), by theme — searched,
filtered by theme, previewed before it is published; the administrator adds, publishes,
withdraws, files under another theme, removes, and keeps the themes."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services import documents as document_service
from backoffice.services.documents import DocumentRow, Theme
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.documents.preview import PreviewDialog, open_in_viewer, shown_here
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.dialogs import confirm, ok_cancel
from backoffice.views.widgets.files import save_as
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.page import Page
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable


def size(value: int) -> str:
    return f"{value / 1024:.0f} Ko" if value < 1024 * 1024 else f"{value / 1048576:.1f} Mo"


def document_columns() -> list[Column[DocumentRow]]:
    return [
        Column(tr("Theme"), lambda r: r.theme),
        Column(tr("Title"), lambda r: r.title),
        Column(tr("File"), lambda r: r.file_name),
        Column(tr("Size"), lambda r: size(r.size_bytes), lambda r: r.size_bytes, align_right=True),
        Column(tr("Published on the portal"), lambda r: formatting.yes_no(r.published)),
        Column(tr("Added on"), lambda r: formatting.moment(r.uploaded_at), lambda r: r.uploaded_at),
    ]


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
        form.addRow(QLabel(tr("It is published once previewed (« Publish »).")))
        form.addRow(ok_cancel(self))


def _chosen(page: DocumentsPage) -> DocumentRow | None:
    return page.selected()


class DocumentsPage(Page):
    TABLES = ("documents", "document_themes")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.themes: list[Theme] = []
        self.rows: list[DocumentRow] = []
        self.model: RowsModel[DocumentRow] = RowsModel(document_columns(), key=lambda r: r.id)
        self.table = DataTable("documents")
        self.proxy = searchable(self.table, self.model, column=1)
        self.search = SearchBox(tr("Title or file name…"))
        self.search.search.connect(self.proxy.search)
        self.theme = QComboBox()
        self.theme.addItem(tr("All themes"), None)
        self.theme.currentIndexChanged.connect(lambda _index: self._filter())
        self.count = QLabel()
        self.actions = Actions(self, context)
        self.actions.extend_to(self.table)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.theme, 1)
        buttons = QHBoxLayout()
        for button in self.actions.buttons(
            "add", "preview", "toggle_published", "move", "remove", "save_copy", "themes_dialog"
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.actions.list_menu(
            self.table, "preview", "toggle_published", "move", None, "save_copy", "remove"
        )
        self.table.activated_row.connect(lambda _row: self.actions.run("preview"))
        self.table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self.actions.update()
        )
        self.actions.update()

    # -- reading --------------------------------------------------------------------------

    def load(self) -> None:
        actor = self.context.actor
        self.query(
            lambda session: (
                document_service.themes(session, actor),
                document_service.list_documents(session, actor),
            ),
            self._show,
        )

    def _show(self, result: tuple[list[Theme], list[DocumentRow]]) -> None:
        self.themes, self.rows = result
        wanted = self.theme.currentData()
        self.theme.blockSignals(True)
        self.theme.clear()
        self.theme.addItem(tr("All themes"), None)
        for theme in self.themes:
            self.theme.addItem(theme.name, theme.id)
        self.theme.setCurrentIndex(max(0, self.theme.findData(wanted)))
        self.theme.blockSignals(False)
        self._filter()

    def _filter(self) -> None:
        theme_id = self.theme.currentData()
        shown = [row for row in self.rows if theme_id is None or row.theme_id == theme_id]
        self.model.set_rows(shown)
        self.count.setText(ntr("{count} document", "{count} documents", len(shown)))
        self.actions.update()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def selected(self) -> DocumentRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.proxy.mapToSource(index).row()
        return self.model.row_at(row) if 0 <= row < len(self.model.rows) else None

    # -- the actions ----------------------------------------------------------------------

    @action(lambda: tr("Add…"), shortcut="Ctrl+N", permission=Permission.DOCUMENTS_MANAGE)
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
        self.write(
            lambda session: document_service.add_document(
                session, actor, theme_id, title, path.name, media_type, content
            ),
            tr("Adding the document…"),
        ).run()

    @action(lambda: tr("Preview"), shortcut="Space", enabled=lambda page: _chosen(page) is not None)
    def preview(self) -> None:
        """See the document as members will download it."""
        row = self.selected()
        if row is None:
            return
        actor = self.context.actor

        def show(result: tuple[str, bytes]) -> None:
            if shown_here(row):
                PreviewDialog(self, row, result[1]).exec()
            else:
                open_in_viewer(row, result[1])

        self.query(
            lambda session: document_service.document_content(session, actor, row.id),
            show,
            topic="preview",
        )

    @action(
        lambda: tr("Publish / withdraw"),
        shortcut="Ctrl+P",
        permission=Permission.DOCUMENTS_MANAGE,
        enabled=lambda page: _chosen(page) is not None,
    )
    def toggle_published(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.context.actor
        self.write(
            lambda session: document_service.set_published(
                session, actor, row.id, not row.published
            ),
            tr("Publishing…") if not row.published else tr("Withdrawing…"),
        ).run()

    @action(
        lambda: tr("Other theme…"),
        permission=Permission.DOCUMENTS_MANAGE,
        enabled=lambda page: _chosen(page) is not None,
    )
    def move(self) -> None:
        """File the document under another theme."""
        row = self.selected()
        if row is None:
            return
        names = [theme.name for theme in self.themes]
        name, ok = QInputDialog.getItem(
            self,
            tr("Other theme"),
            tr("Theme of « {title} »", title=row.title),
            names,
            max(0, names.index(row.theme) if row.theme in names else 0),
            False,
        )
        if not ok:
            return
        theme_id = next(theme.id for theme in self.themes if theme.name == name)
        actor = self.context.actor
        self.write(
            lambda session: document_service.move_document(session, actor, row.id, theme_id),
            tr("Filing the document…"),
        ).run()

    @action(
        lambda: tr("Remove…"),
        shortcut="Del",
        permission=Permission.DOCUMENTS_MANAGE,
        enabled=lambda page: _chosen(page) is not None,
    )
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
        self.write(
            lambda session: document_service.remove_document(session, actor, row.id),
            tr("Removing…"),
        ).run()

    @action(
        lambda: tr("Save a copy…"),
        shortcut="Ctrl+S",
        enabled=lambda page: _chosen(page) is not None,
    )
    def save_copy(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.context.actor
        save_as(
            self,
            tr("Save a copy"),
            row.file_name,
            tr("All files (*)"),
            lambda session: document_service.document_content(session, actor, row.id)[1],
            kind="documents",
        )

    @action(lambda: tr("Themes…"), permission=Permission.DOCUMENTS_MANAGE)
    def themes_dialog(self) -> None:
        """Create, rename, order and retire the library's themes."""
        from backoffice.views.documents.themes_dialog import ThemesDialog

        ThemesDialog(self.context, self).exec()

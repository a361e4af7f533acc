"""Documents: the library members see on the portal, by theme — searched, filtered by
theme, previewed; added, published or withdrawn, removed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services import documents as document_service
from backoffice.services.documents import DocumentRow, Theme
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.documents.add_dialog import AddDocumentDialog
from backoffice.views.documents.preview import PreviewDialog, open_in_viewer, shown_here
from backoffice.views.widgets.actions import Ask, action
from backoffice.views.widgets.files import save_as
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.page import Page
from backoffice.views.widgets.preview import preview_pdf
from backoffice.views.widgets.rows_model import Column, RowsModel, moment_column
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

MANAGE = Permission.DOCUMENTS_MANAGE
PDF = "application/pdf"


def size(value: int) -> str:
    return f"{value / 1024:.0f} Ko" if value < 1024 * 1024 else f"{value / 1048576:.1f} Mo"


def document_columns() -> list[Column[DocumentRow]]:
    return [
        Column(tr("Theme"), lambda r: r.theme),
        Column(tr("Title"), lambda r: r.title),
        Column(tr("File"), lambda r: r.file_name),
        Column(tr("Size"), lambda r: size(r.size_bytes), lambda r: r.size_bytes, align_right=True),
        Column(tr("Published on the portal"), lambda r: formatting.yes_no(r.published)),
        moment_column(tr("Added on"), lambda r: r.uploaded_at),
    ]


class DocumentsPage(Page):
    TABLES = ("documents", "document_themes")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.themes: list[Theme] = []
        self.rows: list[DocumentRow] = []
        self._wanted: int | None = None  # the document just added, selected once listed
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = SearchBox(tr("Title, file or theme…"))
        self.theme = QComboBox()
        self.theme.addItem(tr("All themes"), None)
        self.theme.currentIndexChanged.connect(lambda _index: self._filter())
        bar.addWidget(self.search, 3)
        bar.addWidget(self.theme, 1)
        layout.addLayout(bar)
        self.model: RowsModel[DocumentRow] = RowsModel(document_columns(), key=lambda r: r.id)
        self.table = DataTable("documents")
        self.proxy = searchable(self.table, self.model)
        self.search.search.connect(lambda text: (self.proxy.search(text), self._count()))
        self.table.activated_row.connect(lambda _row: self.actions.run("preview"))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection())
        layout.addWidget(self.table)
        self.count = QLabel()
        names = ("preview", "save_copy", "toggle_published", "remove", "move", "add", "edit_themes")
        layout.addLayout(self.actions.bar(*names, count=self.count))
        self.actions.list_menu(self.table, "preview", "save_copy", None, *names[2:5])
        self._selection()

    # -- loading --------------------------------------------------------------------------

    def load(self) -> None:
        actor = self.context.actor
        self.query(
            lambda s: (
                document_service.themes(s, actor),
                document_service.list_documents(s, actor),
            ),
            self._show,
        )

    def _show(self, result: tuple[list[Theme], list[DocumentRow]]) -> None:
        self.themes, self.rows = result
        chosen = self.theme.currentData()
        self.theme.blockSignals(True)
        self.theme.clear()
        self.theme.addItem(tr("All themes"), None)
        for theme in self.themes:
            self.theme.addItem(theme.name, theme.id)
        self.theme.setCurrentIndex(max(0, self.theme.findData(chosen)))
        self.theme.blockSignals(False)
        self._filter()

    def _filter(self) -> None:
        """The rows of the chosen theme; the selected document stays selected."""
        kept = self.selected()
        wanted = self._wanted or (kept.id if kept is not None else None)
        theme_id = self.theme.currentData()
        self.model.set_rows([r for r in self.rows if theme_id is None or r.theme_id == theme_id])
        if wanted is not None and any(r.id == wanted for r in self.model.rows):
            self._select(wanted)
            self._wanted = None
        self._count()
        self._selection()

    def _select(self, document_id: int) -> None:
        self.table.select_key(self.model, document_id)

    def _count(self) -> None:
        self.count.setText(ntr("{count} document", "{count} documents", self.proxy.rowCount()))

    def _selection(self) -> None:
        row = self.selected()
        for name in ("preview", "save_copy", "toggle_published", "remove", "move"):
            self.actions.enable(name, row is not None)

    def selected(self) -> DocumentRow | None:
        return self.table.current_of(self.model)

    # -- actions --------------------------------------------------------------------------

    @action(lambda: tr("Add…"), shortcut="Ctrl+N", permission=MANAGE)
    def add(self) -> None:
        """A file for the library (not published until you publish it)."""
        name, _filter = QFileDialog.getOpenFileName(self, tr("Add a document"))
        if name:
            dialog = AddDocumentDialog(self.context, self, self.themes, Path(name))
            if dialog.exec() and dialog.result is not None:
                self._wanted = dialog.result

    @action(lambda: tr("Publish / withdraw"), permission=MANAGE)
    def toggle_published(self) -> None:
        """Members see the document on the portal, or no longer."""
        row = self.selected()
        if row is None:
            return
        actor = self.context.actor
        self.write(
            lambda s: document_service.set_published(s, actor, row.id, not row.published),
            tr("Saving…"),
        ).run()

    @action(
        lambda: tr("Remove…"),
        shortcut="Del",
        permission=MANAGE,
        on_list=True,
        ask=Ask(
            lambda row: tr(
                "Remove “{title}” from the library? Members will no longer see it.", title=row.title
            ),
            title=lambda: tr("Remove a document"),
            go=lambda: tr("Remove"),
        ),
    )
    def remove(self, row: DocumentRow) -> None:
        actor = self.context.actor
        self.write(
            lambda s: document_service.remove_document(s, actor, row.id), tr("Removing…")
        ).run()

    @action(lambda: tr("Preview"), shortcut=("Return", "Enter"), on_list=True)
    def preview(self) -> None:
        """The document as members will download it: a PDF's pages to read or print, an
        image or a text here, any other file in the workstation's viewer."""
        row = self.selected()
        if row is None:
            return
        actor, document_id = self.context.actor, row.id
        if row.media_type == PDF:
            preview_pdf(
                self,
                row.title,
                row.file_name,
                lambda s: document_service.document_content(s, actor, document_id)[1],
                kind="documents",
            )
            return

        def show(result: tuple[str, bytes]) -> None:
            if shown_here(row):
                PreviewDialog(self, row, result[1]).exec()
            else:
                open_in_viewer(row, result[1])

        self.query(
            lambda s: document_service.document_content(s, actor, document_id),
            show,
            topic="preview",
        )

    @action(lambda: tr("Save a copy…"))
    def save_copy(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor, document_id = self.context.actor, row.id
        save_as(
            self,
            tr("Save a copy"),
            row.file_name,
            tr("All files (*)"),
            lambda s: document_service.document_content(s, actor, document_id)[1],
            kind="documents",
        )

    @action(lambda: tr("Other theme…"), permission=MANAGE)
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
            names.index(row.theme) if row.theme in names else 0,
            False,
        )
        if not ok:
            return
        theme_id = next(theme.id for theme in self.themes if theme.name == name)
        actor, document_id = self.context.actor, row.id
        self.write(
            lambda s: document_service.move_document(s, actor, document_id, theme_id),
            tr("Filing the document…"),
        ).run()

    @action(lambda: tr("Themes…"), permission=MANAGE)
    def edit_themes(self) -> None:
        """Create, rename, order and retire the library's themes."""
        from backoffice.views.documents.themes_dialog import ThemesDialog

        ThemesDialog(self.context, self).exec()

"""The library's themes (administrator): created, renamed, put in order, retired (hidden
on the portal; only once no published document is left in it) and brought back."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services import document_themes
from backoffice.services.document_themes import ThemeRow
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import error_label
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.rows_model import Column, RowsModel, count_column
from backoffice.views.widgets.table import DataTable

RETIRED = QColor("#eeeeee")


def theme_columns() -> list[Column[ThemeRow]]:
    return [
        Column(tr("Order"), lambda r: "" if r.retired else str(r.position), lambda r: r.position),
        Column(tr("Theme"), lambda r: r.name),
        count_column(tr("Documents"), lambda r: r.documents),
        count_column(tr("Published"), lambda r: r.published),
        Column(tr("Retired"), lambda r: formatting.yes_no(r.retired)),
    ]


def _selected(panel: ThemesPanel) -> ThemeRow | None:
    return panel.selected()


def _in_use(panel: ThemesPanel) -> bool:
    """A theme is selected, still shown on the portal."""
    theme = _selected(panel)
    return theme is not None and not theme.retired


def _retired(panel: ThemesPanel) -> bool:
    theme = _selected(panel)
    return theme is not None and theme.retired


class ThemesPanel(LiveTab):
    TABLES = ("document_themes", "documents")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model: RowsModel[ThemeRow] = RowsModel(
            theme_columns(),
            background=lambda r: RETIRED if r.retired else None,
            key=lambda r: r.id,
        )
        self.table = DataTable("document_themes")
        self.table.setSortingEnabled(False)  # the order is the portal's
        self.table.setModel(self.model)
        self.table.restore_layout([60, 320, 90, 90, 70])
        self.errors = error_label()
        self.actions.extend_to(self.table)
        buttons = self.actions.tool_bar(
            "create", "rename", "move_up", "move_down", "retire", "restore"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.errors)
        layout.addLayout(buttons)
        self.actions.list_menu(self.table, "rename", "move_up", "move_down", "retire", "restore")
        self.table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self.actions.update()
        )
        self.actions.update()

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda session: document_themes.theme_rows(session, actor), self._show)

    def _show(self, rows: list[ThemeRow]) -> None:
        chosen = self.selected()
        self.model.set_rows(rows)
        if chosen is not None:
            self.table.select_key(self.model, chosen.id)
        self.actions.update()

    def selected(self) -> ThemeRow | None:
        return self.table.current_of(self.model)

    def _run(self, work: object, label: str) -> None:
        self.errors.clear()

        def refused(error: BaseException) -> bool:
            if isinstance(error, ValidationFailed):
                self.errors.setText(error.message)
                return False
            return True

        self.write(work, label).failure(refused).run()  # type: ignore[arg-type]

    # -- the actions ----------------------------------------------------------------------

    @action(lambda: tr("New theme…"), shortcut="Ctrl+N", permission=Permission.DOCUMENTS_MANAGE)
    def create(self) -> None:
        name, ok = QInputDialog.getText(self, tr("New theme"), tr("Theme name"))
        if ok:
            actor = self.context.actor
            self._run(
                lambda session: document_themes.create_theme(session, actor, name),
                tr("Creating the theme…"),
            )

    @action(
        lambda: tr("Rename…"),
        shortcut="F2",
        permission=Permission.DOCUMENTS_MANAGE,
        enabled=lambda panel: _selected(panel) is not None,
    )
    def rename(self) -> None:
        theme = self.selected()
        if theme is None:
            return
        name, ok = QInputDialog.getText(
            self, tr("Rename the theme"), tr("Theme name"), text=theme.name
        )
        if ok:
            actor, theme_id = self.context.actor, theme.id
            self._run(
                lambda session: document_themes.rename_theme(session, actor, theme_id, name),
                tr("Renaming the theme…"),
            )

    def _move(self, offset: int) -> None:
        theme = self.selected()
        if theme is not None:
            actor, theme_id = self.context.actor, theme.id
            self._run(
                lambda session: document_themes.move_theme(session, actor, theme_id, offset),
                tr("Moving the theme…"),
            )

    @action(
        lambda: tr("Up"),
        shortcut="Ctrl+Up",
        permission=Permission.DOCUMENTS_MANAGE,
        enabled=_in_use,
    )
    def move_up(self) -> None:
        self._move(-1)

    @action(
        lambda: tr("Down"),
        shortcut="Ctrl+Down",
        permission=Permission.DOCUMENTS_MANAGE,
        enabled=_in_use,
    )
    def move_down(self) -> None:
        self._move(1)

    @action(
        lambda: tr("Retire"),
        permission=Permission.DOCUMENTS_MANAGE,
        enabled=_in_use,
        tip=lambda: tr("Hide the theme on the portal (no published document may be left)"),
    )
    def retire(self) -> None:
        theme = self.selected()
        if theme is not None:
            actor, theme_id = self.context.actor, theme.id
            self._run(
                lambda session: document_themes.retire_theme(session, actor, theme_id),
                tr("Retiring the theme…"),
            )

    @action(
        lambda: tr("Bring back"),
        permission=Permission.DOCUMENTS_MANAGE,
        enabled=_retired,
    )
    def restore(self) -> None:
        theme = self.selected()
        if theme is not None:
            actor, theme_id = self.context.actor, theme.id
            self._run(
                lambda session: document_themes.restore_theme(session, actor, theme_id),
                tr("Bringing the theme back…"),
            )


class ThemesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Themes of the library"))
        self.resize(760, 460)
        self.panel = ThemesPanel(context, self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(close)

"""What the direct-debit tabs share: the tab skeleton, a folding search filter, dates and
the labels of the SEPA states."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDateEdit, QFileDialog, QHBoxLayout, QPushButton, QWidget
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import MandateStatus, SepaState
from backoffice.ops.context import AppContext, concerns
from backoffice.ops.operation import run_query
from backoffice.services.tracking import Touched
from backoffice.text import fold
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.rows_model import RowsModel
from backoffice.views.widgets.table import DataTable

SEPA_TABLES = (
    "sepa_mandates",
    "sepa_prenotifications",
    "sepa_collections",
    "instalments",
    "payments",
    "settings",
)


def state_label(state: SepaState | None) -> str:
    if state is None:
        return tr("Sent again in a later file")
    return {
        SepaState.NONE: tr("Not announced"),
        SepaState.PRENOTIFIED: tr("Pre-notified"),
        SepaState.SENT: tr("Sent to the bank"),
        SepaState.REJECTED: tr("Returned"),
    }[state]


def mandate_status_label(status: MandateStatus) -> str:
    return {
        MandateStatus.ACTIVE: tr("Active"),
        MandateStatus.REVOKED: tr("Revoked"),
        MandateStatus.LAPSED: tr("Lapsed"),
    }[status]


def channel_label(channel: str) -> str:
    return tr("Email") if channel == "email" else tr("Letter")


def formatted_iban(iban: str) -> str:
    """``FR76 3000 6000 0112 3456 7890 189``, easier to read and compare."""
    try:
        return IBAN(iban).formatted
    except SchwiftyException:
        return iban


def date_edit(initial: date) -> QDateEdit:
    edit = QDateEdit(QDate(initial.year, initial.month, initial.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def set_day(edit: QDateEdit, day: date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def day_of(edit: QDateEdit) -> date:
    return edit.date().toPython()  # type: ignore[return-value]


def buttons(specs: list[tuple[str, Callable[[], None], bool]]) -> tuple[QHBoxLayout, list]:
    """A row of buttons (text, handler, visible), left-aligned."""
    row = QHBoxLayout()
    made = []
    for text, handler, visible in specs:
        button = QPushButton(text)
        button.clicked.connect(handler)
        button.setVisible(visible)
        row.addWidget(button)
        made.append(button)
    row.addStretch()
    return row, made


def ask_save_path(
    parent: QWidget, title: str, name: str, file_filter: str, folder_key: str
) -> Path | None:
    """Where to save a file, starting in the folder used last time for this kind."""
    folder = Path(str(QSettings().value(folder_key, str(Path.home()))))
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(folder / name), file_filter)
    if not chosen:
        return None
    QSettings().setValue(folder_key, str(Path(chosen).parent))
    return Path(chosen)


def save_file(
    tab: SepaTab,
    title: str,
    name: str,
    file_filter: str,
    produce: Callable[[Session], bytes],
) -> None:
    """Ask where to save, produce the bytes in the background, write them, say where."""
    target = ask_save_path(tab, title, name, file_filter, f"sepa/folder/{Path(name).suffix}")
    if target is not None:
        run_query(tab.context, tab, produce, lambda content: _written(tab, target, content))


def _written(parent: QWidget, target: Path, content: bytes) -> None:
    target.write_bytes(content)
    inform(parent, tr("File saved"), tr("Saved in {path}.", path=target))


def shortcut(widget: QWidget, keys: str, handler: Callable[[], None]) -> None:
    """A shortcut active while the focus is inside ``widget`` (its tab is shown)."""
    item = QShortcut(QKeySequence(keys), widget)
    item.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    item.activated.connect(handler)


class FoldingFilter(QSortFilterProxyModel):
    """Sorting proxy that also keeps the rows whose text contains every typed word,
    accents and case ignored (``societe`` finds ``Société``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self._words = fold(text).split()
        self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        text = fold(
            " ".join(
                str(model.index(row, column, parent).data() or "")
                for column in range(model.columnCount(parent))
            )
        )
        return all(word in text for word in self._words)


def searchable(
    table: DataTable, model: RowsModel, sort_column: int = 0, descending: bool = False
) -> FoldingFilter:
    """Show ``model`` in ``table``, sortable and filtered by :class:`FoldingFilter`;
    sorted on ``sort_column`` until the user chooses another order (remembered)."""
    from backoffice.views.widgets.rows_model import SORT_ROLE

    proxy = FoldingFilter(table)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    table.setModel(proxy)
    fresh = QSettings().value(f"tables/{table.layout_key}") is None
    table.restore_layout()
    header = table.horizontalHeader()
    if fresh:  # the first time: the order the list is best read in
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(sort_column, order)
    table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
    if not QSettings().value(f"tables_fitted/{table.layout_key}", False, bool):
        model.modelReset.connect(lambda: fit_columns(table, model))
    return proxy


def fit_columns(table: DataTable, model: RowsModel, widest: int = 280) -> None:
    """On a workstation that never showed rows in the table: columns as wide as the first
    rows (within reason); the layout is then remembered like any the user makes."""
    settings = QSettings()
    key = f"tables_fitted/{table.layout_key}"
    if settings.value(key, False, bool) or not model.rowCount():
        return
    settings.setValue(key, True)
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count()):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)


class SepaTab(QWidget):
    """A tab of the panel: loads when first shown, reloads when its data changes."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loaded = False
        context.bus.changed.connect(self._on_changed)

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.load()

    def load(self) -> None:
        """Read what the tab shows (in the background)."""

    def focus_search(self) -> None:
        """Ctrl+F: the tab's search field, if it has one."""

    def _on_changed(self, touched: Touched) -> None:
        if self.loaded and self.isVisible() and concerns(touched, *SEPA_TABLES):
            self.load()

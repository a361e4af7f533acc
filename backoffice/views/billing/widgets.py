"""Small widgets of the billing screens: amounts typed in French, lists of due dates,
columns of amounts and dates, choosing where to save a file, a tab that loads when shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import tr
from backoffice.money import format_eur, parse_eur
from backoffice.ops.context import AppContext, concerns
from backoffice.ops.operation import run_query
from backoffice.services.tracking import Touched
from backoffice.text import fold
from backoffice.views.widgets.rows_model import SORT_ROLE, RowsModel
from backoffice.views.widgets.table import DataTable

Row = TypeVar("Row")
WARNING_STYLE = "color: #8a5300"
MAX_COLUMN_WIDTH = 320


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit(to_qdate(value or clock.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def year_spin(value: int | None = None) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(2000, 2100)
    spin.setValue(value or clock.today().year)
    return spin


def count_spin(value: int = 0) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, 100000)
    spin.setValue(value)
    return spin


def unbreakable(text: str) -> str:
    """Rich text where amounts never wrap (Qt may break at the narrow no-break space of
    ``1 458,22 €``)."""
    return text.replace("\u202f", "\u00a0")


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 14px; font-weight: 600;")
    return label


class MoneyEdit(QLineEdit):
    """An amount typed as staff write it (``1 458,22``); :meth:`cents` parses it."""

    def __init__(self, cents: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setPlaceholderText("0,00 €")
        if cents is not None:
            self.set_cents(cents)

    def set_cents(self, cents: int) -> None:
        self.setText(format_eur(cents))

    def cents(self) -> int:
        """Raises ValueError when the text is not an amount."""
        return parse_eur(self.text())


class RateEdit(QLineEdit):
    """A rate typed in percent (``20``, ``1,5``), held in basis points."""

    def __init__(self, basis_points: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.set_basis_points(basis_points)

    def set_basis_points(self, basis_points: int) -> None:
        whole, rest = divmod(basis_points, 100)
        self.setText(f"{whole},{rest:02d}".rstrip("0").rstrip(","))

    def basis_points(self) -> int:
        """Raises ValueError when the text is not a percentage with two decimals at most.
        (A percentage with two decimals, read as an amount, is its basis points.)"""
        return parse_eur(self.text().replace("%", ""))


class DatesEditor(QWidget):
    """An ordered list of due dates, with a button to add one and one to remove each."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = QVBoxLayout()
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.edits: list[QDateEdit] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.rows)
        self.add_button = QPushButton(tr("Add a due date"))
        self.add_button.clicked.connect(self.add_after_last)
        layout.addWidget(self.add_button, alignment=Qt.AlignmentFlag.AlignLeft)

    def set_dates(self, dates: list[date] | tuple[date, ...]) -> None:
        while self.edits:
            self._remove(self.edits[-1])
        for day in dates:
            self.add(day)

    def dates(self) -> list[date]:
        return [from_qdate(edit.date()) for edit in self.edits]

    def add_after_last(self) -> None:
        last = self.dates()[-1] if self.edits else clock.today()
        month = last.month % 12 + 1
        year = last.year + (1 if last.month == 12 else 0)
        self.add(date(year, month, min(last.day, 28)))

    def add(self, day: date) -> None:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        edit = date_edit(day)
        edit.dateChanged.connect(lambda _date: self.changed.emit())
        remove = QToolButton()
        remove.setText("−")
        remove.setToolTip(tr("Remove this due date"))
        remove.clicked.connect(lambda: self._remove(edit))
        line.addWidget(edit)
        line.addWidget(remove)
        line.addStretch()
        self.rows.addWidget(row)
        self.edits.append(edit)
        self.changed.emit()

    def _remove(self, edit: QDateEdit) -> None:
        self.edits.remove(edit)
        row = edit.parentWidget()
        self.rows.removeWidget(row)
        row.deleteLater()
        self.changed.emit()

    def setEnabled(self, enabled: bool) -> None:
        super().setEnabled(enabled)
        self.add_button.setVisible(enabled)


def ask_save_path(parent: QWidget, title: str, suggested: str, pattern: str) -> Path | None:
    """Where to save a file (None when the user cancelled)."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
    return Path(path) if path else None


def ask_folder(parent: QWidget, title: str) -> Path | None:
    path = QFileDialog.getExistingDirectory(parent, title)
    return Path(path) if path else None


class LazyTab(QWidget):
    """A tab of the billing page: loads when first shown, reloads when the tables it shows
    change (at once when visible, when next shown otherwise)."""

    TABLES: tuple[str, ...] = ()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._stale = True
        self._asked = 0
        context.bus.changed.connect(self._on_changed)

    def latest(self, work: Callable[[Any], Any], show: Callable[[Any], None]) -> None:
        """Read in the background; an answer older than the last question is dropped (a
        slow read must not overwrite a newer one)."""
        self._asked += 1
        asked = self._asked
        run_query(
            self.context, self, work, lambda result: show(result) if asked == self._asked else None
        )

    def activated(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Reload from the database (F5)."""

    def focus_search(self) -> None:
        """Ctrl+F."""

    def _on_changed(self, touched: Touched) -> None:
        if concerns(touched, *self.TABLES):
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True


class SearchProxy(QSortFilterProxyModel):
    """Sorts on the columns' sort keys and keeps the rows where every word typed appears
    (without accents or case) in one of the cells."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.words: list[str] = []

    def search(self, text: str) -> None:
        self.beginFilterChange()
        self.words = fold(text).split()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
        if not self.words:
            return True
        model = self.sourceModel()
        cells = " ".join(
            fold(str(model.index(source_row, column, source_parent).data() or ""))
            for column in range(model.columnCount())
        )
        return all(word in cells for word in self.words)


Order = Qt.SortOrder


def searchable(
    table: DataTable, model: RowsModel[Any], column: int = 0, order: Order = Order.AscendingOrder
) -> SearchProxy:
    """Show ``model`` in ``table`` behind a :class:`SearchProxy`."""
    proxy = SearchProxy(table)
    proxy.setSourceModel(model)
    table.setModel(proxy)
    table.restore_layout()
    arrange(table, model, column, order)
    return proxy


def show_rows(
    table: DataTable, model: RowsModel[Any], column: int = 0, order: Order = Order.AscendingOrder
) -> None:
    """Show ``model`` in ``table``, sorted, columns fitted to their content."""
    table.set_rows_model(model)
    arrange(table, model, column, order)


def arrange(table: DataTable, model: RowsModel[Any], column: int, order: Order) -> None:
    """Sort as the user last did, else by ``column``; the first time rows arrive in this
    table on this workstation, fit the columns to them (the user's widths after that)."""
    header = table.horizontalHeader()
    if not QSettings().contains(f"tables/{table.layout_key}"):
        header.setSortIndicator(column, order)
    table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
    fitted = f"tables_fitted/{table.layout_key}"
    if QSettings().value(fitted, False, bool):
        return

    def fit() -> None:
        if model.rowCount():
            model.modelReset.disconnect(fit)
            table.resizeColumnsToContents()
            for index in range(model.columnCount()):
                table.setColumnWidth(index, min(table.columnWidth(index), MAX_COLUMN_WIDTH))
            QSettings().setValue(fitted, True)

    model.modelReset.connect(fit)

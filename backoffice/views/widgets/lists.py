"""A list in memory shown searchable and sorted, its columns fitted to their content.

``proxy = searchable(table, model, column=2, order=Qt.SortOrder.DescendingOrder)`` shows
``model`` in ``table`` behind a :class:`SearchProxy` (``proxy.search(text)`` keeps the rows
where every typed word appears, accents and case ignored), sorted as the user last did or
by ``column`` the first time; the first time rows arrive on a workstation, the columns are
fitted to them (:func:`fit_columns_once`), the user's widths after that.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSettings, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from backoffice.text import fold
from backoffice.views.widgets.rows_model import SORT_ROLE, RowsModel
from backoffice.views.widgets.table import DataTable, SortingByModel

MAX_COLUMN_WIDTH = 320
Order = Qt.SortOrder


class SearchProxy(SortingByModel):
    """Keeps the rows whose cells contain every word typed, without accents or case
    (``societe`` finds ``Société``). Sorting is the ``RowsModel``'s own, one key per row (a
    proxy sorting by itself calls ``data`` at each comparison: over a second for 5,000
    rows); another source model is sorted by the proxy on the columns' sort keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.words: list[str] = []

    def search(self, text: str) -> None:
        self.beginFilterChange()
        self.words = fold(text).split()
        self.endFilterChange()

    def filterAcceptsRow(
        self, source_row: int, parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self.words:
            return True
        model = self.sourceModel()
        cells = " ".join(
            fold(str(model.index(source_row, column, parent).data() or ""))
            for column in range(model.columnCount(parent))
        )
        return all(word in cells for word in self.words)


def searchable(
    table: DataTable, model: RowsModel[Any], column: int = 0, order: Order = Order.AscendingOrder
) -> SearchProxy:
    """Show ``model`` in ``table`` behind a :class:`SearchProxy`."""
    proxy = SearchProxy(table)
    proxy.setSourceModel(model)
    table.setModel(proxy)
    table.restore_layout()
    sort_first_time(table, column, order)
    fit_columns_once(table)
    return proxy


def show_rows(
    table: DataTable, model: RowsModel[Any], column: int = 0, order: Order = Order.AscendingOrder
) -> QSortFilterProxyModel:
    """Show ``model`` in ``table`` (the model sorts itself), sorted, columns fitted; the
    proxy is returned for the views that hide rows."""
    proxy = table.set_rows_model(model)
    sort_first_time(table, column, order)
    fit_columns_once(table)
    return proxy


def sort_first_time(table: DataTable, column: int, order: Order) -> None:
    """Sort as the user last did, else by ``column``."""
    header = table.horizontalHeader()
    if not QSettings().contains(f"tables/{table.layout_key}"):
        header.setSortIndicator(column, order)
    table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())


def _fitted_key(table: DataTable) -> str:
    return f"tables_fitted/{table.layout_key}"


def fit_columns(table: QTableView, widest: int = MAX_COLUMN_WIDTH) -> None:
    """Columns as wide as what they show (headers included), within reason; where they
    would run past the visible width, the widest give way first (down to
    ``NARROWEST_SHRUNK``) so that the last columns, often the amounts, stay on screen."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count()):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)
    if table.isVisible():  # a hidden table's width is not yet the one the user will see
        _shrink_to(header, table.viewport().width())


NARROWEST_SHRUNK = 140  # a name or a label cut shorter than this is no longer readable
HEADER_ROOM = 28  # a header's margins and its sort arrow, beside its title


def _shrink_to(header: QHeaderView, available: int) -> None:
    """Cut the widest shown columns to one level, the highest at which all fit; none is cut
    below ``NARROWEST_SHRUNK`` or its own title (a cut header no longer says what it is)."""
    sizes = {
        c: header.sectionSize(c) for c in range(header.count()) if not header.isSectionHidden(c)
    }
    if available <= 0 or sum(sizes.values()) <= available:
        return
    floors = {column: _floor(header, column, size) for column, size in sizes.items()}

    def total_at(level: int) -> int:
        return sum(max(min(size, level), floors[c]) for c, size in sizes.items())

    low, high = NARROWEST_SHRUNK, max(sizes.values())
    while low < high:  # the highest level whose total fits
        middle = (low + high + 1) // 2
        low, high = (middle, high) if total_at(middle) <= available else (low, middle - 1)
    for column, size in sizes.items():
        if size > max(low, floors[column]):
            header.resizeSection(column, max(low, floors[column]))


def _floor(header: QHeaderView, column: int, size: int) -> int:
    """How narrow ``column`` may become: its title whole, at least ``NARROWEST_SHRUNK``,
    never wider than it is."""
    title = str(header.model().headerData(column, Qt.Orientation.Horizontal) or "")
    titled = header.fontMetrics().horizontalAdvance(title) + HEADER_ROOM
    return min(size, max(NARROWEST_SHRUNK, titled))


def fit_columns_once(table: DataTable) -> None:
    """The first time rows are shown in this table on this workstation, fit the columns
    to them (until then, to their headers); the layout is then remembered like any the
    user makes."""
    if QSettings().value(_fitted_key(table), False, bool):
        return
    model = table.model()

    def fit() -> None:
        if QSettings().value(_fitted_key(table), False, bool):
            return
        if not model.rowCount():
            fit_columns(table)  # an empty list shows its headers whole
            return
        QSettings().setValue(_fitted_key(table), True)
        fit_columns(table)
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
            signal.disconnect(fit)

    for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
        signal.connect(fit)
    fit()

"""A table view set up the way staff expect it: sortable, whole-row selection, keyboard
friendly, and its column layout remembered between sessions (QSettings)."""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import QItemSelectionModel, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from backoffice.views.widgets.rows_model import RowsModel

Row = TypeVar("Row")


class SortingByModel(QSortFilterProxyModel):
    """A filtering proxy that leaves sorting to its ``RowsModel`` (much faster in Python
    than the proxy's own comparisons, each a call to ``data``)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, RowsModel):
            source.sort(column, order)
        else:
            super().sort(column, order)


class DataTable(QTableView):
    """``activated_row`` fires on double-click and Enter with the model row."""

    activated_row = Signal(int)

    def __init__(self, layout_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_key = layout_key
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        # Fixed row heights: with tens of thousands of rows, Qt then never measures them.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self.save_layout)
        header.sectionMoved.connect(self.save_layout)
        header.sortIndicatorChanged.connect(self.save_layout)
        self.doubleClicked.connect(lambda index: self._activate(index.row()))
        self._restoring = False
        # Nothing is remembered before the layout was restored once: a sort indicator set
        # while building would otherwise save Qt's default widths as the user's.
        self._layout_ready = False

    def set_rows_model(self, model: RowsModel) -> QSortFilterProxyModel:
        """Show an in-memory model: the model sorts itself (one key per row); the proxy is
        there for the pages that filter rows out."""
        proxy = SortingByModel(self)
        proxy.setSourceModel(model)
        self.setModel(proxy)
        self.restore_layout()
        # The header shows a sort indicator from the start: make the rows follow it (the
        # proxy then keeps them sorted as they change).
        header = self.horizontalHeader()
        proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        return proxy

    def source_row(self, view_row: int) -> int:
        model = self.model()
        if isinstance(model, QSortFilterProxyModel):
            return model.mapToSource(model.index(view_row, 0)).row()
        return view_row

    def selected_source_rows(self) -> list[int]:
        rows = (
            {index.row() for index in self.selectionModel().selectedRows()}
            if self.selectionModel()
            else set()
        )
        return sorted(self.source_row(row) for row in rows)

    def select_view_row(self, view_row: int) -> None:
        """Make the row shown at ``view_row`` the current, selected one, scrolled to."""
        index = self.model().index(view_row, 0)
        self.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index)

    def select_source_row(self, source_row: int) -> bool:
        """The same for the model's row ``source_row``; False when a filter hides it."""
        model = self.model()
        if isinstance(model, QSortFilterProxyModel):
            index = model.mapFromSource(model.sourceModel().index(source_row, 0))
        else:
            index = model.index(source_row, 0)
        if not index.isValid():
            return False
        self.select_view_row(index.row())
        return True

    def current_source_row(self) -> int | None:
        index = self.currentIndex()
        return self.source_row(index.row()) if index.isValid() else None

    def current_of(self, model: RowsModel[Row]) -> Row | None:
        """The row of ``model`` (the one this table shows) under the cursor, or None (also
        while the model is being reset)."""
        row = self.current_source_row()
        return model.row_at(row) if row is not None and row < len(model.rows) else None

    def select_key(self, model: RowsModel[Any], key: object) -> bool:
        """Select the row of ``model`` whose key is ``key`` (a row kept selected across a
        reload); False when there is none or a filter hides it."""
        position = model.position_of(key)
        return position is not None and self.select_source_row(position)

    def _activate(self, view_row: int) -> None:
        if view_row >= 0:
            self.activated_row.emit(self.source_row(view_row))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activate(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    # -- remembered layout ----------------------------------------------------------------

    def save_layout(self) -> None:
        if self._layout_ready and not self._restoring and self.model() is not None:
            QSettings().setValue(f"tables/{self.layout_key}", self.horizontalHeader().saveState())

    def restore_layout(self, default_widths: list[int] | None = None) -> None:
        """The columns as the user left them, or ``default_widths`` the first time."""
        self._layout_ready = True
        state = QSettings().value(f"tables/{self.layout_key}")
        if state is None and default_widths:
            self._restoring = True
            for column, width in enumerate(default_widths):
                self.setColumnWidth(column, width)
            self._restoring = False
        if state is not None:
            self._restoring = True
            try:
                self.horizontalHeader().restoreState(state)
            finally:
                self._restoring = False

"""A table model for lists too long to hold: the ordered ids of a search, rows fetched a
page at a time, sorting asked of SQL.

The model keeps every matching id (so the scrollbar is true) and a cache of the rows
already fetched; a row not fetched yet shows "…" while its page is requested through
``fetch_rows``. A header click emits ``sort_requested`` with the column's SQL sort key: the
page runs the search again, sorted by the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from backoffice.i18n import tr
from backoffice.views.widgets.rows_model import ColumnsModel

PAGE_SIZE = 100
ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
    }
)
Index = QModelIndex | QPersistentModelIndex


class HasId(Protocol):
    @property
    def id(self) -> int: ...


Row = TypeVar("Row", bound=HasId)
RowFetcher = Callable[[list[int]], None]  # asks for the rows of these ids, in the background


@dataclass(frozen=True)
class LazyColumn(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    sort_key: str | None = None  # the search's SQL sort key; None: not sortable
    align_right: bool = False


class LazyRowsModel(ColumnsModel, Generic[Row]):
    sort_requested = Signal(str, bool)  # SQL sort key, descending

    def __init__(
        self,
        columns: Sequence[LazyColumn[Row]],
        fetch_rows: RowFetcher,
        *,
        background: Callable[[Row], QColor | None] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.fetch_rows = fetch_rows
        self._background = background
        self.ids: list[int] = []
        self.position: dict[int, int] = {}
        self.cache: dict[int, Row] = {}
        self.requested_pages: set[int] = set()

    # -- content ------------------------------------------------------------------------

    def set_result(self, ids: list[int], first_rows: Sequence[Row]) -> None:
        """A new search result: its ordered ids and the rows of its first page."""
        self.beginResetModel()
        self.ids = ids
        self.position = {row_id: row for row, row_id in enumerate(ids)}
        self.cache = {row.id: row for row in first_rows}
        self.requested_pages = set()  # the first page may be shorter than a fetched page
        self.endResetModel()

    def add_rows(self, rows: Sequence[Row]) -> None:
        """Rows arrived from the database (a requested page, or rows that changed)."""
        shown = []
        for row in rows:
            if row.id in self.position:
                self.cache[row.id] = row
                shown.append(self.position[row.id])
        if shown:
            last = len(self.columns) - 1
            self.dataChanged.emit(self.index(min(shown), 0), self.index(max(shown), last))

    def forget(self, ids: set[int]) -> list[int]:
        """Drop the cached rows that changed; returns those to fetch again."""
        stale = [row_id for row_id in ids if row_id in self.cache]
        for row_id in stale:
            del self.cache[row_id]
        return stale

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_at(self, row: int) -> Row | None:
        row_id = self.id_at(row)
        return self.cache.get(row_id) if row_id is not None else None

    # -- Qt model interface ---------------------------------------------------------------

    def row_count(self) -> int:
        return len(self.ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A paint asks a dozen roles per cell: answer the unused ones first, and fast.
        if role not in ANSWERED_ROLES or not index.isValid() or index.row() >= len(self.ids):
            return None
        row = self.cache.get(self.ids[index.row()])
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request_page(index.row() // PAGE_SIZE)
                return "…"
            return None
        return self.cell(row, self.columns[index.column()], role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].sort_key is None:
            return tr("This column cannot be sorted.")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else None
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)

    def _request_page(self, page: int) -> None:
        if page in self.requested_pages:
            return
        self.requested_pages.add(page)
        missing = [
            row_id
            for row_id in self.ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            if row_id not in self.cache
        ]
        if missing:
            self.fetch_rows(missing)

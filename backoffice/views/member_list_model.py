"""The member list's model: all matching ids, rows fetched a page at a time.

Sorting and filtering run in SQL (the model asks for them through ``sort_requested``); the
model holds the ordered ids of the result, so the scrollbar is true, and a cache of the
rows already fetched. A row not yet fetched shows "…" while its page is requested.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from backoffice.i18n import tr
from backoffice.models.members import MemberStatus
from backoffice.services.members import MemberRow

PAGE_SIZE = 100
Index = QModelIndex | QPersistentModelIndex
RowFetcher = Callable[[list[int]], None]
OVERDUE_COLOUR = QColor("#fde8e8")
CEASED_COLOUR = QColor("#eeeeee")


def status_label(status: MemberStatus) -> str:
    return tr("Active") if status == MemberStatus.ACTIVE else tr("Ceased")


# (title, text of the row, SQL sort key or None when the column cannot be sorted)
COLUMNS: list[tuple[Callable[[], str], Callable[[MemberRow], str], str | None]] = [
    (lambda: tr("Code"), lambda r: r.member_code, "member_code"),
    (lambda: tr("Legal name"), lambda r: r.legal_name, "legal_name"),
    (lambda: tr("SIRET"), lambda r: r.siret, "siret"),
    (lambda: tr("Postcode"), lambda r: r.postcode, "postcode"),
    (lambda: tr("City"), lambda r: r.city, "city"),
    (lambda: tr("Centre"), lambda r: r.centre or "", None),
    (lambda: tr("Employees"), lambda r: str(r.employees), None),
    (lambda: tr("SEPA"), lambda r: tr("Yes") if r.sepa else "", None),
    (lambda: tr("Status"), lambda r: status_label(r.status), "status"),
    (lambda: tr("Overdue"), lambda r: tr("Yes") if r.overdue else "", None),
]


class MemberListModel(QAbstractTableModel):
    sort_requested = Signal(str, bool)  # SQL sort key, descending

    def __init__(self, fetch_rows: RowFetcher, parent: Any = None) -> None:
        super().__init__(parent)
        self.fetch_rows = fetch_rows
        self.ids: list[int] = []
        self.position: dict[int, int] = {}
        self.cache: dict[int, MemberRow] = {}
        self.requested_pages: set[int] = set()

    def set_result(self, ids: list[int], first_rows: list[MemberRow]) -> None:
        self.beginResetModel()
        self.ids = ids
        self.position = {member_id: row for row, member_id in enumerate(ids)}
        self.cache = {row.id: row for row in first_rows}
        self.requested_pages = set()
        self.endResetModel()

    def add_rows(self, rows: list[MemberRow]) -> None:
        """Rows arrived from the database (a requested page, or a refresh of changed ids)."""
        touched = []
        for row in rows:
            if row.id in self.position:
                self.cache[row.id] = row
                touched.append(self.position[row.id])
        if touched:
            self.dataChanged.emit(
                self.index(min(touched), 0), self.index(max(touched), len(COLUMNS) - 1)
            )

    def forget(self, member_ids: set[int]) -> list[int]:
        """Drop cached rows that changed; returns those on screen to fetch again."""
        stale = [member_id for member_id in member_ids if member_id in self.cache]
        for member_id in stale:
            del self.cache[member_id]
        return stale

    def member_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, row: int) -> MemberRow | None:
        member_id = self.member_id(row)
        return self.cache.get(member_id) if member_id is not None else None

    # -- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.ids):
            return None
        row = self.cache.get(self.ids[index.row()])
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request_page(index.row() // PAGE_SIZE)
                return "…"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][1](row)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.overdue:
                return QBrush(OVERDUE_COLOUR)
            if row.status == MemberStatus.CEASED:
                return QBrush(CEASED_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]()
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and COLUMNS[section][2] is None
        ):
            return tr("This column cannot be sorted.")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][2] if 0 <= column < len(COLUMNS) else None
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)

    def _request_page(self, page: int) -> None:
        if page in self.requested_pages:
            return
        self.requested_pages.add(page)
        missing = [
            member_id
            for member_id in self.ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            if member_id not in self.cache
        ]
        if missing:
            self.fetch_rows(missing)

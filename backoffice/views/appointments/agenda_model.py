"""The agenda grid as a Qt table: rows are times, columns are days and professionals;
each cell painted booked (by status), free, past, blocked or closed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import AppointmentStatus
from backoffice.services.appointments.agenda import (
    AgendaColumn,
    AgendaGrid,
    Cell,
    CellKind,
    Scope,
)
from backoffice.views import labels
from backoffice.views.appointments.common import COLOURS, hours_text, short_day

Index = QModelIndex | QPersistentModelIndex
CELL_ROLE = Qt.ItemDataRole.UserRole + 10

_KIND_BRUSH = {
    CellKind.FREE: QBrush(COLOURS["free"]),
    CellKind.PAST: QBrush(COLOURS["past"]),
    CellKind.OUTSIDE: QBrush(COLOURS["outside"]),
    CellKind.BLOCKED: QBrush(COLOURS["blocked"]),
}
_STATUS_BRUSH = {status: QBrush(COLOURS[status]) for status in AppointmentStatus}


class AgendaModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid: AgendaGrid | None = None
        self.visit_labels: dict[str, str] = {}
        self._columns: list[str] = []  # header texts, computed once per grid
        self._rows: list[str] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_grid(self, grid: AgendaGrid, visit_labels: dict[str, str]) -> None:
        self.beginResetModel()
        self.grid = grid
        self.visit_labels = visit_labels
        self._columns = [self._column_title(grid, column) for column in grid.columns]
        self._rows = [moment.strftime("%H:%M") for moment in grid.times]
        self.endResetModel()

    def cell(self, row: int, column: int) -> Cell | None:
        if self.grid is None or not (
            0 <= column < len(self.grid.columns) and 0 <= row < len(self.grid.times)
        ):
            return None
        return self.grid.cells[column][row]

    # -- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.grid is None else len(self.grid.times)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index.row(), index.column()) if index.isValid() else None
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cell)
        if role == Qt.ItemDataRole.BackgroundRole:
            if cell.appointment is not None:
                return _STATUS_BRUSH[cell.appointment.status]
            return _KIND_BRUSH[cell.kind]
        if role == Qt.ItemDataRole.FontRole and cell.first and cell.appointment is not None:
            return self._bold
        if role == CELL_ROLE:
            return cell
        return None

    def _text(self, cell: Cell) -> str:
        if not cell.first:
            return ""
        if cell.appointment is not None:
            visit = self.visit_labels.get(cell.appointment.visit_type_code, "")
            return f"{cell.appointment.employee} · {visit}"
        if cell.block is not None:
            return cell.block.reason
        return ""

    def _tooltip(self, cell: Cell) -> str:
        if cell.appointment is not None:
            a = cell.appointment
            return "\n".join(
                [
                    f"{a.employee} — {a.member_code} {a.member_name}",
                    self.visit_labels.get(a.visit_type_code, a.visit_type_code),
                    f"{hours_text(a.starts_at, a.ends_at)} · {a.centre}",
                    labels.label(a.status),
                ]
            )
        if cell.block is not None:
            return tr(
                "Blocked {hours}: {reason}",
                hours=hours_text(cell.block.period.starts_at, cell.block.period.ends_at),
                reason=cell.block.reason,
            )
        if cell.kind == CellKind.FREE:
            centre = self.grid.centres.get(cell.centre_id or 0, "") if self.grid else ""
            return tr(
                "Free at {time} ({centre}): Enter to book", time=self._time(cell), centre=centre
            )
        return ""

    @staticmethod
    def _time(cell: Cell) -> str:
        return clock.local(cell.starts_at).strftime("%H:%M")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = self._rows if orientation == Qt.Orientation.Vertical else self._columns
        return titles[section] if 0 <= section < len(titles) else None

    @staticmethod
    def _column_title(grid: AgendaGrid, column: AgendaColumn) -> str:
        if grid.query.scope == Scope.PROFESSIONAL:
            return short_day(column.day)
        if grid.query.days == 1:
            return column.professional
        return f"{short_day(column.day)}\n{column.professional}"

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class DaySeparator(QStyledItemDelegate):
    """A darker line where a new day starts in the week of a centre."""

    PEN = QPen(QColor("#5b6b82"), 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        model = index.model()
        grid = model.grid if isinstance(model, AgendaModel) else None
        column = index.column()
        if grid is None or column == 0 or column >= len(grid.columns):
            return
        if grid.columns[column].day != grid.columns[column - 1].day:
            painter.save()
            painter.setPen(self.PEN)
            rect = option.rect  # type: ignore[attr-defined]
            painter.drawLine(rect.topLeft(), rect.bottomLeft())
            painter.restore()

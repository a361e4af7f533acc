"""The table of a request's fields: fixed decision and label columns; the values share
what is left with the remark, which gets the most (it holds sentences); as tall as its rows."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QTableView


class FieldsTable(QTableView):
    FIXED = (110, 130)
    SHARES = (0.28, 0.28, 0.44)  # current value, submitted value, remark

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        rest = max(self.viewport().width() - sum(self.FIXED), 240)
        widths = [*self.FIXED, *(int(rest * share) for share in self.SHARES)]
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)

    def fit_height(self) -> None:
        """As tall as its rows (the consequences follow right below), up to a limit."""
        self.resizeRowsToContents()
        rows = sum(self.rowHeight(row) for row in range(self.model().rowCount()))
        height = self.horizontalHeader().height() + rows + 2 * self.frameWidth() + 2
        self.setFixedHeight(min(max(height, 80), 520))

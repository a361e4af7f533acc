"""When someone else changed a record meanwhile: their values and yours, side by side."""

from __future__ import annotations

import enum

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.views.widgets.dialogs import note

DIFFERENCE = QColor("#fff4ce")


class Resolution(enum.Enum):
    KEEP_MINE = "keep_mine"  # save my values over the new version
    TAKE_THEIRS = "take_theirs"  # reload the form with the current values
    CONTINUE = "continue"  # go back to the form, nothing decided


class ConflictDialog(QDialog):
    """``rows``: (field label, the value when I opened, my value, the current value)."""

    def __init__(
        self, parent: QWidget | None, message: str, rows: list[tuple[str, str, str, str]]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Changed by someone else"))
        self.resolution = Resolution.CONTINUE
        self.rows = rows
        layout = QVBoxLayout(self)
        text = note(message)
        layout.addWidget(text)
        table = QTableWidget(len(rows), 4)
        table.setHorizontalHeaderLabels(
            [tr("Field"), tr("When you opened it"), tr("Your value"), tr("Current value")]
        )
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (2, 3) and values[2] != values[3]:
                    item.setBackground(QBrush(DIFFERENCE))
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(table)
        buttons = QDialogButtonBox()
        keep = buttons.addButton(tr("Save my values"), QDialogButtonBox.ButtonRole.AcceptRole)
        take = buttons.addButton(
            tr("Take the current values"), QDialogButtonBox.ButtonRole.ResetRole
        )
        back = buttons.addButton(tr("Back to the form"), QDialogButtonBox.ButtonRole.RejectRole)
        keep.clicked.connect(lambda: self._choose(Resolution.KEEP_MINE))
        take.clicked.connect(lambda: self._choose(Resolution.TAKE_THEIRS))
        back.clicked.connect(lambda: self._choose(Resolution.CONTINUE))
        layout.addWidget(buttons)
        self.resize(760, 360)

    def _choose(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self.accept()

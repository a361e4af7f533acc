"""Small widgets of the billing screens: headings, amounts that never wrap, a list of due
dates (the rest comes from ``views/widgets``)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from backoffice import clock
from backoffice.i18n import tr
from backoffice.views.widgets.inputs import DateInput

WARNING_STYLE = "color: #8a5300"


def unbreakable(text: str) -> str:
    """Rich text where amounts never wrap (Qt may break at the narrow no-break space of
    ``1 458,22 €``)."""
    return text.replace("\u202f", "\u00a0")


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 14px; font-weight: 600;")
    return label


class DatesEditor(QWidget):
    """An ordered list of due dates, with a button to add one and one to remove each."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = QVBoxLayout()
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.edits: list[DateInput] = []
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
        """The days typed; ValueError (a French sentence) when one is not a day."""
        return [day for edit in self.edits if (day := edit.day()) is not None]

    def add_after_last(self) -> None:
        last = next(
            (day for edit in reversed(self.edits) if edit.is_valid() and (day := edit.day())),
            clock.today(),
        )
        month = last.month % 12 + 1
        year = last.year + (1 if last.month == 12 else 0)
        self.add(date(year, month, min(last.day, 28)))

    def add(self, day: date) -> None:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        edit = DateInput(day)
        edit.day_changed.connect(lambda _day: self.changed.emit())
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

    def _remove(self, edit: DateInput) -> None:
        self.edits.remove(edit)
        row = edit.parentWidget()
        self.rows.removeWidget(row)
        row.deleteLater()
        self.changed.emit()

    def setEnabled(self, enabled: bool) -> None:
        super().setEnabled(enabled)
        self.add_button.setVisible(enabled)

"""The review of a collection as a table: one line per instalment, a check box to keep
it in the file (only lines without a blocking anomaly can be kept)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from backoffice.i18n import tr
from backoffice.services.sepa.selection import ReviewLine
from backoffice.views import labels
from backoffice.views.sepa.common import formatted_iban
from backoffice.views.widgets.rows_model import Column, RowsModel, date_column, money_column

Index = QModelIndex | QPersistentModelIndex
LEFT_OUT = QColor("#fbe3e3")
NOTE = QColor("#fff3cd")
CHECK_COLUMN = 0


def anomaly_text(line: ReviewLine) -> str:
    return " ".join(
        anomaly.message + (f" ({tr('overridden')})" if anomaly.overridden else "")
        for anomaly in line.anomalies
    )


def review_columns() -> list[Column[ReviewLine]]:
    return [
        Column(tr("Member"), lambda r: r.member_code),
        Column(tr("Company"), lambda r: r.member_name),
        Column(tr("Invoice"), lambda r: r.invoice_number),
        Column(tr("Instalment"), lambda r: str(r.position), lambda r: r.position),
        date_column(tr("Due on"), lambda r: r.due_on),
        money_column(tr("Amount"), lambda r: r.amount_cents),
        Column(tr("Anomalies"), anomaly_text, tooltip=anomaly_text),
        Column(tr("RUM"), lambda r: r.rum or ""),
        Column(tr("IBAN"), lambda r: formatted_iban(r.iban) if r.iban else ""),
        Column(tr("Sequence"), lambda r: r.sequence or ""),
        Column(tr("State"), lambda r: labels.sepa_state(r.sepa_state)),
    ]


class ReviewModel(RowsModel[ReviewLine]):
    """``chosen_changed`` fires when a box is ticked or cleared."""

    chosen_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column(tr("In the file"), lambda _r: "", lambda r: int(self.is_chosen(r))),
                *review_columns(),
            ],
            background=self._colour,
            key=lambda line: line.instalment_id,
            parent=parent,
        )
        self.left_out: set[int] = set()  # ids the user unticked

    def set_rows(self, rows: Sequence[ReviewLine], *, keep_choices: bool = False) -> None:
        """``keep_choices``: the same collection read again (a change elsewhere): the
        lines the user unticked stay unticked."""
        kept = {line.instalment_id for line in rows} & self.left_out if keep_choices else set()
        self.left_out = kept
        super().set_rows(rows)
        self.chosen_changed.emit()

    def is_chosen(self, line: ReviewLine) -> bool:
        return line.included and line.instalment_id not in self.left_out

    def chosen(self) -> list[ReviewLine]:
        return [line for line in self.rows if self.is_chosen(line)]

    def choose_all(self, chosen: bool) -> None:
        self.left_out = set() if chosen else {line.instalment_id for line in self.rows}
        if self.rows:
            self.dataChanged.emit(
                self.index(0, CHECK_COLUMN), self.index(len(self.rows) - 1, CHECK_COLUMN)
            )
        self.chosen_changed.emit()

    @staticmethod
    def _colour(line: ReviewLine) -> QColor | None:
        if not line.included:
            return LEFT_OUT
        return NOTE if line.anomalies else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == CHECK_COLUMN and self.rows[index.row()].included:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            index.isValid()
            and index.column() == CHECK_COLUMN
            and role == Qt.ItemDataRole.CheckStateRole
            and index.row() < len(self.rows)
        ):
            line = self.rows[index.row()]
            if not line.included:
                return None  # no box: a blocking anomaly keeps it out of the file
            return Qt.CheckState.Checked if self.is_chosen(line) else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != CHECK_COLUMN
            or role != Qt.ItemDataRole.CheckStateRole
            or not self.rows[index.row()].included
        ):
            return False
        line = self.rows[index.row()]
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        if checked:
            self.left_out.discard(line.instalment_id)
        else:
            self.left_out.add(line.instalment_id)
        self.dataChanged.emit(index, index, [role])
        self.chosen_changed.emit()
        return True

"""The fields of a request under review: current and submitted values side by side, the
differences highlighted, and the reviewer's decision on each (a tick approves; a field in
conflict starts undecided and needs an explicit tick or untick)."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from backoffice.i18n import tr
from backoffice.models.change_requests import FieldDecision
from backoffice.services.changes.assessment import FieldAssessment
from backoffice.services.changes.plans import FieldChoice

Index = QModelIndex | QPersistentModelIndex
CHANGED = QColor("#fff4ce")  # the submitted value differs from the record
CONFLICT = QColor("#ffd8a8")
PROBLEM = QColor("#f8d0d0")
NOTE = QColor("#dbe8ff")
REJECTED = QColor("#eeeeee")
LONG_WORD = 18
DECISION, FIELD, CURRENT, SUBMITTED, REMARK = range(5)


class Choice(enum.Enum):
    APPROVE = "approve"
    REJECT = "reject"
    UNDECIDED = "undecided"
    WAITING = "waiting"  # not decided yet, shown to someone who may not decide


class ReviewFieldsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.fields: list[FieldAssessment] = []
        self.choices: list[Choice] = []
        self.reasons: list[str] = []
        self.confirmed: list[bool] = []
        self.editable = False
        self.marked: set[str] = set()  # fields the last refusal named
        self.groups: tuple[tuple[str, ...], ...] = ()  # fields decided together

    # -- content ----------------------------------------------------------------------------

    def load(
        self,
        fields: tuple[FieldAssessment, ...],
        *,
        editable: bool,
        refusal: str | None,
        groups: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        """``refusal``: why the request can only be rejected (every field starts rejected);
        ``groups``: fields that go together (an address): ticked and unticked together."""
        self.beginResetModel()
        self.groups = groups
        self.fields = list(fields)
        self.editable = editable
        self.marked = set()
        self.choices, self.reasons = [], []
        for field in self.fields:
            choice, reason = _initial(field, editable, refusal)
            self.choices.append(choice)
            self.reasons.append(reason)
        self.confirmed = [False] * len(self.fields)
        self.endResetModel()

    def undecided(self) -> list[int]:
        return [row for row, choice in enumerate(self.choices) if choice == Choice.UNDECIDED]

    def rejected_without_reason(self) -> list[int]:
        return [
            row
            for row, choice in enumerate(self.choices)
            if choice == Choice.REJECT and not self.reasons[row].strip()
        ]

    def set_reason(self, rows: list[int], reason: str) -> None:
        for row in rows:
            self.reasons[row] = reason
            self._changed(row)

    def field_choices(self) -> dict[str, FieldChoice]:
        """What the service receives (call once nothing is undecided)."""
        return {
            field.name: FieldChoice(
                approve=self.choices[row] == Choice.APPROVE,
                reason=self.reasons[row].strip() or None,
                confirm_conflict=self.confirmed[row],
            )
            for row, field in enumerate(self.fields)
        }

    def mark(self, names: set[str]) -> None:
        self.marked = names
        if self.fields:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.fields) - 1, REMARK))

    def reason_at(self, row: int) -> str:
        return self.reasons[row]

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, REMARK))

    # -- Qt model interface ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.fields)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return [
            tr("Decision"),
            tr("Field"),
            tr("Current value"),
            tr("Submitted value"),
            tr("Remark"),
        ][section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and index.column() == DECISION:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.fields):
            return None
        row, column = index.row(), index.column()
        field = self.fields[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column, field)
        if role == Qt.ItemDataRole.CheckStateRole and column == DECISION:
            if self.choices[row] == Choice.WAITING:
                return None
            return {
                Choice.APPROVE: Qt.CheckState.Checked,
                Choice.REJECT: Qt.CheckState.Unchecked,
                Choice.UNDECIDED: Qt.CheckState.PartiallyChecked,
            }[self.choices[row]]
        if role == Qt.ItemDataRole.BackgroundRole:
            color = self._background(row, column, field)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and column in (REMARK, SUBMITTED, CURRENT):
            return self._text(row, column, field).replace("\u200b", "") or None
        if role == Qt.ItemDataRole.FontRole and column == SUBMITTED and field.changes:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self.editable:
            return False
        row = index.row()
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == DECISION:
            approve = Qt.CheckState(value) == Qt.CheckState.Checked
            for member in self.together_with(row):
                self.choices[member] = Choice.APPROVE if approve else Choice.REJECT
                self.confirmed[member] = approve and self.fields[member].conflict is not None
                self._changed(member)
            return True
        return False

    def together_with(self, row: int) -> list[int]:
        """``row`` and the rows of the fields that go with it (the rest of its address)."""
        name = self.fields[row].name
        group = next((group for group in self.groups if name in group), (name,))
        return [other for other, field in enumerate(self.fields) if field.name in group]

    # -- presentation -----------------------------------------------------------------------------

    def _text(self, row: int, column: int, field: FieldAssessment) -> str:
        if column == DECISION:
            return {
                Choice.APPROVE: tr("Approved"),
                Choice.REJECT: tr("Rejected"),
                Choice.UNDECIDED: tr("To choose"),
                Choice.WAITING: tr("Waiting"),
            }[self.choices[row]]
        if column == FIELD:
            return field.label
        if column == CURRENT:
            return breakable(field.current_display) or "—"
        if column == SUBMITTED:
            return breakable(field.submitted_display) or "—"
        remark = field.problem or field.conflict or field.note or ""
        reason = self.reasons[row].strip() if self.choices[row] == Choice.REJECT else ""
        if reason and reason != remark:
            remark = "\n".join(filter(None, (remark, tr("Reason: {reason}", reason=reason))))
        return breakable(remark)

    def _background(self, row: int, column: int, field: FieldAssessment) -> QColor | None:
        if field.name in self.marked and column in (DECISION, FIELD):
            return PROBLEM
        if column == REMARK:
            if field.problem:
                return PROBLEM
            return CONFLICT if field.conflict else NOTE if field.note else None
        if column == DECISION and self.choices[row] == Choice.UNDECIDED:
            return CONFLICT
        if self.choices[row] == Choice.REJECT and column in (FIELD, CURRENT, SUBMITTED):
            return REJECTED
        if column == SUBMITTED and field.changes:
            return CHANGED
        return None


def breakable(text: str) -> str:
    """Let long emails and IBANs wrap in their cell (after @ and dots) instead of being cut."""
    return " ".join(
        word.replace("@", "@\u200b").replace(".", ".\u200b") if len(word) > LONG_WORD else word
        for word in text.split(" ")
    )


def _initial(field: FieldAssessment, editable: bool, refusal: str | None) -> tuple[Choice, str]:
    """The decision a field starts with: its recorded decision once decided; otherwise
    approved, unless the value is invalid (rejected, its problem as the reason) or in
    conflict (undecided: the reviewer must choose)."""
    if not editable:
        if field.decision == FieldDecision.APPROVED:
            return Choice.APPROVE, ""
        if field.decision == FieldDecision.REJECTED:
            return Choice.REJECT, field.reason or ""
        return Choice.WAITING, ""
    if refusal:
        return Choice.REJECT, ""
    if field.problem:
        return Choice.REJECT, field.problem
    if field.conflict:
        return Choice.UNDECIDED, ""
    return Choice.APPROVE, ""

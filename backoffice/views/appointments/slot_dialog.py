"""Choosing a free slot for an employee: the proposals of the member's referent
professional at the member's centre first, any other professional or period on demand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.proposals import (
    Proposals,
    ProposedSlot,
    SlotSearch,
    propose_slots,
)
from backoffice.views.appointments.common import (
    centre_combo,
    day_label,
    fill_professionals,
    hours_text,
    select_data,
    visit_combo,
)
from backoffice.views.widgets.inputs import DateInput, typed_day
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.operations import Latest
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable

REFERENT = "referent"
EVERYONE = "everyone"


@dataclass(frozen=True)
class SlotRequest:
    """What the dialog searches for, and what it says about it."""

    employee_id: int
    visit_type_code: str
    heading: str  # who and why, shown on top
    first_day: date | None = None
    last_day: date | None = None
    professional_id: int | None = None  # None: the member's referent
    centre_id: int | None = None  # None: the member's centre
    excluding: int | None = None  # the appointment being moved
    visit_can_change: bool = False


def slot_columns() -> list[Column[ProposedSlot]]:
    return [
        Column(
            tr("Day"), lambda s: day_label(clock.local(s.starts_at).date()), lambda s: s.starts_at
        ),
        Column(tr("Time"), lambda s: hours_text(s.starts_at, s.ends_at), lambda s: s.starts_at),
        Column(tr("Professional"), lambda s: s.professional),
        Column(tr("Centre"), lambda s: s.centre),
    ]


class SlotDialog(QDialog):
    """``chosen`` (and ``visit_type_code``) once the user picked a slot."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        choices: NetworkChoices,
        request: SlotRequest,
        *,
        title: str,
        action: str,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.request = request
        self.choices = choices
        self.chosen: ProposedSlot | None = None
        self.latest = Latest(self)
        self.setWindowTitle(title)
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        heading = QLabel(request.heading)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addLayout(self._filters())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8a5300")
        layout.addWidget(self.note)
        self.model: RowsModel[ProposedSlot] = RowsModel(slot_columns())
        self.table = DataTable("appointment_slots")
        self.table.set_rows_model(self.model)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the soonest first, always
        fit_columns_once(self.table)
        self.table.activated_row.connect(lambda _row: self._choose())
        layout.addWidget(self.table)
        self.count = QLabel()
        layout.addWidget(self.count)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.choose_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.choose_button.setDefault(True)
        buttons.accepted.connect(self._choose)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search()

    def _filters(self) -> QGridLayout:
        grid = QGridLayout()
        self.visit = visit_combo(self.choices, self.request.visit_type_code)
        self.visit.setEnabled(self.request.visit_can_change)
        self.professional = self._professional_combo()
        self.centre = centre_combo(self.choices, everyone=tr("The member's centre"))
        select_data(self.centre, self.request.centre_id)
        first = self.request.first_day or clock.today()
        self.first = DateInput(first)
        self.last = DateInput(self.request.last_day or first + timedelta(days=30))
        again = QPushButton(tr("Search"))
        again.clicked.connect(self.search)
        grid.addWidget(QLabel(tr("Visit")), 0, 0)
        grid.addWidget(self.visit, 0, 1, 1, 3)
        grid.addWidget(QLabel(tr("Professional")), 1, 0)
        grid.addWidget(self.professional, 1, 1)
        grid.addWidget(QLabel(tr("Centre")), 1, 2)
        grid.addWidget(self.centre, 1, 3)
        grid.addWidget(QLabel(tr("From")), 2, 0)
        grid.addWidget(self.first, 2, 1)
        grid.addWidget(QLabel(tr("Until")), 2, 2)
        grid.addWidget(self.last, 2, 3)
        grid.addWidget(again, 2, 4)
        for combo in (self.visit, self.professional, self.centre):
            combo.currentIndexChanged.connect(lambda _index: self.search())
        for edit in (self.first, self.last):
            edit.day_changed.connect(lambda _day: self.search())
        return grid

    def _professional_combo(self) -> QComboBox:
        combo = QComboBox()
        fill_professionals(combo, self.choices)
        combo.insertItem(0, tr("The member's referent"), REFERENT)
        combo.insertItem(1, tr("Every professional of the centre"), EVERYONE)
        select_data(combo, self.request.professional_id or REFERENT)
        return combo

    def search(self) -> None:
        first, last = (typed_day(edit, self.count) for edit in (self.first, self.last))
        if first is None or last is None:
            return
        professional = self.professional.currentData()
        search = SlotSearch(
            employee_id=self.request.employee_id,
            visit_type_code=self.visit.currentData(),
            professional_id=professional if isinstance(professional, int) else None,
            centre_id=self.centre.currentData(),
            first_day=first,
            last_day=last,
            excluding=self.request.excluding,
            any_professional=professional == EVERYONE,
        )
        actor = self.context.actor
        self.count.setText(tr("Searching…"))
        self.latest.read(lambda session: propose_slots(session, actor, search), self._show)

    def _show(self, proposals: Proposals) -> None:
        self.model.set_rows(proposals.slots)
        self.note.setText(proposals.note)
        self.note.setVisible(bool(proposals.note))
        dates = {
            "first": format_day(proposals.first_day),
            "last": format_day(proposals.last_day),
        }
        self.count.setText(
            tr(
                "The first {count} free slots from {first} to {last}",
                count=len(proposals.slots),
                **dates,
            )
            if proposals.limited
            else ntr(
                "{count} free slot from {first} to {last}",
                "{count} free slots from {first} to {last}",
                len(proposals.slots),
                **dates,
            )
        )
        if proposals.slots:
            self.table.selectRow(0)
            self.table.setFocus()
        self.choose_button.setEnabled(bool(proposals.slots))

    @property
    def visit_type_code(self) -> str:
        return str(self.visit.currentData())

    def _choose(self) -> None:
        chosen = self.table.current_of(self.model)
        if chosen is not None:
            self.chosen = chosen
            self.accept()


def pick_slot(*args: Any, **kwargs: Any) -> SlotDialog | None:
    """Show a :class:`SlotDialog` (same arguments); the dialog, with ``chosen``, when a
    slot was picked."""
    dialog = SlotDialog(*args, **kwargs)
    return dialog if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen else None


def pick_choice(*args: Any, **kwargs: Any) -> tuple[SlotChoice, str] | None:
    """:func:`pick_slot`, answered as the booking services take it: the slot picked and
    the kind of visit (which the dialog may have changed), or None."""
    dialog = pick_slot(*args, **kwargs)
    if dialog is None or dialog.chosen is None:
        return None
    slot = dialog.chosen
    return SlotChoice(slot.professional_id, slot.centre_id, slot.starts_at), dialog.visit_type_code

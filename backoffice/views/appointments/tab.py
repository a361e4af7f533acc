"""``AppointmentTab``: what every tab of the appointments page is — a live tab of the
appointment tables that waits for the care network (centres, professionals, kinds of
visit: its filters' choices, set by the page) before it reads, and opens a member."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.permissions import Permission
from backoffice.views.appointments import slot_dialog
from backoffice.views.appointments.common import WATCHED
from backoffice.views.appointments.slot_dialog import SlotRequest
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.rows_model import RowsModel
from backoffice.views.widgets.table import DataTable


class AppointmentTab(LiveTab):
    TABLES = WATCHED
    open_member = Signal(int)  # the member's id: the page opens the record

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.choices: NetworkChoices | None = None
        self.can_manage = context.allows(Permission.APPOINTMENTS_MANAGE)

    def set_choices(self, choices: NetworkChoices) -> None:
        """The network's lists (the page marks the tab stale next)."""
        self.choices = choices

    def reload(self) -> None:
        if self.choices is None:
            self.stale = True  # read once the page has the network
            return
        super().reload()

    def list_table(self, key: str, model: RowsModel[Any], activated: str) -> DataTable:
        """The tab's list: several rows may be selected, Enter or a double click runs the
        action ``activated``, columns fitted the first time."""
        table = DataTable(key)
        table.set_rows_model(model)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.activated_row.connect(lambda _row: self.actions.run(activated))
        fit_columns_once(table)
        return table

    def book_slot(
        self,
        employee_id: int,
        visit_type_code: str,
        heading: str,
        *,
        title: str,
        first_day: date | None,
        last_day: date | None = None,
    ) -> tuple[SlotChoice, str] | None:
        """A free slot for an employee, picked between ``first_day`` and ``last_day``
        (the kind of visit may change): the slot and the kind of visit, or None."""
        assert self.choices is not None
        return slot_dialog.pick_choice(
            self.context,
            self,
            self.choices,
            SlotRequest(
                employee_id,
                visit_type_code,
                heading,
                first_day=first_day,
                last_day=last_day,
                visit_can_change=True,
            ),
            title=title,
            action=tr("Book this slot"),
        )

    def selected_member_id(self) -> int | None:
        """The member of what is selected."""
        return None

    @action(lambda: tr("Open the member"))
    def open_selected_member(self) -> None:
        member_id = self.selected_member_id()
        if member_id is not None:
            self.open_member.emit(member_id)

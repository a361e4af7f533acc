"""Booking a free slot of the agenda: find the employee (by name, member code or member
name), choose the kind of visit, book. A refusal is shown in the dialog, which stays open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.appointments import booking
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.choices import (
    EmployeeChoice,
    NetworkChoices,
    search_employees,
)
from backoffice.services.appointments.queries import AppointmentRow
from backoffice.services.errors import ServiceError
from backoffice.views import formatting
from backoffice.views.appointments.common import WARNING, day_label, employee_columns, visit_combo
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.operations import Latest
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable


def employee_choice_columns() -> list[Column[EmployeeChoice]]:
    return [
        *employee_columns(),
        Column(tr("Left on"), lambda e: formatting.day(e.exited_on), lambda e: e.exited_on or ""),
    ]


class BookingDialog(OperationDialog):
    """``result`` holds the appointment once booked."""

    shown_inline = (ServiceError,)  # a conflict too: said under the form, which stays open

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        choices: NetworkChoices,
        choice: SlotChoice,
    ) -> None:
        super().__init__(context, parent, tr("Book an appointment"))
        self.choice = choice
        self.latest = Latest(self)
        self.resize(720, 520)
        professional = choices.professional(choice.professional_id)
        centre = choices.centre(choice.centre_id)
        self.form.addRow(
            QLabel(
                tr(
                    "<b>{day} at {time}</b> with {professional}, {centre}",
                    day=day_label(clock.local(choice.starts_at).date()),
                    time=clock.local(choice.starts_at).strftime("%H:%M"),
                    professional=professional.name if professional else "",
                    centre=centre.name if centre else "",
                )
            )
        )
        self.search = SearchBox(tr("Employee name, member code or name…"))
        self.search.search.connect(self._search)
        self.form.addRow(self.search)
        self.model: RowsModel[EmployeeChoice] = RowsModel(
            employee_choice_columns(), background=lambda e: WARNING if e.exited_on else None
        )
        self.table = DataTable("appointment_employee_search")
        self.table.set_rows_model(self.model)
        fit_columns_once(self.table)
        self.table.activated_row.connect(lambda _row: self.submit())
        self.form.addRow(self.table)
        self.count = QLabel()
        self.form.addRow(self.count)
        self.visit = visit_combo(choices, "periodique")
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("internal, not shown to the member"))
        self.form.addRow(tr("Visit"), self.visit)
        self.form.addRow(tr("Note"), self.note)
        self.set_action(tr("Book"))
        self.search.setFocus()

    @property
    def booked(self) -> AppointmentRow | None:
        return self.result

    def _search(self, text: str) -> None:
        actor = self.context.actor
        self.latest.read(lambda session: search_employees(session, actor, text), self._show)

    def _show(self, found: list[EmployeeChoice]) -> None:
        self.model.set_rows(found)
        self.count.setText(ntr("{count} employee found", "{count} employees found", len(found)))
        if found:
            self.table.selectRow(0)

    def busy_label(self) -> str:
        return tr("Booking…")

    def work(self) -> Callable[[Session], Any] | None:
        employee = self.table.current_of(self.model)
        if employee is None:
            self.show_errors(tr("Choose the employee in the list."))
            return None
        actor, choice, visit = self.context.actor, self.choice, self.visit.currentData()
        note = self.note.text().strip() or None
        return lambda session: booking.book_appointment(
            session, actor, employee.id, visit, choice, note=note
        )

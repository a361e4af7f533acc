"""The actions of a member's Employees tab: add, edit, record an exit, cancel an exit,
import a spreadsheet. A hire names the hiring visit it needs, a click from the list of
employees to convene."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.employees import staff_records
from backoffice.services.employees.importing import ImportDone
from backoffice.services.employees.staff_records import EmployeeDetail, EmployeeSaved
from backoffice.services.members import EmployeeRow, EmployeeState
from backoffice.services.permissions import Permission
from backoffice.views.widgets.actions import Actions, Ask, action
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.operations import read, write
from backoffice.views.widgets.page import Page
from backoffice.views.widgets.table import DataTable


def _selected(bar: EmployeesBar) -> EmployeeRow | None:
    return bar.selected()


class EmployeesBar(QWidget):
    """``changed`` fires after a change made in one of its dialogs (they act for the view
    that holds the bar, which reloads on it)."""

    changed = Signal()

    def __init__(
        self,
        context: AppContext,
        member_id: int,
        table: DataTable,
        row_at: Callable[[int], EmployeeRow],
        member_label: Callable[[], str],
    ) -> None:
        super().__init__()
        self.context = context
        self.member_id = member_id
        self.table = table
        self.row_at = row_at
        self.member_label = member_label
        self.actions = Actions(self, context)
        self.actions.extend_to(table)
        bar = self.actions.tool_bar(
            "add_employee", "edit_employee", "record_exit", "cancel_exit", "import_employees"
        )
        bar.setContentsMargins(0, 0, 0, 0)
        self.setLayout(bar)
        self.actions.list_menu(table, "edit_employee", "record_exit", "cancel_exit")
        table.activated_row.connect(lambda _row: self.actions.run("edit_employee"))
        self.update_actions()

    def selected(self) -> EmployeeRow | None:
        row = self.table.current_source_row()
        return self.row_at(row) if row is not None else None

    def update_actions(self) -> None:
        self.actions.update()

    # -- the actions ----------------------------------------------------------------------

    @action(
        lambda: tr("Add an employee…"), shortcut="Ctrl+Shift+N", permission=Permission.MEMBERS_EDIT
    )
    def add_employee(self) -> None:
        """An employee the member declared by post or by telephone."""
        from backoffice.views.members.employee_dialogs import EmployeeDialog

        dialog = EmployeeDialog(self.context, self, self.member_id)
        if dialog.exec() and dialog.result is not None:
            self.changed.emit()
            self._propose_visit(dialog.result)

    @action(
        lambda: tr("Edit…"),
        permission=Permission.MEMBERS_EDIT,
        enabled=lambda bar: _selected(bar) is not None,
    )
    def edit_employee(self) -> None:
        from backoffice.views.members.employee_dialogs import EmployeeDialog

        self._with_detail(
            lambda detail: self._after(EmployeeDialog(self.context, self, self.member_id, detail))
        )

    @action(
        lambda: tr("Record the exit…"),
        permission=Permission.MEMBERS_EDIT,
        enabled=lambda bar: (
            (row := _selected(bar)) is not None and row.state != EmployeeState.EXITED
        ),
    )
    def record_exit(self) -> None:
        """The employee left the company: its future appointments are cancelled."""
        from backoffice.views.members.employee_dialogs import ExitDialog

        self._with_detail(lambda detail: self._after(ExitDialog(self.context, self, detail)))

    @action(
        lambda: tr("Cancel the exit"),
        permission=Permission.MEMBERS_EDIT,
        enabled=lambda bar: (
            (row := _selected(bar)) is not None and row.state == EmployeeState.EXITED
        ),
        ask=Ask(
            lambda row: tr(
                "{name} is recorded as present again. Appointments its exit cancelled stay "
                "cancelled. Go on?",
                name=f"{row.last_name.upper()} {row.first_name}",
            )
        ),
    )
    def cancel_exit(self, row: EmployeeRow) -> None:
        """An exit recorded by mistake: the employee is present again."""
        actor, employee_id = self.context.actor, row.id
        write(
            self,
            lambda session: staff_records.reinstate_employee(session, actor, employee_id, None),
            tr("Saving…"),
        ).run()  # the member view follows the change (not its own: the bar's)

    @action(lambda: tr("Import a spreadsheet…"), permission=Permission.MEMBERS_EDIT)
    def import_employees(self) -> None:
        """The employees of a spreadsheet the member sent (xlsx or CSV)."""
        from backoffice.views.members.import_dialog import ImportDialog

        dialog = ImportDialog(self.context, self, self.member_id, self.member_label())
        if dialog.exec() and isinstance(dialog.result, ImportDone):
            self.changed.emit()
            done = dialog.result
            inform(
                self,
                tr("Employees imported"),
                ntr(
                    "{count} employee imported.",
                    "{count} employees imported.",
                    done.imported,
                )
                + " "
                + tr(
                    "New hires need a hiring visit: see Appointments › To convene.",
                ),
            )

    # -- helpers --------------------------------------------------------------------------

    def _with_detail(self, show: Callable[[EmployeeDetail], None]) -> None:
        row = self.selected()
        if row is None:
            return
        actor, employee_id = self.context.actor, row.id
        read(
            self,
            lambda session: staff_records.employee_detail(session, actor, employee_id),
            show,
        )

    def _after(self, dialog: QWidget) -> None:
        if dialog.exec() and getattr(dialog, "result", None) is not None:  # type: ignore[attr-defined]
            self.changed.emit()

    def _propose_visit(self, saved: EmployeeSaved) -> None:
        if not saved.hiring_visit:
            return
        text = tr(
            "{name} needs a hiring visit ({visit}); the medical assistants find it in "
            "Appointments › To convene.",
            name=saved.full_name,
            visit=saved.hiring_visit,
        )
        page = _page_of(self)
        if page is None or not self.context.allows(Permission.APPOINTMENTS_VIEW):
            inform(self, tr("Hiring visit"), text)
            return
        answer = QMessageBox.question(
            self,
            tr("Hiring visit"),
            text + "\n\n" + tr("Show the employees to convene now?"),
        )
        if answer == QMessageBox.StandardButton.Yes:
            page.navigate_to.emit("appointments", {"tab": "needs", "kind": "hiring"})


def _page_of(widget: QWidget) -> Page | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, Page):
        parent = parent.parentWidget()
    return parent

"""One member, in a tab of the members page: record, employees, invoices and schedule,
appointments, portal account, history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.ops.context import ALL_TABLES, AppContext, ChangeNotice
from backoffice.services import members as member_service
from backoffice.services import visibility
from backoffice.services.errors import ValidationFailed
from backoffice.services.members import EmployeeRow, EmployeeState, MemberDetail
from backoffice.services.permissions import Permission
from backoffice.services.visibility import FieldGroup
from backoffice.views import formatting, labels
from backoffice.views.changes.member_banner import ScheduledChangesBanner
from backoffice.views.conflict_dialog import ConflictDialog, Resolution
from backoffice.views.members.employee_actions import EmployeesBar
from backoffice.views.members.form import MemberForm, display
from backoffice.views.members.member_tabs import (
    AccountOfMember,
    AppointmentsOfMember,
    HistoryOfMember,
    InvoicesOfMember,
)
from backoffice.views.members.situation_dialog import SituationButton
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import confirm, error_label
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.page import Tabs
from backoffice.views.widgets.rows_model import Column, RowsModel, date_column
from backoffice.views.widgets.table import DataTable

ADDED = QColor("#e3f4e6")  # green on the portal: employee added
EXITED = QColor("#fbe3e3")  # red on the portal: employee exited


def employee_colour(row: EmployeeRow) -> QColor | None:
    return {EmployeeState.ADDED: ADDED, EmployeeState.EXITED: EXITED}.get(row.state)


def health_columns() -> frozenset[str]:
    """The titles of the employee columns that show health data (``visibility``)."""
    return frozenset({tr("Born on"), tr("Risks"), tr("Last visit")})


def employee_columns() -> list[Column[EmployeeRow]]:
    return [
        Column(tr("Last name"), lambda r: r.last_name.upper()),
        Column(tr("First name"), lambda r: r.first_name),
        Column(tr("Born on"), lambda r: formatting.day(r.birth_date), lambda r: r.birth_date or ""),
        Column(tr("PCS"), lambda r: r.pcs_code or ""),
        Column(tr("Job"), lambda r: r.job_title or ""),
        Column(tr("Follow-up"), lambda r: labels.category(r.category)),
        Column(
            tr("Risks"),
            lambda r: ", ".join(r.risk_labels),
            tooltip=lambda r: "\n".join(r.risk_labels),
        ),
        date_column(tr("Hired on"), lambda r: r.hired_on),
        Column(tr("Exited on"), lambda r: formatting.day(r.exited_on), lambda r: r.exited_on or ""),
        Column(
            tr("Last visit"),
            lambda r: formatting.day(r.last_visit_on),
            lambda r: r.last_visit_on or "",
        ),
    ]


class MemberView(LiveTab):
    """One member, opened in a tab of the members page: the record and the employees here,
    the other tabs (invoices, appointments, portal account, history) live tabs of their own
    that read when first shown."""

    TABLES = ("members", "employees")
    title_changed = Signal(str)

    def __init__(self, context: AppContext, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.member_id = member_id
        self.detail: MemberDetail | None = None
        self.tabs = Tabs()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.header = QLabel(tr("Loading…"))
        self.header.setStyleSheet("font-size: 16px; font-weight: 600;")
        layout.addWidget(self.header)
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._record_tab(), tr("Company record"))
        self.tabs.addTab(self._employees_tab(), tr("Employees"))
        tabs = (
            ("invoices", Permission.BILLING_VIEW, InvoicesOfMember, tr("Invoices and schedule")),
            (
                "appointments",
                Permission.APPOINTMENTS_VIEW,
                AppointmentsOfMember,
                tr("Appointments"),
            ),
            ("account", Permission.ACCOUNTS_VIEW, AccountOfMember, tr("Portal account")),
            ("history", Permission.AUDIT_VIEW, HistoryOfMember, tr("History")),
        )
        for key, permission, tab, title in tabs:
            if context.allows(permission):
                self.tabs.add(key, tab(context, member_id), title)
        self.reload()  # opened to be shown: read at once

    def show_invoices(self) -> None:
        """Show the invoices and schedule (the aged balance opens a member there)."""
        self.tabs.show_key("invoices")

    # -- record ---------------------------------------------------------------------------

    def _record_tab(self) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        layout.addWidget(ScheduledChangesBanner(self.context, self.member_id))
        self.form = MemberForm()
        self.form.edited.connect(self._edited)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        layout.addWidget(scroll)
        self.errors = error_label()
        layout.addWidget(self.errors)
        buttons = QHBoxLayout()
        self.situation = SituationButton(self.context)
        self.situation.changed.connect(self.reload)  # its dialog's change is this view's own
        buttons.addWidget(self.situation)
        buttons.addStretch()
        self.revert_button, self.save_button = self.actions.buttons("revert", "save")
        editable = self.actions.allowed("save")
        self.form.setEnabled(True)
        for line in self.form.inputs.values():
            line.setReadOnly(not editable)
        self.form.centre.setEnabled(editable)
        self.form.referent.setEnabled(editable)
        self.form.documents_by.setEnabled(editable)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._edited()
        return widget

    def load(self) -> None:
        actor, member_id = self.context.actor, self.member_id

        def work(session: Any) -> tuple[MemberDetail, list[EmployeeRow], list, list]:
            return (
                member_service.member_detail(session, actor, member_id),
                member_service.member_employees(session, actor, member_id),
                member_service.centre_choices(session),
                member_service.professional_choices(session),
            )

        self.query(work, self._loaded)

    def _loaded(self, result: tuple[MemberDetail, list[EmployeeRow], list, list]) -> None:
        detail, employees, centres, professionals = result
        first = self.detail is None
        self._show_detail(detail)
        if first:
            self.form.set_choices(centres, professionals)
        self.employees.set_rows(employees)
        self._update_employee_count()

    def _show_detail(self, detail: MemberDetail) -> None:
        self.detail = detail
        self.situation.set_detail(detail)
        self.form.load(detail)
        name = str(detail.values.get("trade_name") or detail.values.get("legal_name"))
        self.header.setText(f"{detail.member_code} — {name}")
        self.title_changed.emit(f"{detail.member_code} {name[:18]}")
        self.errors.clear()
        self._edited()

    def _edited(self) -> None:
        """Save and Undo follow what was typed; an impossible date keeps them usable (Save
        says what is wrong, Undo puts the record back)."""
        dirty = bool(self.form.changed_values()) or bool(self.form.bad_dates())
        self.actions.enable("save", dirty)
        self.actions.enable("revert", dirty)

    def is_dirty(self) -> bool:
        return bool(self.form.changed_values()) or bool(self.form.bad_dates())

    def can_close(self) -> bool:
        return not self.is_dirty() or confirm(
            self,
            tr("Unsaved changes"),
            tr("Your changes to this record are not saved. Close it anyway?"),
            tr("Close without saving"),
        )

    @action(lambda: tr("Undo my changes"), permission=Permission.MEMBERS_EDIT)
    def revert(self) -> None:
        """The record as it was read, what was typed forgotten."""
        if self.detail is not None:
            self.form.load(self.detail)
            self.errors.clear()
            self._edited()

    @action(lambda: tr("Save"), shortcut="Ctrl+S", permission=Permission.MEMBERS_EDIT, default=True)
    def save(self) -> None:
        """Save what was changed in the record (a colleague's change meanwhile is shown)."""
        self._save()

    def _save(self, *, expected_version: int | None = None) -> None:
        _values, bad_dates = self.form.values()
        if bad_dates:
            self.form.mark_errors(bad_dates)
            self.errors.setText(self.form.date_problems())
            return
        changes = self.form.changed_values()
        if not changes or self.detail is None:
            return
        actor, member_id = self.context.actor, self.member_id
        version = expected_version if expected_version is not None else self.detail.version
        self.actions.enable("save", False)
        self.write(
            lambda session: member_service.update_member(
                session, actor, member_id, version, changes
            ),
            tr("Saving…"),
        ).success(self._saved).failure(self._save_failed).run()

    def _saved(self, detail: MemberDetail) -> None:
        self._show_detail(detail)

    def _save_failed(self, error: BaseException) -> bool:
        self._edited()
        if isinstance(error, member_service.MemberConflict):
            self._resolve_conflict(error)
            return False
        if isinstance(error, ValidationFailed):
            self.form.mark_errors([item.field for item in error.errors])
            self.errors.setText(error.message)
            return False
        return True  # the standard dialog (connection lost, permission...)

    def _resolve_conflict(self, conflict: member_service.MemberConflict) -> None:
        assert self.detail is not None
        current = conflict.current
        mine = self.form.changed_values()
        rows = []
        for name, value in mine.items():
            opened = self.detail.values.get(name, getattr(self.detail, name, None))
            now = current.values.get(name, getattr(current, name, None))
            rows.append((self.form.label_of(name), display(opened), display(value), display(now)))
        for name, now in current.values.items():
            if name not in mine and now != self.detail.values.get(name):
                rows.append(
                    (
                        self.form.label_of(name),
                        display(self.detail.values.get(name)),
                        display(self.detail.values.get(name)),
                        display(now),
                    )
                )
        dialog = ConflictDialog(self, conflict.message, rows)
        dialog.exec()
        if dialog.resolution == Resolution.KEEP_MINE:
            typed = {
                name: self.form.inputs[name].text() for name in mine if name in self.form.inputs
            }
            self._show_detail(current)
            for name, text in typed.items():
                self.form.inputs[name].setText(text)
            if "documents_by" in mine:
                self.form.set_documents_by(mine["documents_by"])
            self._save(expected_version=current.version)
        elif dialog.resolution == Resolution.TAKE_THEIRS:
            self._show_detail(current)

    # -- employees ------------------------------------------------------------------------

    def _employees_tab(self) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        bar = QHBoxLayout()
        self.show_exited = QCheckBox(tr("Show employees who left"))
        self.show_exited.setChecked(True)
        self.show_exited.toggled.connect(self._filter_employees)
        legend = QLabel(tr("Green: added since the annual declaration · Red: left the company"))
        legend.setStyleSheet("color: #555")
        self.employee_count = QLabel()
        bar.addWidget(self.show_exited)
        bar.addWidget(legend)
        bar.addStretch()
        bar.addWidget(self.employee_count)
        layout.addLayout(bar)
        self.employees: RowsModel[EmployeeRow] = RowsModel(
            employee_columns(), background=employee_colour, key=lambda row: row.id
        )
        self.employee_table = DataTable("member_employees")
        self.employee_proxy = show_rows(self.employee_table, self.employees)
        if not visibility.for_role(self.context.actor.role).sees(FieldGroup.HEALTH):
            # Need to know: the service gives this role no birth date, risk or visit.
            for index, column in enumerate(employee_columns()):
                if column.title in health_columns():
                    self.employee_table.setColumnHidden(index, True)
        self.employee_actions = EmployeesBar(
            self.context,
            self.member_id,
            self.employee_table,
            self.employees.row_at,
            self.header.text,
        )
        self.employee_actions.changed.connect(self.reload)  # its dialogs act for this view
        self.employee_table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self.employee_actions.update_actions()
        )
        layout.addWidget(self.employee_actions)
        layout.addWidget(self.employee_table)
        return widget

    def _filter_employees(self, show_exited: bool) -> None:
        for row in range(self.employees.rowCount()):
            source = self.employee_proxy.mapFromSource(self.employees.index(row, 0)).row()
            exited = self.employees.row_at(row).state == EmployeeState.EXITED
            self.employee_table.setRowHidden(source, exited and not show_exited)
        self._update_employee_count()

    def _update_employee_count(self) -> None:
        rows = self.employees.rows
        present = sum(1 for row in rows if row.state != EmployeeState.EXITED)
        self.employee_count.setText(
            ntr("{count} present", "{count} present", present)
            + ", "
            + ntr("{count} in all", "{count} in all", len(rows))
        )

    # -- live refresh ---------------------------------------------------------------------

    def on_change(self, notice: ChangeNotice) -> None:
        """This member or its employees changed elsewhere: read them again, unless the user
        is typing (the save then says who changed what first)."""
        members = notice.get("members")
        mine = (
            ALL_TABLES in notice
            or (members is not None and (not members or self.member_id in members))
            or "employees" in notice
        )
        if mine and not self.is_dirty():
            self.load()

    def on_own_change(self, notice: ChangeNotice) -> None:
        """A save shows the record it returns."""

"""One member, in a tab of the members page: record, employees, invoices and schedule,
appointments, portal account, history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.ops.context import ALL_TABLES, AppContext
from backoffice.ops.operation import Operation, run_query
from backoffice.services import members as member_service
from backoffice.services.accounts import queries as account_queries
from backoffice.services.appointments import queries as appointment_queries
from backoffice.services.billing import queries as billing_queries
from backoffice.services.errors import ValidationFailed
from backoffice.services.members import EmployeeRow, EmployeeState, HistoryRow, MemberDetail
from backoffice.services.permissions import Permission
from backoffice.services.tracking import Touched
from backoffice.views import formatting, labels
from backoffice.views.changes.member_banner import ScheduledChangesBanner
from backoffice.views.conflict_dialog import ConflictDialog, Resolution
from backoffice.views.member_form import MemberForm, display
from backoffice.views.widgets.dialogs import confirm, error_label
from backoffice.views.widgets.rows_model import Column, RowsModel, date_column, money_column
from backoffice.views.widgets.table import DataTable

ADDED = QColor("#e3f4e6")  # green on the portal: employee added
EXITED = QColor("#fbe3e3")  # red on the portal: employee exited


def employee_colour(row: EmployeeRow) -> QColor | None:
    return {EmployeeState.ADDED: ADDED, EmployeeState.EXITED: EXITED}.get(row.state)


def employee_columns() -> list[Column[EmployeeRow]]:
    return [
        Column(tr("Last name"), lambda r: r.last_name.upper()),
        Column(tr("First name"), lambda r: r.first_name),
        Column(tr("Born on"), lambda r: formatting.day(r.birth_date), lambda r: r.birth_date or ""),
        Column(tr("PCS"), lambda r: r.pcs_code or ""),
        Column(tr("Job"), lambda r: r.job_title or ""),
        Column(tr("Follow-up"), lambda r: labels.category(r.category)),
        Column(tr("Risks"), lambda r: ", ".join(r.risks)),
        date_column(tr("Hired on"), lambda r: r.hired_on),
        Column(tr("Exited on"), lambda r: formatting.day(r.exited_on), lambda r: r.exited_on or ""),
        Column(
            tr("Last visit"),
            lambda r: formatting.day(r.last_visit_on),
            lambda r: r.last_visit_on or "",
        ),
    ]


class MemberView(QWidget):
    title_changed = Signal(str)

    def __init__(self, context: AppContext, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.member_id = member_id
        self.detail: MemberDetail | None = None
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.header = QLabel(tr("Loading…"))
        self.header.setStyleSheet("font-size: 16px; font-weight: 600;")
        layout.addWidget(self.header)
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._record_tab(), tr("Company record"))
        self.tabs.addTab(self._employees_tab(), tr("Employees"))
        self._lazy: dict[int, Callable[[], None]] = {}
        self.invoices_index: int | None = None
        if context.allows(Permission.BILLING_VIEW):
            self.invoices_index = self.tabs.count()
            self._add_lazy(self._invoices_tab(), tr("Invoices and schedule"), self.load_invoices)
        if context.allows(Permission.APPOINTMENTS_VIEW):
            self._add_lazy(self._appointments_tab(), tr("Appointments"), self.load_appointments)
        if context.allows(Permission.ACCOUNTS_VIEW):
            self._add_lazy(self._account_tab(), tr("Portal account"), self.load_account)
        if context.allows(Permission.AUDIT_VIEW):
            self._add_lazy(self._history_tab(), tr("History"), self.load_history)
        self._loaded_tabs: set[int] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        context.bus.changed.connect(self._on_changed)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save)
        self.load()

    def show_invoices(self) -> None:
        """Show the invoices and schedule (the aged balance opens a member there)."""
        if self.invoices_index is not None:
            self.tabs.setCurrentIndex(self.invoices_index)

    def _add_lazy(self, widget: QWidget, title: str, loader: Callable[[], None]) -> None:
        self._lazy[self.tabs.addTab(widget, title)] = loader

    def _tab_shown(self, index: int) -> None:
        loader = self._lazy.get(index)
        if loader is not None and index not in self._loaded_tabs:
            self._loaded_tabs.add(index)
            loader()

    def _query(self, work: Callable[..., Any], show: Callable[[Any], None]) -> None:
        actor, member_id = self.context.actor, self.member_id
        run_query(self.context, self, lambda session: work(session, actor, member_id), show)

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
        buttons.addStretch()
        self.revert_button = QPushButton(tr("Undo my changes"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(tr("Save (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        editable = self.context.allows(Permission.MEMBERS_EDIT)
        self.save_button.setVisible(editable)
        self.revert_button.setVisible(editable)
        self.form.setEnabled(True)
        for line in self.form.inputs.values():
            line.setReadOnly(not editable)
        self.form.centre.setEnabled(editable)
        self.form.referent.setEnabled(editable)
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

        run_query(self.context, self, work, self._loaded)

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
        self.form.load(detail)
        name = str(detail.values.get("trade_name") or detail.values.get("legal_name"))
        self.header.setText(f"{detail.member_code} — {name}")
        self.title_changed.emit(f"{detail.member_code} {name[:18]}")
        self.errors.clear()
        self._edited()

    def _edited(self) -> None:
        dirty = bool(self.form.changed_values())
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def is_dirty(self) -> bool:
        return bool(self.form.changed_values())

    def can_close(self) -> bool:
        return not self.is_dirty() or confirm(
            self,
            tr("Unsaved changes"),
            tr("Your changes to this record are not saved. Close it anyway?"),
            tr("Close without saving"),
        )

    def revert(self) -> None:
        if self.detail is not None:
            self.form.load(self.detail)
            self.errors.clear()
            self._edited()

    def save(self, *, expected_version: int | None = None) -> None:
        _values, bad_dates = self.form.values()
        if bad_dates:
            self.form.mark_errors(bad_dates)
            self.errors.setText(
                "\n".join(
                    tr("{field}: not a date (dd/mm/yyyy).", field=self.form.label_of(n))
                    for n in bad_dates
                )
            )
            return
        changes = self.form.changed_values()
        if not changes or self.detail is None:
            return
        actor, member_id = self.context.actor, self.member_id
        version = expected_version if expected_version is not None else self.detail.version
        self.save_button.setEnabled(False)
        Operation(
            self.context,
            self,
            lambda session: member_service.update_member(
                session, actor, member_id, version, changes
            ),
            label=tr("Saving…"),
        ).success(self._saved).failure(self._save_failed).run()

    def _saved(self, detail: MemberDetail) -> None:
        self._show_detail(detail)
        self._loaded_tabs.clear()  # the history (and the rest) reload when next shown

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
            self.save(expected_version=current.version)
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
        legend = QLabel(tr("Green: added on the portal · Red: left the company"))
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
        self.employee_proxy = self.employee_table.set_rows_model(self.employees)
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
            tr("{present} present, {total} in all", present=present, total=len(rows))
        )

    # -- invoices -------------------------------------------------------------------------

    def _invoices_tab(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.invoices: RowsModel[billing_queries.InvoiceSummary] = RowsModel(
            [
                Column(tr("Number"), lambda r: r.number),
                date_column(tr("Date"), lambda r: r.issued_on),
                Column(tr("Type"), lambda r: labels.invoice_kind(r.kind)),
                Column(tr("Period"), lambda r: r.period_label),
                money_column(tr("Total incl. VAT"), lambda r: r.total_ttc_cents),
                money_column(tr("Amount paid"), lambda r: r.paid_cents),
                money_column(tr("Credited"), lambda r: r.credited_cents),
                money_column(tr("Remaining"), lambda r: r.remaining_cents),
            ]
        )
        table = DataTable("member_invoices")
        table.set_rows_model(self.invoices)
        splitter.addWidget(table)
        self.schedule: RowsModel[billing_queries.InstalmentRow] = RowsModel(
            schedule_columns(), background=lambda r: EXITED if r.days_late else None
        )
        schedule_table = DataTable("member_schedule")
        schedule_table.set_rows_model(self.schedule)
        splitter.addWidget(schedule_table)
        return splitter

    def load_invoices(self) -> None:
        def work(session: Any, actor: Any, member_id: int) -> tuple[list, list]:
            return (
                billing_queries.member_invoices(session, actor, member_id),
                billing_queries.schedule(session, actor, member_id=member_id),
            )

        self._query(
            work,
            lambda result: (self.invoices.set_rows(result[0]), self.schedule.set_rows(result[1])),
        )

    # -- appointments, account, history ---------------------------------------------------

    def _appointments_tab(self) -> QWidget:
        self.appointments: RowsModel[appointment_queries.AppointmentRow] = RowsModel(
            [
                Column(tr("Date"), lambda r: formatting.moment(r.starts_at), lambda r: r.starts_at),
                Column(tr("Employee"), lambda r: r.employee),
                Column(tr("Visit"), lambda r: r.visit_type),
                Column(tr("Professional"), lambda r: r.professional),
                Column(tr("Centre"), lambda r: r.centre),
                Column(tr("Status"), lambda r: labels.appointment_status(r.status)),
            ]
        )
        table = DataTable("member_appointments")
        table.set_rows_model(self.appointments)
        return table

    def load_appointments(self) -> None:
        self._query(appointment_queries.member_appointments, self.appointments.set_rows)

    def _account_tab(self) -> QWidget:
        self.account_text = QLabel()
        self.account_text.setWordWrap(True)
        self.account_text.setTextFormat(Qt.TextFormat.RichText)
        self.account_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.account_text)
        return scroll

    def load_account(self) -> None:
        self._query(account_queries.member_account, self._show_account)

    def _show_account(self, account: account_queries.AccountSummary | None) -> None:
        if account is None:
            self.account_text.setText(tr("This member has no portal account."))
            return
        lines = [
            tr("<b>Login:</b> {login}", login=account.login),
            tr(
                "<b>Last login:</b> {when}",
                when=formatting.moment(account.last_login_at) or tr("never"),
            ),
            tr("<b>Failed attempts:</b> {count}", count=account.failed_attempt_count),
            tr(
                "<b>Locked:</b> {state}",
                state=tr(
                    "since {when} — {reason}",
                    when=formatting.moment(account.locked_at),
                    reason=account.lock_reason or "",
                )
                if account.locked_at
                else tr("no"),
            ),
            tr(
                "<b>Must change password at next login:</b> {value}",
                value=formatting.yes_no(account.must_change_password),
            ),
            tr("<b>Recovery email:</b> {email}", email=account.recovery_email or "—"),
        ]
        if account.recent_failures:
            lines.append(
                tr(
                    "<b>Recent failures:</b> {times}",
                    times=", ".join(
                        formatting.moment(moment) for moment in account.recent_failures[:10]
                    ),
                )
            )
        if account.firms:
            lines.append(tr("<b>Accounting firms acting for this member:</b>"))
            lines += [
                f"&nbsp;&nbsp;• {grant.firm_name} ({grant.firm_code}) — "
                + tr("consent of {date}", date=formatting.day(grant.consent_on))
                for grant in account.firms
            ]
        self.account_text.setText("<br>".join(lines))

    def _history_tab(self) -> QWidget:
        self.history: RowsModel[HistoryRow] = RowsModel(
            [
                Column(
                    tr("When"), lambda r: formatting.moment(r.occurred_at), lambda r: r.occurred_at
                ),
                Column(tr("Who"), lambda r: r.actor),
                Column(tr("Action"), lambda r: r.action),
                Column(tr("Summary"), lambda r: r.summary or ""),
                Column(tr("Before"), lambda r: _pairs(r.before)),
                Column(tr("After"), lambda r: _pairs(r.after)),
            ]
        )
        table = DataTable("member_history")
        table.set_rows_model(self.history)
        return table

    def load_history(self) -> None:
        self._query(member_service.member_history, self.history.set_rows)

    # -- live refresh ---------------------------------------------------------------------

    def _on_changed(self, touched: Touched) -> None:
        members = touched.get("members")
        mine = (
            ALL_TABLES in touched
            or (members is not None and (not members or self.member_id in members))
            or "employees" in touched
        )
        if mine and not self.is_dirty():
            self.load()
            self._loaded_tabs.clear()
            self._tab_shown(self.tabs.currentIndex())


def _pairs(values: dict[str, object] | None) -> str:
    return ", ".join(f"{key}: {value}" for key, value in (values or {}).items())


def schedule_columns() -> list[Column[billing_queries.InstalmentRow]]:
    """The portal's schedule columns: number, issue date, due date, debit, credit, status."""
    return [
        Column(tr("Number"), lambda r: r.invoice_number),
        date_column(tr("Issued on"), lambda r: r.issued_on),
        date_column(tr("Due on"), lambda r: r.due_on),
        money_column(tr("Debit"), lambda r: r.amount_cents),
        money_column(tr("Credit"), lambda r: r.paid_cents + r.credited_cents),
        money_column(tr("Remaining"), lambda r: r.remaining_cents),
        Column(tr("Status"), lambda r: labels.instalment_status(r.status)),
        Column(
            tr("Days late"),
            lambda r: str(r.days_late) if r.days_late else "",
            lambda r: r.days_late,
            align_right=True,
        ),
    ]

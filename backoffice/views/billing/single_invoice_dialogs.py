"""Issuing an invoice outside the campaign: régularisation, joining fee or quarterly
contribution (a member, a year, the employees to bill), and missed appointments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import FollowUpCategory, InvoiceKind
from backoffice.ops.context import AppContext
from backoffice.services.billing import invoice_lists, single_invoices
from backoffice.services.billing.invoice_lists import MemberRef
from backoffice.services.billing.invoicing import PAYMENT_DAYS
from backoffice.services.billing.single_invoices import HeadcountFacts, NoShowRow
from backoffice.views import labels
from backoffice.views.widgets.inputs import DateInput, count_spin, typed_day, year_spin
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.operations import read
from backoffice.views.widgets.rows_model import Column, RowsModel, member_columns, moment_column
from backoffice.views.widgets.table import DataTable

CATEGORIES = (FollowUpCategory.SI, FollowUpCategory.SIA, FollowUpCategory.SIR)


class SingleInvoiceDialog(OperationDialog):
    """A régularisation, a joining fee or a quarterly contribution for one member."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        kind: InvoiceKind,
        member: MemberRef | None = None,
    ) -> None:
        super().__init__(context, parent, labels.label(kind))
        self.kind = kind
        self.member = member
        self.code = QLineEdit(member.member_code if member else "")
        self.code.editingFinished.connect(self._look_up)
        self.member_name = QLabel(member.name if member else "")
        self.year = year_spin()
        self.form.addRow(tr("Member code"), self.code)
        self.form.addRow("", self.member_name)
        self.form.addRow(tr("Year"), self.year)
        self.counts = {category: count_spin() for category in CATEGORIES}
        self.quarter = QComboBox()
        self.new_employees = count_spin(1)
        if kind == InvoiceKind.JOINING_FEE:
            self.form.addRow(tr("New employees"), self.new_employees)
        else:
            if kind == InvoiceKind.QUARTERLY:
                for quarter in range(1, 5):
                    self.quarter.addItem(single_invoices.QUARTER_NAMES[quarter], quarter)
                self.quarter.setCurrentIndex((clock.today().month - 1) // 3)
                self.form.addRow(tr("Quarter"), self.quarter)
            for category, spin in self.counts.items():
                form_label = tr("Employees in {category}", category=labels.category(category))
                self.form.addRow(form_label, spin)
            propose = QPushButton(tr("Propose from the employees"))
            propose.clicked.connect(self._propose)
            self.facts = QLabel()
            self.facts.setWordWrap(True)
            self.form.addRow(propose, self.facts)
        self.due_on = DateInput(clock.today() + timedelta(days=PAYMENT_DAYS))
        self.form.addRow(tr("Due on"), self.due_on)

    def _look_up(self) -> None:
        code, actor = self.code.text().strip(), self.context.actor
        if not code or (self.member and self.member.member_code == code):
            return
        read(self, lambda s: invoice_lists.find_member(s, actor, code), self._found)

    def _found(self, member: MemberRef | None) -> None:
        self.member = member
        self.member_name.setText(member.name if member else tr("No member has this code."))

    def _propose(self) -> None:
        if self.member is None:
            self.errors.setText(tr("Type the member code first."))
            return
        actor, member_id, year = self.context.actor, self.member.id, self.year.value()
        read(
            self,
            lambda s: single_invoices.headcount_facts(s, actor, member_id, year),
            self._show_facts,
        )

    def _show_facts(self, facts: HeadcountFacts) -> None:
        proposed = facts.hired_since if self.kind == InvoiceKind.REGULARISATION else facts.present
        for category, spin in self.counts.items():
            spin.setValue(proposed[category])
        declared = ", ".join(
            f"{labels.category(category)} {facts.declared[category]}" for category in CATEGORIES
        )
        present = ", ".join(
            f"{labels.category(category)} {facts.present[category]}" for category in CATEGORIES
        )
        self.facts.setText(
            tr("Declared: {declared}. Present: {present}.", declared=declared, present=present)
        )

    def busy_label(self) -> str:
        return tr("Issuing the invoice…")

    def work(self) -> Callable[[Any], Any] | None:
        if self.member is None or self.member.member_code != self.code.text().strip():
            self.errors.setText(tr("Type the code of an existing member."))
            self._look_up()
            return None
        actor, member_id, year = self.context.actor, self.member.id, self.year.value()
        due = typed_day(self.due_on, self.errors)
        if due is None:
            return None
        counts = {category: spin.value() for category, spin in self.counts.items()}
        if self.kind == InvoiceKind.JOINING_FEE:
            employees = self.new_employees.value()
            return lambda s: single_invoices.issue_joining_fee(
                s, actor, member_id, year, employees, due
            )
        if self.kind == InvoiceKind.QUARTERLY:
            quarter = self.quarter.currentData()
            return lambda s: single_invoices.issue_quarterly(
                s, actor, member_id, year, quarter, counts, due
            )
        return lambda s: single_invoices.issue_regularisation(
            s, actor, member_id, year, counts, due
        )


class NoShowDialog(OperationDialog):
    """The missed appointments not billed yet; each one selected gets its invoice."""

    def __init__(self, context: AppContext, parent: QWidget | None) -> None:
        super().__init__(context, parent, tr("Bill missed appointments"))
        self.resize(820, 480)
        self.model: RowsModel[NoShowRow] = RowsModel(
            [
                moment_column(tr("Appointment"), lambda r: r.starts_at),
                *member_columns(),
                Column(tr("Employee"), lambda r: r.employee),
            ]
        )
        self.table = DataTable("billing_no_shows")
        show_rows(self.table, self.model, 0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        box = QVBoxLayout()
        box.addWidget(QLabel(tr("Appointments missed without excuse, not billed yet:")))
        box.addWidget(self.table)
        self.form.addRow(box)
        self.due_on = DateInput(clock.today() + timedelta(days=PAYMENT_DAYS))
        self.form.addRow(tr("Due on"), self.due_on)
        actor = context.actor
        read(self, lambda s: single_invoices.billable_no_shows(s, actor), self.model.set_rows)

    def busy_label(self) -> str:
        return tr("Issuing the invoices…")

    def work(self) -> Callable[[Any], Any] | None:
        chosen = [
            self.model.row_at(row).appointment_id for row in self.table.selected_source_rows()
        ]
        if not chosen:
            self.errors.setText(tr("Select the appointments to bill."))
            return None
        actor, due = self.context.actor, typed_day(self.due_on, self.errors)
        if due is None:
            return None
        return lambda s: [
            single_invoices.issue_no_show(s, actor, appointment_id, due)
            for appointment_id in chosen
        ]

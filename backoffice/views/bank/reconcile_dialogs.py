"""The reconciliation screen's forms: an entry shared across open invoices (the rest kept
as a member's credit), an entry kept whole as a member's credit, an entry set aside with
its reason. Each OK is one service call (``services/bank/reconcile``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.bank import reconcile
from backoffice.services.bank.reconcile import Allocation, EntryRow
from backoffice.services.billing.invoice_lists import InvoiceRow
from backoffice.services.members import MemberRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.accounts.member_picker import MemberPicker
from backoffice.views.bank.invoice_picker import InvoicePicker
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.inputs import MoneyInput
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.rows_model import Column, RowsModel, money_column
from backoffice.views.widgets.table import DataTable


def entry_summary(entry: EntryRow) -> str:
    """The entry as the forms recall it: day, amount, payer, text."""
    parts = [
        formatting.day(entry.booked_on),
        formatting.amount(entry.amount_cents),
        entry.counterparty_name,
        entry.remittance,
    ]
    return " — ".join(part for part in parts if part)


@dataclass(frozen=True)
class Part:
    invoice: InvoiceRow
    cents: int


class SplitDialog(OperationDialog):
    """The entry's amount shared across open invoices found by member or number (double
    click or Enter adds the one under the cursor, for what is left, at most what it
    owes); what is not shared may be kept as the credit of a member of the lines, the one
    the user chooses (none chosen: the parts must add up to the entry)."""

    def __init__(self, context: AppContext, parent: QWidget | None, entry: EntryRow) -> None:
        super().__init__(context, parent, tr("Share the entry across invoices"))
        self.setMinimumSize(820, 620)
        self.entry = entry
        self.add_intro(entry_summary(entry))
        self.picker = InvoicePicker(context, "bank_split_invoices")
        self.picker.picked.connect(self.add_invoice)
        self.layout_.addWidget(self.picker, 2)
        self.share = MoneyInput()
        share_row = QHBoxLayout()
        share_row.addWidget(QLabel(tr("Amount for the invoice")))
        share_row.addWidget(self.share)
        self.actions = Actions(self, context)
        share_row.addWidget(self.actions.button("add_selected"))
        self.layout_.addLayout(share_row)
        self.model: RowsModel[Part] = RowsModel(
            [
                Column(tr("Member code"), lambda p: p.invoice.member_code),
                Column(tr("Company name"), lambda p: p.invoice.member_name),
                Column(tr("Invoice"), lambda p: p.invoice.number),
                money_column(tr("Left to pay"), lambda p: p.invoice.remaining_cents),
                money_column(tr("Paid by the entry"), lambda p: p.cents),
            ]
        )
        self.table = DataTable("bank_split_parts")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self.table.restore_layout()
        fit_columns_once(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.actions.list_menu(self.table, "remove_parts")
        self.layout_.addWidget(self.table, 1)
        self.rest = QLabel()
        self.credit_member = QComboBox()
        self.credit_member.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        credit_row = QHBoxLayout()
        credit_row.addWidget(QLabel(tr("Keep the rest as the credit of")))
        credit_row.addWidget(self.credit_member)
        self.credit_member.activated.connect(lambda _index: self.errors.setText(""))
        credit_row.addStretch(1)
        self.layout_.addWidget(self.rest)
        self.layout_.addLayout(credit_row)
        self.set_action(tr("Reconcile"))
        self._count()

    def left_cents(self) -> int:
        return self.entry.amount_cents - sum(part.cents for part in self.model.rows)

    def _count(self) -> None:
        self.rest.setText(
            tr(
                "Shared: {shared} of {amount} — left: {left}",
                shared=formatting.amount(self.entry.amount_cents - self.left_cents()),
                amount=formatting.amount(self.entry.amount_cents),
                left=formatting.amount(self.left_cents()),
            )
        )
        self.share.set_cents(max(self.left_cents(), 0))
        self._credit_choices()

    def _credit_choices(self) -> None:
        """The members of the lines, whose credit the rest may be; the choice kept while
        its member still has a line."""
        chosen = self.credit_member.currentData()
        members = {part.invoice.member_id: part.invoice for part in self.model.rows}
        self.credit_member.clear()
        self.credit_member.addItem(tr("nobody (the parts must add up to the entry)"), None)
        for member_id, invoice in members.items():
            self.credit_member.addItem(f"{invoice.member_code} — {invoice.member_name}", member_id)
        self.credit_member.setCurrentIndex(max(self.credit_member.findData(chosen), 0))
        self.credit_member.setEnabled(bool(members))

    def add_invoice(self, invoice: InvoiceRow | None, cents: int | None = None) -> None:
        """Add a line for ``invoice``: ``cents``, else what is typed, else what is left."""
        if invoice is None:
            return
        if cents is None:
            try:
                cents = self.share.cents()
            except ValueError as error:
                self.errors.setText(str(error))
                return
        cents = min(cents, invoice.remaining_cents) if cents > 0 else cents
        if cents <= 0:
            self.errors.setText(tr("Nothing is left to share."))
            return
        rows = [part for part in self.model.rows if part.invoice.id != invoice.id]
        self.model.set_rows([*rows, Part(invoice, cents)])
        self.errors.setText("")
        self._count()

    @action(lambda: tr("Add the invoice"), permission=Permission.PAYMENTS_RECORD)
    def add_selected(self) -> None:
        """The invoice under the cursor, for the amount typed."""
        self.add_invoice(self.picker.selected())

    @action(lambda: tr("Remove"), shortcut="Del", on_list=True)
    def remove_parts(self) -> None:
        gone = set(self.table.selected_source_rows())
        self.model.set_rows([p for row, p in enumerate(self.model.rows) if row not in gone])
        self._count()

    def allocations(self) -> list[Allocation]:
        parts = [
            Allocation(part.invoice.member_id, part.cents, part.invoice.id)
            for part in self.model.rows
        ]
        left = self.left_cents()
        member_id = self.credit_member.currentData()
        if parts and left > 0 and member_id is not None:
            parts.append(Allocation(member_id, left, credit=True))
        return parts

    def busy_label(self) -> str:
        return tr("Recording the payments…")

    def work(self) -> Callable[[Any], Any] | None:
        if not self.model.rows:
            self.errors.setText(tr("Add the invoices the entry pays."))
            return None
        if self.left_cents() > 0 and self.credit_member.currentData() is None:
            self.errors.setText(
                tr(
                    "{left} is not shared: choose the member whose credit it is, or share "
                    "the whole amount.",
                    left=formatting.amount(self.left_cents()),
                )
            )
            return None
        actor, entry, parts = self.context.actor, self.entry, self.allocations()
        return lambda session: reconcile.match_entry(
            session, actor, entry.id, parts, expected_version=entry.version
        )


class CreditDialog(OperationDialog):
    """The whole entry kept as a member's credit (a member who owes nothing yet, an
    advance): the member found by name, code, SIRET or city."""

    def __init__(self, context: AppContext, parent: QWidget | None, entry: EntryRow) -> None:
        super().__init__(context, parent, tr("Keep as a member's credit"))
        self.setMinimumSize(680, 480)
        self.entry = entry
        self.member: MemberRow | None = None
        self.add_intro(entry_summary(entry))
        self.picker = MemberPicker(context)
        self.picker.picked.connect(self._picked)
        self.picker.table.clicked.connect(lambda _index: self._picked(self.picker.selected()))
        self.layout_.addWidget(self.picker, 1)
        self.chosen = QLabel(tr("No member chosen yet."))
        self.form.addRow(tr("Credit of"), self.chosen)
        self.set_action(tr("Record the credit"))

    def _picked(self, member: MemberRow | None) -> None:
        if member is not None:
            self.member = member
            self.chosen.setText(f"{member.member_code} — {member.legal_name}")

    def work(self) -> Callable[[Any], Any] | None:
        if self.member is None:
            self.errors.setText(tr("Choose the member first."))
            return None
        actor, entry = self.context.actor, self.entry
        part = Allocation(self.member.id, entry.amount_cents, credit=True)
        return lambda session: reconcile.match_entry(
            session, actor, entry.id, [part], expected_version=entry.version
        )


def ignore_reasons() -> list[str]:
    return [
        tr("Bank fees"),
        tr("Interest"),
        tr("Transfer between the service's accounts"),
        tr("Not for the service: to send back"),
    ]


class IgnoreDialog(OperationDialog):
    """Not ours to match: bank fees, interest, a transfer between the service's accounts…
    with the reason (chosen or typed)."""

    def __init__(self, context: AppContext, parent: QWidget | None, entry: EntryRow) -> None:
        super().__init__(context, parent, tr("Not to reconcile"))
        self.entry = entry
        self.add_intro(entry_summary(entry))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(ignore_reasons())
        if entry.amount_cents > 0:
            self.reason.setCurrentIndex(1)  # money in that is not a payment: interest
        self.form.addRow(tr("Reason"), self.reason)
        self.fields = {"reason": self.reason}
        self.set_action(tr("Set it aside"))

    def work(self) -> Callable[[Any], Any] | None:
        actor, entry, reason = self.context.actor, self.entry, self.reason.currentText()
        return lambda session: reconcile.ignore_entry(
            session, actor, entry.id, reason, expected_version=entry.version
        )

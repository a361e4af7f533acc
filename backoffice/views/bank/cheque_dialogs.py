"""The cheque remittance slip being made: the cheques received (typed in, or chosen among
the cheque payments already recorded), the account they go to, the day they are handed
to the bank; OK records the payments and numbers the slip (``services/bank/cheques``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.identity import BankAccount
from backoffice.ops.context import AppContext
from backoffice.services import identity as service_identity
from backoffice.services.bank import cheques
from backoffice.services.bank.cheques import ChequeInput, PendingCheque
from backoffice.services.billing.invoice_lists import InvoiceRow
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.bank.invoice_picker import InvoicePicker
from backoffice.views.bank.overpayment import OverpaymentDialog
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.dialogs import error_label, ok_cancel
from backoffice.views.widgets.inputs import DateInput, MoneyInput, typed_day
from backoffice.views.widgets.lists import fit_columns_once, show_rows
from backoffice.views.widgets.operations import read
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    date_column,
    member_columns,
    money_column,
)
from backoffice.views.widgets.table import DataTable


@dataclass(frozen=True)
class SlipLine:
    """A cheque on the slip being made, with what the list shows of it."""

    cheque: ChequeInput
    member_code: str
    member_name: str
    invoice_number: str  # empty: the member's oldest instalments


def slip_columns() -> list[Column[SlipLine]]:
    return [
        Column(tr("Bank"), lambda r: r.cheque.drawer_bank),
        Column(tr("Cheque no."), lambda r: r.cheque.cheque_number),
        *member_columns(),
        Column(tr("Invoice"), lambda r: r.invoice_number or tr("oldest due first")),
        date_column(tr("Received on"), lambda r: r.cheque.received_on),
        Column(
            tr("Recorded"),
            lambda r: formatting.yes_no(r.cheque.payment_id is not None),
        ),
        money_column(tr("Amount"), lambda r: r.cheque.amount_cents),
    ]


class ChequeDialog(QDialog):
    """One cheque: the invoice it pays (found by member or number), the bank it is drawn
    on, its number, its amount. A cheque already recorded keeps its member and amount."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        *,
        recorded: PendingCheque | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.recorded = recorded
        self.line: SlipLine | None = None
        self.invoice: InvoiceRow | None = None
        self.setWindowTitle(tr("A cheque received"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.picker: InvoicePicker | None = None
        if recorded is None:
            self.picker = InvoicePicker(context, "bank_cheque_invoices")
            self.picker.picked.connect(self._picked)
            self.picker.table.clicked.connect(lambda _index: self._picked(self.picker.selected()))
            layout.addWidget(QLabel(tr("The invoice it pays")))
            layout.addWidget(self.picker, 1)
            self.any_invoice = QCheckBox(tr("Pay the member's oldest instalments, any invoice"))
            layout.addWidget(self.any_invoice)
        self.chosen = QLabel(tr("No invoice chosen yet."))
        form.addRow(tr("Cheque for"), self.chosen)
        self.bank = QLineEdit()
        self.bank.setPlaceholderText(tr("Bank the cheque is drawn on"))
        self.number = QLineEdit()
        self.number.setMaxLength(20)
        self.amount = MoneyInput()
        self.received_on = DateInput(clock.today())
        form.addRow(tr("Bank"), self.bank)
        form.addRow(tr("Cheque no."), self.number)
        form.addRow(tr("Amount"), self.amount)
        form.addRow(tr("Received on"), self.received_on)
        layout.addLayout(form)
        self.errors = error_label()
        layout.addWidget(self.errors)
        layout.addWidget(ok_cancel(self, self._accept))
        if recorded is not None:
            self._show_recorded(recorded)

    def _show_recorded(self, recorded: PendingCheque) -> None:
        self.chosen.setText(
            f"{recorded.member_code} — {recorded.member_name}"
            + (f" — {recorded.invoice_number}" if recorded.invoice_number else "")
        )
        digits = re.findall(r"\d+", recorded.reference)
        self.number.setText(max(digits, key=len) if digits else "")
        self.amount.set_cents(recorded.amount_cents)
        self.amount.setEnabled(False)
        self.received_on.set_day(recorded.received_on)
        self.received_on.setEnabled(False)
        self.bank.setFocus()

    def _picked(self, row: InvoiceRow | None) -> None:
        if row is None:
            return
        self.invoice = row
        self.chosen.setText(f"{row.member_code} — {row.member_name} — {row.number}")
        if not self.amount.text().strip():
            self.amount.set_cents(row.remaining_cents)
        self.bank.setFocus()

    def _accept(self) -> None:
        if self.recorded is None and self.invoice is None:
            self.errors.setText(tr("Choose the invoice the cheque pays (or one of its member's)."))
            return
        try:
            cents = self.amount.cents()
        except ValueError as error:
            self.errors.setText(str(error))
            return
        received_on = typed_day(self.received_on, self.errors)
        if received_on is None:
            return
        self.line = self._line(cents, received_on)
        self.accept()

    def _line(self, cents: int, received_on: Any) -> SlipLine:
        bank, number = self.bank.text().strip(), self.number.text().strip()
        if self.recorded is not None:
            recorded = self.recorded
            return SlipLine(
                ChequeInput(
                    member_id=recorded.member_id,
                    drawer_bank=bank,
                    cheque_number=number,
                    amount_cents=recorded.amount_cents,
                    invoice_id=recorded.invoice_id,
                    received_on=recorded.received_on,
                    payment_id=recorded.payment_id,
                ),
                recorded.member_code,
                recorded.member_name,
                recorded.invoice_number,
            )
        invoice = self.invoice
        assert invoice is not None
        any_invoice = self.any_invoice.isChecked()
        return SlipLine(
            ChequeInput(
                member_id=invoice.member_id,
                drawer_bank=bank,
                cheque_number=number,
                amount_cents=cents,
                invoice_id=None if any_invoice else invoice.id,
                received_on=received_on,
            ),
            invoice.member_code,
            invoice.member_name,
            "" if any_invoice else invoice.number,
        )


class RecordedChequesDialog(QDialog):
    """The cheque payments recorded and on no slip yet: pick one."""

    def __init__(self, context: AppContext, parent: QWidget | None, taken: set[int]) -> None:
        super().__init__(parent)
        self.context = context
        self.choice: PendingCheque | None = None
        self.setWindowTitle(tr("Cheques already recorded"))
        self.setMinimumSize(720, 360)
        self.model: RowsModel[PendingCheque] = RowsModel(
            [
                date_column(tr("Received on"), lambda r: r.received_on),
                *member_columns(),
                Column(tr("Invoice"), lambda r: r.invoice_number),
                Column(tr("Reference"), lambda r: r.reference),
                money_column(tr("Amount"), lambda r: r.amount_cents),
            ],
            key=lambda r: r.payment_id,
        )
        self.table = DataTable("bank_recorded_cheques")
        show_rows(self.table, self.model, 0, Qt.SortOrder.DescendingOrder)
        self.table.activated_row.connect(lambda _row: self._accept())
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.count)
        layout.addWidget(ok_cancel(self, self._accept, tr("Put on the slip")))
        actor = context.actor
        read(
            self,
            lambda s: [r for r in cheques.pending_cheques(s, actor) if r.payment_id not in taken],
            self._show,
        )

    def _show(self, rows: list[PendingCheque]) -> None:
        self.model.set_rows(rows)
        self.count.setText(
            ntr(
                "{count} cheque recorded on no slip",
                "{count} cheques recorded on no slip",
                len(rows),
            )
        )
        if rows:
            self.table.selectRow(0)

    def _accept(self) -> None:
        choice = self.table.current_of(self.model)
        if choice is not None:
            self.choice = choice
            self.accept()


class SlipDialog(OverpaymentDialog):
    """A new slip: its cheques (Ins adds one, Del removes the selected), the account, the
    day; OK records it, and ``result`` is the ``RemittanceOutcome``."""

    def __init__(self, context: AppContext, parent: QWidget | None) -> None:
        super().__init__(context, parent, tr("New cheque remittance slip"))
        self.setMinimumSize(900, 520)
        self.deposited_on = DateInput(clock.today())
        self.account = QComboBox()
        self.form.addRow(tr("Handed to the bank on"), self.deposited_on)
        self.form.addRow(tr("Account credited"), self.account)
        self.model: RowsModel[SlipLine] = RowsModel(slip_columns())
        self.table = DataTable("bank_slip_lines")
        self.table.setSortingEnabled(False)  # the slip's order: as the cheques were added
        self.table.setModel(self.model)
        self.table.restore_layout()
        fit_columns_once(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.actions = Actions(self, context)
        self.actions.list_menu(self.table, "add_cheque", "add_recorded", None, "remove_lines")
        self.total = QLabel()
        self.layout_.addWidget(self.table, 1)
        self.layout_.addLayout(
            self.actions.bar("add_cheque", "add_recorded", "remove_lines", count=self.total)
        )
        self.fields = {"deposited_on": self.deposited_on, "bank_account": self.account}
        self.set_action(tr("Record the slip"))
        self._count()
        read(self, lambda s: service_identity.load(s).bank_accounts, self._show_accounts)

    def _show_accounts(self, accounts: tuple[BankAccount, ...]) -> None:
        self.account.clear()
        for account in sorted(accounts, key=lambda a: not a.for_invoices):
            self.account.addItem(f"{account.label} — {account.iban_display}", account.id)

    def lines(self) -> list[SlipLine]:
        return list(self.model.rows)

    def add_line(self, line: SlipLine) -> None:
        self.model.set_rows([*self.model.rows, line])
        self._count()

    def _count(self) -> None:
        lines = self.model.rows
        self.total.setText(
            ntr(
                "{count} cheque, {amount}",
                "{count} cheques, {amount}",
                len(lines),
                amount=formatting.amount(sum(line.cheque.amount_cents for line in lines)),
            )
        )

    @action(lambda: tr("Add a cheque…"), shortcut="Ins", permission=Permission.PAYMENTS_RECORD)
    def add_cheque(self) -> None:
        """A cheque received: the invoice it pays, its bank, number and amount."""
        dialog = ChequeDialog(self.context, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.line is not None:
            self.add_line(dialog.line)

    @action(lambda: tr("Cheque already recorded…"), permission=Permission.PAYMENTS_RECORD)
    def add_recorded(self) -> None:
        """A cheque payment recorded earlier (in the payment dialog) and on no slip yet."""
        taken = {line.cheque.payment_id for line in self.model.rows if line.cheque.payment_id}
        chooser = RecordedChequesDialog(self.context, self, taken)  # type: ignore[arg-type]
        if chooser.exec() != QDialog.DialogCode.Accepted or chooser.choice is None:
            return
        dialog = ChequeDialog(self.context, self, recorded=chooser.choice)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.line is not None:
            self.add_line(dialog.line)

    @action(
        lambda: tr("Remove from the slip"),
        shortcut="Del",
        on_list=True,
        permission=Permission.PAYMENTS_RECORD,
    )
    def remove_lines(self) -> None:
        gone = set(self.table.selected_source_rows())
        self.model.set_rows([line for row, line in enumerate(self.model.rows) if row not in gone])
        self._count()

    def busy_label(self) -> str:
        return tr("Recording the slip…")

    def work(self) -> Callable[[Any], Any] | None:
        deposited_on = typed_day(self.deposited_on, self.errors)
        if deposited_on is None:
            return None
        if not self.model.rows:
            self.errors.setText(tr("Add the cheques to put on the slip."))
            return None
        actor, allow = self.context.actor, self.allow_overpayment
        inputs = [line.cheque for line in self.model.rows]
        account_id = self.account.currentData()
        return lambda session: cheques.create_remittance(
            session,
            actor,
            inputs,
            bank_account_id=account_id,
            deposited_on=deposited_on,
            allow_overpayment=allow,
        )

    def overpaid(self, error: ValidationFailed) -> bool:
        return not self.allow_overpayment and all(
            item.field.endswith(".overpaid") for item in error.errors
        )

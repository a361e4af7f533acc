"""One of the service's bank accounts, typed in the identity tab: checked at once (IBAN and
its RIB key, the BIC of the IBAN's bank), stored when the settings are saved."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from backoffice.i18n import tr
from backoffice.identity import BankAccount
from backoffice.services import identity as identity_service
from backoffice.views.widgets.dialogs import error_label, ok_cancel
from backoffice.views.widgets.operation_dialog import FIELD_ERROR_STYLE


class BankAccountDialog(QDialog):
    def __init__(self, parent: QWidget | None, account: BankAccount | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Bank account") if account else tr("New bank account"))
        self.setMinimumWidth(480)
        self.original = account or BankAccount(None, "", "", "")
        self.result_account: BankAccount | None = None
        form = QFormLayout()
        self.label = QLineEdit(self.original.label)
        self.label.setPlaceholderText(tr("e.g. Current account"))
        self.iban = QLineEdit(self.original.iban_display)
        self.iban.editingFinished.connect(self._propose_bic)
        self.bic = QLineEdit(self.original.bic)
        self.bank_name = QLineEdit(self.original.bank_name)
        self.for_invoices = QCheckBox(tr("Printed on the invoices for transfers"))
        self.for_invoices.setChecked(self.original.for_invoices)
        self.for_direct_debits = QCheckBox(tr("Receives the SEPA direct debits"))
        self.for_direct_debits.setChecked(self.original.for_direct_debits)
        form.addRow(tr("Label"), self.label)
        form.addRow(tr("IBAN"), self.iban)
        form.addRow(tr("BIC"), self.bic)
        form.addRow(tr("Bank"), self.bank_name)
        form.addRow("", self.for_invoices)
        form.addRow("", self.for_direct_debits)
        self.errors = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(ok_cancel(self, self.submit))

    def _propose_bic(self) -> None:
        """The BIC and the bank's name follow from a French IBAN (schwifty's registry)."""
        try:
            iban = IBAN(self.iban.text())
        except SchwiftyException:
            return
        if iban.bic is not None and not self.bic.text().strip():
            self.bic.setText(str(iban.bic))
        if iban.bank_name and not self.bank_name.text().strip():
            self.bank_name.setText(iban.bank_name)

    def typed(self) -> BankAccount:
        return replace(
            self.original,
            label=self.label.text().strip(),
            iban="".join(self.iban.text().split()).upper(),
            bic="".join(self.bic.text().split()).upper(),
            bank_name=self.bank_name.text().strip(),
            for_invoices=self.for_invoices.isChecked(),
            for_direct_debits=self.for_direct_debits.isChecked(),
        )

    def submit(self) -> None:
        account = self.typed()
        problems = identity_service.account_problems((account,))
        if problems:
            self.errors.setText("\n".join(problem.message for problem in problems))
            wrong = {problem.field.rsplit(".", 1)[-1] for problem in problems}
            for line, part in ((self.label, "label"), (self.iban, "iban"), (self.bic, "bic")):
                line.setStyleSheet(FIELD_ERROR_STYLE if part in wrong else "")
            return
        self.result_account = account
        self.accept()

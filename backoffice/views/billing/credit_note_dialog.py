"""Issuing a credit note (*avoir*) on an invoice: all that is left, or part of it (HT), with
a reason; the VAT and the total it makes are shown as the amount is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QRadioButton, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.billing import credit_notes
from backoffice.services.billing.credit_notes import Creditable
from backoffice.services.errors import ValidationFailed
from backoffice.views import formatting
from backoffice.views.widgets.inputs import MoneyInput, typed_cents
from backoffice.views.widgets.operation_dialog import OperationDialog


class CreditNoteDialog(OperationDialog):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        invoice_id: int,
        invoice_number: str,
        vat_rate_bp: int,
        left: Creditable,
    ) -> None:
        super().__init__(context, parent, tr("Credit note on {number}", number=invoice_number))
        self.invoice_id, self.vat_rate_bp, self.left = invoice_id, vat_rate_bp, left
        self.form.addRow(
            tr("Left to credit"),
            QLabel(
                tr(
                    "{ht} excl. VAT, VAT {vat}, {ttc} incl. VAT",
                    ht=formatting.amount(left.ht_cents),
                    vat=formatting.amount(left.vat_cents),
                    ttc=formatting.amount(left.ttc_cents),
                )
            ),
        )
        self.full = QRadioButton(tr("Cancel the whole invoice (what is left)"))
        self.partial = QRadioButton(tr("Cancel part of it"))
        self.full.setChecked(True)
        self.amount = MoneyInput()
        self.amount.setEnabled(False)
        self.effect = QLabel()
        self.reason = QLineEdit()
        self.reason.setMaxLength(credit_notes.REASON_LENGTH)
        self.reason.setPlaceholderText(tr("Printed on the credit note"))
        self.form.addRow(self.full)
        self.form.addRow(self.partial)
        self.form.addRow(tr("Amount excl. VAT"), self.amount)
        self.form.addRow("", self.effect)
        self.form.addRow(tr("Reason"), self.reason)
        self.partial.toggled.connect(self._mode)
        self.amount.textEdited.connect(lambda _text: self._show_effect())
        self._show_effect()

    def _mode(self, partial: bool) -> None:
        self.amount.setEnabled(partial)
        if partial:
            self.amount.setFocus()
        self._show_effect()

    def _show_effect(self) -> None:
        try:
            amount = None if self.full.isChecked() else self.amount.cents()
            note = credit_notes.amounts_for(self.vat_rate_bp, self.left, amount)
        except (ValueError, ValidationFailed):
            self.effect.setText("")
            return
        self.effect.setText(
            tr(
                "VAT {vat}, credit note of {ttc} incl. VAT",
                vat=formatting.amount(note.vat_cents),
                ttc=formatting.amount(note.ttc_cents),
            )
        )

    def busy_label(self) -> str:
        return tr("Issuing the credit note…")

    def work(self) -> Callable[[Any], Any] | None:
        amount = None
        if self.partial.isChecked():
            try:
                amount = typed_cents(self.amount, tr("Amount excl. VAT"))
            except ValueError as error:
                self.errors.setText(str(error))
                return None
        actor, invoice_id, reason = self.context.actor, self.invoice_id, self.reason.text()
        return lambda session: credit_notes.issue_credit_note(
            session, actor, invoice_id, reason, amount
        )

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
from backoffice.views.widgets.invoice_dialog import InvoiceDialog, InvoiceRef


class CreditNoteDialog(InvoiceDialog):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        invoice: InvoiceRef,
        vat_rate_bp: int,
        left: Creditable,
    ) -> None:
        super().__init__(
            context, parent, invoice, tr("Credit note on {number}", number=invoice.number)
        )
        self.vat_rate_bp, self.left = vat_rate_bp, left
        self.say_left(
            tr("Left to credit"),
            tr(
                "{ht} excl. VAT, VAT {vat}, {ttc} incl. VAT",
                ht=formatting.amount(left.ht_cents),
                vat=formatting.amount(left.vat_cents),
                ttc=formatting.amount(left.ttc_cents),
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

    @classmethod
    def left_cents(cls, left: Any) -> int:
        creditable, _vat_rate_bp = left
        return int(creditable.ttc_cents)

    @classmethod
    def nothing_left(cls, number: str) -> tuple[str, str]:
        return tr("Credit note"), tr("This invoice is already fully credited.")

    @classmethod
    def opened(
        cls, context: AppContext, parent: QWidget | None, invoice: InvoiceRef, left: Any
    ) -> CreditNoteDialog:
        """``left``: what is left to credit and the invoice's VAT rate."""
        creditable, vat_rate_bp = left
        return cls(context, parent, invoice, vat_rate_bp, creditable)

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
        actor, invoice_id, reason = self.context.actor, self.invoice.id, self.reason.text()
        return lambda session: credit_notes.issue_credit_note(
            session, actor, invoice_id, reason, amount
        )

"""Recording a payment received (transfer, cheque, card, direct debit) for an invoice or a
member: it settles the oldest due instalments first; more than owed asks a confirmation
and the difference stays as the member's credit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from backoffice import clock
from backoffice.dates import Meaning
from backoffice.i18n import tr
from backoffice.models import Payment, PaymentMethod
from backoffice.ops.context import AppContext
from backoffice.services.billing import payments
from backoffice.services.billing.invoice_lists import MemberRef
from backoffice.services.errors import ValidationFailed
from backoffice.services.limits import max_length
from backoffice.views import formatting, labels
from backoffice.views.bank.overpayment import OverpaymentDialog
from backoffice.views.widgets.inputs import DateInput, MoneyInput, typed_cents, typed_day
from backoffice.views.widgets.invoice_dialog import InvoiceRef


class PaymentDialog(OverpaymentDialog):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        member: MemberRef,
        outstanding_cents: int,
        invoice: InvoiceRef | None = None,  # when paying one invoice
    ) -> None:
        super().__init__(context, parent, tr("Record a payment"))
        self.member_id = member.id
        self.invoice = invoice
        self.form.addRow(tr("Member"), QLabel(member.label))
        if invoice is not None:
            self.form.addRow(tr("Invoice"), QLabel(invoice.number))
        self.form.addRow(tr("Left to pay"), QLabel(formatting.amount(outstanding_cents)))
        # The sign is the service's to judge (it says why a payment must be positive).
        self.amount = MoneyInput(
            outstanding_cents, allow_negative=True, ceiling_cents=payments.PAYMENT_CEILING_CENTS
        )
        self.method = QComboBox()
        for method in PaymentMethod:
            self.method.addItem(labels.label(method), method)
        self.received_on = DateInput(clock.today(), meaning=Meaning.PAYMENT_RECEIVED)
        self.reference = QLineEdit()
        self.reference.setMaxLength(max_length(Payment.reference) or 80)
        self.reference.setPlaceholderText(tr("Cheque number, bank label…"))
        self.form.addRow(tr("Amount"), self.amount)
        self.form.addRow(tr("Method"), self.method)
        self.form.addRow(tr("Received on"), self.received_on)
        self.form.addRow(tr("Reference"), self.reference)

    def busy_label(self) -> str:
        return tr("Recording the payment…")

    def work(self) -> Callable[[Any], Any] | None:
        try:
            cents = typed_cents(self.amount, tr("Amount"))
        except ValueError as error:
            self.errors.setText(str(error))
            return None
        actor, member_id = self.context.actor, self.member_id
        method = PaymentMethod(self.method.currentData())  # Qt hands the enum back as text
        received_on = typed_day(self.received_on, self.errors)
        if received_on is None:
            return None
        reference = self.reference.text().strip() or None
        invoice_id = self.invoice.id if self.invoice else None
        allow = self.allow_overpayment
        return lambda session: payments.record_payment(
            session,
            actor,
            member_id,
            cents,
            method,
            received_on,
            invoice_id=invoice_id,
            reference=reference,
            allow_overpayment=allow,
        )

    def overpaid(self, error: ValidationFailed) -> bool:
        return error.errors[0].field == "amount" and self._typed_positive()

    def _typed_positive(self) -> bool:
        try:
            return self.amount.cents() > 0
        except ValueError:
            return False

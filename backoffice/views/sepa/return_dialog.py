"""Recording a returned debit: the ISO reason code and the day the bank said so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QWidget

from backoffice import clock
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.sepa import returns
from backoffice.services.sepa.queries import DebitRow
from backoffice.services.sepa.reason_codes import reason_labels
from backoffice.services.sepa.returns import ReturnOutcome
from backoffice.views import formatting
from backoffice.views.widgets.dialogs import error_label, inform, note, ok_cancel
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.operations import write


class ReturnDialog(QDialog):
    def __init__(self, parent: QWidget | None, debit: DebitRow) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Returned direct debit"))
        form = QFormLayout(self)
        form.addRow(tr("Member"), QLabel(f"{debit.member_code} – {debit.member_name}"))
        form.addRow(tr("Invoice"), QLabel(debit.invoice_number))
        form.addRow(tr("Amount"), QLabel(formatting.amount(debit.amount_cents)))
        form.addRow(tr("End-to-end id"), QLabel(debit.end_to_end_id))
        self.code = QComboBox()
        for code, label in reason_labels().items():
            self.code.addItem(f"{code} – {label}", code)
        self.returned_on = DateInput(clock.today())
        form.addRow(tr("Reason code"), self.code)
        form.addRow(tr("Returned on"), self.returned_on)
        hint = note(
            tr(
                "The instalment becomes unpaid again (a payment recorded for this debit is "
                "reversed) and shows among the overdue ones."
            )
        )
        form.addRow(hint)
        self.error = error_label()
        form.addRow(self.error)
        form.addRow(ok_cancel(self, self._accept))

    def _accept(self) -> None:
        try:
            self.returned_on.day()
        except ValueError as error:
            self.error.setText(str(error))
            return
        self.accept()

    def chosen_code(self) -> str:
        return str(self.code.currentData())

    def day(self) -> date:
        day = self.returned_on.day()
        assert day is not None
        return day


def record_return(
    context: AppContext, parent: QWidget, debit: DebitRow, done: Callable[[], None]
) -> None:
    """Ask the code and date, then record the return (``parent`` is the view that asked:
    it reloads for its own change); ``done()`` afterwards, or after a conflict."""
    if debit.instalment_id is None:
        inform(
            parent,
            tr("Returned direct debit"),
            tr("This debit was sent again in a later file: record the return on that file."),
        )
        return
    dialog = ReturnDialog(parent, debit)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    actor, code, day = context.actor, dialog.chosen_code(), dialog.day()
    instalment_id, version = debit.instalment_id, debit.version

    def finished(outcome: ReturnOutcome) -> None:
        message = tr(
            "Return {code} recorded: {amount} is owed again.",
            code=outcome.code,
            amount=formatting.amount(outcome.remaining_cents),
        )
        if outcome.mandate_unusable:
            message += "\n" + tr(
                "This code says the account cannot be debited any more: revoke the mandate "
                "and ask the member for new bank details."
            )
        inform(parent, tr("Returned direct debit"), message)
        done()

    write(
        parent,
        lambda session: returns.record_return(
            session, actor, instalment_id, code, returned_on=day, expected_version=version
        ),
        tr("Recording the return…"),
    ).success(finished).conflict(done).run()

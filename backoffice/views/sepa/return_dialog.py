"""Recording a returned debit: the ISO reason code and the day the bank said so."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QWidget

from backoffice import clock
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation
from backoffice.services.sepa import returns
from backoffice.services.sepa.queries import DebitRow
from backoffice.services.sepa.reason_codes import reason_labels
from backoffice.services.sepa.returns import ReturnOutcome
from backoffice.views import formatting
from backoffice.views.sepa.common import date_edit, day_of
from backoffice.views.widgets.dialogs import inform, ok_cancel


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
        self.returned_on = date_edit(clock.today())
        form.addRow(tr("Reason code"), self.code)
        form.addRow(tr("Returned on"), self.returned_on)
        note = QLabel(
            tr(
                "The instalment becomes unpaid again (a payment recorded for this debit is "
                "reversed) and shows among the overdue ones."
            )
        )
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(ok_cancel(self))

    def chosen_code(self) -> str:
        return str(self.code.currentData())

    def day(self) -> date:
        return day_of(self.returned_on)


def record_return(context: AppContext, parent: QWidget, debit: DebitRow, done: object) -> None:
    """Ask the code and date, then record the return; ``done()`` afterwards."""
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
        done()  # type: ignore[operator]

    Operation(
        context,
        parent,
        lambda session: returns.record_return(
            session, actor, instalment_id, code, returned_on=day, expected_version=version
        ),
        label=tr("Recording the return…"),
    ).success(finished).conflict(done).run()  # type: ignore[arg-type]

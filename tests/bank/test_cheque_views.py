"""The Chèques tab of Facturation driven like a user: a new slip, a cheque typed in against
an invoice found by its member, a cheque already recorded put on it, the slip recorded
and previewed (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from backoffice.models import ChequeRemittance, Member, Payment, PaymentMethod
from backoffice.ops.context import AppContext
from backoffice.services.billing import payments
from backoffice.views.bank import cheque_dialogs, cheques_tab
from backoffice.views.bank.cheque_dialogs import ChequeDialog, SlipDialog
from backoffice.views.billing.page import BillingPage
from backoffice.views.widgets.preview import PdfPreview
from tests.billing.builders import TODAY, billed_member

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("billing_day")]


@pytest.fixture
def context(billing_context: AppContext) -> AppContext:
    return billing_context


def test_a_slip_made_in_the_cheques_tab(
    context: AppContext, qtbot, qtmodeltester, monkeypatch, recorded_errors
) -> None:
    database, clerk = context.database, context.actor
    member_id, _invoice_id = billed_member(database, clerk, si=10)
    other_id, _other_invoice = billed_member(database, clerk, si=5)
    with database.transaction() as session:
        earlier = payments.record_payment(
            session,
            clerk,
            other_id,
            15000,
            PaymentMethod.CHEQUE,
            TODAY.date(),
            reference="chèque 7654321",
        )
        code = session.scalar(select(Member.member_code).where(Member.id == member_id))
    page = BillingPage(context)
    qtbot.addWidget(page)
    page.show()
    page.open({"tab": "cheques"})
    tab = page.cheques
    assert page.tabs.currentWidget() is tab

    slip = SlipDialog(context, tab)
    qtbot.addWidget(slip)
    qtbot.waitUntil(lambda: slip.account.count() > 0, timeout=10000)

    # A cheque typed in: the invoice found by its member's code.
    def typed_cheque(dialog: ChequeDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.picker.search.setText(code)
        dialog.picker.search.returnPressed.emit()
        qtbot.waitUntil(lambda: dialog.picker.model.rowCount() == 1, timeout=10000)
        qtmodeltester.check(dialog.picker.model)
        dialog._picked(dialog.picker.selected())
        assert dialog.amount.cents() == 126000  # what is left to pay, proposed
        dialog.bank.setText("Crédit Mutuel")
        dialog.number.setText("0001234")
        dialog.amount.setText("420,00")
        dialog._accept()
        return QDialog.DialogCode.Accepted

    # A cheque recorded earlier in the payment dialog: its bank is typed.
    def recorded_cheque(dialog: cheque_dialogs.RecordedChequesDialog) -> int:
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
        qtmodeltester.check(dialog.model)
        dialog._accept()
        return QDialog.DialogCode.Accepted

    def bank_of_recorded(dialog: ChequeDialog) -> int:
        qtbot.addWidget(dialog)
        assert dialog.number.text() == "7654321" and not dialog.amount.isEnabled()
        dialog.bank.setText("LCL")
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(
        ChequeDialog,
        "exec",
        lambda self: bank_of_recorded(self) if self.recorded else typed_cheque(self),
    )
    monkeypatch.setattr(cheque_dialogs.RecordedChequesDialog, "exec", recorded_cheque)
    slip.actions.run("add_cheque")
    slip.actions.run("add_recorded")
    qtmodeltester.check(slip.model)
    assert slip.model.rowCount() == 2
    assert "2 chèques, 570,00\u00a0€" in slip.total.text()
    slip.submit()
    qtbot.waitUntil(lambda: slip.result is not None, timeout=10000)
    assert slip.result.number == "RC-2027-000001"
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 2
        assert session.scalar(select(func.count()).select_from(ChequeRemittance)) == 1
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10000)
    qtmodeltester.check(tab.model)
    assert "1 bordereau" in tab.count.text()

    # The slip previewed from the list, as printed for the bank.
    tab.table.selectRow(0)
    tab.actions.update()
    tab.actions.run("show_slip")
    qtbot.waitUntil(lambda: bool(tab.findChildren(PdfPreview)), timeout=10000)
    preview = tab.findChildren(PdfPreview)[0]
    assert preview.page_count == 1
    assert "RC-2027-000001" in preview.windowTitle()
    preview.close()
    assert not recorded_errors
    assert earlier.payment_id in slip.result.payment_ids
    assert cheques_tab.ChequesTab.TABLES[0] == "cheque_remittances"

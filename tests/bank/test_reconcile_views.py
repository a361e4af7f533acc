"""Facturation › Rapprochement driven like a user: the entries left, the candidates of the
one under the cursor, Ctrl+Entrée accepting the likeliest and moving on, an entry shared
across two invoices with the rest as a credit, one kept as a member's credit, one set
aside, and a wrong match undone (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from backoffice import references
from backoffice.db import Database
from backoffice.models import Invoice, Member, Payment
from backoffice.models.bank import BankEntry, BankEntryKind, BankMatchState
from backoffice.ops.context import AppContext
from backoffice.views.bank import reconcile_tab
from backoffice.views.bank.reconcile_dialogs import CreditDialog, IgnoreDialog, SplitDialog
from backoffice.views.billing.page import BillingPage
from backoffice.views.main_window import section_shortcuts
from backoffice.views.pages import PAGES
from tests.bank.reconcile_builders import entry
from tests.billing.builders import billed_member

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("billing_day")]


@pytest.fixture
def context(billing_context: AppContext) -> AppContext:
    return billing_context


def state(database: Database, entry_id: int) -> BankMatchState:
    with database.session() as session:
        return session.get(BankEntry, entry_id).match_state


def select_entry(qtbot, tab: reconcile_tab.ReconcileTab, entry_id: int) -> None:
    for row in range(tab.proxy.rowCount()):
        source = tab.proxy.mapToSource(tab.proxy.index(row, 0)).row()
        if tab.model.row_at(source).id == entry_id:
            tab.table.setCurrentIndex(tab.proxy.index(row, 0))
            break
    qtbot.waitUntil(lambda: tab.entry is not None and tab.entry.id == entry_id, timeout=5000)


def test_reconciling_in_the_screen(
    context: AppContext, qtbot, qtmodeltester, monkeypatch, recorded_errors
) -> None:
    database, clerk = context.database, context.actor
    billed = [billed_member(database, clerk, si=si) for si in (10, 5, 8)]
    with database.transaction() as session:
        (_, first_invoice), (_, second_invoice), (third, _) = billed
        reference = session.get(Invoice, first_invoice).creditor_reference
        third_name = session.get(Member, third).legal_name
        third_code = session.get(Member, third).member_code
        by_reference = entry(session, 42000, text=f"VIR {references.display(reference)}")
        shared = entry(session, 200000, name="CABINET FIDUCIAIRE")
        advance = entry(session, 5000, name=third_name)
        fees = entry(session, -1850, text="FRAIS", kind=BankEntryKind.DEBIT)
    page = BillingPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.open({"tab": "reconcile"})
    tab = page.reconcile
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=10000)
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)
    qtbot.waitUntil(lambda: "février 2027 : 0 sur 4 opérations traitées" in tab.progress.text())

    # The RF reference: the likeliest candidate, accepted with Ctrl+Entrée.
    select_entry(qtbot, tab, by_reference)
    qtbot.waitUntil(lambda: tab.suggestions.rowCount() > 0, timeout=10000)
    qtmodeltester.check(tab.suggestions)
    best = tab.suggestions.row_at(0)
    assert best.invoice_id == first_invoice and "référence de paiement" in best.why
    assert tab.actions["accept"].isEnabled()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=10000)
    assert state(database, by_reference) == BankMatchState.MATCHED
    assert tab.entry is not None and tab.entry.id != by_reference  # on to the next one
    qtbot.waitUntil(lambda: "1 sur 4 opérations traitées" in tab.progress.text(), timeout=5000)

    # Shared across two invoices found by their numbers, the rest kept as a credit.
    select_entry(qtbot, tab, shared)
    split = SplitDialog(context, tab, tab.entry)
    qtbot.addWidget(split)
    qtmodeltester.check(split.model)
    for invoice_id in (first_invoice, second_invoice):
        with database.session() as session:
            number = session.get(Invoice, invoice_id).number
        split.picker.search.setText(number)
        split.picker.search.returnPressed.emit()
        qtbot.waitUntil(
            lambda n=number: [row.number for row in split.picker.model.rows] == [n],
            timeout=10000,
        )
        split.add_invoice(split.picker.selected())
    assert split.left_cents() == 200000 - 84000 - 63000
    # The lines are of two members: the rest is nobody's credit until the user says whose.
    assert split.credit_member.count() == 3 and split.credit_member.currentData() is None
    split.submit()
    assert split.result is None and "n'est pas réparti" in split.errors.text()
    second_member = billed[1][0]
    split.credit_member.setCurrentIndex(split.credit_member.findData(second_member))
    split.submit()
    qtbot.waitUntil(lambda: split.result is not None, timeout=10000)
    assert len(split.result.payment_ids) == 3 and split.result.credit_cents == 53000
    with database.session() as session:
        credit_payment = session.get(Payment, split.result.payment_ids[-1])
        assert (credit_payment.member_id, credit_payment.amount_cents) == (second_member, 53000)
    tab._settled(split.result)
    assert state(database, shared) == BankMatchState.MATCHED

    # The whole entry kept as a member's credit.
    select_entry(qtbot, tab, advance)
    credit = CreditDialog(context, tab, tab.entry)
    qtbot.addWidget(credit)
    credit.picker.search.setText(third_code)
    credit.picker.search.returnPressed.emit()
    qtbot.waitUntil(lambda: [row.id for row in credit.picker.model.rows] == [third], timeout=10000)
    credit._picked(credit.picker.selected())
    credit.submit()
    qtbot.waitUntil(lambda: credit.result is not None, timeout=10000)
    tab._settled(credit.result)

    # Bank fees: set aside with their reason.
    select_entry(qtbot, tab, fees)
    assert not tab.actions["accept"].isEnabled()
    ignore = IgnoreDialog(context, tab, tab.entry)
    qtbot.addWidget(ignore)
    assert ignore.reason.currentText() == "Frais bancaires"
    ignore.submit()
    qtbot.waitUntil(lambda: ignore.result is not None, timeout=10000)
    tab._settled(ignore.result)
    assert tab.model.rowCount() == 0
    qtbot.waitUntil(lambda: "4 sur 4 opérations traitées" in tab.progress.text(), timeout=5000)

    # A wrong match undone from the reconciled entries: its payment reversed, not deleted.
    tab.state.setCurrentIndex(tab.state.findData(BankMatchState.MATCHED.value))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=10000)
    select_entry(qtbot, tab, by_reference)
    monkeypatch.setattr(reconcile_tab, "ask_reason", lambda *args, **kw: "mauvaise facture")
    tab.actions.run("undo")
    qtbot.waitUntil(
        lambda: state(database, by_reference) == BankMatchState.UNMATCHED, timeout=10000
    )
    with database.session() as session:
        reversed_count = session.scalar(
            select(func.count()).select_from(Payment).where(Payment.reversed_at.is_not(None))
        )
    assert reversed_count == 1
    assert not recorded_errors


def test_f1_lists_the_bank_desk_s_shortcuts(context: AppContext) -> None:
    [billing] = [spec for spec in PAGES if spec.key == "billing"]
    listed = section_shortcuts(billing, context)
    assert "Accepter la proposition (Ctrl+Entrée)" in listed
    assert "Nouveau bordereau… (Ctrl+N)" in listed

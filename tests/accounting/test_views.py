"""The Comptabilité section, the charts and the write-off driven like a user (offscreen)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import AccountingClosure, JournalExport, Role, WriteOff
from backoffice.ops.context import AppContext
from backoffice.services.actors import actor_of
from backoffice.views.accounting import dialogs, workbooks
from backoffice.views.accounting.collection_charts import CollectionTab, DashboardCharts
from backoffice.views.accounting.dialogs import (
    CloseDialog,
    FecDialog,
    JournalExportDialog,
    WriteOffDialog,
    closable_months,
)
from backoffice.views.accounting.page import AccountingPage
from backoffice.views.widgets.invoice_dialog import InvoiceRef
from tests import factories
from tests.accounting.builders import a_year, on
from tests.accounting.fec_checker import check_fec
from tests.view_fixtures import finished

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_error_dialog")]


@pytest.fixture
def context(billing_context: AppContext) -> AppContext:
    """The billing clerk, a year of books behind."""
    a_year(billing_context.database, billing_context.actor, closing=False)
    return billing_context


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def run_dialog(qtbot, context, dialog: QDialog) -> object:
    qtbot.addWidget(dialog)
    dialog.submit()
    finished(qtbot, context)
    assert dialog.errors.text() == ""
    return dialog.result


def test_close_the_year_export_its_journal_and_produce_its_fec(context, qtbot, monkeypatch, out):
    with on(date(2027, 1, 5)):
        page = AccountingPage(context)
        qtbot.addWidget(page)
        page.show()
        journal = page.journal
        journal.start.set_day(date(2026, 1, 1))
        journal.end.set_day(date(2026, 12, 31))
        journal.reload()
        qtbot.waitUntil(lambda: journal.entries.rowCount() == 12, timeout=15000)
        assert "12 écritures attendent la clôture" in journal.status.text()
        assert {row.state.value for row in journal.entries.rows} == {"draft"}
        months = closable_months(None, date(2027, 1, 5))
        assert months[0] == date(2026, 12, 31)
        close = CloseDialog(context, page, None)
        assert close.months.currentData() == date(2026, 12, 31)
        outcome = run_dialog(qtbot, context, close)
        assert outcome.entry_count == 12
        qtbot.waitUntil(
            lambda: "clôturée jusqu'au 31/12/2026" in journal.status.text(), timeout=15000
        )
        qtbot.waitUntil(
            lambda: bool(journal.entries.rows) and all(r.number for r in journal.entries.rows),
            timeout=15000,
        )
        journal.table.selectRow(0)
        qtbot.waitUntil(lambda: journal.lines.rowCount() >= 2, timeout=15000)
        debit = sum(row.debit_cents for row in journal.lines.rows)
        assert debit == sum(row.credit_cents for row in journal.lines.rows) > 0

        monkeypatch.setattr(dialogs, "ask_save_path", lambda *args, **kw: out / "journal")
        export = JournalExportDialog(context, page, date(2026, 12, 31))
        export.start.set_day(date(2026, 1, 1))
        result = run_dialog(qtbot, context, export)
        assert result.path == out / "journal.xlsx" and result.entries == 12
        assert load_workbook(result.path).active.max_row > 12
        assert count(context.database, JournalExport) == 1

        monkeypatch.setattr(dialogs, "ask_folder", lambda *args, **kw: out)
        fec = FecDialog(context, page, 2026)
        result = run_dialog(qtbot, context, fec)
        assert check_fec(result.path).entries == 12
    assert count(context.database, AccountingClosure) == 1


def test_refusals_stay_in_the_dialogs(context, qtbot, monkeypatch, out):
    monkeypatch.setattr(dialogs, "ask_folder", lambda *args, **kw: out)
    with on(date(2027, 1, 5)):
        fec = FecDialog(context, None, 2026)
        qtbot.addWidget(fec)
        fec.submit()
        finished(qtbot, context)
        assert "Aucune période de l'exercice 2026 n'est clôturée" in fec.errors.text()
        assert fec.isVisible() is False or fec.result is None
        close = CloseDialog(context, None, date(2026, 12, 31))
        qtbot.addWidget(close)
        assert close.months.count() == 0
        assert "Aucun mois n'est terminé" in close.errors.text()
    assert list(out.iterdir()) == []


def test_aged_balance_sorted_exported_and_a_click_from_the_schedule(
    context, qtbot, qtmodeltester, monkeypatch, out
):
    with on(date(2026, 12, 1)):
        page = AccountingPage(context)
        qtbot.addWidget(page)
        page.show()
        page.open({"tab": "aged"})
        tab = page.aged
        qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=15000)
        qtmodeltester.check(tab.model)
        assert tab.model.rows[0].total_cents == 33600
        assert "Rapproché avec les échéances ouvertes" in tab.totals.text()
        opened: list[tuple[str, dict]] = []
        page.navigate_to.connect(lambda key, options: opened.append((key, options)))
        tab.table.selectRow(0)
        tab.open_schedule()
        assert opened == [
            ("members", {"member_id": tab.model.rows[0].member_id, "tab": "invoices"})
        ]
        monkeypatch.setattr(workbooks, "ask_save_path", lambda *args, **kw: out / "balance.xlsx")
        monkeypatch.setattr(workbooks, "inform", lambda *args: None)
        tab.export()
        finished(qtbot, context)
    rows = list(
        load_workbook(out / "balance.xlsx", data_only=True).active.iter_rows(values_only=True)
    )
    assert rows[1][7] == 336


def test_vat_tab_and_closings_tab(context, qtbot, qtmodeltester):
    with on(date(2027, 1, 5)):
        page = AccountingPage(context)
        qtbot.addWidget(page)
        page.show()
        page.open({"tab": "vat"})
        page.vat.year.setValue(2026)
        qtbot.waitUntil(
            lambda: page.vat.model.rowCount() == 12 and "rapprochée" in page.vat.totals.text(),
            timeout=15000,
        )
        qtmodeltester.check(page.vat.model)
        march = page.vat.model.rows[2]
        assert march.vat_cents == 21000 + 7700
        page.open({"tab": "closings"})
        qtbot.waitUntil(lambda: page.closings.closures.rowCount() == 0, timeout=15000)
        qtmodeltester.check(page.closings.exports)


def test_the_charts_are_drawn_in_billing_and_on_the_dashboard(context, qtbot, monkeypatch):
    with on(date(2026, 12, 1)):
        tab = CollectionTab(context)
        qtbot.addWidget(tab)
        tab.show()
        qtbot.waitUntil(lambda: tab.campaign.canvas is not None, timeout=20000)
        assert tab.year.value() == 2026
        assert "Campagne 2026" in tab.summary.text()
        assert tab.ages.figure is not None and tab.returns.figure is not None
        labels = [text.get_text() for text in tab.ages.figure.axes[0].get_xticklabels()]
        assert labels == ["0–30 j", "31–60 j", "61–90 j", "> 90 j"]
        strip = DashboardCharts(context)
        qtbot.addWidget(strip)
        strip.show()
        qtbot.waitUntil(lambda: all(box.canvas is not None for box in strip.boxes), timeout=20000)
        clicked: list[bool] = []
        strip.open_collection.connect(lambda: clicked.append(True))
        strip.boxes[0].clicked.emit()
        assert clicked == [True]

        from backoffice.views.widgets import preview

        shown: list[bytes] = []
        monkeypatch.setattr(
            preview, "show_pdf", lambda _view, _title, pdf, **_kw: shown.append(pdf)
        )
        assert tab.pdf_button.text() == "Aperçu et impression…"
        tab.pdf_button.click()  # previewed, to print or save from there
        qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(shown[0])).pages)
    assert "Point sur l'encaissement" in text and "Taux d'encaissement" in text


def test_a_write_off_from_its_dialog(context, qtbot):
    with context.database.session() as session:
        from backoffice.models import Invoice

        second = session.scalars(select(Invoice).order_by(Invoice.id)).all()[1]
    with on(date(2026, 12, 1)):
        dialog = WriteOffDialog(context, None, InvoiceRef(second.id, second.number), 33600)
        qtbot.addWidget(dialog)
        dialog.submit()
        finished(qtbot, context)
        assert "Motif" in dialog.errors.text()  # a reason is required
        dialog.reason.setText("Liquidation judiciaire clôturée")
        dialog.submit()
        finished(qtbot, context)
        assert dialog.result.amount_cents == 33600
    assert count(context.database, WriteOff) == 3 + 1  # a_year's three instalments, then one


def test_the_chart_of_accounts_tab_saves_and_refuses(context, qtbot):
    from backoffice.services import settings
    from backoffice.services.accounting import chart
    from backoffice.services.errors import ValidationFailed
    from backoffice.views.accounting.settings_tab import ChartOfAccountsTab

    with context.database.transaction() as session:
        admin = actor_of(factories.staff(session, Role.ADMINISTRATOR))
    tab = ChartOfAccountsTab(context)
    qtbot.addWidget(tab)
    with context.database.session() as session:
        tab.shown(ChartOfAccountsTab.read(session))
    assert tab.accounts["vat_pending"][0].text() == "445740"
    tab.accounts["bank"][0].setText("411000")
    work = tab.save_work()
    with context.database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        work(session, admin)
    assert [error.field for error in refused.value.errors] == ["account.bank"]
    tab.accounts["bank"][0].setText("512100")
    tab.accounts["bank"][1].setText("Crédit Mutuel")
    tab.prefix.setText("ad")
    with context.database.transaction() as session:
        tab.save_work()(session, admin)
    with context.database.session() as session:
        books = chart.from_value(settings.get(session, chart.SETTING))
    assert books.account("bank") == chart.Account("512100", "Crédit Mutuel")
    assert books.auxiliary_number("100245") == "AD100245"

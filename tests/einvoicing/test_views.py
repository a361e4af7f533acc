"""Facturation › Facturation électronique and the invoice's e-invoicing status, driven
like a user (pytest-qt, offscreen)."""

from __future__ import annotations

from pathlib import Path

import facturx
import pytest

from backoffice.models import Setting
from backoffice.ops.context import AppContext
from backoffice.views.billing import campaign_tab, einvoicing_tab, invoices_tab
from backoffice.views.billing.page import BillingPage
from backoffice.views.widgets import files
from tests import factories
from tests.billing.builders import billed_member, declare
from tests.view_fixtures import finished

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_error_dialog")]


@pytest.fixture
def context(billing_context: AppContext) -> AppContext:
    return billing_context


@pytest.fixture
def page(billing_page: BillingPage) -> BillingPage:
    return billing_page


def test_deposit_statuses_and_the_invoice_detail(
    context: AppContext, page: BillingPage, qtbot, qtmodeltester, tmp_path: Path, monkeypatch
) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    with context.database.transaction() as session:
        session.add(Setting(key="einvoicing.outbox", value=str(outbox)))
    billed_member(context.database, context.actor, si=4)
    told: list[str] = []
    monkeypatch.setattr(einvoicing_tab, "confirm", lambda *args: True)
    monkeypatch.setattr(einvoicing_tab, "inform", lambda _view, _title, text: told.append(text))
    page.open({"tab": "einvoicing"})
    tab = page.einvoicing
    qtbot.waitUntil(lambda: tab.waiting.rowCount() == 1, timeout=10000)
    qtmodeltester.check(tab.waiting)
    assert tab.waiting.rows[0].status == ""
    tab.deposit_waiting()
    finished(qtbot, context)
    assert told[-1].startswith("1 déposés")
    assert len(list(outbox.iterdir())) == 1
    qtbot.waitUntil(
        lambda: tab.waiting.rowCount() == 1 and bool(tab.waiting.rows[0].status), timeout=10000
    )
    number = tab.waiting.rows[0].number
    status_file = tmp_path / "statuts.json"
    status_file.write_text(
        f'[{{"numero": "{number}", "statut": 213, "date": "2027-02-11T08:00:00Z", '
        f'"motif": "SIREN inconnu"}}]',
        encoding="utf-8",
    )
    monkeypatch.setattr(
        einvoicing_tab.QFileDialog, "getOpenFileName", lambda *args: (str(status_file), "")
    )
    tab.import_statuses()
    finished(qtbot, context)
    qtbot.waitUntil(lambda: tab.rejected.rowCount() == 1, timeout=10000)
    qtmodeltester.check(tab.rejected)
    assert tab.rejected.rows[0].reason == "SIREN inconnu"
    assert tab.summary.text() == "0 en attente, 1 à traiter"
    # the invoice shows it, and its Factur-X can be saved
    page.show_invoice(number)
    invoices = page.invoices
    qtbot.waitUntil(lambda: "213 Rejetée" in invoices.detail.header.text(), timeout=10000)
    assert invoices.detail.einvoice.rowCount() == 2
    qtmodeltester.check(invoices.detail.einvoice)
    target = tmp_path / "facture.pdf"
    monkeypatch.setattr(files, "ask_save_path", lambda *args: target)
    monkeypatch.setattr(files, "inform", lambda *args: None)
    invoices.facturx()
    qtbot.waitUntil(target.exists, timeout=20000)
    _name, xml = facturx.get_facturx_xml_from_pdf(target.read_bytes())
    assert number.encode() in xml
    # handled: it leaves the list
    page.open({"tab": "einvoicing"})
    qtbot.waitUntil(lambda: tab.rejected.rowCount() == 1, timeout=10000)
    tab.rejected_table.selectRow(0)
    tab.close_task()
    finished(qtbot, context)
    qtbot.waitUntil(lambda: tab.rejected.rowCount() == 0, timeout=10000)
    assert invoices_tab  # the tab module the action lives in


def test_the_campaign_deposits_the_factur_x_it_just_issued(
    context: AppContext, page: BillingPage, qtbot, tmp_path: Path, monkeypatch
) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    with context.database.transaction() as session:
        session.add(Setting(key="einvoicing.outbox", value=str(outbox)))
        factories.tariff(session, 2027)
        for headcount in (3, 8):
            declare(session, factories.member(session), 2027, headcount)
    asked: list[str] = []
    told: list[str] = []
    monkeypatch.setattr(campaign_tab, "confirm", lambda _p, title, *_r: asked.append(title) or True)
    monkeypatch.setattr(einvoicing_tab, "inform", lambda _view, _title, text: told.append(text))
    page.open({"tab": "campaign"})
    page.campaign.year.setValue(2027)
    page.campaign.run_preview()
    qtbot.waitUntil(lambda: page.campaign.planned.rowCount() == 2, timeout=10000)
    page.campaign.issue()
    qtbot.waitUntil(lambda: len(list(outbox.iterdir())) == 2, timeout=30000)
    finished(qtbot, context)
    assert asked == ["Émettre la campagne 2027", "Campagne émise"]
    assert told == ["2 déposés, 0 retenus, 0 refusés."]

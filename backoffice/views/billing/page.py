"""Facturation: the billing staff's section, one tab per part of their year — the invoices,
the overdue instalments, the campaign, the workforce declarations, the tariffs.

``open({"tab": "overdue"})`` shows a tab (the dashboard's overdue card asks it);
``open({"invoice": "FA-2027-000123"})`` shows an invoice. The direct debits (SEPA
mandates, pre-notifications, collection files, returns) are a tab too, for the roles that
manage them. Bank statements dropped on the section are imported
(``views/bank/import_files``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget

from backoffice.i18n import tr, trc
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Permission
from backoffice.views.accounting.collection_charts import CollectionTab
from backoffice.views.bank.cheques_tab import ChequesTab
from backoffice.views.bank.import_files import accept_dropped_files
from backoffice.views.bank.reconcile_tab import ReconcileTab
from backoffice.views.billing.campaign_tab import CampaignTab
from backoffice.views.billing.declarations_tab import DeclarationsTab
from backoffice.views.billing.einvoicing_tab import EInvoicingTab
from backoffice.views.billing.invoices_tab import InvoicesTab
from backoffice.views.billing.overdue_tab import OverdueTab
from backoffice.views.billing.tariffs_tab import TariffsTab
from backoffice.views.sepa.panel import SepaPanel
from backoffice.views.widgets.page import TabbedPage


class BillingPage(TabbedPage):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.campaign = CampaignTab(context)
        self.invoices = InvoicesTab(context)
        self.overdue = OverdueTab(context)
        self.declarations = DeclarationsTab(context)
        self.tariffs = TariffsTab(context)
        for key, tab, title in (
            ("invoices", self.invoices, tr("Invoices")),
            ("overdue", self.overdue, tr("Late payments")),
            ("campaign", self.campaign, tr("Campaign")),
            ("declarations", self.declarations, tr("Declarations")),
            ("tariffs", self.tariffs, tr("Tariffs")),
        ):
            self.tabs.add(key, tab, title)
        self.collection = CollectionTab(context)
        self.tabs.add("collection", self.collection, trc("money collected", "Collection"))
        self.reconcile = ReconcileTab(context)
        self.tabs.add("reconcile", self.reconcile, tr("Reconciliation"))
        self.cheques = ChequesTab(context)
        self.tabs.add("cheques", self.cheques, tr("Cheques"))
        self.einvoicing = EInvoicingTab(context)
        self.tabs.add("einvoicing", self.einvoicing, tr("E-invoicing"))
        self.einvoicing.open_invoice.connect(self.show_invoice)
        if context.allows(Permission.SEPA_MANAGE):
            self.sepa = SepaPanel(context)
            self.tabs.add("sepa", self.sepa, tr("Direct debits"))
        self.overdue.open_invoice.connect(self.show_invoice)
        self.bank_drop = accept_dropped_files(self, self)  # bank statements dropped here

    def current_tab(self) -> QWidget:
        return self.tabs.currentWidget()

    def open(self, options: dict[str, Any]) -> None:
        """``tab``: invoices, overdue, campaign, declarations, tariffs, collection,
        reconcile, cheques, einvoicing or sepa (with the direct-debit panel's ``sepa_tab``
        and ``date`` YYYY-MM-DD); ``invoice``: a number."""
        if "invoice" in options:
            self.show_invoice(str(options["invoice"]))
        else:
            shown = self.tabs.show_key(str(options.get("tab", "")), fresh=True)
            if shown is not None and shown is self.tabs.by_key.get("sepa"):
                self._open_sepa(options)

    def _open_sepa(self, options: dict[str, Any]) -> None:
        if "date" in options:
            self.sepa.set_collection_date(date.fromisoformat(str(options["date"])))
        if "sepa_tab" in options:
            self.sepa.show_tab(str(options["sepa_tab"]))

    def show_invoice(self, number: str) -> None:
        self.tabs.setCurrentWidget(self.invoices)
        self.invoices.show_invoice(number)

"""Facturation: the billing staff's section, one tab per part of their year — the invoices,
the overdue instalments, the campaign, the workforce declarations, the tariffs.

``open({"tab": "overdue"})`` shows a tab (the dashboard's overdue card asks it);
``open({"invoice": "FA-2027-000123"})`` shows an invoice. The direct debits (SEPA
mandates, pre-notifications, collection files, returns) are a tab too, for the roles that
manage them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from backoffice.i18n import tr, trc
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Permission
from backoffice.views.accounting.collection_charts import CollectionTab
from backoffice.views.billing.campaign_tab import CampaignTab
from backoffice.views.billing.declarations_tab import DeclarationsTab
from backoffice.views.billing.invoices_tab import InvoicesTab
from backoffice.views.billing.overdue_tab import OverdueTab
from backoffice.views.billing.tariffs_tab import TariffsTab
from backoffice.views.pages.base import Page
from backoffice.views.sepa.panel import SepaPanel


class BillingPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.campaign = CampaignTab(context)
        self.invoices = InvoicesTab(context)
        self.overdue = OverdueTab(context)
        self.declarations = DeclarationsTab(context)
        self.tariffs = TariffsTab(context)
        self.by_key: dict[str, QWidget] = {
            "campaign": self.campaign,
            "invoices": self.invoices,
            "overdue": self.overdue,
            "declarations": self.declarations,
            "tariffs": self.tariffs,
        }
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for title, tab in (
            (tr("Invoices"), self.invoices),
            (tr("Late payments"), self.overdue),
            (tr("Campaign"), self.campaign),
            (tr("Declarations"), self.declarations),
            (tr("Tariffs"), self.tariffs),
        ):
            self.tabs.addTab(tab, title)
        self.collection = CollectionTab(context)
        self.by_key["collection"] = self.collection
        self.tabs.addTab(self.collection, trc("money collected", "Collection"))
        if context.allows(Permission.SEPA_MANAGE):
            self.sepa = SepaPanel(context)
            self.by_key["sepa"] = self.sepa
            self.tabs.addTab(self.sepa, tr("Direct debits"))
        self.tabs.currentChanged.connect(lambda _index: self.activated())
        self.overdue.open_invoice.connect(self.show_invoice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def current_tab(self) -> QWidget:
        return self.tabs.currentWidget()

    def activated(self) -> None:
        tab = self.current_tab()
        if hasattr(tab, "activated"):
            tab.activated()

    def refresh(self) -> None:
        tab = self.current_tab()
        if hasattr(tab, "refresh"):
            tab.refresh()

    def focus_search(self) -> None:
        tab = self.current_tab()
        if hasattr(tab, "focus_search"):
            tab.focus_search()

    def open(self, options: dict[str, Any]) -> None:
        """``tab``: invoices, overdue, campaign, declarations, tariffs, collection or sepa (with the
        direct-debit panel's ``sepa_tab`` and ``date`` YYYY-MM-DD); ``invoice``: a number."""
        if "invoice" in options:
            self.show_invoice(str(options["invoice"]))
        elif options.get("tab") in self.by_key:
            self.tabs.setCurrentWidget(self.by_key[options["tab"]])
            if options["tab"] == "sepa":
                self._open_sepa(options)
            self.activated()

    def _open_sepa(self, options: dict[str, Any]) -> None:
        if "date" in options:
            self.sepa.set_collection_date(date.fromisoformat(str(options["date"])))
        if "sepa_tab" in options:
            self.sepa.show_tab(str(options["sepa_tab"]))

    def show_invoice(self, number: str) -> None:
        self.tabs.setCurrentWidget(self.invoices)
        self.invoices.show_invoice(number)

"""« Comptabilité »: the books handed to the accountant and the tax authorities — the
entries and what is done with them, the aged balance, the VAT on receipts, the closings
and exports made.

``open({"tab": "aged"})`` shows a tab (journal, aged, vat, closings).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.views.accounting.aged_tab import AgedBalanceTab
from backoffice.views.accounting.closings_tab import ClosingsTab
from backoffice.views.accounting.journal_tab import JournalTab
from backoffice.views.accounting.vat_tab import VatTab
from backoffice.views.widgets.page import TabbedPage


class AccountingPage(TabbedPage):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.journal = JournalTab(context)
        self.aged = AgedBalanceTab(context)
        self.vat = VatTab(context)
        self.closings = ClosingsTab(context)
        self.tabs.add("journal", self.journal, tr("Entries"))
        self.tabs.add("aged", self.aged, tr("Aged balance"))
        self.tabs.add("vat", self.vat, tr("VAT on receipts"))
        self.tabs.add("closings", self.closings, tr("Closings and exports"))
        self.aged.open_member.connect(
            lambda member_id: self.navigate_to.emit(
                "members", {"member_id": member_id, "tab": "invoices"}
            )
        )

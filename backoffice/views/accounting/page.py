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
        add = self.tabs.add
        self.journal = add("journal", JournalTab(context), tr("Entries"))
        self.aged = add("aged", AgedBalanceTab(context), tr("Aged balance"))
        self.vat = add("vat", VatTab(context), tr("VAT on receipts"))
        self.closings = add("closings", ClosingsTab(context), tr("Closings and exports"))
        self.aged.open_member.connect(
            lambda member_id: self.navigate_to.emit(
                "members", {"member_id": member_id, "tab": "invoices"}
            )
        )

"""Rejets: find a debit sent to the bank and record its return; the returns recorded."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext, ChangeNotice
from backoffice.services.permissions import Permission
from backoffice.services.sepa import queries
from backoffice.services.sepa.queries import SEARCH_LIMIT, DebitRow
from backoffice.services.sepa.reason_codes import reason_label
from backoffice.views import formatting
from backoffice.views.sepa.common import SEPA_TABLES
from backoffice.views.sepa.files_tab import debit_columns
from backoffice.views.sepa.return_dialog import record_return
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.layouts import choices, hbox
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable


class ReturnsTab(LiveTab):
    TABLES = SEPA_TABLES

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.search = SearchBox(tr("Member, invoice number or end-to-end id of the debit…"))
        self.search.search.connect(lambda _text: self.load())
        self.which = choices(
            ((tr("Debits sent to the bank"), False), (tr("Returns recorded"), True))
        )
        self.which.currentIndexChanged.connect(lambda _index: self.load())
        layout = QVBoxLayout(self)
        layout.addLayout(hbox((self.search, 3), (self.which, 1)))
        self.model: RowsModel[DebitRow] = RowsModel(
            [
                *(column for column in debit_columns() if column.title != tr("Sequence")),
                Column(
                    tr("Collected on"),
                    lambda r: formatting.day(r.collection_date),
                    lambda r: r.collection_date or "",
                ),
                Column(
                    tr("Reason"),
                    lambda r: reason_label(r.rejection_code) if r.rejection_code else "",
                ),
            ],
            key=lambda row: row.instalment_id,
        )
        self.table = DataTable("sepa_returns")
        searchable(self.table, self.model, 3, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        row = QHBoxLayout()
        row.addWidget(self.actions.button("record_return"))
        row.addStretch()
        layout.addLayout(row)
        self.actions.list_menu(self.table, "record_return")

    def load(self) -> None:
        actor, text, rejected = self.context.actor, self.search.text(), self.which.currentData()
        self.actions.enable("record_return", not rejected)
        self.query(
            lambda session: queries.collected_instalments(session, actor, text, rejected=rejected),
            self._show,
        )

    def _show(self, rows: list[DebitRow]) -> None:
        self.model.set_rows(rows)
        text = ntr("{count} debit", "{count} debits", len(rows))
        if len(rows) >= SEARCH_LIMIT:
            text += " · " + tr("the most recent ones: refine the search")
        self.count.setText(text)

    @action(lambda: tr("Record a return…"), permission=Permission.SEPA_MANAGE)
    def record_return(self) -> None:
        """The bank returned the selected debit: its reason code, the instalment due again."""
        row = self.table.current_of(self.model)
        if row is not None and not self.which.currentData():
            record_return(self.context, self, row, self.reload)

    def on_own_change(self, notice: ChangeNotice) -> None:
        """A return recorded here reloads the list once, when it is said (``record_return``)."""

"""Chèques: the cheque remittance slips (*bordereaux de remise*), the latest first, whether
the bank's statement showed each one yet; a new slip for the cheques received (their
payments recorded with it), each slip previewed and printed as the PDF handed to the bank."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.bank import cheques
from backoffice.services.bank.cheques import RemittanceOutcome, RemittanceRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.bank.cheque_dialogs import SlipDialog
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.preview import preview_pdf
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    count_column,
    date_column,
    money_column,
)
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable


class ChequesTab(LiveTab):
    TABLES = ("cheque_remittances", "cheque_remittance_items", "bank_entries")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.search = SearchBox(tr("Slip number, account…"))
        self.model: RowsModel[RemittanceRow] = RowsModel(
            [
                Column(tr("Slip"), lambda r: r.number),
                date_column(tr("Handed to the bank on"), lambda r: r.deposited_on),
                Column(tr("Account credited"), lambda r: r.account_label),
                count_column(tr("Cheques"), lambda r: r.cheque_count),
                money_column(tr("Total"), lambda r: r.total_cents),
                Column(tr("On the statement"), lambda r: formatting.yes_no(r.matched)),
                Column(tr("Prepared by"), lambda r: r.created_by),
            ],
            key=lambda r: r.id,
        )
        self.table = DataTable("bank_cheque_slips")
        self.proxy = searchable(self.table, self.model, 1, Qt.SortOrder.DescendingOrder)
        self.table.activated_row.connect(lambda _row: self.show_slip())
        self.search.search.connect(self.proxy.search)
        self.count = QLabel()
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.actions.update())
        self.actions.list_menu(self.table, "show_slip", None, "new_slip")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addLayout(self.actions.bar("show_slip", "new_slip", count=self.count))

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda s: cheques.remittances(s, actor), self._show)

    def _show(self, rows: list[RemittanceRow]) -> None:
        self.model.set_rows(rows)
        waiting = [row for row in rows if not row.matched]
        self.count.setText(
            ntr("{count} slip", "{count} slips", len(rows))
            + " — "
            + ntr(
                "{count} not seen on a statement yet ({amount})",
                "{count} not seen on a statement yet ({amount})",
                len(waiting),
                amount=formatting.amount(sum(row.total_cents for row in waiting)),
            )
        )
        self.actions.update()

    def selected(self) -> RemittanceRow | None:
        return self.table.current_of(self.model)

    @action(lambda: tr("New slip…"), shortcut="Ctrl+N", permission=Permission.PAYMENTS_RECORD)
    def new_slip(self) -> None:
        """The cheques received today on a numbered slip; their payments are recorded."""
        dialog = SlipDialog(self.context, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result is not None:
            outcome: RemittanceOutcome = dialog.result
            self.preview(outcome.remittance_id, outcome.number)

    @action(
        lambda: tr("Show the slip"),
        enabled=lambda view: view.selected() is not None,
    )
    def show_slip(self) -> None:
        """The slip as the bank receives it, to print."""
        row = self.selected()
        if row is not None:
            self.preview(row.id, row.number)

    def preview(self, remittance_id: int, number: str) -> None:
        actor = self.context.actor
        preview_pdf(
            self,
            tr("Cheque remittance slip {number}", number=number),
            f"bordereau-{number}.pdf",
            lambda s: cheques.slip_pdf(s, actor, remittance_id),
            kind="cheque_slips",
        )

"""Find an open invoice by member code or name, or invoice number, and pick it: the cheque
form and the reconciliation screen use it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.billing import invoice_lists
from backoffice.services.billing.invoice_lists import InvoiceQuery, InvoiceRow, Settlement
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.operations import Latest
from backoffice.views.widgets.rows_model import Column, RowsModel, date_column, money_column
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

RESULTS = 100


def open_invoices(session: object, actor: object, text: str) -> tuple[int, list[InvoiceRow]]:
    """The unpaid invoices the text finds: how many, and the first ``RESULTS``."""
    rows = invoice_lists.search_invoices(
        session,  # type: ignore[arg-type]
        actor,  # type: ignore[arg-type]
        InvoiceQuery(text=text, settlement=Settlement.UNPAID),
    )
    return len(rows), rows[:RESULTS]


class InvoicePicker(QWidget):
    """``picked`` fires with the ``InvoiceRow`` chosen (double click or Enter);
    ``current()`` is the one selected."""

    picked = Signal(object)

    def __init__(self, context: AppContext, layout_key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.latest = Latest(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = SearchBox(tr("Member code or name, invoice number…"))
        self.search.search.connect(self.run_search)
        layout.addWidget(self.search)
        self.model: RowsModel[InvoiceRow] = RowsModel(
            [
                Column(tr("Member code"), lambda r: r.member_code),
                Column(tr("Company name"), lambda r: r.member_name),
                Column(tr("Invoice"), lambda r: r.number),
                date_column(tr("Issued on"), lambda r: r.issued_on),
                money_column(tr("Left to pay"), lambda r: r.remaining_cents),
            ],
            key=lambda r: r.id,
        )
        self.table = DataTable(layout_key)
        show_rows(self.table, self.model, 1)
        self.table.activated_row.connect(lambda row: self.picked.emit(self.model.row_at(row)))
        layout.addWidget(self.table)
        self.count = QLabel()
        layout.addWidget(self.count)

    def run_search(self, text: str) -> None:
        actor = self.context.actor
        if not text.strip():
            self.latest.forget()
            self._show((0, []))
            return
        self.latest.read(lambda session: open_invoices(session, actor, text), self._show)

    def _show(self, result: tuple[int, list[InvoiceRow]]) -> None:
        found, rows = result
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        text = ntr("{count} open invoice found", "{count} open invoices found", found)
        if found > len(rows):
            text += " — " + tr("the first {shown} are shown", shown=len(rows))
        self.count.setText(text)

    def current(self) -> InvoiceRow | None:
        row = self.table.current_source_row()
        return self.model.row_at(row) if row is not None else None

"""Find an open invoice by member code or name, or invoice number, and pick it: the cheque
form and the reconciliation screen use it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.billing import invoice_lists
from backoffice.services.billing.invoice_lists import InvoiceQuery, InvoiceRow, Settlement
from backoffice.services.permissions import Actor
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.picker import Picker
from backoffice.views.widgets.rows_model import Column, date_column, member_columns, money_column

RESULTS = 100


class InvoicePicker(Picker[InvoiceRow]):
    """``picked`` fires with the ``InvoiceRow`` chosen (double click or Enter)."""

    def __init__(self, context: AppContext, layout_key: str, parent: QWidget | None = None) -> None:
        super().__init__(
            context,
            layout_key,
            tr("Member code or name, invoice number…"),
            [
                *member_columns(),
                Column(tr("Invoice"), lambda r: r.number),
                date_column(tr("Issued on"), lambda r: r.issued_on),
                money_column(tr("Left to pay"), lambda r: r.remaining_cents),
            ],
            parent,
            key=lambda r: r.id,
        )
        fit_columns_once(self.table)

    @staticmethod
    def find(session: Session, actor: Actor, text: str) -> tuple[int, list[InvoiceRow]]:
        """The unpaid invoices the text finds: how many, and the first ``RESULTS``."""
        rows = invoice_lists.search_invoices(
            session, actor, InvoiceQuery(text=text, settlement=Settlement.UNPAID)
        )
        return len(rows), rows[:RESULTS]

    def found_text(self, count: int) -> str:
        return ntr("{count} open invoice found", "{count} open invoices found", count)

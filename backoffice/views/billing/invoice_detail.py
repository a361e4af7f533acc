"""One invoice in full under the invoice list: its lines, its schedule as the portal shows
it (issue date, due date, debit, credit, status), its payments and its credit notes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from backoffice.i18n import tr
from backoffice.services.billing.invoice_lists import (
    CreditNoteRow,
    InvoiceDetail,
    LineRow,
    PaymentRow,
    ReminderRow,
)
from backoffice.services.einvoicing.queries import DocumentStatus, HistoryRow
from backoffice.views import formatting, labels
from backoffice.views.billing.columns import LATE, schedule_columns
from backoffice.views.billing.widgets import unbreakable
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.page import Tabs
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    count_column,
    date_column,
    moment_column,
    money_column,
)
from backoffice.views.widgets.table import DataTable

REVERSED = "#8a8a8a"


class InvoiceDetailView(QWidget):
    """Shows an :class:`InvoiceDetail`; ``payment_chosen``/``credit_note_chosen`` tell which
    payment or credit note the user picked (to reverse it, to print it)."""

    payment_chosen = Signal(object)
    credit_note_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: InvoiceDetail | None = None
        self.header = QLabel(tr("Select an invoice."))
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.lines: RowsModel[LineRow] = RowsModel(
            [
                Column(tr("Description"), lambda r: r.label),
                count_column(tr("Quantity"), lambda r: r.quantity),
                money_column(tr("Unit price excl. VAT"), lambda r: r.unit_price_cents),
                money_column(tr("Amount excl. VAT"), lambda r: r.amount_cents),
            ]
        )
        self.schedule = RowsModel(
            schedule_columns(), background=lambda r: LATE if r.days_late else None
        )
        self.payments: RowsModel[PaymentRow] = RowsModel(
            [
                date_column(tr("Received on"), lambda r: r.received_on),
                Column(tr("Method"), lambda r: labels.label(r.method)),
                money_column(tr("Amount"), lambda r: r.amount_cents),
                money_column(tr("On this invoice"), lambda r: r.on_this_invoice_cents),
                Column(tr("Reference"), lambda r: r.reference or ""),
                Column(tr("Recorded by"), lambda r: r.recorded_by),
                Column(
                    tr("Reversed"),
                    lambda r: (
                        tr(
                            "on {date}: {reason}",
                            date=formatting.moment(r.reversed_at),
                            reason=r.reversal_reason or "",
                        )
                        if r.reversed_at
                        else ""
                    ),
                ),
            ],
            key=lambda row: row.id,
        )
        self.credit_notes: RowsModel[CreditNoteRow] = RowsModel(
            [
                Column(tr("Number"), lambda r: r.number),
                date_column(tr("Issued on"), lambda r: r.issued_on),
                Column(tr("Reason"), lambda r: r.reason),
                Column(tr("Full"), lambda r: formatting.yes_no(r.is_full)),
                money_column(tr("Amount excl. VAT"), lambda r: r.total_ht_cents),
                money_column(tr("VAT"), lambda r: r.vat_cents),
                money_column(tr("Total incl. VAT"), lambda r: r.total_ttc_cents),
            ],
            key=lambda row: row.id,
        )
        self.reminders: RowsModel[ReminderRow] = RowsModel(
            [
                date_column(tr("Sent on"), lambda r: r.sent_on),
                count_column(tr("Level"), lambda r: r.level),
                money_column(tr("Amount due"), lambda r: r.amount_due_cents),
            ]
        )
        self.einvoice: RowsModel[HistoryRow] = RowsModel(
            [
                moment_column(tr("Date"), lambda r: r.happened_at),
                Column(tr("Status"), lambda r: r.label),
                Column(tr("Reason"), lambda r: r.reason),
                Column(
                    tr("Amount"),
                    lambda r: formatting.amount(r.amount_cents) if r.amount_cents else "",
                ),
                Column(tr("Source"), lambda r: r.source),
            ]
        )
        self.tabs = Tabs()
        self.payment_table = self._table("billing_invoice_payments", self.payments)
        self.credit_table = self._table("billing_invoice_credit_notes", self.credit_notes)
        for title, table in (
            (tr("Schedule"), self._table("billing_invoice_schedule", self.schedule)),
            (tr("Lines"), self._table("billing_invoice_lines", self.lines)),
            (tr("Payments"), self.payment_table),
            (tr("Credit notes"), self.credit_table),
            (tr("Reminders"), self._table("billing_invoice_reminders", self.reminders)),
            (tr("E-invoicing"), self._table("billing_invoice_einvoice", self.einvoice)),
        ):
            self.tabs.addTab(table, title)
        self.payment_table.activated_row.connect(
            lambda row: self.payment_chosen.emit(self.payments.row_at(row))
        )
        self.credit_table.activated_row.connect(
            lambda row: self.credit_note_chosen.emit(self.credit_notes.row_at(row))
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs)

    @staticmethod
    def _table(key: str, model: RowsModel) -> DataTable:
        table = DataTable(key)
        show_rows(table, model)
        return table

    def selected_payment(self) -> PaymentRow | None:
        return self.payment_table.current_of(self.payments)

    def selected_credit_note(self) -> CreditNoteRow | None:
        return self.credit_table.current_of(self.credit_notes)

    def show_detail(
        self, detail: InvoiceDetail | None, status: DocumentStatus | None = None
    ) -> None:
        self.detail = detail
        if detail is None:
            self.header.setText(tr("Select an invoice."))
            for model in (
                self.lines,
                self.schedule,
                self.payments,
                self.credit_notes,
                self.reminders,
                self.einvoice,
            ):
                model.set_rows([])
            return
        row = detail.row
        self.header.setText(
            unbreakable(
                tr(
                    "<b>{number}</b> — {kind}, {period} — {member} ({code})<br>"
                    "Issued on {issued_on} by {issuer} · total excl. VAT {ht}, "
                    "discount {discount}, VAT {vat}, <b>total incl. VAT {ttc}</b> · paid {paid}, "
                    "credited {credited}, <b>left to pay {left}</b>{direct_debit}",
                    number=row.number,
                    kind=labels.label(row.kind),
                    period=row.period_label,
                    member=row.member_name,
                    code=row.member_code,
                    issued_on=formatting.day(row.issued_on),
                    issuer=detail.issued_by or "—",
                    ht=formatting.amount(detail.total_ht_cents),
                    discount=formatting.amount(detail.discount_cents),
                    vat=formatting.amount(detail.vat_cents),
                    ttc=formatting.amount(row.total_ttc_cents),
                    paid=formatting.amount(row.paid_cents),
                    credited=formatting.amount(row.credited_cents),
                    left=formatting.amount(row.remaining_cents),
                    direct_debit=" · " + tr("direct debit") if row.direct_debit else "",
                )
            )
            + "<br>"
            + einvoice_line(status)
        )
        self.einvoice.set_rows(list(status.history) if status is not None else [])
        self.lines.set_rows(detail.lines)
        self.schedule.set_rows(detail.schedule)
        self.payments.set_rows(detail.payments)
        self.credit_notes.set_rows(detail.credit_notes)
        self.reminders.set_rows(detail.reminders)


def einvoice_line(status: DocumentStatus | None) -> str:
    """The invoice's e-invoicing status, under its totals (rich text)."""
    if status is None or status.code is None:
        return tr("E-invoicing: not deposited with the platform yet")
    text = tr(
        "E-invoicing: <b>{status}</b> on {at}",
        status=status.label,
        at=formatting.moment(status.at),
    )
    if status.reason:
        text += " — " + status.reason.replace("<", "&lt;")
    if status.task_open:
        text += " · " + tr("<b>to handle</b>")
    return text

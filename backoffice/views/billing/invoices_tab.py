"""Factures: the invoices, unpaid or paid as on the portal, searched as you type; one in
full below; and what staff do with them — record a payment, issue a credit note, re-plan
the schedule, print it, export schedules to Excel, issue a single invoice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import InvoiceKind
from backoffice.ops.context import AppContext
from backoffice.services.billing import (
    credit_notes,
    documents,
    exports,
    invoice_lists,
    payments,
    replanning,
)
from backoffice.services.billing.exports import ScheduleSelection
from backoffice.services.billing.invoice_lists import (
    CreditNoteRow,
    InvoiceDetail,
    InvoiceQuery,
    InvoiceRow,
    MemberRef,
    Settlement,
)
from backoffice.services.einvoicing import facturx as einvoicing_facturx
from backoffice.services.einvoicing import queries as einvoicing_queries
from backoffice.services.einvoicing.queries import DocumentStatus
from backoffice.services.mail.documents import Delivery
from backoffice.services.permissions import Permission
from backoffice.views import formatting, labels
from backoffice.views.billing import columns
from backoffice.views.billing.credit_note_dialog import CreditNoteDialog
from backoffice.views.billing.invoice_detail import InvoiceDetailView
from backoffice.views.billing.invoice_mailing import ask_invoice_delivery, send_invoices
from backoffice.views.billing.payment_dialog import PaymentDialog
from backoffice.views.billing.replan_dialog import ReplanDialog
from backoffice.views.billing.single_invoice_dialogs import NoShowDialog, SingleInvoiceDialog
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import ask_reason, confirm, inform
from backoffice.views.widgets.files import (
    ask_save_path,
    excel_filter,
    pdf_filter,
    save_as,
    write_whole,
)
from backoffice.views.widgets.invoice_dialog import InvoiceDialog, InvoiceRef
from backoffice.views.widgets.layouts import hbox
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.preview import preview_pdf
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    money_column,
)
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

MAX_EXPORT_SELECTION = 5000
OVERDUE = QColor("#fbe3e3")


def invoice_columns() -> list[Column[InvoiceRow]]:
    return [
        *columns.invoice_columns(with_member=True),
        money_column(tr("Of which overdue"), lambda r: r.overdue_cents),
        Column(tr("Direct debit"), lambda r: formatting.yes_no(r.direct_debit)),
    ]


class InvoicesTab(LiveTab):
    TABLES = ("invoices", "instalments", "payments", "payment_allocations", "credit_notes")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._select_number: str | None = None
        self.model: RowsModel[InvoiceRow] = RowsModel(
            invoice_columns(),
            background=lambda r: OVERDUE if r.overdue_cents else None,
            key=lambda row: row.id,
        )
        self.table = DataTable("billing_invoices")
        show_rows(self.table, self.model, 0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.load_detail())
        self.table.activated_row.connect(lambda _row: self.actions.run("record_payment"))
        self.detail = InvoiceDetailView()
        self.detail.payment_chosen.connect(lambda _payment: self.actions.run("reverse_payment"))
        self.detail.credit_note_chosen.connect(lambda _note: self.preview_credit_note())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addWidget(splitter, 1)
        layout.addLayout(self._actions())

    # -- layout ---------------------------------------------------------------------------

    def _filters(self) -> QHBoxLayout:
        self.year = QComboBox()
        self.year.addItem(tr("All years"), None)
        this_year = clock.today().year
        for year in range(this_year + 1, this_year - 6, -1):
            self.year.addItem(str(year), year)
        self.year.setCurrentIndex(self.year.findData(this_year))
        self.kind = QComboBox()
        self.kind.addItem(tr("All types"), None)
        for kind in InvoiceKind:
            self.kind.addItem(labels.label(kind), kind)
        self.settlement = QComboBox()
        for settlement in Settlement:
            self.settlement.addItem(labels.label(settlement), settlement)
        for combo in (self.year, self.kind, self.settlement):
            combo.currentIndexChanged.connect(lambda _index: self.reload())
        self.search = SearchBox(tr("Invoice number, member code or name…"))
        self.search.search.connect(lambda _text: self.reload())
        self.count = QLabel()
        combos = ((combo, 1) for combo in (self.year, self.kind, self.settlement))
        return hbox((self.search, 3), *combos, self.count)

    def _actions(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        names = (
            "preview_invoice",
            "email_invoices",
            "record_payment",
            "reverse_payment",
            "credit_note",
            "replan",
        )
        for button in self.actions.buttons(*names):
            bar.addWidget(button)
        bar.addWidget(
            self.actions.menu_button(
                tr("Documents"),
                "invoice_pdf",
                "credit_note_pdf",
                "facturx",
                "credit_note_facturx",
                "export",
            )
        )
        bar.addStretch()
        if self.context.allows(Permission.BILLING_ISSUE):
            bar.addWidget(self._new_invoice_button())
        self.actions.list_menu(
            self.table,
            "preview_invoice",
            "email_invoices",
            "record_payment",
            "credit_note",
            "replan",
            "write_off",
            None,
            "invoice_pdf",
            "facturx",
            "export",
        )
        return bar

    def _new_invoice_button(self) -> QToolButton:
        menu = QMenu(self)
        for kind in (InvoiceKind.REGULARISATION, InvoiceKind.JOINING_FEE, InvoiceKind.QUARTERLY):
            menu.addAction(labels.label(kind), lambda k=kind: self.new_invoice(k))
        menu.addAction(tr("Missed appointments…"), self.bill_no_shows)
        button = QToolButton()
        button.setText(tr("New invoice"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(menu)
        return button

    # -- loading --------------------------------------------------------------------------

    def current_query(self) -> InvoiceQuery:
        kind = self.kind.currentData()  # Qt hands enums back as text
        return InvoiceQuery(
            year=self.year.currentData(),
            kind=InvoiceKind(kind) if kind else None,
            settlement=Settlement(self.settlement.currentData()),
            text=self.search.text(),
        )

    def load(self) -> None:
        query, actor = self.current_query(), self.context.actor
        self.query(lambda s: invoice_lists.search_invoices(s, actor, query), self._show)

    def _show(self, rows: list[InvoiceRow]) -> None:
        current = self.current()
        self.model.set_rows(rows)
        self.count.setText(ntr("{count} invoice", "{count} invoices", len(rows)))
        wanted = self._select_number or (current.number if current else None)
        self._select_number = None
        for position, row in enumerate(rows):
            if row.number == wanted:
                view_row = self.table.model().mapFromSource(self.model.index(position, 0)).row()
                self.table.selectRow(view_row)
                return
        self.detail.show_detail(None)

    def show_invoice(self, number: str) -> None:
        """Find an invoice by its number and show it (another tab asked)."""
        self._select_number = number
        self.year.blockSignals(True)
        self.year.setCurrentIndex(0)
        self.year.blockSignals(False)
        self.settlement.setCurrentIndex(0)
        self.search.setText(number)
        self.reload()

    def current(self) -> InvoiceRow | None:
        return self.table.current_of(self.model)

    def load_detail(self) -> None:
        row, actor = self.current(), self.context.actor
        if row is None:
            self.detail.show_detail(None)
            return
        invoice_id = row.id
        self.query(
            lambda s: (
                invoice_lists.invoice_detail(s, actor, invoice_id),
                einvoicing_queries.invoice_status(s, actor, invoice_id),
            ),
            self._detail_loaded,
            topic="detail",
        )

    def _detail_loaded(self, result: tuple[InvoiceDetail, DocumentStatus | None]) -> None:
        detail, status = result
        current = self.current()
        if current is not None and current.id == detail.row.id:
            self.detail.show_detail(detail, status)

    # -- actions --------------------------------------------------------------------------

    def _chosen(self) -> InvoiceRow | None:
        row = self.current()
        if row is None:
            inform(self, tr("Invoices"), tr("Select an invoice first."))
        return row

    def _chosen_credit_note(self) -> CreditNoteRow | None:
        note = self.detail.selected_credit_note()
        if note is None:
            inform(self, tr("Credit notes"), tr("Select a credit note in the tab below."))
        return note

    def _after(self, dialog: QDialog) -> None:
        """What the dialog saves reloads the list (its change notice)."""
        dialog.exec()

    @action(lambda: tr("Record a payment…"), permission=Permission.PAYMENTS_RECORD)
    def record_payment(self) -> None:
        """A payment of the selected invoice's member (cheque, transfer…)."""
        row = self._chosen()
        if row is None:
            return
        self._after(
            PaymentDialog(
                self.context,
                self,
                MemberRef(row.member_id, row.member_code, row.member_name),
                row.remaining_cents,
                InvoiceRef(row.id, row.number),
            )
        )

    @action(lambda: tr("Reverse a payment…"), permission=Permission.PAYMENTS_RECORD)
    def reverse_payment(self) -> None:
        """A payment that does not count (bounced cheque…): its instalments are due again."""
        payment = self.detail.selected_payment()
        if payment is None:
            inform(self, tr("Payments"), tr("Select a payment in the Payments tab below."))
            return
        if payment.reversed_at is not None:
            inform(self, tr("Payments"), tr("This payment was already reversed."))
            return
        reason = ask_reason(
            self,
            tr("Reverse a payment"),
            tr(
                "Why does the payment of {amount} of {date} not count (bounced cheque, "
                "returned direct debit…)? The instalments it settled are due again.",
                amount=formatting.amount(payment.amount_cents),
                date=formatting.day(payment.received_on),
            ),
        )
        if reason is None:
            return
        actor, payment_id = self.context.actor, payment.id
        self.write(
            lambda s: payments.reverse_payment(s, actor, payment_id, reason),
            tr("Reversing the payment…"),
        ).run()

    def _on_invoice(
        self, read: Callable[[Session, Any, int], Any], dialog: type[InvoiceDialog]
    ) -> None:
        """Read what is left on the selected invoice, then open ``dialog`` on it, or say
        why there is nothing to do."""
        row = self._chosen()
        if row is None:
            return
        actor, invoice = self.context.actor, InvoiceRef(row.id, row.number)

        def open_dialog(left: Any) -> None:
            if dialog.left_cents(left) > 0:
                self._after(dialog.opened(self.context, self, invoice, left))
            else:
                inform(self, *dialog.nothing_left(invoice.number))

        self.query(lambda s: read(s, actor, invoice.id), open_dialog, topic="dialog")

    @action(lambda: tr("Credit note…"), permission=Permission.BILLING_ISSUE)
    def credit_note(self) -> None:
        """An avoir cancelling all or part of the selected invoice."""
        self._on_invoice(
            lambda s, actor, invoice_id: (
                credit_notes.creditable_of(s, actor, invoice_id),
                invoice_lists.invoice_detail(s, actor, invoice_id).vat_rate_bp,
            ),
            CreditNoteDialog,
        )

    @action(lambda: tr("Re-plan…"), permission=Permission.BILLING_ISSUE)
    def replan(self) -> None:
        """New due dates for what is left to pay on the selected invoice."""
        self._on_invoice(replanning.unpaid_to_replan, ReplanDialog)

    @action(lambda: tr("Write off…"), permission=Permission.ACCOUNTING_MANAGE)
    def write_off(self) -> None:
        """Give up what is left to pay on the selected invoice (a loss in the books)."""
        from backoffice.services.accounting import write_offs
        from backoffice.views.accounting.dialogs import WriteOffDialog

        self._on_invoice(write_offs.left_to_write_off, WriteOffDialog)

    def new_invoice(self, kind: InvoiceKind) -> None:
        row = self.current()
        member = MemberRef(row.member_id, row.member_code, row.member_name) if row else None
        dialog = SingleInvoiceDialog(self.context, self, kind, member)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result is not None:
            self.show_invoice(dialog.result.number)

    def bill_no_shows(self) -> None:
        dialog = NoShowDialog(self.context, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result:
            inform(
                self,
                tr("Missed appointments"),
                ntr("{count} invoice issued.", "{count} invoices issued.", len(dialog.result)),
            )

    def _save(self, title: str, suggested: str, pattern: str, produce: Any, kind: str) -> None:
        """Ask where, then produce the file in the background and say where it went."""
        path = ask_save_path(self, title, suggested, pattern, kind)
        if path is None:
            return

        def work(session: object, progress: object) -> Path:
            produce(session, progress, path)
            return path

        self.write(work, title, writes=False, feedback=Feedback.CANCELLABLE).success(
            lambda saved: inform(self, title, tr("Saved in {path}.", path=saved))
        ).run()

    def _save_pdf(self, title: str, number: str, render: Any, record_id: int) -> None:
        actor = self.context.actor
        self._save(
            title,
            f"{number}.pdf",
            pdf_filter(),
            lambda s, _progress, path: write_whole(path, render(s, actor, record_id)),
            "invoices",
        )

    @action(lambda: tr("Preview"), shortcut="Ctrl+P", tip=lambda: tr("Preview and print"))
    def preview_invoice(self) -> None:
        """The selected invoice's PDF, to read, print or save."""
        row = self._chosen()
        if row is not None:
            title = tr("Invoice {number}", number=row.number)
            self._preview(title, row.number, documents.invoice_pdf, row.id)

    def _preview(self, title: str, number: str, render: Any, record_id: int) -> None:
        actor = self.context.actor
        preview_pdf(
            self,
            title,
            f"{number}.pdf",
            lambda s: render(s, actor, record_id),
            kind="invoices",
        )

    @action(
        lambda: tr("Send by e-mail…"),
        shortcut="Ctrl+Shift+E",
        permission=Permission.BILLING_ISSUE,
        tip=lambda: tr("The selected invoices with their PDF, to the members' billing address"),
    )
    def email_invoices(self) -> None:
        """The selected invoice by e-mail with its PDF (several: as each member prefers, or
        all by e-mail, or all by post); an invoice already sent is not sent twice."""
        rows = [self.model.row_at(row) for row in self.table.selected_source_rows()]
        if not rows:
            inform(self, tr("Invoices"), tr("Select an invoice first."))
            return
        if len(rows) == 1:  # asked for this one: by e-mail, whatever the member prefers
            delivery: Delivery | None = Delivery.EMAIL
        else:
            delivery = ask_invoice_delivery(self, len(rows))
        if delivery is not None:
            ids = [row.id for row in rows]
            send_invoices(self, lambda _session: ids, delivery)

    @action(lambda: tr("Invoice PDF…"))
    def invoice_pdf(self) -> None:
        """The selected invoice as a PDF."""
        row = self._chosen()
        if row is None:
            return
        self._save_pdf(tr("Invoice PDF"), row.number, documents.invoice_pdf, row.id)

    @action(lambda: tr("Credit note PDF…"))
    def credit_note_pdf(self) -> None:
        """The credit note selected below, as a PDF."""
        if (note := self._chosen_credit_note()) is not None:
            self._save_pdf(tr("Credit note PDF"), note.number, documents.credit_note_pdf, note.id)

    @action(lambda: tr("Factur-X…"), tip=lambda: tr("The electronic invoice (PDF/A-3 + XML)"))
    def facturx(self) -> None:
        """The selected invoice as a Factur-X, checked against the norm before it is saved."""
        row = self._chosen()
        if row is not None:
            self._save_facturx(row.number, einvoicing_facturx.invoice_facturx, row.id)

    @action(lambda: tr("Credit note Factur-X…"))
    def credit_note_facturx(self) -> None:
        """The credit note selected below, as a Factur-X."""
        if (note := self._chosen_credit_note()) is not None:
            self._save_facturx(note.number, einvoicing_facturx.credit_note_facturx, note.id)

    def _save_facturx(self, number: str, render: Any, record_id: int) -> None:
        """An invoice's or credit note's Factur-X, checked against the norm, saved."""
        actor = self.context.actor
        save_as(
            self,
            tr("Factur-X"),
            f"{number}-facturx.pdf",
            pdf_filter(),
            lambda s: render(s, actor, record_id).content,
            kind="invoices",
        )

    def preview_credit_note(self) -> None:
        note = self.detail.selected_credit_note()
        if note is not None:
            title = tr("Credit note {number}", number=note.number)
            self._preview(title, note.number, documents.credit_note_pdf, note.id)

    @action(lambda: tr("Export schedules (Excel)…"))
    def export(self) -> None:
        """The schedules of the selected invoices, or of a year, as an Excel workbook."""
        selected = [self.model.row_at(row).id for row in self.table.selected_source_rows()]
        year = self.year.currentData()
        if len(selected) > 1:
            if len(selected) > MAX_EXPORT_SELECTION:
                inform(
                    self,
                    tr("Export"),
                    tr("Too many invoices selected: choose a year and select none to export it."),
                )
                return
            selection = ScheduleSelection(invoice_ids=tuple(selected))
            suggested = tr("schedules-selection.xlsx")
        elif year is not None:
            selection = ScheduleSelection(year=year)
            suggested = tr("schedules-{year}.xlsx", year=year)
        else:
            inform(self, tr("Export"), tr("Choose a year, or select the invoices to export."))
            return
        if len(selected) <= 1 and not confirm(
            self,
            tr("Export"),
            tr("Export the schedules of every invoice of {year}?", year=year),
            tr("Export"),
        ):
            return
        actor = self.context.actor
        self._save(
            tr("Export the schedules"),
            suggested,
            excel_filter(),
            lambda s, progress, path: exports.export_schedules(s, actor, path, selection, progress),
            "schedules",
        )

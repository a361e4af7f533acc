"""Facturation électronique: the documents waiting for the approved platform (not deposited
yet, or deposited and not yet made available to the buyer) and the rejections to handle;
depositing, reading a status file back, reporting the payments collected."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.einvoicing import platform, queries
from backoffice.services.einvoicing.platform import CollectionReport, DepositOutcome
from backoffice.services.einvoicing.queries import QueueRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.billing.widgets import heading
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import confirm, inform
from backoffice.views.widgets.files import read_files
from backoffice.views.widgets.layouts import pane
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.rows_model import Column, RowsModel, date_column, money_column
from backoffice.views.widgets.table import DataTable


def queue_columns() -> list[Column[QueueRow]]:
    return [
        Column(tr("Number"), lambda r: r.number),
        Column(tr("Company name"), lambda r: r.member),
        date_column(tr("Issued on"), lambda r: r.issued_on),
        money_column(tr("Total incl. VAT"), lambda r: r.total_ttc_cents),
        Column(tr("Status"), lambda r: r.status or tr("Not deposited")),
        Column(tr("Since"), lambda r: formatting.moment(r.at) if r.at else "", lambda r: r.at),
        Column(tr("Reason"), lambda r: r.reason),
    ]


class EInvoicingTab(LiveTab):
    TABLES = ("einvoices", "einvoice_events", "invoices", "credit_notes")
    open_invoice = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.waiting: RowsModel[QueueRow] = RowsModel(queue_columns(), key=lambda r: r.number)
        self.rejected: RowsModel[QueueRow] = RowsModel(queue_columns(), key=lambda r: r.number)
        self.waiting_table = DataTable("billing_einvoicing_waiting")
        self.rejected_table = DataTable("billing_einvoicing_rejected")
        searchable(self.waiting_table, self.waiting, 0, Qt.SortOrder.AscendingOrder)
        searchable(self.rejected_table, self.rejected, 5, Qt.SortOrder.DescendingOrder)
        for table, model in (
            (self.waiting_table, self.waiting),
            (self.rejected_table, self.rejected),
        ):
            table.activated_row.connect(
                lambda row, model=model: self.open_invoice.emit(model.row_at(row).number)
            )
        self.rejected_table.selectionModel().selectionChanged.connect(
            lambda *_args: self.actions.update()
        )
        self.summary = QLabel()
        splitter = QSplitter(Qt.Orientation.Vertical)
        for title, table in (
            (tr("Waiting for the platform"), self.waiting_table),
            (tr("Rejected or refused: to handle"), self.rejected_table),
        ):
            splitter.addWidget(pane(heading(title), table))
        buttons = ("deposit_waiting", "import_statuses", "report_collections", "close_task")
        self.actions.list_menu(self.rejected_table, "close_task")
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addLayout(self.actions.tool_bar(*buttons, end=self.summary))

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda s: (queries.waiting(s, actor), queries.rejected(s, actor)), self._show)

    def _show(self, result: tuple[list[QueueRow], list[QueueRow]]) -> None:
        waiting, rejected = result
        self.waiting.set_rows(waiting)
        self.rejected.set_rows(rejected)
        self.summary.setText(
            tr(
                "{waiting} waiting, {rejected} to handle",
                waiting=len(waiting),
                rejected=len(rejected),
            )
        )
        self.actions.update()

    def _selected_rejection(self) -> QueueRow | None:
        return self.rejected_table.current_of(self.rejected)

    @action(lambda: tr("Deposit with the platform…"), permission=Permission.BILLING_ISSUE)
    def deposit_waiting(self) -> None:
        """The Factur-X of every document not deposited yet (and of the rejected ones, made
        again) written to the platform's outbox."""
        rows = [row for row in self.waiting.rows if row.einvoice_id is None]
        rows += list(self.rejected.rows)
        if not rows:
            inform(self, tr("E-invoicing"), tr("Nothing waits to be deposited."))
            return
        if not confirm(
            self,
            tr("Deposit with the platform"),
            ntr(
                "Write the Factur-X of {count} document to the platform's outbox?",
                "Write the Factur-X of {count} documents to the platform's outbox?",
                len(rows),
            ),
            tr("Deposit"),
        ):
            return
        actor = self.context.actor
        invoice_ids = [row.invoice_id for row in rows if row.invoice_id]
        note_ids = [row.credit_note_id for row in rows if row.credit_note_id]
        self.write(
            lambda s, progress: platform.deposit(
                s, actor, invoice_ids, note_ids, progress=progress
            ),
            tr("Depositing the Factur-X…"),
            feedback=Feedback.CANCELLABLE,
        ).success(lambda outcome: deposited(self, outcome)).run()

    @action(lambda: tr("Read a status file…"), permission=Permission.PAYMENTS_RECORD)
    def import_statuses(self) -> None:
        """A status file of the platform (CSV or JSON): each status in its invoice's history."""
        name, _filter = QFileDialog.getOpenFileName(
            self, tr("Status file of the platform"), "", tr("Status files (*.csv *.json)")
        )
        if not name:
            return
        files, unreadable = read_files([name])
        if unreadable:
            inform(self, tr("E-invoicing"), unreadable[0])
            return
        (file_name, content), actor = files[0], self.context.actor
        self.write(
            lambda s: platform.record_statuses(s, actor, file_name, content),
            tr("Recording the statuses…"),
        ).success(
            lambda outcome: inform(
                self,
                tr("E-invoicing"),
                tr(
                    "{recorded} statuses recorded, {already} already known; {tasks} "
                    "rejections to handle.",
                    recorded=outcome.recorded,
                    already=outcome.already,
                    tasks=len(outcome.tasks),
                ),
            )
        ).run()

    @action(lambda: tr("Report the payments collected"), permission=Permission.PAYMENTS_RECORD)
    def report_collections(self) -> None:
        """The payments recorded on deposited invoices, as « encaissée » statuses (212)."""
        actor = self.context.actor
        self.write(
            lambda s: platform.report_collections(s, actor), tr("Reporting the payments…")
        ).success(lambda report: collections_reported(self, report)).run()

    @action(
        lambda: tr("Rejection handled"),
        permission=Permission.BILLING_ISSUE,
        enabled=lambda view: view._selected_rejection() is not None,
    )
    def close_task(self) -> None:
        """The selected rejection was dealt with (corrected by a credit note, explained to
        the member…): it leaves the list."""
        row = self._selected_rejection()
        if row is None or row.einvoice_id is None:
            return
        actor, ident, version = self.context.actor, row.einvoice_id, row.version
        self.write(
            lambda s: platform.close_task(s, actor, ident, version),
            tr("Closing the rejection…"),
        ).conflict(self.reload).run()


def deposited(view: QWidget, outcome: DepositOutcome) -> None:
    lines = [
        tr(
            "{deposited} deposited, {held} held back, {refused} refused.",
            deposited=len(outcome.deposited),
            held=len(outcome.held),
            refused=len(outcome.refused),
        )
    ]
    lines += [reason for _number, reason in outcome.refused[:20]]
    lines += [
        tr("Held back: {number} ({reason})", number=number, reason=reason)
        for number, reason in outcome.held[:20]
    ]
    inform(view, tr("E-invoicing"), "\n".join(lines))


def collections_reported(view: QWidget, report: CollectionReport) -> None:
    if report.file is None:
        inform(view, tr("E-invoicing"), tr("No payment to report."))
        return
    inform(
        view,
        tr("E-invoicing"),
        tr(
            "{count} payments ({amount}) reported in {file}.",
            count=report.count,
            amount=formatting.amount(report.amount_cents),
            file=report.file,
        ),
    )

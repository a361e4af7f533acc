"""Fichiers: the files exported (kept whole), their debits, the debits received."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Permission
from backoffice.services.sepa import queries, returns
from backoffice.services.sepa.queries import CollectionRow, DebitRow
from backoffice.services.sepa.returns import SettlementOutcome
from backoffice.views import formatting, labels
from backoffice.views.sepa.common import SEPA_TABLES
from backoffice.views.sepa.return_dialog import record_return
from backoffice.views.widgets.actions import Ask, action
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.files import save_as, xml_filter
from backoffice.views.widgets.layouts import pane
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.rows_model import Column, RowsModel, moment_column, money_column
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable


def collection_columns() -> list[Column[CollectionRow]]:
    return [
        Column(
            tr("Collection date"),
            lambda r: formatting.day(r.collection_date),
            lambda r: r.collection_date,
        ),
        Column(tr("Message id"), lambda r: r.message_id),
        Column(
            tr("Debits"),
            lambda r: str(r.transaction_count),
            lambda r: r.transaction_count,
            align_right=True,
        ),
        money_column(tr("Total"), lambda r: r.total_cents),
        Column(tr("Format"), lambda r: r.schema),
        Column(tr("Sent again"), lambda r: formatting.yes_no(r.resent)),
        moment_column(tr("Exported on"), lambda r: r.created_at),
        Column(tr("By"), lambda r: r.created_by or ""),
        Column(tr("File"), lambda r: r.file_name),
    ]


def debit_columns() -> list[Column[DebitRow]]:
    return [
        Column(tr("Member"), lambda r: r.member_code),
        Column(tr("Company"), lambda r: r.member_name),
        Column(tr("Invoice"), lambda r: r.invoice_number),
        Column(tr("Due on"), lambda r: formatting.day(r.due_on), lambda r: r.due_on or ""),
        money_column(tr("Amount"), lambda r: r.amount_cents),
        Column(tr("End-to-end id"), lambda r: r.end_to_end_id),
        Column(tr("Sequence"), lambda r: r.sequence),
        Column(tr("State"), lambda r: labels.sepa_state(r.sepa_state)),
        Column(tr("Return"), lambda r: r.rejection_code or ""),
        money_column(tr("Still owed"), lambda r: r.remaining_cents),
    ]


class FilesTab(LiveTab):
    TABLES = SEPA_TABLES

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.files: RowsModel[CollectionRow] = RowsModel(
            collection_columns(), key=lambda row: row.id
        )
        self.files_table = DataTable("sepa_files")
        self.files_proxy = searchable(self.files_table, self.files, 0, Qt.SortOrder.DescendingOrder)
        self.files_table.selectionModel().currentRowChanged.connect(lambda *_: self.load_debits())
        splitter.addWidget(self.files_table)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        self.search = SearchBox(tr("Filter the debits: member, invoice, end-to-end id…"))
        self.debits: RowsModel[DebitRow] = RowsModel(
            debit_columns(), key=lambda row: row.end_to_end_id
        )
        self.debits_table = DataTable("sepa_file_debits")
        proxy = searchable(self.debits_table, self.debits, 1)
        self.search.search.connect(proxy.search)
        splitter.addWidget(pane(self.title, self.search, self.debits_table))
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter)
        layout.addLayout(self.actions.tool_bar("save_copy", "received", "record_return"))
        self.actions.list_menu(self.files_table, "save_copy", "received")
        self.actions.list_menu(self.debits_table, "record_return")

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda session: queries.list_collections(session, actor), self._show_files)

    def _show_files(self, rows: list[CollectionRow]) -> None:
        current = self.selected_file()
        self.files.set_rows(rows)
        if rows:
            if current is None or not self.files_table.select_key(self.files, current.id):
                self.files_table.selectRow(0)  # the most recent file
        else:
            self.debits.set_rows([])
            self.title.setText(tr("No direct-debit file exported yet."))

    def selected_file(self) -> CollectionRow | None:
        return self.files_table.current_of(self.files)

    def load_debits(self) -> None:
        chosen = self.selected_file()
        if chosen is None:
            return
        actor = self.context.actor
        self.title.setText(
            tr(
                "Debits of the file {message_id} (collected on {day})",
                message_id=chosen.message_id,
                day=formatting.day(chosen.collection_date),
            )
        )
        self.query(
            lambda session: queries.collection_debits(session, actor, chosen.id),
            self.debits.set_rows,
            topic="debits",
        )

    @action(lambda: tr("Save a copy of the file…"), permission=Permission.SEPA_MANAGE)
    def save_copy(self) -> None:
        """The pain.008 file as it was sent (kept whole in the database)."""
        chosen = self.selected_file()
        if chosen is None:
            return
        actor = self.context.actor
        save_as(
            self,
            tr("Save a copy of the file"),
            chosen.file_name,
            xml_filter(),
            lambda session: queries.collection_file(session, actor, chosen.id)[1],
            kind="sepa-files",
        )

    @action(
        lambda: tr("Record the debits as received"),
        permission=Permission.SEPA_MANAGE,
        ask=Ask(
            lambda chosen: tr(
                "Record the {count} debits of the file {message_id} as paid on {day}? The "
                "returned ones are left out.",
                count=chosen.transaction_count,
                message_id=chosen.message_id,
                day=formatting.day(chosen.collection_date),
            ),
            title=lambda: tr("Debits received"),
            go=lambda: tr("Record"),
            row="selected_file",
        ),
    )
    def received(self, chosen: CollectionRow) -> None:
        """The debits of the file were paid by the bank (the returned ones left out)."""
        actor = self.context.actor
        self.write(
            lambda session, progress: returns.record_debits_received(
                session, actor, chosen.id, progress=progress
            ),
            tr("Recording the debits received…"),
            feedback=Feedback.CANCELLABLE,
        ).success(self._received).run()

    def _received(self, outcome: SettlementOutcome) -> None:
        message = tr(
            "{count} debits recorded as paid ({total}); {already} left alone (recorded "
            "before, returned or sent again).",
            count=outcome.recorded,
            total=formatting.amount(outcome.total_cents),
            already=outcome.already,
        )
        if outcome.credit_cents:
            message += "\n" + tr(
                "{amount} had been paid otherwise meanwhile: kept as the members' credit.",
                amount=formatting.amount(outcome.credit_cents),
            )
        inform(self, tr("Debits received"), message)
        self.load_debits()

    @action(lambda: tr("Record a return…"), permission=Permission.SEPA_MANAGE)
    def record_return(self) -> None:
        """The bank returned the selected debit (pain.002 or statement)."""
        row = self.debits_table.current_of(self.debits)
        if row is not None:
            record_return(self.context, self, row, self.load_debits)

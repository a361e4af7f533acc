"""Comptabilité › Clôtures et exports: the months closed (who, when, how many entries) and
the journal exports made (the period, the file, the entries carried)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from backoffice.dates import format_moment
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.accounting import journal
from backoffice.services.accounting.journal import ClosureRow, ExportRow
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    count_column,
    date_column,
    money_column,
)
from backoffice.views.widgets.table import DataTable


class ClosingsTab(LiveTab):
    TABLES = ("accounting_closures", "journal_exports", "journal_entries")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.closures: RowsModel[ClosureRow] = RowsModel(
            [
                date_column(tr("Closed through"), lambda r: r.through_day),
                Column(
                    tr("Closed at"), lambda r: format_moment(r.closed_at), lambda r: r.closed_at
                ),
                Column(tr("By"), lambda r: r.closed_by or ""),
                count_column(tr("Entries numbered"), lambda r: r.entry_count),
            ]
        )
        self.exports: RowsModel[ExportRow] = RowsModel(
            [
                Column(
                    tr("Exported at"),
                    lambda r: format_moment(r.exported_at),
                    lambda r: r.exported_at,
                ),
                Column(tr("By"), lambda r: r.exported_by or ""),
                date_column(tr("From"), lambda r: r.date_from),
                date_column(tr("To"), lambda r: r.date_to),
                Column(tr("File"), lambda r: r.file_name),
                count_column(tr("Entries"), lambda r: r.entry_count),
                money_column(tr("Debit"), lambda r: r.debit_cents),
            ]
        )
        for title, model, key in (
            (tr("Closings"), self.closures, "accounting_closures"),
            (tr("Journal exports"), self.exports, "accounting_exports"),
        ):
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.addWidget(QLabel(f"<b>{title}</b>"))
            table = DataTable(key)
            show_rows(table, model, 0, Qt.SortOrder.DescendingOrder)
            inner.addWidget(table)
            splitter.addWidget(box)
        layout.addWidget(splitter)

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda session: journal.closures(session, actor), self.closures.set_rows)
        self.query(
            lambda session: journal.exports(session, actor), self.exports.set_rows, topic="exports"
        )

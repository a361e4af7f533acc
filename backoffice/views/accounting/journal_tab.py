"""Comptabilité › Écritures: the entries of a period and the lines of the one selected, the
state of the books, and what is done with them — close a month, export the journal,
produce the FEC, post the entries of events older than the books."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import ntr, tr
from backoffice.money import format_eur
from backoffice.ops.context import AppContext
from backoffice.services.accounting import chart, fec, history, journal
from backoffice.services.accounting.journal import BooksState, EntryRow, EntryState, LineRow
from backoffice.services.permissions import Permission
from backoffice.views import labels
from backoffice.views.accounting.dialogs import CloseDialog, FecDialog, JournalExportDialog
from backoffice.views.widgets.actions import Actions, Ask, action
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.layouts import hbox
from backoffice.views.widgets.lists import searchable, show_rows
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.rows_model import Column, RowsModel, date_column, money_column
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

DRAFT = "#fff8e1"


class Written(Protocol):
    """What a file of entries written says of itself (the journal export, the FEC)."""

    path: Path
    entries: int
    lines: int
    debit_cents: int
    credit_cents: int


def written(outcome: Written) -> str:
    """« FILE : N écritures, N lignes, débit …, crédit … »."""
    return tr(
        "{path}: {entries} entries, {lines} lines, debit {debit}, credit {credit}.",
        path=outcome.path,
        entries=outcome.entries,
        lines=outcome.lines,
        debit=format_eur(outcome.debit_cents),
        credit=format_eur(outcome.credit_cents),
    )


def entry_columns() -> list[Column[EntryRow]]:
    return [
        Column(tr("Number"), lambda r: r.number or "", lambda r: r.number or ""),
        Column(tr("Journal"), lambda r: r.journal),
        date_column(tr("Date"), lambda r: r.entry_date),
        Column(tr("Piece"), lambda r: r.piece_ref),
        Column(tr("Event"), lambda r: labels.label(r.source)),
        Column(tr("Member code"), lambda r: r.member_code or ""),
        Column(tr("Label"), lambda r: r.label),
        money_column(tr("Amount"), lambda r: r.amount_cents),
        Column(tr("State"), lambda r: labels.label(r.state)),
    ]


def line_columns() -> list[Column[LineRow]]:
    return [
        Column(tr("Account"), lambda r: r.account),
        Column(tr("Account label"), lambda r: r.account_label),
        Column(tr("Auxiliary account"), lambda r: r.auxiliary or ""),
        Column(tr("Label"), lambda r: r.label),
        money_column(tr("Debit"), lambda r: r.debit_cents),
        money_column(tr("Credit"), lambda r: r.credit_cents),
    ]


def state_text(state: BooksState) -> str:
    closed = (
        tr("Books closed through {day}.", day=format_day(state.closed_through))
        if state.closed_through
        else tr("No month closed yet.")
    )
    drafts = ntr(
        "{count} entry waits for its month to be closed.",
        "{count} entries wait for their month to be closed.",
        state.drafts,
    )
    return f"{closed} {drafts}"


class JournalTab(LiveTab):
    TABLES = ("journal_entries", "accounting_closures")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.state: BooksState | None = None
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setStyleSheet("font-weight: 600; color: #1f4e79;")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addLayout(self._filters())
        self.actions = Actions(self, context)
        layout.addLayout(
            self.actions.tool_bar("close_month", "export_journal", "produce_fec", "catch_up")
        )
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.entries: RowsModel[EntryRow] = RowsModel(
            entry_columns(),
            background=lambda r: DRAFT if r.state == EntryState.DRAFT else None,
        )
        self.table = DataTable("accounting_entries")
        self.proxy = searchable(self.table, self.entries, 2, Qt.SortOrder.DescendingOrder)
        self.search.search.connect(self.proxy.search)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.load_lines())
        splitter.addWidget(self.table)
        self.lines: RowsModel[LineRow] = RowsModel(line_columns())
        self.lines_table = DataTable("accounting_entry_lines")
        show_rows(self.lines_table, self.lines)
        splitter.addWidget(self.lines_table)
        splitter.setSizes([420, 160])
        layout.addWidget(splitter, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        self.actions.show("catch_up", False)

    def _filters(self) -> QHBoxLayout:
        today = clock.today()
        self.start = DateInput(today.replace(day=1) - timedelta(days=1))
        self.start.set_day(self.start.day().replace(day=1))  # type: ignore[union-attr]
        self.end = DateInput(today)
        self.journal = QComboBox()
        self.journal.addItem(tr("All journals"), None)
        for widget in (self.start, self.end):
            widget.day_changed.connect(lambda _day: self.reload())
        self.journal.currentIndexChanged.connect(lambda _index: self.reload())
        self.search = SearchBox(tr("Number, piece, member, label…"))
        return hbox(tr("From"), self.start, tr("to"), self.end, self.journal, (self.search, 1))

    # -- reading ----------------------------------------------------------------------------

    def load(self) -> None:
        actor = self.context.actor
        try:
            start, end = self.start.day(), self.end.day()
        except ValueError:
            return
        code = self.journal.currentData()

        def work(session: object) -> tuple[BooksState, list[EntryRow], list[tuple[str, str]]]:
            books = chart.load(session)  # type: ignore[arg-type]
            codes = [(item.code, item.label) for item in books.journals.values()]
            return (
                journal.books_state(session, actor),  # type: ignore[arg-type]
                journal.entries(session, actor, start, end, code),  # type: ignore[arg-type]
                codes,
            )

        self.query(work, self._show)

    def _show(self, answer: tuple[BooksState, list[EntryRow], list[tuple[str, str]]]) -> None:
        self.state, rows, codes = answer
        if self.journal.count() == 1:
            for code, label in codes:
                self.journal.addItem(f"{code} – {label}", code)
        self.status.setText(state_text(self.state))
        unposted = self.state.unposted_total
        self.actions.show("catch_up", unposted > 0)
        self.actions.retitle(
            "catch_up",
            ntr(
                "Post {count} past event…",
                "Post {count} past events…",
                unposted,
            ),
        )
        self.entries.set_rows(rows)
        total = sum(row.amount_cents for row in rows)
        self.count.setText(
            ntr(
                "{count} entry, {total}",
                "{count} entries, {total}",
                len(rows),
                total=format_eur(total),
            )
        )
        self.lines.set_rows([])

    def current(self) -> EntryRow | None:
        return self.table.current_of(self.entries)

    def load_lines(self) -> None:
        entry = self.current()
        if entry is None:
            self.lines.set_rows([])
            return
        actor, entry_id = self.context.actor, entry.id
        self.query(
            lambda session: journal.lines(session, actor, entry_id),
            self.lines.set_rows,
            topic="lines",
        )

    # -- actions ----------------------------------------------------------------------------

    @action(
        lambda: tr("Close a month…"),
        shortcut="Ctrl+Shift+L",
        permission=Permission.ACCOUNTING_MANAGE,
        tip=lambda: tr("Number and validate the entries of the months over"),
    )
    def close_month(self) -> None:
        dialog = CloseDialog(self.context, self, self.state.closed_through if self.state else None)
        if (outcome := dialog.answer()) is not None:
            inform(
                self,
                tr("Close the books"),
                tr(
                    "Books closed through {day}: {count} entries numbered.",
                    day=format_day(outcome.through_day),
                    count=outcome.entry_count,
                ),
            )

    @action(
        lambda: tr("Export the journal…"),
        shortcut="Ctrl+Shift+E",
        permission=Permission.ACCOUNTING_MANAGE,
    )
    def export_journal(self) -> None:
        dialog = JournalExportDialog(
            self.context, self, self.state.closed_through if self.state else None
        )
        if (outcome := dialog.answer()) is not None:
            inform(self, tr("Export the journal"), written(outcome))

    @action(lambda: tr("FEC…"), permission=Permission.ACCOUNTING_VIEW)
    def produce_fec(self) -> None:
        closed = self.state.closed_through if self.state else None
        year = closed.year if closed else clock.today().year - 1
        if (outcome := FecDialog(self.context, self, year).answer()) is not None:
            message = f"{written(outcome)} {fec.coverage_note(outcome)}"
            inform(self, tr("FEC for the tax authorities"), message)

    @action(
        lambda: tr("Post past events…"),
        permission=Permission.ACCOUNTING_MANAGE,
        ask=Ask(
            lambda: tr(
                "Post the entries of the invoices, credit notes and payments recorded before "
                "the books existed, in date order?"
            ),
            title=lambda: tr("Post past events"),
            go=lambda: tr("Post"),
            row=None,
        ),
    )
    def catch_up(self) -> None:
        actor = self.context.actor
        self.write(
            lambda session, progress: history.catch_up(session, actor, progress),
            tr("Posting the entries of past events…"),
            feedback=Feedback.CANCELLABLE,
        ).run()

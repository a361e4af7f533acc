"""Rapprochement: what the bank's statements hold that the automatic matching left.

The entries to reconcile (or those reconciled, or set aside, of a month), the month's
progress above them; for the entry under the cursor its details and the candidates ranked
with why. Ctrl+Entrée accepts the candidate under the cursor (the first one by default)
and moves to the next entry; an entry is shared across invoices found by member or
number, kept as a member's credit, or set aside with its reason (bank fees, interest);
a wrong match is undone — its payments reversed, never deleted.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models.bank import BankEntryKind, BankMatchState
from backoffice.ops.context import AppContext, ChangeNotice
from backoffice.services.bank import reconcile
from backoffice.services.bank.reconcile import (
    Allocation,
    EntryOutcome,
    EntryRow,
    MonthProgress,
    Suggestion,
)
from backoffice.services.permissions import Permission
from backoffice.views import formatting, labels
from backoffice.views.accounting.months import month_name
from backoffice.views.bank.import_files import choose_and_import
from backoffice.views.bank.reconcile_dialogs import CreditDialog, IgnoreDialog, SplitDialog
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import ask_reason, inform
from backoffice.views.widgets.layouts import hbox, pane
from backoffice.views.widgets.lists import fit_columns, searchable, show_rows
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    date_column,
    member_columns,
    money_column,
)
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

MONTHS_SHOWN = 13


def entry_columns() -> list[Column[EntryRow]]:
    return [
        date_column(tr("Booked on"), lambda r: r.booked_on),
        money_column(tr("Amount"), lambda r: r.amount_cents),
        Column(tr("Kind"), lambda r: labels.label(BankEntryKind(r.kind))),
        Column(tr("Payer or payee"), lambda r: r.counterparty_name),
        Column(tr("Text"), lambda r: r.remittance, tooltip=lambda r: r.remittance),
        Column(tr("Reference"), lambda r: r.creditor_reference or r.bank_reference),
        Column(tr("Member code"), lambda r: r.member_code),
        Column(tr("How"), lambda r: r.note or labels.match_rule(r.rule)),
    ]


def suggestion_columns() -> list[Column[Suggestion]]:
    return [
        Column(tr("Confidence"), lambda s: f"{s.score} %", lambda s: s.score, align_right=True),
        *member_columns(),
        Column(
            tr("Invoice or slip"),
            lambda s: s.remittance_number or s.invoice_number or tr("oldest instalments"),
        ),
        Column(
            tr("Left to pay"),
            lambda s: "" if s.remittance_id else formatting.amount(s.remaining_cents),
            lambda s: s.remaining_cents,
            align_right=True,
        ),
        Column(tr("Why"), lambda s: s.why, tooltip=lambda s: s.why),
    ]


def allocations_for(entry: EntryRow, suggestion: Suggestion) -> list[Allocation]:
    """Accepting a candidate: what it owes is paid, the rest kept as the member's credit
    (as the automatic matching does)."""
    assert suggestion.member_id is not None
    paid = min(entry.amount_cents, suggestion.remaining_cents)
    parts = []
    if paid > 0:
        parts.append(Allocation(suggestion.member_id, paid, suggestion.invoice_id))
    if entry.amount_cents > paid:
        parts.append(Allocation(suggestion.member_id, entry.amount_cents - paid, credit=True))
    return parts


class ReconcileTab(LiveTab):
    TABLES = ("bank_entries", "bank_entry_payments", "cheque_remittances")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.entry: EntryRow | None = None
        self.progress = QLabel()
        self.progress.setObjectName("bank_month_progress")
        self.model: RowsModel[EntryRow] = RowsModel(entry_columns(), key=lambda r: r.id)
        self.table = DataTable("bank_reconcile_entries")
        self.proxy = searchable(self.table, self.model, 0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.count = QLabel()
        self.suggestions: RowsModel[Suggestion] = RowsModel(suggestion_columns())
        self.suggestion_table = DataTable("bank_reconcile_suggestions")
        show_rows(self.suggestion_table, self.suggestions)
        self.suggestion_table.setSortingEnabled(False)  # ranked
        self.suggestion_table.activated_row.connect(lambda _row: self.accept())
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.actions.list_menu(self.table, "accept", "split", "credit", None, "ignore", "undo")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._list())
        splitter.addWidget(self._panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(self._bar())
        layout.addWidget(self.progress)
        layout.addWidget(splitter, 1)
        self.actions.update()

    def _bar(self) -> QHBoxLayout:
        """What is shown: the state, the month, the search."""
        self.state = QComboBox()
        for state in (BankMatchState.UNMATCHED, BankMatchState.MATCHED, BankMatchState.IGNORED):
            self.state.addItem(labels.label(state), state.value)
        self.month = QComboBox()
        first = clock.today().replace(day=1)
        for back in range(MONTHS_SHOWN):
            year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
            day = date(year, month + 1, 1)
            self.month.addItem(month_name(day), day.isoformat())
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.month.currentIndexChanged.connect(lambda _i: self.reload())
        self.search = SearchBox(tr("Payer, text, reference, amount…"))
        self.search.search.connect(lambda text: (self.proxy.search(text), self._count()))
        # The import beside the filters, not in the panel's bar: the tab fits a laptop's screen.
        import_button = self.actions.button("import_statements")
        return hbox(
            tr("Show"), self.state, tr("Month"), self.month, (self.search, 1), import_button
        )

    def _list(self) -> QWidget:
        return pane((self.table, 1), self.count)

    def _panel(self) -> QWidget:
        """The entry under the cursor: its details, its candidates, what to do with it."""
        return pane(
            self.details,
            tr("Candidates, the likeliest first"),
            (self.suggestion_table, 1),
            self.actions.bar("accept", "split", "credit", "ignore", "undo"),
        )

    # -- reading ---------------------------------------------------------------------------

    def chosen_state(self) -> BankMatchState:
        return BankMatchState(self.state.currentData())

    def chosen_month(self) -> date:
        return date.fromisoformat(self.month.currentData())

    def load(self) -> None:
        actor, state, month = self.context.actor, self.chosen_state(), self.chosen_month()
        # What is left to reconcile, of any month; what was done, of the month chosen.
        shown_month = None if state == BankMatchState.UNMATCHED else month
        self.query(lambda s: reconcile.entries(s, actor, state, month=shown_month), self._show)
        self.load_progress()

    def load_progress(self) -> None:
        actor, month = self.context.actor, self.chosen_month()
        self.query(
            lambda s: reconcile.month_progress(s, actor, month),
            self._show_progress,
            topic="progress",
        )

    def _show(self, rows: list[EntryRow]) -> None:
        self.model.set_rows(rows)
        self._count()
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self._selected()

    def _count(self) -> None:
        shown = self.proxy.rowCount()
        self.count.setText(
            ntr("{count} entry", "{count} entries", shown)
            + (
                " — " + tr("{total} in all", total=len(self.model.rows))
                if shown != len(self.model.rows)
                else ""
            )
        )

    def _show_progress(self, progress: MonthProgress) -> None:
        self.progress.setText(
            tr(
                "{month}: {done} of {total} entries reconciled ({matched} matched, {amount}; "
                "{returned} returns, {ignored} set aside) — {left} to reconcile, {left_amount}",
                month=month_name(progress.month),
                done=progress.done,
                total=progress.total,
                matched=progress.matched,
                amount=formatting.amount(progress.matched_cents),
                returned=progress.returned,
                ignored=progress.ignored,
                left=progress.unmatched,
                left_amount=formatting.amount(progress.unmatched_cents),
            )
        )

    def _selected(self) -> None:
        self.entry = self.table.current_of(self.model)
        self.suggestions.set_rows([])
        entry = self.entry
        if entry is None:
            self.details.setText("")
        else:
            self.details.setText(self._details(entry))
            if entry.state == BankMatchState.UNMATCHED and entry.amount_cents > 0:
                actor = self.context.actor
                self.query(
                    lambda s: reconcile.suggestions(s, actor, entry.id),
                    self._show_suggestions,
                    topic="suggestions",
                )
        self.actions.update()

    @staticmethod
    def _details(entry: EntryRow) -> str:
        lines = [
            f"{formatting.day(entry.booked_on)} — {formatting.amount(entry.amount_cents)} — "
            f"{labels.label(BankEntryKind(entry.kind))}",
            " · ".join(
                part
                for part in (entry.counterparty_name, entry.counterparty_iban, entry.bank_reference)
                if part
            ),
            entry.remittance,
        ]
        return "\n".join(line for line in lines if line)

    def _show_suggestions(self, found: list[Suggestion]) -> None:
        self.suggestions.set_rows(found)
        fit_columns(self.suggestion_table)  # a few rows: their own widths each time
        if found:
            self.suggestion_table.selectRow(0)
        self.actions.update()

    def chosen_suggestion(self) -> Suggestion | None:
        if not self.suggestions.rows:
            return None
        row = self.suggestion_table.current_source_row()
        return self.suggestions.row_at(row if row is not None else 0)

    # -- the entry settled: the next one, without reading everything again -----------------

    def on_own_change(self, notice: ChangeNotice) -> None:
        """The list was updated by the success itself."""

    def _settled(self, outcome: EntryOutcome) -> None:
        row = self.table.currentIndex().row()
        self.model.set_rows([entry for entry in self.model.rows if entry.id != outcome.entry_id])
        self._count()
        if self.proxy.rowCount():
            self.table.selectRow(min(max(row, 0), self.proxy.rowCount() - 1))
        else:
            self._selected()
        self.load_progress()

    def _unmatched_entry(self) -> bool:
        return (
            self.entry is not None
            and self.entry.state == BankMatchState.UNMATCHED
            and self.entry.amount_cents > 0
        )

    # -- actions ---------------------------------------------------------------------------

    @action(
        lambda: tr("Import bank statements…"),
        permission=Permission.PAYMENTS_RECORD,
    )
    def import_statements(self) -> None:
        """camt.053, camt.054, CFONB 120 or pain.002 files: stored once, matched, returns
        applied; what is left comes here (files may also be dropped on Facturation)."""
        choose_and_import(self)

    @action(
        lambda: tr("Accept the candidate"),
        shortcut=("Ctrl+Return", "Ctrl+Enter"),
        permission=Permission.PAYMENTS_RECORD,
        enabled=lambda view: view._unmatched_entry() and bool(view.suggestions.rows),
        default=True,
    )
    def accept(self) -> None:
        """The candidate under the cursor (the likeliest by default): its payment recorded
        (the rest as the member's credit), or the cheque slip matched; then the next entry."""
        entry, chosen = self.entry, self.chosen_suggestion()
        if entry is None or chosen is None:
            return
        actor = self.context.actor
        if chosen.remittance_id is not None:
            slip = chosen.remittance_id

            def work(session: object) -> EntryOutcome:
                return reconcile.match_slip(
                    session, actor, entry.id, slip, expected_version=entry.version
                )
        else:
            parts = allocations_for(entry, chosen)

            def work(session: object) -> EntryOutcome:
                return reconcile.match_entry(
                    session, actor, entry.id, parts, expected_version=entry.version
                )

        self.write(work, tr("Reconciling…")).success(self._settled).conflict(self.reload).run()

    @action(
        lambda: tr("Share across invoices…"),
        shortcut="Ctrl+D",
        permission=Permission.PAYMENTS_RECORD,
        enabled=lambda view: view._unmatched_entry(),
    )
    def split(self) -> None:
        """Find any open invoice by member or number, and share the entry across one or
        several; the rest may be kept as a credit."""
        self._dialog(SplitDialog)

    @action(
        lambda: tr("Member's credit…"),
        permission=Permission.PAYMENTS_RECORD,
        enabled=lambda view: view._unmatched_entry(),
    )
    def credit(self) -> None:
        """The whole entry kept as the credit of a member (an advance, a member who owes
        nothing yet)."""
        self._dialog(CreditDialog)

    @action(
        lambda: tr("Not to reconcile…"),
        shortcut="Ctrl+Del",
        permission=Permission.PAYMENTS_RECORD,
        enabled=lambda view: (
            view.entry is not None and view.entry.state == BankMatchState.UNMATCHED
        ),
    )
    def ignore(self) -> None:
        """Bank fees, interest, a transfer between the service's accounts: set aside with
        the reason."""
        self._dialog(IgnoreDialog)

    def _dialog(self, kind: type) -> None:
        if self.entry is None:
            return
        dialog = kind(self.context, self, self.entry)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result is not None:
            self._settled(dialog.result)

    @action(
        lambda: tr("Undo the reconciliation…"),
        permission=Permission.PAYMENTS_RECORD,
        enabled=lambda view: (
            view.entry is not None
            and view.entry.state in (BankMatchState.MATCHED, BankMatchState.IGNORED)
        ),
    )
    def undo(self) -> None:
        """A wrong match: its payments are reversed (kept, marked reversed with the
        reason), and the entry is to reconcile again."""
        entry = self.entry
        if entry is None:
            return
        if entry.rule == "collection":
            inform(
                self,
                tr("Undo the reconciliation"),
                tr("A direct-debit collection is undone by its returns, not by hand."),
            )
            return
        reason = ask_reason(
            self,
            tr("Undo the reconciliation"),
            tr("Why is this reconciliation wrong? (its payments will be reversed)"),
        )
        if reason is None:
            return
        actor = self.context.actor
        self.write(
            lambda s: reconcile.undo_entry(
                s, actor, entry.id, reason, expected_version=entry.version
            ),
            tr("Reversing…"),
        ).success(self._settled).conflict(self.reload).run()

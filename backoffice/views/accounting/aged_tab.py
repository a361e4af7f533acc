"""Comptabilité › Balance âgée: what each member owes at a date, by age; sortable, searched
as you type, exported to Excel; Enter or a double click opens the member's schedule."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import ntr, tr
from backoffice.money import format_eur
from backoffice.ops.context import AppContext
from backoffice.services.accounting import aged_balance
from backoffice.services.accounting.aged_balance import AgedBalance, AgedRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.accounting.workbooks import save_workbook
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.dialogs import inform, note
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.layouts import hbox
from backoffice.views.widgets.lists import searchable
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


def age_column(title: str, cents: Callable[[AgedRow], int]) -> Column[AgedRow]:
    """An age's amount, blank when nothing is owed at that age (the debts stand out)."""
    return Column(
        title,
        lambda row: formatting.amount(cents(row)) if cents(row) else "",
        cents,
        align_right=True,
    )


def aged_columns() -> list[Column[AgedRow]]:
    return [
        *member_columns(),
        age_column(tr("Not yet due"), lambda r: r.not_due_cents),
        age_column(tr("0–30 days"), lambda r: r.days_0_30_cents),
        age_column(tr("31–60 days"), lambda r: r.days_31_60_cents),
        age_column(tr("61–90 days"), lambda r: r.days_61_90_cents),
        age_column(tr("over 90 days"), lambda r: r.over_90_cents),
        money_column(tr("Total owed"), lambda r: r.total_cents),
        date_column(tr("Oldest due date"), lambda r: r.oldest_due_on),
    ]


def totals_text(balance: AgedBalance) -> str:
    text = ntr(
        "{count} member owes {total} on {day}: not yet due {not_due}, 0–30 days {d30}, "
        "31–60 days {d60}, 61–90 days {d90}, over 90 days {over}.",
        "{count} members owe {total} on {day}: not yet due {not_due}, 0–30 days {d30}, "
        "31–60 days {d60}, 61–90 days {d90}, over 90 days {over}.",
        len(balance.rows),
        total=format_eur(balance.total_cents),
        day=format_day(balance.on),
        not_due=format_eur(balance.totals["not_due"]),
        d30=format_eur(balance.totals["days_0_30"]),
        d60=format_eur(balance.totals["days_31_60"]),
        d90=format_eur(balance.totals["days_61_90"]),
        over=format_eur(balance.totals["over_90"]),
    )
    if balance.reconciliation_cents is not None:
        difference = balance.reconciliation_cents - balance.total_cents
        text += " " + (
            tr("Reconciled with the open instalments.")
            if difference == 0
            else tr(
                "Open instalments: {open}, difference {difference}.",
                open=format_eur(balance.reconciliation_cents),
                difference=format_eur(difference),
            )
        )
    return text


class AgedBalanceTab(LiveTab):
    TABLES = ("instalments", "payments", "payment_allocations", "credit_notes", "write_offs")
    open_member = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.on = DateInput(clock.today())
        self.on.day_changed.connect(lambda _day: self.reload())
        self.search = SearchBox(tr("Member code or name…"))
        self.actions = Actions(self, context)
        layout = QVBoxLayout(self)
        layout.addLayout(
            hbox(
                tr("On"),
                self.on,
                (self.search, 1),
                *self.actions.buttons("open_schedule", "export"),
            )
        )
        self.model: RowsModel[AgedRow] = RowsModel(aged_columns())
        self.table = DataTable("accounting_aged_balance")
        self.proxy = searchable(self.table, self.model, 7, Qt.SortOrder.DescendingOrder)
        self.search.search.connect(self.proxy.search)
        self.table.activated_row.connect(
            lambda row: self.open_member.emit(self.model.row_at(row).member_id)
        )
        self.actions.list_menu(self.table, "open_schedule", None, "export")
        layout.addWidget(self.table, 1)
        self.totals = note()
        self.totals.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.totals)

    def load(self) -> None:
        try:
            on = self.on.day()
        except ValueError:
            return
        actor = self.context.actor
        self.query(lambda session: aged_balance.aged_balance(session, actor, on), self._show)

    def _show(self, balance: AgedBalance) -> None:
        self.model.set_rows(balance.rows)
        self.totals.setText(totals_text(balance))

    @action(lambda: tr("Open the schedule"), shortcut="Ctrl+O")
    def open_schedule(self) -> None:
        row = self.table.current_of(self.model)
        if row is None:
            inform(self, tr("Aged balance"), tr("Select a member first."))
            return
        self.open_member.emit(row.member_id)

    @action(
        lambda: tr("Export to Excel…"), shortcut="Ctrl+E", permission=Permission.ACCOUNTING_VIEW
    )
    def export(self) -> None:
        try:
            on = self.on.day() or clock.today()
        except ValueError as error:
            inform(self, tr("Aged balance"), str(error))
            return
        actor = self.context.actor
        save_workbook(
            self,
            tr("Aged balance"),
            f"balance-agee-{on:%Y%m%d}.xlsx",
            lambda path: lambda session: aged_balance.export_aged_balance(session, actor, on, path),
            tr("Exporting the aged balance…"),
        )

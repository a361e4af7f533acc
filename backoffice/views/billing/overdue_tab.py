"""Retards: the instalments past their due date and unpaid, with the days late and the last
reminder; reminder letters (PDF) for a selection — each a step further: first, second,
formal notice."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.billing import invoice_lists, reminders
from backoffice.services.billing.invoice_lists import MemberRef
from backoffice.services.billing.reminders import OverdueRow, ReminderBatch
from backoffice.services.mail.documents import Delivery
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.billing.payment_dialog import PaymentDialog
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.delivery import choose_delivery, delivery_outcome
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.files import ask_save_path, pdf_filter, write_whole
from backoffice.views.widgets.layouts import hbox
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.preview import show_pdf
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    count_column,
    date_column,
    member_columns,
    money_column,
)
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

LATE = QColor("#fde8e8")
VERY_LATE = QColor("#f8c9c9")
VERY_LATE_DAYS = 60


def reminder_text(row: OverdueRow) -> str:
    if not row.last_reminder_level:
        return ""
    return tr(
        "level {level} on {date}",
        level=row.last_reminder_level,
        date=formatting.day(row.last_reminder_on),
    )


class OverdueTab(LiveTab):
    TABLES = ("instalments", "payments", "payment_allocations", "payment_reminders", "invoices")
    open_invoice = Signal(str)  # the invoice number

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.rows: list[OverdueRow] = []
        self.search = SearchBox(tr("Member code or name, invoice number…"))
        self.minimum_days = QSpinBox()
        self.minimum_days.setRange(0, 3650)
        self.minimum_days.setSuffix(tr(" days late or more"))
        self.minimum_days.valueChanged.connect(lambda _value: self._filter())
        self.summary = QLabel()
        bar = hbox((self.search, 3), self.minimum_days, (self.summary, 2))
        self.model: RowsModel[OverdueRow] = RowsModel(
            [
                *member_columns(),
                Column(tr("Invoice"), lambda r: r.invoice_number),
                date_column(tr("Issued on"), lambda r: r.issued_on),
                date_column(tr("Due on"), lambda r: r.due_on),
                count_column(tr("Days late"), lambda r: r.days_late),
                money_column(tr("Amount"), lambda r: r.amount_cents),
                money_column(tr("Left to pay"), lambda r: r.remaining_cents),
                Column(tr("Last reminder"), reminder_text, lambda r: r.last_reminder_level),
                Column(tr("Direct debit"), lambda r: formatting.yes_no(r.direct_debit)),
            ],
            background=lambda r: VERY_LATE if r.days_late >= VERY_LATE_DAYS else LATE,
            key=lambda row: row.instalment_id,
        )
        self.table = DataTable("billing_overdue")
        self.proxy = searchable(self.table, self.model, 5, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.activated_row.connect(
            lambda row: self.open_invoice.emit(self.model.row_at(row).invoice_number)
        )
        self.search.search.connect(lambda text: (self.proxy.search(text), self._count()))
        actions = self.actions.tool_bar("send_reminders", "record_payment", "open_selected")
        self.actions.list_menu(
            self.table, "open_selected", None, "record_payment", "send_reminders"
        )
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addLayout(actions)

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda s: reminders.overdue_instalments(s, actor), self._show)

    def _show(self, rows: list[OverdueRow]) -> None:
        self.rows = rows
        self._filter()

    def _filter(self) -> None:
        minimum = self.minimum_days.value()
        self.model.set_rows([row for row in self.rows if row.days_late >= minimum])
        self._count()

    def _count(self) -> None:
        shown = [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            for row in range(self.proxy.rowCount())
        ]
        self.summary.setText(
            ntr(
                "{count} overdue instalment, {amount} left to pay",
                "{count} overdue instalments, {amount} left to pay",
                len(shown),
                amount=formatting.amount(sum(row.remaining_cents for row in shown)),
            )
        )

    def selected(self) -> list[OverdueRow]:
        return [self.model.row_at(row) for row in self.table.selected_source_rows()]

    @action(lambda: tr("Open the invoice"))
    def open_selected(self) -> None:
        """The invoice of the selected instalment, in the Invoices tab."""
        rows = self.selected()
        if rows:
            self.open_invoice.emit(rows[0].invoice_number)

    @action(
        lambda: tr("Reminders for the selection…"),
        permission=Permission.PAYMENTS_RECORD,
        tip=lambda: tr(
            "A reminder per member for the selected instalments, each a step further (first, "
            "second reminder, formal notice): by e-mail or printed, as each member prefers"
        ),
    )
    def send_reminders(self) -> None:
        """A reminder per member for the selected instalments, each a step further (first,
        second reminder, formal notice): e-mailed with its letter or printed."""
        rows = self.selected()
        if not rows:
            inform(self, tr("Reminders"), tr("Select the overdue instalments to remind first."))
            return
        members = len({row.member_id for row in rows})
        choose_delivery(
            self,
            tr("Reminders"),
            tr(
                "{members}, {instalments}: how should the reminders leave? E-mailed ones "
                "carry their letter; the others are printed.",
                members=ntr("{count} member", "{count} members", members),
                instalments=ntr("{count} instalment", "{count} instalments", len(rows)),
            ),
            lambda delivery: self._remind(rows, delivery),
        )

    def _remind(self, rows: list[OverdueRow], delivery: Delivery) -> None:
        path = ask_save_path(
            self,
            tr("Save the reminder letters to print"),
            tr("payment-reminders.pdf"),
            pdf_filter(),
            "reminders",
        )
        if path is None:
            return
        actor, ids = self.context.actor, [row.instalment_id for row in rows]

        def work(session: object) -> ReminderBatch:
            batch = reminders.send_reminders(session, actor, ids, delivery)
            if batch.pdf:  # (none to print when every member takes its mail by e-mail)
                write_whole(path, batch.pdf, private=True)
            return batch

        self.write(work, tr("Sending the reminders…")).success(
            lambda batch: self._reminded(batch, path)
        ).run()

    def _reminded(self, batch: ReminderBatch, path: Path) -> None:
        said = delivery_outcome(
            lambda count: ntr("{count} reminder", "{count} reminders", count),
            batch.emailed,
            batch.letters,
            batch.problems,
        )
        if not batch.pdf:
            inform(self, tr("Reminders"), said)
            return
        note = tr(
            "{letters} for {instalments} saved in {path}.",
            letters=ntr("{count} letter", "{count} letters", batch.letters),
            instalments=ntr("{count} instalment", "{count} instalments", batch.instalments),
            path=path,
        )
        show_pdf(
            self,
            tr("Reminders"),
            batch.pdf,
            name=path.name,
            kind="reminders",
            private=True,
            note=f"{said}\n{note}",
        )

    @action(lambda: tr("Record a payment…"), permission=Permission.PAYMENTS_RECORD)
    def record_payment(self) -> None:
        """A payment of the member of the selected instalment."""
        rows = self.selected()
        if not rows:
            inform(self, tr("Payments"), tr("Select an overdue instalment of the member first."))
            return
        row, actor = rows[0], self.context.actor
        self.query(
            lambda s: invoice_lists.member_outstanding(s, actor, row.member_id),
            lambda owed: self._pay(row, owed),
            topic="owed",
        )

    def _pay(self, row: OverdueRow, owed: int) -> None:
        member = MemberRef(row.member_id, row.member_code, row.member_name)
        dialog = PaymentDialog(self.context, self, member, owed)
        dialog.exec()  # a payment recorded reloads the list (its change notice)

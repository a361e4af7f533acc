"""The forms of the books: close a month, export the journal, produce the FEC, write off
what is left of an invoice. Each runs one service call; a refusal stays in the form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.accounting import closing, fec, journal_export, write_offs
from backoffice.views import formatting
from backoffice.views.accounting.months import month_name
from backoffice.views.widgets.files import ask_folder, ask_save_path, excel_filter
from backoffice.views.widgets.inputs import DateInput, year_spin
from backoffice.views.widgets.invoice_dialog import InvoiceDialog, InvoiceRef
from backoffice.views.widgets.operation_dialog import OperationDialog


def closable_months(closed_through: date | None, today: date) -> list[date]:
    """The last days of the months that may be closed now, the latest first: every month
    over, after the last closed one (at most two years back)."""
    last = today.replace(day=1) - timedelta(days=1)
    first = date(last.year - 2, last.month, 1)
    if closed_through is not None:
        first = max(first, closed_through + timedelta(days=1))
    months = []
    day = last
    while day >= first:
        months.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return months


class CloseDialog(OperationDialog):
    def __init__(
        self, context: AppContext, parent: QWidget | None, closed_through: date | None
    ) -> None:
        super().__init__(context, parent, tr("Close the books"))
        self.add_intro(
            tr(
                "Closing numbers the entries of the months closed, in date order, and "
                "validates them: nothing can be dated in those months any more (an event "
                "recorded late goes on the first open day). It cannot be undone."
            )
        )
        self.months = QComboBox()
        for day in closable_months(closed_through, clock.today()):
            self.months.addItem(
                tr("{month} (through {day})", month=month_name(day), day=format_day(day)), day
            )
        closed = format_day(closed_through) if closed_through else tr("nothing yet")
        self.add_fields(
            (tr("Close through"), self.months, "through"), (tr("Closed so far"), QLabel(closed))
        )
        self.set_action(tr("Close"))
        if self.months.count() == 0:
            self.show_errors(tr("No month is over since the last closing."))

    def work(self) -> Callable[[Session], Any] | None:
        through = self.months.currentData()
        if through is None:
            return None
        actor = self.context.actor
        return lambda session: closing.close_through(session, actor, through)

    def busy_label(self) -> str:
        return tr("Closing the books…")


class JournalExportDialog(OperationDialog):
    def __init__(
        self, context: AppContext, parent: QWidget | None, closed_through: date | None
    ) -> None:
        super().__init__(context, parent, tr("Export the journal"))
        self.add_intro(
            tr(
                "The validated entries of the period (closed months) that no export carried "
                "yet, for the accounting software; they are marked as exported."
            )
        )
        end = closed_through or clock.today()
        self.start = DateInput(end.replace(day=1))
        self.end = DateInput(end)
        self.format = QComboBox()
        self.format.addItem(tr("Excel workbook (.xlsx)"), ".xlsx")
        self.format.addItem(tr("CSV file for the accounting software (.csv)"), ".csv")
        self.again = QCheckBox(tr("Also the entries already exported (a lost file)"))
        self.add_fields(
            (tr("From"), self.start, "date_from"),
            (tr("To"), self.end),
            (tr("Format"), self.format, "out"),
            ("", self.again),
        )
        self.set_action(tr("Export…"))

    def work(self) -> Callable[[Session], Any] | None:
        try:
            start, end = self.start.day(), self.end.day()
        except ValueError as error:
            self.show_errors(str(error))
            return None
        suffix = self.format.currentData()
        name = f"journal-{start:%Y%m%d}-{end:%Y%m%d}{suffix}"
        file_filter = excel_filter() if suffix == ".xlsx" else tr("CSV files (*.csv)")
        path = ask_save_path(self, tr("Export the journal"), name, file_filter, kind="accounting")
        if path is None:
            return None
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        actor, again = self.context.actor, self.again.isChecked()
        return lambda session: journal_export.export_journal(
            session, actor, start, end, path, again=again
        )

    def busy_label(self) -> str:
        return tr("Exporting the journal")


class FecDialog(OperationDialog):
    def __init__(self, context: AppContext, parent: QWidget | None, year: int) -> None:
        super().__init__(context, parent, tr("FEC for the tax authorities"))
        self.add_intro(
            tr(
                "The fichier des écritures comptables of a fiscal year (article A47 A-1 of "
                "the Livre des procédures fiscales): its validated entries, checked against "
                "the norm, in a file named after the service's SIREN."
            )
        )
        self.year = year_spin(year)
        self.add_fields((tr("Fiscal year"), self.year, "year"))
        self.folder: Path | None = None
        self.set_action(tr("Produce…"))

    def work(self) -> Callable[[Session], Any] | None:
        folder = ask_folder(self, tr("Folder of the FEC"), kind="accounting")
        if folder is None:
            return None
        self.folder = folder
        actor, year = self.context.actor, self.year.value()
        return lambda session: fec.export_fec(session, actor, year, folder)

    def busy_label(self) -> str:
        return tr("Writing the FEC")


class WriteOffDialog(InvoiceDialog):
    """Give up what is left to pay on an invoice (a debt that will never be paid)."""

    def __init__(
        self, context: AppContext, parent: QWidget | None, invoice: InvoiceRef, remaining: int
    ) -> None:
        super().__init__(
            context, parent, invoice, tr("Write off invoice {number}", number=invoice.number)
        )
        self.remaining = remaining
        self.add_intro(
            tr(
                "What is left to pay is booked as a loss (its VAT, never received, is not "
                "due). The invoice stays as issued; this cannot be undone."
            )
        )
        self.say_left(tr("Left to pay"), formatting.amount(remaining))
        self.reason = QLineEdit()
        self.reason.setMaxLength(write_offs.REASON_LENGTH)
        self.reason.setPlaceholderText(tr("e.g. judicial liquidation closed for lack of assets"))
        self.form.addRow(tr("Reason"), self.reason)
        self.fields = {"reason": self.reason}
        self.set_action(tr("Write off"))

    @classmethod
    def nothing_left(cls, number: str) -> tuple[str, str]:
        return tr("Write off…"), tr("Invoice {number} has nothing left to pay.", number=number)

    def work(self) -> Callable[[Session], Any] | None:
        actor, invoice_id, reason = self.context.actor, self.invoice.id, self.reason.text()
        remaining = self.remaining
        return lambda session: write_offs.write_off_invoice(
            session, actor, invoice_id, reason, expected_remaining_cents=remaining
        )

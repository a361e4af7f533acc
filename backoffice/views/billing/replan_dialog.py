"""Re-planning what is left to pay on an invoice: new due dates, the amounts split by the
usual rule and shown as the dates change; what is paid does not move."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from backoffice import clock
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.billing import replanning
from backoffice.services.errors import ValidationFailed
from backoffice.views import formatting
from backoffice.views.billing.widgets import DatesEditor
from backoffice.views.widgets.invoice_dialog import InvoiceDialog, InvoiceRef

PROPOSED_INSTALMENTS = 3


def monthly_dates(start: date, count: int) -> list[date]:
    """``count`` dates a month apart from the month after ``start``, on the 15th."""
    dates = []
    year, month = start.year, start.month
    for _ in range(count):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        dates.append(date(year, month, 15))
    return dates


class ReplanDialog(InvoiceDialog):
    def __init__(
        self, context: AppContext, parent: QWidget | None, invoice: InvoiceRef, unpaid: int
    ) -> None:
        super().__init__(context, parent, invoice, tr("Re-plan {number}", number=invoice.number))
        self.unpaid = unpaid
        self.say_left(
            tr("Left to re-plan"),
            tr(
                "{amount} (what is paid, and instalments already sent to the bank, stay as "
                "they are)",
                amount=formatting.amount(unpaid),
            ),
        )
        self.dates = DatesEditor()
        self.dates.set_dates(monthly_dates(clock.today(), PROPOSED_INSTALMENTS))
        self.form.addRow(tr("New due dates"), self.dates)
        self.split = QLabel()
        self.split.setWordWrap(True)
        self.form.addRow(tr("New instalments"), self.split)
        self.dates.changed.connect(self._show_split)
        self._show_split()

    @classmethod
    def nothing_left(cls, number: str) -> tuple[str, str]:
        return tr("Re-plan"), tr("Nothing left to re-plan on invoice {number}.", number=number)

    def _show_split(self) -> None:
        try:
            parts = replanning.check_plan(self.dates.dates(), None, self.unpaid, clock.today())
        except ValidationFailed as error:
            self.split.setText(error.message)
            return
        self.split.setText(
            "\n".join(
                tr("{date}: {amount}", date=formatting.day(day), amount=formatting.amount(part))
                for day, part in zip(self.dates.dates(), parts, strict=True)
            )
        )

    def busy_label(self) -> str:
        return tr("Re-planning…")

    def work(self) -> Callable[[Any], Any] | None:
        actor, invoice_id, dates, unpaid = (
            self.context.actor,
            self.invoice.id,
            self.dates.dates(),
            self.unpaid,
        )
        return lambda session: replanning.replan(
            session, actor, invoice_id, dates, expected_unpaid_cents=unpaid
        )

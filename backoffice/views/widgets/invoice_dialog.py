"""The dialogs that act on what is left of one invoice (credit note, re-plan, write-off)
share their head — the invoice named in the title, a first row saying what is left — and
how they are opened: read what is left, then the dialog, or why there is nothing to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from backoffice.ops.context import AppContext
from backoffice.views.widgets.operation_dialog import OperationDialog


@dataclass(frozen=True)
class InvoiceRef:
    """The invoice a dialog acts on: its id for the service, its number for people."""

    id: int
    number: str


class InvoiceDialog(OperationDialog):
    """``title`` names the invoice (``tr("… {number}", number=invoice.number)``);
    :meth:`say_left` opens the form with what is left of it."""

    def __init__(
        self, context: AppContext, parent: QWidget | None, invoice: InvoiceRef, title: str
    ) -> None:
        super().__init__(context, parent, title)
        self.invoice = invoice

    def say_left(self, label: str, text: str) -> None:
        line = QLabel(text)
        line.setWordWrap(True)
        self.form.addRow(label, line)

    @classmethod
    def left_cents(cls, left: Any) -> int:
        """What is left, in cents, of what the query read (by default, those cents)."""
        return int(left)

    @classmethod
    def nothing_left(cls, number: str) -> tuple[str, str]:
        """What to say (a title and a sentence) instead of the dialog when nothing is left
        on invoice ``number``."""
        raise NotImplementedError

    @classmethod
    def opened(
        cls, context: AppContext, parent: QWidget | None, invoice: InvoiceRef, left: Any
    ) -> InvoiceDialog:
        """The dialog on ``left``, as the query that read it answered."""
        return cls(context, parent, invoice, left)

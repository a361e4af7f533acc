"""A page of its own for the direct-debit panel, until it becomes the "Prélèvements SEPA"
tab of the billing page (screenshots and trying it out in the meantime)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from backoffice.ops.context import AppContext
from backoffice.views.pages.base import Page
from backoffice.views.sepa.panel import SepaPanel


class SepaPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        self.panel = SepaPanel(context, self)
        layout.addWidget(self.panel)

    def refresh(self) -> None:
        self.panel.refresh()

    def focus_search(self) -> None:
        self.panel.focus_search()

    def open(self, options: dict[str, Any]) -> None:
        """``tab`` (mandates, prenotifications, collection, files, returns), ``date``
        (YYYY-MM-DD, the collection date) and ``prepare`` (1: prepare the collection)."""
        if "date" in options:
            self.panel.set_collection_date(date.fromisoformat(str(options["date"])))
        if "tab" in options:
            self.panel.show_tab(str(options["tab"]))
        if options.get("prepare"):
            self.panel.collection.prepare()

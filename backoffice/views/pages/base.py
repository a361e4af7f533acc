"""What every page of the main window offers the window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from backoffice.ops.context import AppContext


class Page(QWidget):
    """A section of the main window.

    ``navigate_to`` asks the window to show another page (``key``, options), e.g. the
    dashboard opening the locked accounts.
    """

    navigate_to = Signal(str, object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def activated(self) -> None:
        """The page became visible: load or refresh what it shows."""

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the page's search field, if it has one."""

    def refresh(self) -> None:
        """F5: reload from the database."""
        self.activated()

    def open(self, options: dict[str, Any]) -> None:
        """Show something particular (a filter, a record), asked by another page."""

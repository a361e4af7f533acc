"""A search field that answers as the user types, without a query per keystroke."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from backoffice.i18n import tr

# Long enough to skip the queries of a fast typist's intermediate letters, short enough
# for the list to answer a keystroke within a tenth of a second.
DEBOUNCE_MS = 30


class SearchBox(QLineEdit):
    """``search`` fires with the text once typing pauses (or at once on Enter)."""

    search = Signal(str)

    def __init__(self, placeholder: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder or tr("Search…"))
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._fire)
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self._fire)

    def _fire(self) -> None:
        self._timer.stop()
        self.search.emit(self.text())

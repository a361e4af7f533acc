"""A dialog that saves through a background operation and keeps what was typed when the
service refuses it: the French sentences appear in the dialog, the fields named turn red."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation
from backoffice.services.errors import ValidationFailed

ERROR_STYLE = "color: #b00020"
FIELD_ERROR_STYLE = "border: 1px solid #b00020"


class OperationDialog(QDialog):
    def __init__(self, parent: QWidget | None, context: AppContext, title: str) -> None:
        super().__init__(parent)
        self.context = context
        self.result: Any = None
        self.fields: dict[str, QWidget] = {}  # service field name → widget to mark
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def add_intro(self, text: str) -> None:
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)

    def finish_layout(self, ok_text: str) -> None:
        """Call once the subclass added its widgets: errors and buttons go last."""
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.layout_.addWidget(self.errors)
        self.layout_.addWidget(self.buttons)

    def work(self) -> Callable[[Session], Any] | None:
        """The service call to run, or None when the form itself is not complete."""
        raise NotImplementedError

    def busy_label(self) -> str:
        return tr("Saving…")

    def submit(self) -> None:
        work = self.work()
        if work is None:
            return
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        Operation(self.context, self, work, label=self.busy_label()).success(
            self._succeeded
        ).failure(self._failed).finally_(lambda: ok.setEnabled(True)).run()

    def show_errors(self, message: str, fields: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.errors.setText(message)
        for name, widget in self.fields.items():
            widget.setStyleSheet(FIELD_ERROR_STYLE if name in fields else "")

    def _succeeded(self, result: Any) -> None:
        self.result = result
        self.accept()

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationFailed):
            self.show_errors(error.message, {item.field for item in error.errors})
            return False
        return True  # the standard dialog: permission, conflict, connection lost

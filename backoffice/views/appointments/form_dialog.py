"""A dialog that saves through a service in the background and, when refused, shows the
French sentence under its fields and stays open with what the user typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation
from backoffice.services.errors import ServiceError


class SavingDialog(QDialog):
    """``result_row`` holds what the service returned once saved."""

    def __init__(self, context: AppContext, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.context = context
        self.result_row: Any = None
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.save_button: QAbstractButton | None = None

    def add_lines(
        self, values: object, fields: tuple[tuple[str, str], ...]
    ) -> dict[str, QLineEdit]:
        """A text field per (attribute, label), filled from ``values``."""
        inputs = {}
        for name, label in fields:
            inputs[name] = QLineEdit(getattr(values, name, None) or "")
            self.form.addRow(label, inputs[name])
        return inputs

    def finish(self, editable: bool, action: str | None = None) -> None:
        """Add the error line and the buttons (``action`` names the saving button);
        a dialog the role may only look at gets its fields disabled and a Close button."""
        self.layout_.addWidget(self.error)
        if not editable:
            for child in self.findChildren(QWidget):
                if isinstance(child, QLineEdit | QComboBox | QAbstractSpinBox | QAbstractButton):
                    child.setEnabled(False)
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        elif action:
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
            self.save_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        else:
            buttons = QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
            )
            self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.layout_.addWidget(buttons)

    def save(self) -> None:
        raise NotImplementedError

    def run(self, work: Callable[[Any], Any], label: str | None = None) -> None:
        if self.save_button is not None:
            self.save_button.setEnabled(False)
        Operation(self.context, self, work, label=label or tr("Saving…")).success(
            self._saved
        ).failure(self._refused).finally_(self._enable).run()

    def _enable(self) -> None:
        if self.save_button is not None and self.isVisible():
            self.save_button.setEnabled(True)

    def _saved(self, row: Any) -> None:
        self.result_row = row
        self.accept()

    def _refused(self, error: BaseException) -> bool:
        if isinstance(error, ServiceError):
            self.error.setText(error.message)
            return False
        return True

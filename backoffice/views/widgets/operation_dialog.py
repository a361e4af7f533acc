"""The form dialog of every page: its OK runs one service call in the background; a refusal
is shown in the dialog (the French sentence, the fields named in red) and what was typed
stays; success closes it with the service's answer in ``result``."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import shiboken6
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
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.errors import ServiceError, ValidationFailed
from backoffice.views.widgets.dialogs import error_label, note, ok_cancel
from backoffice.views.widgets.layouts import Row, add_rows
from backoffice.views.widgets.operations import write

FIELD_ERROR_STYLE = "border: 1px solid #b00020"
OK = QDialogButtonBox.StandardButton.Ok


def shown_in(label: QLabel) -> Callable[[BaseException], bool]:
    """An operation's ``failure`` for a form that is not an :class:`OperationDialog`: bad
    input is said in ``label`` (the form keeps what was typed); anything else gets the
    usual dialog."""

    def show(error: BaseException) -> bool:
        if isinstance(error, ValidationFailed):
            label.setText(error.message)
            return False
        return True

    return show


class FormDialog(QDialog):
    """A form (``form``, more in ``layout_``), a line saying what is wrong (``errors``) and
    OK / Cancel; OK calls :meth:`submit`."""

    def __init__(self, parent: QWidget | None, title: str, *, width: int = 460) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.layout_ = QVBoxLayout()
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.errors = error_label()
        self.buttons = ok_cancel(self, self.submit)
        outer = QVBoxLayout(self)
        outer.addLayout(self.layout_)
        outer.addWidget(self.errors)
        outer.addWidget(self.buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def add_intro(self, text: str) -> None:
        self.layout_.insertWidget(0, note(text))

    def set_action(self, text: str) -> None:
        """Name the OK button after what it does."""
        self.buttons.button(OK).setText(text)


class OperationDialog(FormDialog):
    """Subclasses put their inputs in ``form`` (or more in ``layout_``) and implement
    :meth:`work`; ``fields`` maps a service's field names to the inputs to mark in red."""

    # Refusals said in the dialog; any other error gets the standard dialog (permission,
    # conflict with its reload, lost connection with its retry).
    shown_inline: tuple[type[ServiceError], ...] = (ValidationFailed,)

    def __init__(self, context: AppContext, parent: QWidget | None, title: str) -> None:
        super().__init__(parent, title)
        self.context = context
        # Shadows QDialog.result(): callers compare exec()'s return value instead.
        self.result: Any = None
        self.fields: dict[str, QWidget] = {}

    def answer(self) -> Any:
        """Show the dialog until it closes: the service's answer once saved, else None."""
        return self.result if self.exec() == QDialog.DialogCode.Accepted else None

    # -- building the form ----------------------------------------------------------------

    def add_fields(self, *rows: Row) -> None:
        """The form's rows, (label, input) or (label, input, field name): a named input is
        marked in red when a refusal names its field."""
        add_rows(self.form, rows, self.fields)

    def add_consequences(self, height: int) -> QLabel:
        """A last row « What it does », where the dialog says what saving would do as the
        inputs change."""
        said = QLabel()
        said.setWordWrap(True)
        said.setMinimumHeight(height)
        self.form.addRow(tr("What it does"), said)
        return said

    def add_lines(
        self, values: object, fields: tuple[tuple[str, str], ...]
    ) -> dict[str, QLineEdit]:
        """A text field per (attribute, label), filled from ``values``, marked in red when
        a refusal names that attribute."""
        inputs = {}
        for name, label in fields:
            inputs[name] = QLineEdit(getattr(values, name, None) or "")
            self.form.addRow(label, inputs[name])
        self.fields.update(inputs)
        return inputs

    def set_read_only(self) -> None:
        """For a role that may only look: inputs disabled, a single Close button. Call it
        once the inputs are in place."""
        for child in self.findChildren(QWidget):
            if isinstance(
                child, QLineEdit | QComboBox | QAbstractSpinBox | QAbstractButton
            ) and not self.buttons.isAncestorOf(child):
                child.setEnabled(False)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)

    # -- what subclasses say --------------------------------------------------------------

    def work(self) -> Callable[[Session], Any] | None:
        """The service call to run, or None after showing in the form what is wrong."""
        raise NotImplementedError

    def busy_label(self) -> str:
        return tr("Saving…")

    # -- running it -----------------------------------------------------------------------

    def submit(self) -> None:
        ok = self.buttons.button(OK)
        # Read-only (no OK), or already saving: Enter in a list or a double click also
        # submits, and must not start a second save.
        if ok is None or not ok.isEnabled():
            return
        work = self.work()
        if work is None:
            return
        ok.setEnabled(False)
        write(self, work, self.busy_label(), initiator=self.opener()).success(
            self._succeeded
        ).failure(self.refused).finally_(self._enable_ok).run()

    def opener(self) -> QWidget | None:
        """The live view that opened the dialog: the change is its own (it reloads once
        for it, even when hidden), the dialog acting for it."""
        from backoffice.views.widgets.live import LiveTab

        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, LiveTab):
            widget = widget.parentWidget()
        return widget

    def show_errors(self, message: str, fields: Collection[str] = frozenset()) -> None:
        """Say ``message`` and mark the inputs of ``fields`` (unmarking the others)."""
        self.errors.setText(message)
        for name, widget in self.fields.items():
            widget.setStyleSheet(FIELD_ERROR_STYLE if name in fields else "")

    def refused(self, error: BaseException) -> bool:
        """The operation's ``failure``: True lets the standard error dialog show it."""
        if not isinstance(error, self.shown_inline):
            return True
        named = (
            {item.field for item in error.errors} if isinstance(error, ValidationFailed) else set()
        )
        self.show_errors(error.message, named)
        return False

    def _succeeded(self, result: Any) -> None:
        self.result = result
        self.accept()

    def _enable_ok(self) -> None:
        # Runs even when the dialog was destroyed meanwhile (its parent page closed).
        if shiboken6.isValid(self) and (ok := self.buttons.button(OK)) is not None:
            ok.setEnabled(True)

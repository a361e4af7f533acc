"""Small dialogs: confirm a destructive action, ask a reason, tell the result."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr

ERROR_STYLE = "color: #b00020"


def error_label() -> QLabel:
    """A red, word-wrapped label for the French sentences of a refusal."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label


def note(text: str = "") -> QLabel:
    """A word-wrapped label: a sentence under a form or beside a list."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def confirm(parent: QWidget | None, title: str, question: str, action: str) -> bool:
    """Ask before a destructive action; the action is named on the button, No is default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(question)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is go


def inform(parent: QWidget | None, title: str, message: str, *, details: str | None = None) -> None:
    """An information box; ``details``: a long text behind its « Show details… » button."""
    if details is None:
        QMessageBox.information(parent, title, message)
        return
    box = QMessageBox(
        QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setDetailedText(details)
    box.exec()


def ok_cancel(
    dialog: QDialog, on_ok: Callable[[], object] | None = None, ok_text: str | None = None
) -> QDialogButtonBox:
    """OK (``on_ok``, else accept; ``ok_text`` renames it) and Cancel (reject) for
    ``dialog``, to be placed in its layout."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def size_within_screen(window: QWidget, wanted: tuple[int, int], least: tuple[int, int]) -> None:
    """``wanted`` (width, height) where the screen has room for it (with a margin), never
    smaller than ``least``: a dialog full of lists and previews uses a large screen."""
    screen = window.screen()
    room = screen.availableGeometry().size() * 0.92 if screen else None
    width = max(least[0], min(wanted[0], room.width() if room else least[0]))
    height = max(least[1], min(wanted[1], room.height() if room else least[1]))
    window.resize(width, height)


class ReasonDialog(QDialog):
    """Ask for a reason (e.g. shown to the member on the portal); required unless optional."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        prompt: str,
        *,
        required: bool = True,
        initial: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.required = required
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        self.text = QPlainTextEdit(initial)
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text)
        layout.addWidget(ok_cancel(self, self._accept))
        self.error = error_label()
        layout.addWidget(self.error)

    def _accept(self) -> None:
        if self.required and not self.reason():
            self.error.setText(tr("A reason is required."))
            return
        self.accept()

    def reason(self) -> str:
        return self.text.toPlainText().strip()


def ask_reason(
    parent: QWidget | None, title: str, prompt: str, *, required: bool = True, initial: str = ""
) -> str | None:
    dialog = ReasonDialog(parent, title, prompt, required=required, initial=initial)
    return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None

"""The one screen that shows a temporary password: with its letter to save or print.

The password is in the letter and on this screen only. The letter is written where the
user chooses (readable by its owner only), or previewed and printed from the application
without being written anywhere.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.private_files import write_whole
from backoffice.reports.accounts_letter import LetterKind, access_letter_pdf
from backoffice.services.accounts.access import AccessSent
from backoffice.views import formatting
from backoffice.views.widgets.dialogs import confirm, inform, note
from backoffice.views.widgets.preview import PdfPreview, show_pdf


def with_letter(sent: AccessSent) -> tuple[AccessSent, bytes]:
    """The access and its letter's PDF, rendered in the operation's worker thread."""
    return sent, access_letter_pdf(sent.letter)


def letter_file_name(sent: AccessSent) -> str:
    return f"acces-portail-{sent.login}.pdf"


class LetterDialog(QDialog):
    def __init__(self, parent: QWidget | None, sent: AccessSent, letter: bytes) -> None:
        super().__init__(parent)
        self.sent = sent
        self.letter = letter
        self.handled = False  # saved or opened: the password reaches the member
        self.setWindowTitle(tr("Access letter"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        headline = note(self._headline())
        layout.addWidget(headline)
        self.password = QLineEdit(sent.temporary_password)
        self.password.setReadOnly(True)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(18)
        font.setBold(True)
        self.password.setFont(font)
        layout.addWidget(self.password)
        hint = note(
            tr(
                "It is shown only this once and is not kept anywhere but in the letter. "
                "Print the letter and post it to the address it shows."
            )
        )
        layout.addWidget(hint)
        buttons = QDialogButtonBox()
        save = QPushButton(tr("Save the letter…"))
        save.clicked.connect(lambda _checked=False: self.save_letter())
        open_button = QPushButton(tr("Preview and print the letter…"))
        open_button.setDefault(True)
        open_button.clicked.connect(self.print_letter)
        buttons.addButton(open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _headline(self) -> str:
        valid = formatting.day(self.sent.letter.valid_until)
        if self.sent.kind == LetterKind.FIRST_ACCESS:
            return tr(
                "First access of {login} ({holder}), valid until {date}. Temporary password:",
                login=self.sent.login,
                holder=self.sent.holder,
                date=valid,
            )
        return tr(
            "New temporary password of {login} ({holder}), valid until {date}:",
            login=self.sent.login,
            holder=self.sent.holder,
            date=valid,
        )

    def save_letter(self, target: str | None = None) -> bool:
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self, tr("Save the letter"), letter_file_name(self.sent), tr("PDF (*.pdf)")
            )
        if not target:
            return False
        if not self._write(Path(target)):
            return False
        inform(self, tr("Letter saved"), tr("Saved in {path}.", path=target))
        return True

    def print_letter(self) -> PdfPreview:
        """The letter in the application's preview, to print (or save: owner-only)."""
        self.handled = True
        return show_pdf(
            self,
            tr("Access letter"),
            self.letter,
            name=letter_file_name(self.sent),
            kind="letters",
            private=True,
        )

    def _write(self, path: Path) -> bool:
        try:
            write_whole(path, self.letter)
        except OSError as error:
            reason = tr("{path} cannot be written ({reason}).", path=path, reason=error.strerror)
            inform(self, tr("Letter not written"), reason)
            return False
        self.handled = True
        return True

    def reject(self) -> None:
        if self.handled or confirm(
            self,
            tr("Letter not printed"),
            tr(
                "The letter was neither saved nor printed: once this window is closed, the "
                "temporary password is lost and the access must be reset again. Close anyway?"
            ),
            tr("Close without the letter"),
        ):
            super().reject()

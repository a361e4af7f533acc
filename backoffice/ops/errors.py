"""Turning failures into one French sentence in a dialog, in one place (as Tryton does)."""

from __future__ import annotations

import enum
import logging

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget
from sqlalchemy.engine import URL

from backoffice.errors import Kind, explain, is_connection_lost, redact
from backoffice.i18n import tr

__all__ = ["Choice", "describe", "is_connection_lost", "message_box", "show"]

log = logging.getLogger(__name__)


class Choice(enum.Enum):
    CLOSE = "close"
    RELOAD = "reload"
    RETRY = "retry"


def describe(error: BaseException, url: URL | str | None = None) -> tuple[str, str]:
    """(title, sentence) for any failure of a background operation (``backoffice.errors``)."""
    explained = explain(error, url)
    return explained.title, explained.message


def message_box(
    parent: QWidget | None,
    error: BaseException,
    details: str = "",
    *,
    can_reload: bool = False,
    url: URL | str | None = None,
) -> tuple[QMessageBox, dict[Choice, QAbstractButton]]:
    """The dialog for ``error`` (not shown) and its buttons by the choice they make."""
    explained = explain(error, url)
    box = QMessageBox(parent)
    box.setWindowTitle(explained.title)
    box.setText(explained.message)
    box.setIcon(QMessageBox.Icon.Warning)
    if explained.kind is Kind.UNEXPECTED:
        details = redact(details)
        log.error("unexpected failure: %s", details)
        box.setDetailedText(details)
        box.setIcon(QMessageBox.Icon.Critical)
    buttons: dict[Choice, QAbstractButton] = {}
    if explained.kind is Kind.CONFLICT and can_reload:
        buttons[Choice.RELOAD] = box.addButton(tr("Reload"), QMessageBox.ButtonRole.AcceptRole)
    if explained.kind is Kind.CONNECTION_LOST:
        buttons[Choice.RETRY] = box.addButton(tr("Try again"), QMessageBox.ButtonRole.AcceptRole)
    buttons[Choice.CLOSE] = box.addButton(tr("Close"), QMessageBox.ButtonRole.RejectRole)
    return box, buttons


def show(
    parent: QWidget | None,
    error: BaseException,
    details: str = "",
    *,
    can_reload: bool = False,
    url: URL | str | None = None,
) -> Choice:
    box, buttons = message_box(parent, error, details, can_reload=can_reload, url=url)
    box.exec()
    clicked = box.clickedButton()
    return next((choice for choice, button in buttons.items() if button is clicked), Choice.CLOSE)

"""Turning failures into one French sentence in a dialog, in one place (as Tryton does)."""

from __future__ import annotations

import enum
import logging

from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.engine import URL

from backoffice.errors import Kind, explain, is_connection_lost, redact
from backoffice.i18n import tr

__all__ = ["Choice", "describe", "is_connection_lost", "show"]

log = logging.getLogger(__name__)


class Choice(enum.Enum):
    CLOSE = "close"
    RELOAD = "reload"
    RETRY = "retry"


def describe(error: BaseException, url: URL | str | None = None) -> tuple[str, str]:
    """(title, sentence) for any failure of a background operation (``backoffice.errors``)."""
    explained = explain(error, url)
    return explained.title, explained.message


def show(
    parent: QWidget | None,
    error: BaseException,
    details: str = "",
    *,
    can_reload: bool = False,
    url: URL | str | None = None,
) -> Choice:
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
    reload_button = retry_button = None
    if explained.kind is Kind.CONFLICT and can_reload:
        reload_button = box.addButton(tr("Reload"), QMessageBox.ButtonRole.AcceptRole)
    if explained.kind is Kind.CONNECTION_LOST:
        retry_button = box.addButton(tr("Try again"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("Close"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if reload_button is not None and clicked is reload_button:
        return Choice.RELOAD
    if retry_button is not None and clicked is retry_button:
        return Choice.RETRY
    return Choice.CLOSE

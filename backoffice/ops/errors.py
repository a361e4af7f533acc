"""Turning failures into one French sentence in a dialog, in one place (as Tryton does)."""

from __future__ import annotations

import enum
import logging

from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import exc
from sqlalchemy.orm.exc import StaleDataError

from backoffice.db import DatabaseProblem, DatabaseUnreachable, translate_error
from backoffice.i18n import tr
from backoffice.services.errors import Conflict, PermissionDenied, ServiceError

log = logging.getLogger(__name__)


class Choice(enum.Enum):
    CLOSE = "close"
    RELOAD = "reload"
    RETRY = "retry"


def is_connection_lost(error: BaseException) -> bool:
    if isinstance(error, DatabaseUnreachable):
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, exc.OperationalError | exc.InterfaceError) and not _is_lock(error)


def _is_lock(error: BaseException) -> bool:
    return "locked" in str(error).lower() or "could not serialize" in str(error).lower()


def describe(error: BaseException) -> tuple[str, str]:
    """(title, sentence) for any failure of a background operation."""
    if isinstance(error, StaleDataError | Conflict):
        message = (
            error.message
            if isinstance(error, Conflict)
            else tr(
                "Someone else (a colleague or the member on the portal) changed this record since "
                "you opened it. Your change was not saved."
            )
        )
        return tr("Changed by someone else"), message
    if isinstance(error, PermissionDenied):
        return tr("Not allowed"), error.message
    if isinstance(error, ServiceError):
        return tr("Refused"), error.message
    if is_connection_lost(error):
        return tr("Connection lost"), tr(
            "The connection to the database was lost. What you typed is kept: try again "
            "when the server is back."
        )
    if isinstance(error, exc.IntegrityError | exc.OperationalError) and _is_lock(error):
        return tr("Busy"), tr("The database is busy with another change; try again.")
    if isinstance(error, DatabaseProblem):
        return tr("Database"), error.message
    if isinstance(error, exc.SQLAlchemyError):
        return tr("Database"), translate_error(error, "").message
    return tr("Unexpected error"), tr(
        "An unexpected error occurred; nothing was saved. The details below help the support."
    )


def show(
    parent: QWidget | None, error: BaseException, details: str = "", *, can_reload: bool = False
) -> Choice:
    title, message = describe(error)
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(message)
    box.setIcon(QMessageBox.Icon.Warning)
    unexpected = not isinstance(
        error, ServiceError | StaleDataError | DatabaseProblem
    ) and not is_connection_lost(error)
    if unexpected:
        log.error("unexpected failure: %s", details)
        box.setDetailedText(details)
        box.setIcon(QMessageBox.Icon.Critical)
    reload_button = retry_button = None
    if isinstance(error, StaleDataError | Conflict) and can_reload:
        reload_button = box.addButton(tr("Reload"), QMessageBox.ButtonRole.AcceptRole)
    if is_connection_lost(error):
        retry_button = box.addButton(tr("Try again"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("Close"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if reload_button is not None and clicked is reload_button:
        return Choice.RELOAD
    if retry_button is not None and clicked is retry_button:
        return Choice.RETRY
    return Choice.CLOSE

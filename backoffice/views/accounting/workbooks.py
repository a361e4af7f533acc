"""Saving an accounting report as an Excel workbook: where (remembered with the other
accounting files), written in the background by its service, then said where."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.files import ask_save_path, excel_filter
from backoffice.views.widgets.operations import write


def save_workbook(
    view: QWidget,
    title: str,
    name: str,
    export: Callable[[Path], Callable[[Session], object]],
    busy: str,
) -> None:
    """Ask where to save ``name``; ``export(path)`` is the service call writing it."""
    path = ask_save_path(view, title, name, excel_filter(), kind="accounting")
    if path is None:
        return
    write(view, export(path), busy, writes=False).success(
        lambda _result: inform(view, title, tr("Written to {path}.", path=str(path)))
    ).run()

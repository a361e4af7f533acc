"""F1 lists the shortcuts from the same declarations the buttons are built from."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from backoffice.models import Role
from backoffice.views.main_window import MainWindow
from tests.gui.conftest import idle

pytestmark = pytest.mark.gui


def test_the_shortcuts_list_is_the_buttons(
    qtbot: QtBot, make_context, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = make_context(Role.ADMINISTRATIVE)
    window = MainWindow(context)
    qtbot.addWidget(window)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    window.show_shortcuts()
    text = shown[0]
    page = window.page("changes")
    assert page is not None
    for button in (page.panel.approve_button, page.panel.reject_button, page.bulk_button):
        assert button.text() in text  # « Approuver (Ctrl+Entrée) », the same words
    assert "Débloquer… (Ctrl+D)" in text  # a section not opened yet is listed too
    assert "Nouveau cabinet comptable… (Ctrl+N)" in text
    assert "Exporter le fichier… (Ctrl+E)" not in text  # SEPA: not this role's
    qtbot.waitUntil(idle(context))

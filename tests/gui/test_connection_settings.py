"""Issue 14.7: a PostgreSQL password typed in the settings is kept in the keyring or the
connection is not switched: without a usable keyring, the user is told and keeps it."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from backoffice import config
from backoffice.ops.context import AppContext
from backoffice.views.settings.dialog import SettingsDialog
from tests.gui.conftest import idle


@pytest.fixture
def no_keyring() -> Iterator[None]:
    usable = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(usable)


def _type_a_server(qtbot: QtBot, context: AppContext, password: str) -> SettingsDialog:
    dialog = SettingsDialog(context, tab="database")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: all(tab.loaded for tab in dialog.tabs.values()), timeout=10000)
    tab = dialog.tabs["database"]
    tab.backend.setCurrentIndex(1)
    tab.host.setText("db.example")
    tab.database_name.setText("production")
    tab.user.setText("staff")
    tab.password.setText(password)
    return dialog


def test_without_a_keyring_the_connection_is_not_switched_nor_the_password_lost(
    qtbot: QtBot, context: AppContext, no_keyring: None
) -> None:
    dialog = _type_a_server(qtbot, context, "s3cr%t")
    dialog.save()
    assert "trousseau" in dialog.error.text()
    assert "s3cr%t" not in dialog.error.text()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.current_tab() == "database"
    assert dialog.tabs["database"].password.text() == "s3cr%t"  # still there to try again
    assert config.LocalConfig.load().database_url is None  # the next start is unchanged
    qtbot.waitUntil(idle(context))


def test_with_a_keyring_the_password_is_kept_there_and_never_in_the_file(
    qtbot: QtBot, context: AppContext
) -> None:
    dialog = _type_a_server(qtbot, context, "s3cr%t")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    saved = config.LocalConfig.load().database_url
    assert saved is not None and "db.example" in saved
    assert "s3cr%t" not in config.LocalConfig.path().read_text(encoding="utf-8")
    assert keyring.get_password("backoffice", "staff@db.example:5432/production") == "s3cr%t"
    config.LocalConfig.path().unlink()
    qtbot.waitUntil(idle(context))

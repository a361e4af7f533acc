"""Settings, documents, administration; the installed application's self-check."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from backoffice.db import Database
from backoffice.models import Role
from backoffice.ops.context import AppContext
from backoffice.services import documents, identity, settings
from backoffice.services.permissions import Actor
from backoffice.views.documents.page import DocumentsPage
from backoffice.views.pages.administration import AdministrationPage, StaffDialog
from backoffice.views.settings.dialog import SettingsDialog
from tests.gui.conftest import idle

PEOPLE = len(Role) - 1  # a staff member of every role; the system account is not listed


def test_settings_refuse_a_bad_value_in_its_tab_and_save_them_all(
    qtbot: QtBot, sqlite_database: Database, context: AppContext
) -> None:
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: all(tab.loaded for tab in dialog.tabs.values()), timeout=10000)
    identity_tab = dialog.tabs["identity"]
    identity_tab.inputs["creditor_id"].setText("FR00ZZZ000000")
    dialog.tabs["sepa"].notice_days.setValue(16)
    dialog.tabs["billing"].plan.setText("15/02, 15/06, 15/10")
    dialog.save()
    qtbot.waitUntil(lambda: "ICS" in dialog.error.text(), timeout=10000)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.current_tab() == "identity"
    assert identity_tab.inputs["creditor_id"].styleSheet()  # marked in red
    assert identity_tab.inputs["creditor_id"].text() == "FR00ZZZ000000"  # kept as typed
    with sqlite_database.session() as session:  # nothing of the other tabs was saved
        assert settings.get(session, "sepa.prenotification_days") == 14
    dialog.tabs["billing"].plan.setText("15/02, 31/02")
    dialog.save()  # a mistyped date is said before anything runs
    assert dialog.current_tab() == "billing" and "15/03" in dialog.error.text()
    dialog.tabs["billing"].plan.setText("15/02, 15/06, 15/10")
    identity_tab.inputs["creditor_id"].setText("FR72ZZZ123456")
    identity_tab.inputs["billing_phone"].setText("03 53 48 10 99")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    with sqlite_database.session() as session:
        assert settings.get(session, "sepa.prenotification_days") == 16
        assert settings.get(session, "billing.default_instalment_plan") == [
            "02-15",
            "06-15",
            "10-15",
        ]
        assert identity.load(session).billing_phone == "03 53 48 10 99"


def test_settings_are_read_only_below_administrator(qtbot: QtBot, make_context: object) -> None:
    context = make_context(Role.BILLING)  # type: ignore[operator]
    dialog = SettingsDialog(context, tab="identity")
    qtbot.addWidget(dialog)
    assert dialog.current_tab() == "identity"
    assert not dialog.tabs["identity"].inputs["legal_name"].isEnabled()
    assert not dialog.tabs["identity"].add_account_button.isEnabled()
    assert dialog.tabs["language"].language.isEnabled()  # this workstation's own
    qtbot.waitUntil(idle(context))


def test_documents_page_lists_and_publishes(
    qtbot: QtBot,
    qtmodeltester: object,
    sqlite_database: Database,
    context: AppContext,
    sqlite_actors: dict[str, Actor],
) -> None:
    with sqlite_database.transaction() as session:
        theme = documents.themes(session, sqlite_actors["administrator"])[0]
        documents.add_document(
            session,
            sqlite_actors["administrator"],
            theme.id,
            "Statuts",
            "statuts.pdf",
            "application/pdf",
            b"%PDF-1.4 statuts",
        )
    page = DocumentsPage(context)
    qtbot.addWidget(page)
    page.show()  # a live page: it reloads what changes while it is on screen
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    page.table.setCurrentIndex(page.table.model().index(0, 0))
    page.toggle_published()
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 1 and page.model.row_at(0).published, timeout=10000
    )
    qtbot.waitUntil(idle(context))


def test_administration_creates_an_account_and_shows_its_password_once(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, context: AppContext
) -> None:
    page = AdministrationPage(context)
    qtbot.addWidget(page)
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == PEOPLE, timeout=10000)

    def fill(dialog: StaffDialog) -> int:
        dialog.login.setText("nouvelle")
        dialog.full_name.setText("Nouvelle Assistante")
        dialog.role.setCurrentIndex(dialog.role.findData(Role.MEDICAL_ASSISTANT))
        dialog.submit()  # OK: the dialog saves, then closes
        qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
        return QDialog.DialogCode.Accepted

    told: list[str] = []
    monkeypatch.setattr(StaffDialog, "exec", fill)
    monkeypatch.setattr(
        "backoffice.views.pages.administration.inform",
        lambda _parent, _title, message: told.append(message),
    )
    page.create()
    qtbot.waitUntil(lambda: page.model.rowCount() == PEOPLE + 1 and bool(told), timeout=10000)
    assert "nouvelle" in told[0] and "une seule fois" in told[0]
    qtbot.waitUntil(idle(context))


def test_a_refused_account_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot, context: AppContext
) -> None:
    """Issue 20, 7.9: the dialog checks before it closes (a login already taken)."""
    page = AdministrationPage(context)
    qtbot.addWidget(page)
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == PEOPLE, timeout=10000)
    taken = page.model.row_at(0).login
    dialog = StaffDialog(context, page)
    qtbot.addWidget(dialog)
    dialog.login.setText(taken)
    dialog.full_name.setText("Homonyme")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.text() != "", timeout=10000)
    qtbot.waitUntil(idle(context))
    assert dialog.result is None and dialog.login.text() == taken
    assert dialog.full_name.text() == "Homonyme"


@pytest.mark.slow
def test_self_check_opens_and_closes_the_main_window(tmp_path: object) -> None:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "backoffice", "--self-check"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pages" in result.stdout
